#!/usr/bin/env bash
# Recall / false-positive test of the detectors on the labelled scenarios (integration/scenarios/*).
#
# Makes the live captures with make-scenarios.sh (needs root and `ip netns`; without them the live
# scenarios are skipped with the reason and only the byte-written fixture scenarios run), then scores
# every scenario through a mode (lib/evaluate.py) against its manifest.json.
#
# Usage: integration/run-scenarios.sh [--mode both|analyze|agent] [--captures DIR] [--require-live] [NAME...]
#   --mode M         analyze: `fleetctl analyze`; agent: fleet-agent --read -> fleet-aggregator on loopback
#                    -> `fleetctl anomalies`; both (default): one result table per mode
#   --captures DIR   use (or keep) the captures in DIR instead of a temporary folder; existing
#                    DIR/NAME.pcap files are reused, missing ones are made
#   --require-live   fail instead of skipping when the live captures cannot be made
# Env: FLEETCTL, FLEET_AGGREGATOR, FLEET_AGENT (default .build/debug/*, built when missing), FW_HOLD
# (see make-scenarios.sh). Fails below 100 % recall on attack steps or when any benign flow is flagged
# above low, in any mode.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
mode=both
captures=
require_live=
names=()
while [ $# -gt 0 ]; do
    case "$1" in
        --mode) mode=$2; shift 2 ;;
        --captures) captures=$2; shift 2 ;;
        --require-live) require_live=--require-live; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) names+=("$1"); shift ;;
    esac
done

case "$mode" in
    both) modes=(analyze agent) ;;
    analyze|agent) modes=("$mode") ;;
    *) echo "run-scenarios: --mode must be both, analyze or agent" >&2; exit 2 ;;
esac

FLEETCTL=${FLEETCTL:-$ROOT/.build/debug/fleetctl}
FLEET_AGGREGATOR=${FLEET_AGGREGATOR:-$ROOT/.build/debug/fleet-aggregator}
FLEET_AGENT=${FLEET_AGENT:-$ROOT/.build/debug/fleet-agent}
if [ ! -x "$FLEETCTL" ]; then
    (cd "$ROOT" && swift build --product fleetctl)
fi
if [[ " ${modes[*]} " == *" agent "* ]]; then
    [ -x "$FLEET_AGGREGATOR" ] || (cd "$ROOT" && swift build --product fleet-aggregator)
    [ -x "$FLEET_AGENT" ] || (cd "$ROOT" && swift build --product fleet-agent)
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

failed=0
for m in "${modes[@]}"; do
    echo "== mode $m"
    status=0
    python3 "$HERE/lib/evaluate.py" --mode "$m" --fleetctl "$FLEETCTL" --aggregator "$FLEET_AGGREGATOR" \
        --agent "$FLEET_AGENT" --scenarios "$HERE/scenarios" --captures "$captures" --root "$ROOT" \
        $require_live ${names[@]+"${names[@]}"} || status=$?
    [ "$status" = 0 ] || { [ "$failed" != 0 ] || failed=$status; }
done
exit "$failed"
