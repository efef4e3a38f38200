#!/usr/bin/env bash
# Fleetwatch ingest load benchmark (issue 3 "Must show" 5; PostgreSQL: issue 7 "Must show" 3).
#
#   Benchmarks/load.sh                                   # SQLite: 1,000 agents x 4 batches x ~290 records, 3 reps
#   REPS=5 CONNECTIONS=1000 BATCHES=4 CONNS_PER_BATCH=200 WINDOW=1 Benchmarks/load.sh
#   STORE=postgres AGGREGATORS="1 2" Benchmarks/load.sh  # PostgreSQL: 1 then 2 aggregators, scaling ratio
#
# One repetition (SQLite): start a release `fleet-aggregator --plaintext --allow-any-agent` on
# 127.0.0.1 (a free port it picks) with a fresh temp SQLite store, run `fleet-loadgen` against it
# (N agent connections, realistic conn+dns+http batches encoded with FleetWire like the agent
# does; it checks the store's row counts equal what was sent), then the raw insert rate of the
# same records through SQLiteFlowStore.ingest(contentsOf:) in a second fresh store, and the ratio.
#
# STORE=postgres: runs itself under scripts/with-postgres.sh (a throwaway PostgreSQL cluster on
# 127.0.0.1), or uses the server of FLEET_BENCH_POSTGRES_URL (postgres://user@127.0.0.1:PORT/DB; the
# user must be allowed CREATE DATABASE). Each repetition of each aggregator count gets two fresh
# databases (dropped after it): the aggregators' and the raw measurement's. AGGREGATORS lists
# aggregator counts (e.g. "1 2"); for each, that many release fleet-aggregators start on free
# loopback ports, all with `--store <that database>`, and fleet-loadgen deals its agent connections
# round-robin over them and checks PostgreSQL's row counts. The raw ceiling stores the same records
# through PostgresFlowStore.ingest(contentsOf:) with RAW_PARALLEL concurrent writers (default: the
# aggregator count: one IngestWriter per aggregator). Repetitions interleave the counts (rep 1:
# 1, 2; rep 2: 1, 2; ...) so machine noise hits both alike; with two or more counts the script
# prints the scaling ratio (median records/s of the last count / the first). RAW_REPS=K measures
# the raw ceiling in the first K repetitions only (default: all).
#
# Prints every repetition's RESULT line and the medians. Loopback only; every process we start
# is stopped by its PID.
set -euo pipefail
script="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."

REPS="${REPS:-3}"
CONNECTIONS="${CONNECTIONS:-1000}"
BATCHES="${BATCHES:-4}"
CONNS_PER_BATCH="${CONNS_PER_BATCH:-200}"
WINDOW="${WINDOW:-1}"
EXTRA_AGGREGATOR_ARGS="${EXTRA_AGGREGATOR_ARGS:-}"
CONFIG="${CONFIG:-release}"            # debug only for trying the script out; figures are release
SCRATCH="${SCRATCH:-.build}"
STORE="${STORE:-sqlite}"
AGGREGATORS="${AGGREGATORS:-1}"
RAW_PARALLEL="${RAW_PARALLEL:-}"
RAW_REPS="${RAW_REPS:-$REPS}"          # repetitions that also measure the raw ceiling (the first ones)

log() { printf '%s\n' "$*" >&2; }

case "$STORE" in
    sqlite | postgres) ;;
    *) log "load: STORE must be sqlite or postgres, got $STORE"; exit 2 ;;
esac
for n in $AGGREGATORS; do
    case "$n" in
        [1-9] | [1-9][0-9]) ;;
        *) log "load: AGGREGATORS must list counts 1-99, got '$AGGREGATORS'"; exit 2 ;;
    esac
    if [ "$STORE" = sqlite ] && [ "$n" != 1 ]; then
        log "load: several aggregators share one store only with STORE=postgres"
        exit 2
    fi
done

if [ -z "${SKIP_BUILD:-}" ]; then
    log "load: building $CONFIG (fleet-aggregator, fleet-loadgen)"
    swift build -c "$CONFIG" --scratch-path "$SCRATCH" --product fleet-aggregator >&2
    swift build -c "$CONFIG" --scratch-path "$SCRATCH" --product fleet-loadgen >&2
fi
BIN="$(swift build -c "$CONFIG" --scratch-path "$SCRATCH" --show-bin-path)"

PG_URL=""
if [ "$STORE" = postgres ]; then
    PG_URL="${FLEET_BENCH_POSTGRES_URL:-}"
    if [ -z "$PG_URL" ]; then
        if [ -z "${_FLEET_LOAD_UNDER_PG:-}" ]; then
            # Run the rest under a throwaway PostgreSQL (with-postgres.sh stops it by PID at the end).
            exec env _FLEET_LOAD_UNDER_PG=1 SKIP_BUILD=1 scripts/with-postgres.sh "$script"
        fi
        PG_URL="${FLEET_TEST_POSTGRES_URL:?with-postgres.sh did not set FLEET_TEST_POSTGRES_URL}"
    fi
    PSQL="${PSQL:-$(command -v psql || ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)}"
    [ -x "$PSQL" ] || { log "load: psql not found (set PSQL)"; exit 1; }
fi

# The URL of database NAME on PG_URL's server (query parameters kept); psql gets it without them.
db_url() { printf '%s' "$PG_URL" | sed -E "s#^(postgres(ql)?://[^/]+)/[^?]*#\\1/$1#"; }
admin_sql() { "$PSQL" "${PG_URL%%\?*}" -v ON_ERROR_STOP=1 -qAtc "$1" >/dev/null; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/fleetload.XXXXXX")"
AGG_PIDS=()
DATABASES=()
# TERM each aggregator we started, KILL it after 20 s (its shutdown must not hang the run).
stop_aggregators() {
    local pid _
    for pid in "${AGG_PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; fi
    done
    for pid in "${AGG_PIDS[@]}"; do
        for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
        wait "$pid" 2>/dev/null || true
    done
    AGG_PIDS=()
}
drop_databases() {
    local db
    for db in "${DATABASES[@]}"; do admin_sql "DROP DATABASE IF EXISTS $db" || true; done
    DATABASES=()
}
cleanup() {
    stop_aggregators
    if [ "$STORE" = postgres ]; then drop_databases; fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ulimit -n 65536 2>/dev/null || ulimit -n 8192 2>/dev/null || true

# Starts one aggregator on STORE_ARG; prints its port.
start_aggregator() {
    local logfile="$1" store="$2" port="" _
    # shellcheck disable=SC2086
    "$BIN/fleet-aggregator" --listen 127.0.0.1:0 --store "$store" --plaintext --allow-any-agent --retention 0 \
        --log-level info $EXTRA_AGGREGATOR_ARGS 2>"$logfile" &
    AGG_PIDS+=($!)
    local pid=$!
    for _ in $(seq 1 400); do
        port="$(grep -o 'listen.port=[0-9]*' "$logfile" 2>/dev/null | head -1 | cut -d= -f2 || true)"
        [ -n "$port" ] && break
        kill -0 "$pid" 2>/dev/null || { cat "$logfile" >&2; return 1; }
        sleep 0.05
    done
    [ -n "$port" ] || { log "load: aggregator did not report its port"; cat "$logfile" >&2; return 1; }
    PORT="$port"
}

declare -A results
for rep in $(seq 1 "$REPS"); do
    for n in $AGGREGATORS; do
        dir="$TMP/rep$rep-agg$n"
        mkdir -p "$dir"
        if [ "$STORE" = postgres ]; then
            db="fleet_load_r${rep}_a${n}_$$"
            raw="fleet_raw_r${rep}_a${n}_$$"
            DATABASES=("$db" "$raw")
            admin_sql "CREATE DATABASE $db"
            admin_sql "CREATE DATABASE $raw"
            store="$(db_url "$db")"
            raw_store="$(db_url "$raw")"
        else
            store="$dir/agg.sqlite"
            raw_store="$dir/raw.sqlite"
        fi
        addresses=""
        pid_args=()
        for i in $(seq 1 "$n"); do
            start_aggregator "$dir/aggregator$i.log" "$store"
            addresses="${addresses:+$addresses,}127.0.0.1:$PORT"
            pid_args+=(--aggregator-pid "${AGG_PIDS[$((${#AGG_PIDS[@]} - 1))]}")
        done
        log "load: rep $rep, $n aggregator(s) ($STORE) on $addresses"
        raw_args=()
        if [ "$rep" -le "$RAW_REPS" ]; then raw_args=(--raw-store "$raw_store" --raw-parallel "${RAW_PARALLEL:-$n}"); fi
        line="$("$BIN/fleet-loadgen" --aggregators "$addresses" --store "$store" "${pid_args[@]}" \
            "${raw_args[@]}" --connections "$CONNECTIONS" \
            --batches "$BATCHES" --conns-per-batch "$CONNS_PER_BATCH" --window "$WINDOW" --seed "$rep")"
        stop_aggregators
        log "load: rep $rep, $n aggregator(s): $line  (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
        results[$n]+="$line"$'\n'
        if [ "$STORE" = postgres ]; then drop_databases; else rm -f "$dir"/*.sqlite*; fi
    done
done

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
field() { printf '%s' "${results[$1]}" | grep -o " $2=[0-9.]*" | cut -d= -f2 | median; }
all() { printf '%s' "${results[$1]}" | grep -o " $2=[0-9.]*" | cut -d= -f2 | paste -sd' ' -; }
echo
for n in $AGGREGATORS; do
    echo "load benchmark ($CONFIG, $STORE, $n aggregator(s)): $CONNECTIONS agents x $BATCHES batches x $CONNS_PER_BATCH conns (+dns/http), window $WINDOW, $REPS reps, medians"
    echo "  records per run         $(printf '%s' "${results[$n]}" | head -n 1 | grep -o ' records=[0-9]*' | cut -d= -f2)"
    echo "  ingest records/s        $(field "$n" ingest_rps)   (reps: $(all "$n" ingest_rps))"
    echo "  ack latency p50 ms      $(field "$n" p50_ms)"
    echo "  ack latency p99 ms      $(field "$n" p99_ms)"
    echo "  aggregator CPU s        $(field "$n" aggregator_cpu_s)   (all aggregators)"
    echo "  raw insert records/s    $(field "$n" raw_rps)   (${RAW_PARALLEL:-$n} writer(s); reps: $(all "$n" raw_rps))"
    echo "  raw records/CPU-s       $(field "$n" raw_cpu_rps)   (this process only$([ "$STORE" = postgres ] && echo '; PostgreSQL server CPU not included'))"
    echo "  ratio ingest/raw        $(field "$n" ratio)   (goal >= 0.5)"
done
set -- $AGGREGATORS
if [ $# -ge 2 ]; then
    first="$1"
    last="${!#}"
    a="$(field "$first" ingest_rps)"
    b="$(field "$last" ingest_rps)"
    echo "scaling ratio ($last vs $first aggregators, median records/s): $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", b / a}')"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
