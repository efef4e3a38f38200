#!/usr/bin/env bash
# Fleetwatch ingest load benchmark (issue 3, "Must show" 5).
#
#   Benchmarks/load.sh                       # 1,000 agents x 4 batches x ~290 records, 3 repetitions
#   REPS=5 CONNECTIONS=1000 BATCHES=4 CONNS_PER_BATCH=200 WINDOW=1 Benchmarks/load.sh
#
# One repetition: start a release `fleet-aggregator --plaintext --allow-any-agent` on
# 127.0.0.1 (a free port it picks) with a fresh temp SQLite store, run `fleet-loadgen` against it
# (N agent connections, realistic conn+dns+http batches encoded with FleetWire like the agent
# does; it checks the store's row counts equal what was sent), then the raw insert rate of the
# same records through SQLiteFlowStore.ingest(contentsOf:) in a second fresh store, and the ratio.
# Prints every repetition's RESULT line and the medians. Loopback only; every process we start
# is stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."

REPS="${REPS:-3}"
CONNECTIONS="${CONNECTIONS:-1000}"
BATCHES="${BATCHES:-4}"
CONNS_PER_BATCH="${CONNS_PER_BATCH:-200}"
WINDOW="${WINDOW:-1}"
EXTRA_AGGREGATOR_ARGS="${EXTRA_AGGREGATOR_ARGS:-}"
CONFIG="${CONFIG:-release}"            # debug only for trying the script out; figures are release
SCRATCH="${SCRATCH:-.build}"

log() { printf '%s\n' "$*" >&2; }

if [ -z "${SKIP_BUILD:-}" ]; then
    log "load: building $CONFIG (fleet-aggregator, fleet-loadgen)"
    swift build -c "$CONFIG" --scratch-path "$SCRATCH" --product fleet-aggregator >&2
    swift build -c "$CONFIG" --scratch-path "$SCRATCH" --product fleet-loadgen >&2
fi
BIN="$(swift build -c "$CONFIG" --scratch-path "$SCRATCH" --show-bin-path)"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/fleetload.XXXXXX")"
AGG_PID=""
cleanup() {
    if [ -n "$AGG_PID" ] && kill -0 "$AGG_PID" 2>/dev/null; then
        kill -TERM "$AGG_PID" 2>/dev/null || true
        wait "$AGG_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

ulimit -n 65536 2>/dev/null || ulimit -n 8192 2>/dev/null || true

results=()
for rep in $(seq 1 "$REPS"); do
    dir="$TMP/rep$rep"
    mkdir -p "$dir"
    # shellcheck disable=SC2086
    "$BIN/fleet-aggregator" --listen 127.0.0.1:0 --store "$dir/agg.sqlite" --plaintext --allow-any-agent --retention 0 \
        --log-level info $EXTRA_AGGREGATOR_ARGS 2>"$dir/aggregator.log" &
    AGG_PID=$!
    port=""
    for _ in $(seq 1 200); do
        port="$(grep -o 'listen.port=[0-9]*' "$dir/aggregator.log" 2>/dev/null | head -1 | cut -d= -f2 || true)"
        [ -n "$port" ] && break
        kill -0 "$AGG_PID" 2>/dev/null || { cat "$dir/aggregator.log" >&2; exit 1; }
        sleep 0.05
    done
    [ -n "$port" ] || { log "load: aggregator did not report its port"; cat "$dir/aggregator.log" >&2; exit 1; }
    line="$("$BIN/fleet-loadgen" --aggregator "127.0.0.1:$port" --store "$dir/agg.sqlite" \
        --aggregator-pid "$AGG_PID" --raw-store "$dir/raw.sqlite" --connections "$CONNECTIONS" \
        --batches "$BATCHES" --conns-per-batch "$CONNS_PER_BATCH" --window "$WINDOW" --seed "$rep")"
    kill -TERM "$AGG_PID"
    wait "$AGG_PID" || true
    AGG_PID=""
    log "load: rep $rep: $line"
    results+=("$line")
    rm -f "$dir"/*.sqlite*
done

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
field() { printf '%s\n' "${results[@]}" | grep -o " $1=[0-9.]*" | cut -d= -f2 | median; }
echo
echo "load benchmark ($CONFIG): $CONNECTIONS agents x $BATCHES batches x $CONNS_PER_BATCH conns (+dns/http), window $WINDOW, $REPS reps, medians"
echo "  records per run         $(printf '%s\n' "${results[0]}" | grep -o ' records=[0-9]*' | cut -d= -f2)"
echo "  ingest records/s        $(field ingest_rps)"
echo "  ack latency p50 ms      $(field p50_ms)"
echo "  ack latency p99 ms      $(field p99_ms)"
echo "  aggregator CPU s        $(field aggregator_cpu_s)"
echo "  raw insert records/s    $(field raw_rps)"
echo "  raw records/CPU-s       $(field raw_cpu_rps)"
echo "  ratio ingest/raw        $(field ratio)   (goal >= 0.5)"
