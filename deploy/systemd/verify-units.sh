#!/usr/bin/env bash
# Checks the systemd units with `systemd-analyze verify` (Debian's systemd package): any warning fails.
# The units name /usr/local/bin; the check points them at the binaries of a build folder instead.
# Usage: deploy/systemd/verify-units.sh [BIN_DIR]   (default: the debug build, .build/debug)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin_dir="$(cd "${1:-$here/../../.build/debug}" && pwd)"
command -v systemd-analyze >/dev/null || { echo "verify-units: systemd-analyze missing (apt-get install systemd)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for unit in "$here"/*.service; do
    name="$(basename "$unit")"
    binary="${name%.service}"
    [ -x "$bin_dir/$binary" ] || { echo "verify-units: $bin_dir/$binary not built" >&2; exit 1; }
    sed "s#/usr/local/bin/$binary#$bin_dir/$binary#g" "$unit" > "$work/$name"
    output="$(systemd-analyze verify "$work/$name" 2>&1)" || status=1
    if [ -n "$output" ]; then
        echo "$output" >&2
        status=1
    fi
    [ $status -eq 0 ] && echo "verify-units: $name ok"
done
exit $status
