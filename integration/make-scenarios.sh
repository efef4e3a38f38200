#!/usr/bin/env bash
# Makes the live scenario captures: builds the namespace topology (lib/netns.sh), starts the servers,
# runs each scenario's scenarios/NAME/drive.sh while tcpdump records vm1's interface into OUTDIR/NAME.pcap,
# and always tears everything down again (also on failure or Ctrl-C).
#
# Usage: integration/make-scenarios.sh OUTDIR [NAME...]    (default: every scenario with a drive.sh)
# Env:   FW_HOLD=SECONDS  how long the attacker keeps a reverse shell open (default 15; 660 exceeds the
#                          long-connection detector's 10 min)
#        FW_KEEP_STATE=1  keep the state directory (service logs) after teardown
# Exit:  0 done, 77 cannot run here (not root / no netns / missing tools; the reason is printed), else failure.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=${1:?usage: make-scenarios.sh OUTDIR [NAME...]}
shift
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# shellcheck source=lib/netns.sh
source "$HERE/lib/netns.sh"

if [ "$(id -u)" -eq 0 ]; then
    for tool in dnsmasq ethtool tcpdump curl openssl; do
        command -v "$tool" >/dev/null || { "$ROOT/scripts/install-deps.sh" dnsmasq-base ethtool tcpdump curl openssl >&2 || true; break; }
    done
fi
if ! why=$(fw_check); then
    echo "make-scenarios: SKIP: cannot build namespaces here: $why" >&2
    exit 77
fi

if [ $# -gt 0 ]; then
    names=("$@")
else
    names=()
    for drive in "$HERE"/scenarios/*/drive.sh; do names+=("$(basename "$(dirname "$drive")")"); done
fi

PY=$(python3 -c 'import sys; print(sys.executable)')
SERVICES="$HERE/lib/services.py"
FW_HOLD=${FW_HOLD:-15}

# svc NS LOG SUBCOMMAND ARGS...: a service or background client; its PID in $FW_LAST_PID.
svc() { local ns=$1 log=$2; shift 2; fw_spawn "$ns" "$log" "$PY" -u "$SERVICES" "$@"; }
# run NS LOG SUBCOMMAND ARGS...: a client in the foreground.
run() { local ns=$1 log=$2; shift 2; fw_exec "$ns" "$PY" -u "$SERVICES" "$@" >>"$FW_STATE/log/$log.log" 2>&1; }
# wait_pids PID...: waits for background clients (they end on their own).
wait_pids() { local pid; for pid in "$@"; do wait "$pid" || true; done; }

start_services() {
    local cert="$FW_STATE/web.pem" key="$FW_STATE/web.key"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=github.com" \
        -addext "subjectAltName=DNS:github.com,DNS:api.chucknorris.io" -keyout "$key" -out "$cert" 2>/dev/null
    fw_spawn dns dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --user=root \
        --listen-address="${FW_ADDR[dns]}" --bind-interfaces --local-ttl=300 --log-queries --log-facility=- \
        --pid-file= \
        --host-record=github.com,"${FW_ADDR[gh]}" --host-record=api.chucknorris.io,"${FW_ADDR[joke]}" \
        --address=/exfil-cdn.net/198.18.7.7
    svc vm1 vulnapp vulnapp --port 3000
    svc vm1 sshd echo --port 22 --banner 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'
    svc vm2 db echo --port 5432
    svc meta metadata metadata --bind "${FW_ADDR[meta]}"
    svc meta ntp ntp --bind "${FW_ADDR[time]}"
    svc gh web-gh web --name github.com --cert "$cert" --key "$key"
    svc joke web-joke web --name api.chucknorris.io --cert "$cert" --key "$key"
    svc c2 web-c2 web --name c2 --port 8443
    svc atk listener-3000 listener --port 3000 --hold "$FW_HOLD"
    svc atk listener-4444 listener --port 4444 --hold "$FW_HOLD"
    fw_wait_listen vm1 3000
    fw_wait_listen vm1 22
    fw_wait_listen vm2 5432
    fw_wait_listen meta 80
    fw_wait_listen gh 443
    fw_wait_listen joke 443
    fw_wait_listen c2 8443
    fw_wait_listen atk 3000
    fw_wait_listen atk 4444
    fw_wait_resolver "$PY" "$SERVICES"
}

capture_start() {
    local file=$1 i
    fw_spawn vm1 "tcpdump-$(basename "$file" .pcap)" tcpdump -i eth0 -n -U -s 0 -w "$file"
    CAPTURE_PID=$FW_LAST_PID
    for i in $(seq 50); do
        grep -q "listening on" "$FW_STATE/log/tcpdump-$(basename "$file" .pcap).log" 2>/dev/null && return 0
        sleep 0.1
    done
    fw_log "tcpdump did not start"; return 1
}

capture_stop() {
    sleep 1
    fw_stop "$CAPTURE_PID"
}

fw_init
fw_topology_up
start_services
fw_log "services up"
failed=0
for name in "${names[@]}"; do
    drive="$HERE/scenarios/$name/drive.sh"
    [ -f "$drive" ] || { fw_log "no such live scenario: $name"; failed=1; continue; }
    fw_log "scenario $name"
    capture_start "$OUT/$name.pcap"
    # shellcheck source=/dev/null
    source "$drive"
    if ! drive; then fw_log "scenario $name: driver failed"; failed=1; fi
    capture_stop
    fw_log "scenario $name: $(stat -c %s "$OUT/$name.pcap") bytes in $OUT/$name.pcap"
done
if [ -n "${FW_KEEP_STATE:-}" ] || [ "$failed" != 0 ]; then
    FW_KEEP_STATE=1
    fw_log "service logs: $FW_STATE/log"
fi
fw_teardown
exit "$failed"
