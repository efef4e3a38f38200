#!/usr/bin/env bash
# Fleetwatch throughput benchmark.
#
#   Benchmarks/run.sh            # 1 M packets, 5 repetitions, writes Benchmarks/results/latest.md
#   REPS=3 PACKETS=200000 FLOWS=20000 Benchmarks/run.sh
#
# One run: builds release once, generates the mix capture into a temp dir (so it
# sits in the page cache), then times, REPS times each (medians reported):
#   libpcap loop   Benchmarks/pcap-loop/pcap_loop.c, cc -O2 -lpcap (the baseline)
#   fleet-bench    Capture.PcapFileReader -> FlowTracking.PacketPipeline, records discarded
#   fleetctl       `fleetctl analyze FILE --out DIR -o none` (writes Zeek logs)
#   fleetctl-detect  the same plus the detectors (findings as JSON lines)
#   softflowd      -r FILE, NetFlow v9 to 127.0.0.1:9 (loopback discard port)
#   argus          -r FILE -w /dev/null
#   nfpcapd        -r FILE -w DIR
# plus peak RSS (/usr/bin/time -v) and a flow-table bound check: fleet-bench with a
# small --max-flows on the 1x and the 2x capture; RSS should not grow with the file.
#
# Traffic goes nowhere but loopback. Every process is started and waited for by PID.
set -euo pipefail
cd "$(dirname "$0")/.."

REPS="${REPS:-5}"
PACKETS="${PACKETS:-1000000}"
FLOWS="${FLOWS:-100000}"
SEED="${SEED:-1}"
SMALL_MAX_FLOWS="${SMALL_MAX_FLOWS:-1000}"
RESULTS="${RESULTS:-Benchmarks/results/latest.md}"

log() { printf '%s\n' "$*" >&2; }

# --- packages -----------------------------------------------------------------
need=()
for p in softflowd argus-server nfdump libpcap-dev time; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    log "bench: installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# --- build (release, once) ----------------------------------------------------
log "bench: building release (fleet-pcapgen, fleet-bench, fleetctl)"
for product in fleet-pcapgen fleet-bench fleetctl; do
    swift build -c release --product "$product" >&2
done
BIN="$(swift build -c release --show-bin-path)"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/fleetbench.XXXXXX")"
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT

cc -O2 -Wall -o "$TMP/pcap_loop" Benchmarks/pcap-loop/pcap_loop.c -lpcap

# --- captures -----------------------------------------------------------------
MIX="$TMP/mix.pcap"
MIX2="$TMP/mix2x.pcap"
log "bench: generating $PACKETS-packet mix"
gen_start=$(date +%s%N)
"$BIN/fleet-pcapgen" mix --packets "$PACKETS" --flows "$FLOWS" --seed "$SEED" --out "$MIX" | tee "$TMP/gen.txt" >&2
gen_ms=$(( ($(date +%s%N) - gen_start) / 1000000 ))
"$BIN/fleet-pcapgen" mix --packets $((PACKETS * 2)) --flows $((FLOWS * 2)) --seed "$SEED" --out "$MIX2" >&2
cat "$MIX" "$MIX2" >/dev/null  # page cache
MIX_BYTES=$(stat -c %s "$MIX")

# --- measurement helpers ------------------------------------------------------
# Each run appends "name wall_s cpu_s rss_kb self_pps" to $TMP/runs.
: >"$TMP/runs"

# timed NAME CMD... : wall time by date, CPU and peak RSS by /usr/bin/time -v.
timed() {
    local name="$1"; shift
    local start end
    start=$(date +%s%N)
    if ! /usr/bin/time -v -o "$TMP/time.txt" "$@" >"$TMP/out.txt" 2>"$TMP/err.txt"; then
        log "bench: $name failed: $(tail -3 "$TMP/err.txt" | tr '\n' ' ')"
        cp "$TMP/err.txt" "$TMP/$name.err"
        return 0
    fi
    end=$(date +%s%N)
    record "$name" "$start" "$end"
}

record() {
    local name="$1" start="$2" end="$3"
    local wall user sys rss pps
    wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f", (e - s) / 1e9 }')
    user=$(awk -F': ' '/User time/ { print $2 }' "$TMP/time.txt")
    sys=$(awk -F': ' '/System time/ { print $2 }' "$TMP/time.txt")
    rss=$(awk -F': ' '/Maximum resident/ { print $2 }' "$TMP/time.txt")
    pps=$(grep -o 'pps=[0-9]*' "$TMP/out.txt" | tail -1 | cut -d= -f2 || true)
    echo "$name $wall $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') $rss ${pps:--}" >>"$TMP/runs"
    cp "$TMP/out.txt" "$TMP/$name.out"
}

# softflowd 1.1.0 with -r blocks in accept() on its control socket before each
# pcap_dispatch() batch (at most -m packets). We give it -m above the packet count,
# poke it once with `softflowctl statistics`, wait (by PID) until it has read the
# whole file, then `softflowctl shutdown` expires and exports every flow.
run_softflowd() {
    local ctl="$TMP/softflowd.ctl" start end pid pos
    rm -f "$ctl"
    start=$(date +%s%N)
    /usr/bin/time -v -o "$TMP/time.txt" softflowd -r "$MIX" -n 127.0.0.1:9 -v 9 -6 -d \
        -m $((PACKETS * 2)) -p "$TMP/softflowd.pid" -c "$ctl" >"$TMP/out.txt" 2>&1 &
    pid=$!
    for _ in $(seq 1 500); do [ -S "$ctl" ] && break; sleep 0.01; done
    softflowctl -c "$ctl" statistics >/dev/null 2>&1 || true
    local sf_pid
    sf_pid=$(cat "$TMP/softflowd.pid" 2>/dev/null || pgrep -P "$pid" softflowd || true)
    for _ in $(seq 1 60000); do
        pos=$(awk '/^pos:/ { print $2 }' "/proc/$sf_pid/fdinfo/3" 2>/dev/null || echo "$MIX_BYTES")
        [ "${pos:-0}" -ge "$MIX_BYTES" ] && break
        sleep 0.005
    done
    softflowctl -c "$ctl" shutdown >/dev/null 2>&1 || true
    wait "$pid" || true
    end=$(date +%s%N)
    record softflowd "$start" "$end"
}

# --- runs ---------------------------------------------------------------------
HAS_MAXFLOWS_FLEETCTL=0
"$BIN/fleetctl" analyze --help 2>/dev/null | grep -q -- '--max-flows' && HAS_MAXFLOWS_FLEETCTL=1
FLEETCTL_OK=1
"$BIN/fleetctl" analyze --help >/dev/null 2>&1 || FLEETCTL_OK=0

for rep in $(seq 1 "$REPS"); do
    log "bench: repetition $rep/$REPS"
    timed libpcap-loop "$TMP/pcap_loop" "$MIX"
    timed fleet-bench "$BIN/fleet-bench" "$MIX"
    if [ "$FLEETCTL_OK" -eq 1 ]; then
        rm -rf "$TMP/logs"; mkdir -p "$TMP/logs"
        timed fleetctl-analyze "$BIN/fleetctl" analyze "$MIX" --out "$TMP/logs" -o none
        timed fleetctl-detect "$BIN/fleetctl" analyze "$MIX" --out "$TMP/logs" -o json
    fi
    run_softflowd
    timed argus argus -r "$MIX" -w /dev/null
    rm -rf "$TMP/nfdump"; mkdir -p "$TMP/nfdump"
    timed nfpcapd nfpcapd -r "$MIX" -w "$TMP/nfdump"
done

# Flow-table bound: small --max-flows, 1x and 2x packets.
for rep in $(seq 1 "$REPS"); do
    timed bound-1x "$BIN/fleet-bench" --max-flows "$SMALL_MAX_FLOWS" "$MIX"
    timed bound-2x "$BIN/fleet-bench" --max-flows "$SMALL_MAX_FLOWS" "$MIX2"
    timed unbounded-2x "$BIN/fleet-bench" "$MIX2"
    if [ "$HAS_MAXFLOWS_FLEETCTL" -eq 1 ]; then
        rm -rf "$TMP/logs"; mkdir -p "$TMP/logs"
        timed fleetctl-bound-1x "$BIN/fleetctl" analyze "$MIX" --out "$TMP/logs" -o none --max-flows "$SMALL_MAX_FLOWS"
        rm -rf "$TMP/logs"; mkdir -p "$TMP/logs"
        timed fleetctl-bound-2x "$BIN/fleetctl" analyze "$MIX2" --out "$TMP/logs" -o none --max-flows "$SMALL_MAX_FLOWS"
    fi
done

# --- report -------------------------------------------------------------------
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v n="$1" -v c="$2" '$1 == n && $c != "-" { print $c }' "$TMP/runs"; }
packets_of() { case "$1" in *2x) echo $((PACKETS * 2)) ;; *) echo "$PACKETS" ;; esac; }

table_row() {
    local name="$1" wall cpu rss self pkts wallpps cpupps
    wall=$(col "$name" 2 | median); cpu=$(col "$name" 3 | median)
    rss=$(col "$name" 4 | median); self=$(col "$name" 5 | median)
    [ "$wall" = "-" ] && { echo "| $name | failed or skipped | | | | | |"; return; }
    pkts=$(packets_of "$name")
    wallpps=$(awk -v p="$pkts" -v s="$wall" 'BEGIN { printf "%d", p / s }')
    cpupps=$(awk -v p="$pkts" -v s="$cpu" 'BEGIN { if (s > 0) printf "%d", p / s; else print "-" }')
    [ "$self" != "-" ] && self=$(printf '%.0f' "$self")
    echo "| $name | $pkts | $wall | $wallpps | $self | $cpupps | $((rss / 1024)) |"
}

LOOP_PPS=$(col libpcap-loop 5 | median)
BENCH_PPS=$(col fleet-bench 5 | median)
RATIO=$(awk -v b="$BENCH_PPS" -v l="$LOOP_PPS" 'BEGIN { if (l > 0 && b != "-") printf "%.3f", b / l; else print "-" }')
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

mkdir -p "$(dirname "$RESULTS")"
{
    echo "# Fleetwatch benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo
    echo "- Host: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), load average at end: $LOAD"
    echo "- Commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown); Swift: $(swift --version 2>/dev/null | head -1)"
    echo "- Capture: \`fleet-pcapgen mix --packets $PACKETS --flows $FLOWS --seed $SEED\` ($(cat "$TMP/gen.txt" | sed 's/^fleet-pcapgen mix: //; s/ -> .*//')), generated in $((gen_ms / 1000)).$(printf '%03d' $((gen_ms % 1000))) s, read from page cache"
    echo "- $REPS repetitions each; medians. *wall pps* = packets / process wall time (startup included);"
    echo "  *self pps* = what the tool reports for its read loop; *CPU pps* = packets / (user + sys)."
    echo
    echo "| run | packets | wall s | wall pps | self pps | CPU pps | peak RSS MiB |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for name in libpcap-loop fleet-bench fleetctl-analyze fleetctl-detect softflowd argus nfpcapd bound-1x bound-2x unbounded-2x fleetctl-bound-1x fleetctl-bound-2x; do
        grep -q "^$name " "$TMP/runs" && table_row "$name"
    done
    echo
    echo "- **bare pipeline / libpcap loop = $RATIO** (goal >= 0.5), self-reported pps: $BENCH_PPS / $LOOP_PPS"
    echo "- Flow-table bound: \`fleet-bench --max-flows $SMALL_MAX_FLOWS\` on 1x and 2x packets (bound-1x, bound-2x) vs unbounded on 2x; peak RSS should stay flat for the bounded runs."
    [ "$HAS_MAXFLOWS_FLEETCTL" -eq 1 ] || echo "- \`fleetctl analyze\` has no --max-flows option yet: its bound check was skipped."
    [ "$FLEETCTL_OK" -eq 1 ] || echo "- \`fleetctl analyze\` is not available yet: skipped."
    for name in fleet-bench bound-1x bound-2x unbounded-2x; do
        [ -f "$TMP/$name.out" ] && echo "- $name last line: \`$(tail -1 "$TMP/$name.out")\`"
    done
    echo "- Peers: softflowd $(dpkg-query -W -f='${Version}' softflowd 2>/dev/null) (\`-r FILE -n 127.0.0.1:9 -v 9 -6 -m 2xPACKETS\`, driven through softflowctl), argus $(dpkg-query -W -f='${Version}' argus-server 2>/dev/null) (\`-r FILE -w /dev/null\`), nfpcapd $(dpkg-query -W -f='${Version}' nfdump 2>/dev/null) (\`-r FILE -w DIR\`)."
} >"$RESULTS"

cat "$RESULTS"
