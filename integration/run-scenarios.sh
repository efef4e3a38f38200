#!/usr/bin/env bash
# Recall / false-positive test of the detectors on the labelled scenarios (integration/scenarios/*).
#
# Makes the live captures with make-scenarios.sh (needs root and `ip netns`; without them the live
# scenarios are skipped with the reason and only the byte-written fixture scenarios run), then scores
# every scenario through a mode (lib/evaluate.py) against its manifest.json.
#
# Usage: integration/run-scenarios.sh [--mode analyze|agent] [--captures DIR] [--require-live] [NAME...]
#   --captures DIR   use (or keep) the captures in DIR instead of a temporary folder; existing
#                    DIR/NAME.pcap files are reused, missing ones are made
#   --require-live   fail instead of skipping when the live captures cannot be made
# Env: FLEETCTL (default .build/debug/fleetctl, built when missing), FW_HOLD (see make-scenarios.sh).
# Fails below 100 % recall on attack steps or when any benign flow is flagged above low.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
mode=analyze
captures=
require_live=
names=()
while [ $# -gt 0 ]; do
    case "$1" in
        --mode) mode=$2; shift 2 ;;
        --captures) captures=$2; shift 2 ;;
        --require-live) require_live=--require-live; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) names+=("$1"); shift ;;
    esac
done

FLEETCTL=${FLEETCTL:-$ROOT/.build/debug/fleetctl}
if [ ! -x "$FLEETCTL" ]; then
    (cd "$ROOT" && swift build --product fleetctl)
fi

cleanup=
if [ -z "$captures" ]; then
    captures=$(mktemp -d /tmp/fw-scenarios.XXXXXX)
    cleanup=$captures
fi
trap '[ -n "$cleanup" ] && rm -rf "$cleanup"' EXIT

# Live scenarios whose capture is not there yet.
live=()
for drive in "$HERE"/scenarios/*/drive.sh; do
    name=$(basename "$(dirname "$drive")")
    if [ ${#names[@]} -gt 0 ] && [[ ! " ${names[*]} " == *" $name "* ]]; then continue; fi
    [ -s "$captures/$name.pcap" ] || live+=("$name")
done
if [ ${#live[@]} -gt 0 ]; then
    status=0
    "$HERE/make-scenarios.sh" "$captures" "${live[@]}" || status=$?
    if [ "$status" = 77 ]; then
        echo "run-scenarios: SKIPPED live scenarios (${live[*]}): needs root and ip netns; only fixture scenarios run" >&2
        [ -n "$require_live" ] && exit 1
    elif [ "$status" != 0 ]; then
        echo "run-scenarios: making the live captures failed ($status)" >&2
        exit 1
    fi
fi

python3 "$HERE/lib/evaluate.py" --mode "$mode" --fleetctl "$FLEETCTL" --scenarios "$HERE/scenarios" \
    --captures "$captures" --root "$ROOT" $require_live ${names[@]+"${names[@]}"}
