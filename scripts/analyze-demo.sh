#!/usr/bin/env bash
# Quick start: runs the offline pipeline on the bundled attack-story capture and
# prints the summary; logs land in ./fleetwatch-demo-logs.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build -c release --product fleetctl
out="${1:-fleetwatch-demo-logs}"
mkdir -p "$out"
.build/release/fleetctl analyze Tests/Fixtures/pcap/story-reverse-shell.pcap --out "$out"
echo
echo "Zeek-format logs written to $out/:"
ls -l "$out"
