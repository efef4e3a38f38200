#!/usr/bin/env bash
# Quick start: the whole product on one machine, on the embedded default (SQLite).
#   1. installs the system packages (libpcap-dev, zlib1g-dev, libsqlite3-dev) when missing and builds;
#   2. starts fleet-aggregator (ingest + query API + detectors, SQLite store in a temp dir) on loopback;
#   3. feeds fleet-agent the bundled capture of the attack story (Tests/Fixtures/pcap/story-reverse-shell.pcap,
#      written byte by byte by our own `fleet-pcapgen story`), shifted so it happened within the last hour;
#   4. prints `fleetctl anomalies --since 1h` and `fleetctl agents`, then stops what it started.
# Everything stays on 127.0.0.1. Usage: scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
echo "fleetwatch demo: building (first build takes a few minutes)…" >&2
swift build 2>&1 | grep -E "error|warning: .*Sources/|Compiling|Build complete" | grep -v "^\[" >&2 || true
bin=".build/debug"
for tool in fleet-aggregator fleet-agent fleetctl; do
    [ -x "$bin/$tool" ] || { echo "demo: $bin/$tool was not built" >&2; exit 1; }
done

work="$(mktemp -d)"
aggregator_pid=""
cleanup() {
    if [ -n "$aggregator_pid" ] && kill -0 "$aggregator_pid" 2>/dev/null; then
        kill -TERM "$aggregator_pid" 2>/dev/null || true
        wait "$aggregator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
ingest_port="$(free_port)"
api_port="$(free_port)"
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/api-token"
export FLEET_SERVER="127.0.0.1:$api_port"
FLEET_TOKEN="$(cat "$work/api-token")"
export FLEET_TOKEN

"$bin/fleet-aggregator" --listen "127.0.0.1:$ingest_port" --api "127.0.0.1:$api_port" \
    --api-token-file "$work/api-token" --store "$work/fleet.sqlite" --allow-any-agent --plaintext \
    --log-level warning 2> "$work/aggregator.log" &
aggregator_pid=$!

# Wait for the query API (the aggregator migrates the store first).
for _ in $(seq 1 100); do
    "$bin/fleetctl" agents -o json >/dev/null 2>&1 && break
    kill -0 "$aggregator_pid" 2>/dev/null || { cat "$work/aggregator.log" >&2; exit 1; }
    sleep 0.1
done

echo "fleetwatch demo: agent vm-api-1 ships the story capture to the aggregator on 127.0.0.1:$ingest_port" >&2
FLEET_TOKEN=demo "$bin/fleet-agent" --read Tests/Fixtures/pcap/story-reverse-shell.pcap \
    --replay-start "$(( $(date +%s) - 2700 ))" --aggregator "127.0.0.1:$ingest_port" --plaintext \
    --agent-id vm-api-1 --hostname api-1 --vpc-cidr 172.31.0.0/16 --spool "$work/spool" \
    --metrics off --log-level warning

# Detection runs right after each batch is stored; wait until the incident is queryable.
for _ in $(seq 1 100); do
    [ -n "$("$bin/fleetctl" anomalies --since 1h --severity critical -o json 2>/dev/null)" ] && break
    sleep 0.1
done

echo
echo "\$ fleetctl anomalies --since 1h"
"$bin/fleetctl" anomalies --since 1h
echo
echo "\$ fleetctl agents"
"$bin/fleetctl" agents
echo
echo "\$ fleetctl anomalies --since 1h --severity critical -o json"
"$bin/fleetctl" anomalies --since 1h --severity critical -o json
