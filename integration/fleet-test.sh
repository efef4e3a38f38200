#!/usr/bin/env bash
# Fleet in a box (issue 6): three VMs capturing live with fleet-agent, one aggregator, real traffic, an
# attack, two faults — then `fleetctl anomalies` / `fleetctl agents` must tell the story.
#
#   integration/fleet-test.sh            (root + ip netns; otherwise it says why and exits 0)
#
# Topology (lib/netns.sh, plus vm3 172.31.7.21 and the aggregator 172.31.0.10 in the VPC):
#   vm1 172.31.6.55 (vulnerable app :3000, SSH-like :22), vm2 172.31.9.10 (database-like :5432),
#   vm3 172.31.7.21 (database-like :5432, SSH-like :22): each runs `fleet-agent --interface eth0` (libpcap,
#   default BPF filter, which leaves out the agent's own traffic to the aggregator) shipping in plain TCP
#   with a per-agent token to `fleet-aggregator` (SQLite store in the state directory, query API on the
#   aggregator namespace's loopback, noise file naming the metadata/time stand-ins and the VPC).
# Traffic (~FW_FLEET_DURATION s, default 110): DNS then HTTPS/HTTP to github.com and api.chucknorris.io,
#   metadata and time stand-ins, intra-VPC database calls and health checks between the VMs, web visitors,
#   a long SSH-like admin session; at ~60 s the attack: the story's percent-encoded injection from
#   35.217.6.162 to vm1:3000 and a working reverse shell to the attacker's listener (held FW_HOLD s).
# Faults: the aggregator is SIGKILLed at ~30 s and restarted 4 s later on the same store; vm2's path to
#   the aggregator loses 10 % of its packets each way (iptables statistic DROP inside vm2's namespace).
# Checks (any failure fails the script): the critical injection-callback finding names 35.217.6.162 and
#   /dangerzone; nothing but the attack's findings (integration/fleet-manifest.json) above low; every agent
#   registered with 0 missed batches at the aggregator and 0 lost at the agent; per agent, records shipped
#   (the agent's exit summary after SIGTERM, plus a spool drain run) == records stored (`fleetctl agents`);
#   no stored connection to the aggregator's ingest port; detection latency of the callback (its SYN seen
#   by tcpdump in the attacker's namespace → the critical finding queryable, polled every 0.5 s) ≤ 10 s.
# Output: a short report (agents, records shipped/stored, findings by severity, latency), also written
#   to $FLEET_REPORT (default .build/fleet-test/report.txt).
# Env: FLEET_BIN (default .build/debug; built when missing), FW_FLEET_DURATION, FW_HOLD (default 30),
#      FW_KEEP_STATE=1 keeps the state directory (logs, store) after teardown.
# Network rule: every address lives in namespaces this script creates; everything is torn down on exit.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

# shellcheck source=lib/netns.sh
source "$HERE/lib/netns.sh"

if [ "$(id -u)" -eq 0 ]; then
    for tool in dnsmasq ethtool tcpdump curl openssl iptables; do
        command -v "$tool" >/dev/null || {
            "$ROOT/scripts/install-deps.sh" dnsmasq-base ethtool tcpdump curl openssl iptables >&2 || true
            break
        }
    done
fi
if ! why=$(fw_check); then
    echo "fleet-test: SKIP: cannot build namespaces here: $why" >&2
    exit 0
fi
command -v iptables >/dev/null || { echo "fleet-test: iptables is missing (Debian package iptables)" >&2; exit 1; }

BIN=${FLEET_BIN:-$ROOT/.build/debug}
for tool in fleet-aggregator fleet-agent fleetctl; do
    if [ ! -x "$BIN/$tool" ]; then
        echo "fleet-test: building (missing $BIN/$tool)" >&2
        (cd "$ROOT" && swift build)
        break
    fi
done
REPORT=${FLEET_REPORT:-$ROOT/.build/fleet-test/report.txt}
mkdir -p "$(dirname "$REPORT")"

PY=$(python3 -c 'import sys; print(sys.executable)')
SERVICES="$HERE/lib/services.py"
DURATION=${FW_FLEET_DURATION:-110}
FW_HOLD=${FW_HOLD:-30}
VMS=(vm1 vm2 vm3)
LOSSY=vm2
AGG_ADDR=172.31.0.10
INGEST="$AGG_ADDR:7070"
API=127.0.0.1:7071

svc() { local ns=$1 log=$2; shift 2; fw_spawn "$ns" "$log" "$PY" -u "$SERVICES" "$@"; }
now() { date +%s.%N; }
elapsed() { "$PY" -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }
fctl() {
    local command=$1; shift
    fw_exec agg "$BIN/fleetctl" "$command" --server "$API" --token "$API_TOKEN" "$@"
}

start_services() {
    local cert="$FW_STATE/web.pem" key="$FW_STATE/web.key"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=github.com" \
        -addext "subjectAltName=DNS:github.com,DNS:api.chucknorris.io" -keyout "$key" -out "$cert" 2>/dev/null
    fw_spawn dns dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --user=root \
        --listen-address="${FW_ADDR[dns]}" --bind-interfaces --local-ttl=300 --log-queries --log-facility=- \
        --pid-file= \
        --host-record=github.com,"${FW_ADDR[gh]}" --host-record=api.chucknorris.io,"${FW_ADDR[joke]}"
    svc vm1 vulnapp vulnapp --port 3000
    svc vm1 sshd-vm1 echo --port 22 --banner 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'
    svc vm2 db-vm2 echo --port 5432
    svc vm3 db-vm3 echo --port 5432
    svc vm3 sshd-vm3 echo --port 22 --banner 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'
    svc meta metadata metadata --bind "${FW_ADDR[meta]}"
    svc meta ntp ntp --bind "${FW_ADDR[time]}"
    svc gh web-gh web --name github.com --cert "$cert" --key "$key"
    svc joke web-joke web --name api.chucknorris.io --cert "$cert" --key "$key"
    svc atk listener listener --port 3000 --hold "$FW_HOLD"
    fw_wait_listen vm1 3000; fw_wait_listen vm1 22; fw_wait_listen vm2 5432; fw_wait_listen vm3 5432; fw_wait_listen vm3 22
    fw_wait_listen meta 80; fw_wait_listen gh 443; fw_wait_listen joke 443; fw_wait_listen atk 3000
    fw_wait_resolver "$PY" "$SERVICES"
}

# The aggregator (again on the same store after the SIGKILL); waits for its query API.
start_aggregator() {
    fw_spawn agg aggregator "$BIN/fleet-aggregator" --listen "$INGEST" --api "$API" \
        --api-token-file "$FW_STATE/api-token" --store "$FW_STATE/fleet.sqlite" --tokens "$FW_STATE/tokens" \
        --plaintext --noise "$FW_STATE/noise.conf"
    AGG_PID=$FW_LAST_PID
    local i
    for i in $(seq 150); do
        fctl agents -o json >/dev/null 2>&1 && return 0
        kill -0 "$AGG_PID" 2>/dev/null || break
        sleep 0.1
    done
    fw_log "aggregator did not come up"; tail -20 "$FW_STATE/log/aggregator.log" >&2; return 1
}

declare -A AGENT_PID
start_agent() {
    local vm=$1
    fw_spawn "$vm" "agent-$vm" "$BIN/fleet-agent" --interface eth0 --aggregator "$INGEST" --plaintext \
        --agent-id "$vm" --hostname "$vm" --token "token-$vm" --spool "$FW_STATE/spool-$vm" \
        --metrics 127.0.0.1:9464 --vpc-cidr "$FW_VPC_CIDR"
    AGENT_PID[$vm]=$FW_LAST_PID
}

# 10 % loss each way on VM's path to the aggregator (this kernel has no netem).
add_loss() {
    local vm=$1
    fw_exec "$vm" iptables -A OUTPUT -p tcp -d "$AGG_ADDR" --dport 7070 -m statistic --mode random --probability 0.1 -j DROP
    fw_exec "$vm" iptables -A INPUT -p tcp -s "$AGG_ADDR" --sport 7070 -m statistic --mode random --probability 0.1 -j DROP
}

# SIGTERM (the agent flushes its flows and spools what is unacknowledged), then its exit summary.
stop_agent() {
    local vm=$1 pid=${AGENT_PID[$1]} i
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then fw_log "agent $vm did not stop in 30 s"; kill -KILL "$pid"; fi
    wait "$pid" 2>/dev/null || true
}

# summary LOG KEY: the value of KEY in the agent's "agent finished" line.
summary() {
    { grep "agent finished" "$FW_STATE/log/$1.log" 2>/dev/null | tail -1 | grep -o "$2=[0-9]*" | cut -d= -f2; } || true
}

fw_init
mkdir -p "$FW_STATE/out"
fw_topology_up
fw_host_add vm3 vpc 172.31.7.21
fw_host_add agg vpc "$AGG_ADDR"
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$FW_STATE/api-token"
API_TOKEN=$(cat "$FW_STATE/api-token")
for vm in "${VMS[@]}"; do echo "$vm token-$vm"; done >"$FW_STATE/tokens"
cat >"$FW_STATE/noise.conf" <<EOF
# The sandbox's metadata and time stand-ins (never 169.254.169.254 on a live network), its VPC, the admin.
endpoint metadata ${FW_ADDR[meta]}/32
endpoint time ${FW_ADDR[time]}/32
network $FW_VPC_CIDR
allow cidr ${FW_ADDR[admin]}/32
EOF
"$PY" -c 'import struct, sys; open(sys.argv[1], "wb").write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))' \
    "$FW_STATE/empty.pcap"

start_services
start_aggregator
add_loss "$LOSSY"
for vm in "${VMS[@]}"; do start_agent "$vm"; done
for vm in "${VMS[@]}"; do
    for i in $(seq 100); do grep -q "connected to aggregator" "$FW_STATE/log/agent-$vm.log" 2>/dev/null && break; sleep 0.1; done
    grep -q "connected to aggregator" "$FW_STATE/log/agent-$vm.log" || { fw_log "agent $vm did not connect"; exit 1; }
done
sleep 1
fw_log "fleet up: aggregator pid $AGG_PID, agents ${AGENT_PID[*]}; driving ${DURATION}s of traffic"

start=$(now)
clients=()
svc vm1 noise-vm1 noise --duration "$DURATION" --rounds 1000 --pause 5; clients+=("$FW_LAST_PID")
svc vm2 noise-vm2 noise --duration "$DURATION" --rounds 1000 --pause 5 --db 172.31.7.21; clients+=("$FW_LAST_PID")
svc vm3 noise-vm3 noise --duration "$DURATION" --rounds 1000 --pause 5 --db "${FW_ADDR[vm2]}"; clients+=("$FW_LAST_PID")
svc admin admin-vm1 admin --host "${FW_ADDR[vm1]}" --duration "$DURATION"; clients+=("$FW_LAST_PID")
svc admin admin-vm3 admin --host 172.31.7.21 --duration $((DURATION / 2)); clients+=("$FW_LAST_PID")
svc visit visit-vm1 visitor --host "${FW_ADDR[vm1]}" --count $((DURATION / 8)) --pause 7; clients+=("$FW_LAST_PID")
svc vm2 health-vm2 visitor --host "${FW_ADDR[vm1]}" --path /health --count $((DURATION / 6)) --pause 5; clients+=("$FW_LAST_PID")
svc vm3 health-vm3 visitor --host "${FW_ADDR[vm1]}" --path /health --count $((DURATION / 6)) --pause 5; clients+=("$FW_LAST_PID")

# Fault: the aggregator dies mid-stream and comes back on the same store.
sleep 30
fw_log "SIGKILL aggregator (pid $AGG_PID)"
kill -KILL "$AGG_PID"
wait "$AGG_PID" 2>/dev/null || true
sleep 4
start_aggregator
fw_log "aggregator restarted (pid $AGG_PID)"

# The attack, ~60 s in: injection, reverse shell; time its detection.
sleep 26
fw_spawn atk tcpdump-callback tcpdump -i eth0 -n -tt -l -c 1 \
    "dst host ${FW_ADDR[atk]} and dst port 3000 and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn"
for i in $(seq 50); do grep -q "listening on" "$FW_STATE/log/tcpdump-callback.log" 2>/dev/null && break; sleep 0.1; done
fw_log "attack: injection from ${FW_ADDR[atk]} to ${FW_ADDR[vm1]}:3000"
svc atk inject inject --host "${FW_ADDR[vm1]}" --callback "${FW_ADDR[atk]}" --callback-port 3000 --payload devtcp
found=
deadline=$(( $(date +%s) + 40 ))
while [ "$(date +%s)" -lt "$deadline" ]; do
    if fctl anomalies --since 1h --severity critical --detector injection-callback -o json 2>/dev/null \
        >"$FW_STATE/out/first-critical.jsonl" && grep -q "${FW_ADDR[atk]}" "$FW_STATE/out/first-critical.jsonl"; then
        found=$(now)
        break
    fi
    sleep 0.5
done
syn=$(grep -m1 -E '^[0-9]+\.[0-9]+ IP ' "$FW_STATE/log/tcpdump-callback.log" | cut -d' ' -f1 || true)
latency=
if [ -n "$found" ] && [ -n "$syn" ]; then
    latency=$(elapsed "$syn" "$found")
    fw_log "critical finding queryable ${latency}s after the callback's SYN"
else
    fw_log "callback SYN at '${syn:-never}', critical finding at '${found:-never}'"
fi

# The finding must have come from the open callback's (early) interim record, not its final one.
opened=$("$PY" -c 'import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(any(r.get("evidence", {}).get("callback_open") == "true" for r in rows))' "$FW_STATE/out/first-critical.jsonl" || true)
if [ "$opened" = True ]; then
    fw_log "the finding came from an interim record of the callback (still open)"
elif [ -n "$found" ]; then
    fw_log "FAIL: the first critical finding does not come from an interim record (callback_open is not true)"
    latency=
fi

for pid in "${clients[@]}"; do wait "$pid" || true; done
fw_log "traffic done after $(elapsed "$start" "$(now)")s; metrics of vm1: $(fw_exec vm1 curl -s -m 2 http://127.0.0.1:9464/metrics \
    | awk '/^fleet_agent_records_total/ {n += $2} END {print n + 0}') records produced"
sleep 2

# The agents stop (SIGTERM: flows closed, unacknowledged batches spooled); a drain run ships the spool.
echo "{" >"$FW_STATE/out/shipped.json"
separator=
for vm in "${VMS[@]}"; do
    stop_agent "$vm"
    records=$(summary "agent-$vm" records.batched)
    lost=$(summary "agent-$vm" batches.lost)
    pending=$(summary "agent-$vm" batches.pending)
    fw_log "agent $vm stopped: ${records:-?} records, ${pending:-?} batches pending, ${lost:-?} lost"
    if [ "${pending:-0}" != 0 ]; then
        fw_exec "$vm" timeout 90 "$BIN/fleet-agent" --read "$FW_STATE/empty.pcap" --aggregator "$INGEST" --plaintext \
            --agent-id "$vm" --hostname "$vm" --token "token-$vm" --spool "$FW_STATE/spool-$vm" --metrics off \
            --vpc-cidr "$FW_VPC_CIDR" --drain-timeout 60 >>"$FW_STATE/log/drain-$vm.log" 2>&1 || true
        more=$(summary "drain-$vm" records.batched)
        records=$(( ${records:-0} + ${more:-0} ))
        more=$(summary "drain-$vm" batches.lost)
        lost=$(( ${lost:-0} + ${more:-0} ))
        pending=$(summary "drain-$vm" batches.pending)
        fw_log "agent $vm spool drained: ${pending:-?} batches pending"
    fi
    printf '%s "%s": {"records": %s, "lost": %s, "pending": %s}\n' "$separator" "$vm" "${records:-null}" \
        "${lost:-null}" "${pending:-null}" >>"$FW_STATE/out/shipped.json"
    separator=,
done
echo "}" >>"$FW_STATE/out/shipped.json"
sleep 2

fctl anomalies --since 1h -o json >"$FW_STATE/out/anomalies.jsonl"
fctl agents -o json >"$FW_STATE/out/agents.jsonl"
status=0
if [ -n "$(fctl conn --since 1h --port 7070 -o json)" ]; then
    fw_log "FAIL: connections to the aggregator's ingest port were captured (the default BPF filter should exclude them)"
    status=1
fi
{
    echo "fleet test $(date -u +%Y-%m-%dT%H:%M:%SZ): ${#VMS[@]} agents capturing live, ${DURATION}s of traffic,"
    echo "aggregator SIGKILLed and restarted once, 10 % loss each way on $LOSSY's path to the aggregator"
} >"$REPORT.head"
if ! "$PY" "$HERE/lib/fleetcheck.py" --manifest "$HERE/fleet-manifest.json" --anomalies "$FW_STATE/out/anomalies.jsonl" \
    --agents "$FW_STATE/out/agents.jsonl" --shipped "$FW_STATE/out/shipped.json" --expect-agents "$(IFS=,; echo "${VMS[*]}")" \
    ${latency:+--latency "$latency"} --report "$REPORT.body"; then
    status=1
fi
cat "$REPORT.head" "$REPORT.body" >"$REPORT"
rm -f "$REPORT.head" "$REPORT.body"
echo "fleet-test: report in $REPORT" >&2
if [ "$status" != 0 ]; then
    FW_KEEP_STATE=1
    fw_log "logs and store kept in $FW_STATE"
fi
fw_teardown
exit "$status"
