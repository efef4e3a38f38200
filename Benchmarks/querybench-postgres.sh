#!/usr/bin/env bash
# fleetctl query latency on PostgreSQL (issue 7 "Must show" 3): fleet-querybench --store postgres://...
#
#   Benchmarks/querybench-postgres.sh                    # 10 M conns, 7 timed runs per command
#   CONNS=1000000 RUNS=3 Benchmarks/querybench-postgres.sh
#   Benchmarks/querybench-postgres.sh --reload           # extra arguments go to fleet-querybench
#   SKIP_BUILD=1 BIN=.build/release ...                  # no swift build call at all
#
# Runs fleet-querybench (release) against a PostgreSQL cluster kept in PG_DIR (default
# /tmp/fleet-querybench-pg; scripts/with-postgres.sh with FLEET_PG_DIR: initdb'd on first use,
# started on a free 127.0.0.1 port, stopped by PID at the end, data kept), so the long 10 M load
# happens once: fleet-querybench reuses schema fleet_querybench when it already holds the day
# (same CONNS), else loads it through PostgresFlowStore.ingest(contentsOf:) with the secondary
# indexes built after the load. With FLEET_BENCH_POSTGRES_URL set, that server is used instead.
# Remove PG_DIR to free the disk (at 10 M conns: 6.3 GB of data plus up to 8 GB of WAL).
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS="${CONNS:-10000000}"
RUNS="${RUNS:-7}"
CONFIG="${CONFIG:-release}"
SCRATCH="${SCRATCH:-.build}"
PG_DIR="${PG_DIR:-/tmp/fleet-querybench-pg}"

if [ -z "${SKIP_BUILD:-}" ]; then
    echo "querybench-postgres: building $CONFIG (fleet-querybench, fleetctl)" >&2
    swift build -c "$CONFIG" --scratch-path "$SCRATCH" --product fleet-querybench >&2
    swift build -c "$CONFIG" --scratch-path "$SCRATCH" --product fleetctl >&2
fi
BIN="${BIN:-$(swift build -c "$CONFIG" --scratch-path "$SCRATCH" --show-bin-path)}"

# shellcheck disable=SC2016
run='exec "$0" --store "${FLEET_BENCH_POSTGRES_URL:-$FLEET_TEST_POSTGRES_URL}" "$@"'
args=("$BIN/fleet-querybench" --conns "$CONNS" --runs "$RUNS" --fleetctl "$BIN/fleetctl" "$@")
if [ -n "${FLEET_BENCH_POSTGRES_URL:-}" ]; then
    bash -c "$run" "${args[@]}"
else
    # Fewer checkpoints during the bulk load; queries run with the default shared_buffers.
    FLEET_PG_DIR="$PG_DIR" FLEET_PG_OPTIONS="${FLEET_PG_OPTIONS:--c max_wal_size=8GB -c checkpoint_timeout=30min}" \
        scripts/with-postgres.sh bash -c "$run" "${args[@]}"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
