#!/usr/bin/env bash
# Regenerates Sources/FleetProto from proto/fleet/v1/*.proto with protoc and
# protoc-gen-swift (swift-protobuf 1.39.0, built once into .build-protoc).
# Usage: scripts/gen-proto.sh          regenerate in place
#        scripts/gen-proto.sh --check  regenerate into a temp dir and fail if the
#                                      committed output differs
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v protoc >/dev/null 2>&1; then
    scripts/install-deps.sh protobuf-compiler
fi
plugin=.build-protoc/release/protoc-gen-swift
if [ ! -x "$plugin" ]; then
    swift build -c release --product protoc-gen-swift --scratch-path .build-protoc
fi

out=Sources/FleetProto
check=0
if [ "${1:-}" = "--check" ]; then
    check=1
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
fi

if [ "$check" -eq 0 ]; then
    find Sources/FleetProto -name '*.pb.swift' -delete
fi
protoc --plugin=protoc-gen-swift="$plugin" \
    --swift_out="$out" \
    --swift_opt=Visibility=Public \
    --proto_path=proto \
    proto/fleet/v1/*.proto

if [ "$check" -eq 1 ]; then
    if diff -r -x Placeholder.swift -x '*.md' "$out/fleet" Sources/FleetProto/fleet; then
        echo "gen-proto: Sources/FleetProto is current"
    else
        echo "gen-proto: Sources/FleetProto is stale; run scripts/gen-proto.sh" >&2
        exit 1
    fi
fi
