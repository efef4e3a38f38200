#!/usr/bin/env bash
# CPU seconds (user + sys) and peak RSS of several commands on one capture, run interleaved so that a
# change of machine speed hits them all alike; prints each command's median and every run.
#
#   Benchmarks/cpu-compare.sh RUNS CAPTURE 'COMMAND {}' ['COMMAND {}' ...]
#
# `{}` in a command is replaced by the capture, `{out}` by a scratch directory emptied before each run.
# Example (session 6's figures: two builds of fleetctl, logs only and with the detectors):
#   Benchmarks/cpu-compare.sh 3 mix.pcap 'old/fleetctl analyze -o none --out {out} {}' \
#       'new/fleetctl analyze -o none --out {out} {}' 'old/fleetctl analyze -o json --out {out} {}' \
#       'new/fleetctl analyze -o json --out {out} {}'
set -euo pipefail
if [ $# -lt 3 ]; then sed -n '2,11p' "$0" >&2; exit 2; fi
runs=$1 capture=$2
shift 2
[ -r "$capture" ] || { echo "cpu-compare: cannot read $capture" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "cpu-compare: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/cpu-compare.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
commands=("$@")
declare -a seconds rss
for _ in $(seq "$runs"); do
    for i in "${!commands[@]}"; do
        template=${commands[i]}
        rm -rf "$scratch/out" && mkdir -p "$scratch/out"
        command=${template//\{out\}/$scratch/out}
        command=${command//\{\}/$capture}
        # shellcheck disable=SC2086
        /usr/bin/time -o "$scratch/time" -f "%U %S %M" $command >/dev/null 2>&1 || { echo "cpu-compare: failed: $command" >&2; exit 1; }
        read -r user sys kb < "$scratch/time"
        seconds[i]="${seconds[i]:-} $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
        rss[i]=$((kb / 1024))
    done
done
for i in "${!commands[@]}"; do
    template=${commands[i]}
    median=$(echo ${seconds[i]} | tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    echo "median ${median} s CPU, peak RSS ${rss[i]} MiB, runs:${seconds[i]} :: $template"
done
