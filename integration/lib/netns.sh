# shellcheck shell=bash
# Fleetwatch namespace harness: a small "cloud" built from network namespaces on one machine.
#
# Source this file, then:
#   fw_init [PREFIX]        state directory and name prefix (default fw-$$); installs the teardown trap
#   fw_topology_up          router, VPC bridge, resolver, VMs, metadata stand-in, "internet" hosts
#   fw_host_add NAME vpc|inet ADDRESS   one more VM / aggregator / internet host
#   fw_spawn NS LOG CMD...  runs CMD inside namespace NS in the background; its PID is recorded
#   fw_exec NS CMD...       runs CMD inside namespace NS in the foreground
#   fw_teardown             kills recorded PIDs and every process left in our namespaces, deletes them
#
# Network rule: every address lives inside namespaces this file creates. The router namespace routes
# only between them; nothing is connected to the host's namespace (no veth end, no route, no NAT).
# Everything is named with the prefix ($FW_PREFIX-NAME) and removed by that name, processes by PID.
#
# Topology (see integration/README.md):
#   VPC 172.31.0.0/16 on bridge "vpc" in the router (172.31.0.1):
#     dns 172.31.0.2 (dnsmasq, the VPC resolver at base+2), vm1 172.31.6.55 (vulnerable app :3000,
#     SSH-like :22), vm2 172.31.9.10 (database-like :5432), meta 169.254.42.254 (metadata stand-in,
#     HTTP :80) and 169.254.42.123 (time, UDP :123), both link-local on the VPC link.
#   "Internet" on bridge "inet" in the router (198.18.0.1), each host a /32 in its own namespace:
#     gh 140.82.121.4 (github.com, :80/:443), joke 104.21.4.48 (api.chucknorris.io, :80/:443),
#     atk 35.217.6.162 (attacker), admin 203.0.113.10 (admin), visit 198.51.100.23 (web visitor),
#     c2 91.92.109.44 (beacon server).

FW_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Addresses of the standard topology (name -> address); bridge per host.
declare -gA FW_ADDR=(
    [rtr]=172.31.0.1 [dns]=172.31.0.2 [vm1]=172.31.6.55 [vm2]=172.31.9.10
    [meta]=169.254.42.254 [time]=169.254.42.123
    [gh]=140.82.121.4 [joke]=104.21.4.48 [atk]=35.217.6.162 [admin]=203.0.113.10
    [visit]=198.51.100.23 [c2]=91.92.109.44
)
FW_VPC_CIDR=172.31.0.0/16
FW_INET_GW=198.18.0.1
FW_VPC_HOSTS=(dns vm1 vm2 meta)
FW_INET_HOSTS=(gh joke atk admin visit c2)

fw_log() { printf '[netns %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# fw_check: succeeds when we are root and can create a network namespace; prints why not otherwise.
fw_check() {
    if [ "$(id -u)" -ne 0 ]; then echo "not root"; return 1; fi
    if ! command -v ip >/dev/null; then echo "no ip(8) (iproute2)"; return 1; fi
    local probe="fw-probe-$$"
    if ! ip netns add "$probe" 2>/dev/null; then echo "cannot create network namespaces"; return 1; fi
    ip netns del "$probe"
    local tool
    for tool in tcpdump ethtool dnsmasq python3 curl openssl; do
        command -v "$tool" >/dev/null || { echo "missing $tool"; return 1; }
    done
}

# fw_init [PREFIX]: state directory, prefix, teardown trap (EXIT, INT, TERM).
fw_init() {
    FW_PREFIX=${1:-fw-$$}
    FW_STATE=$(mktemp -d "/tmp/${FW_PREFIX}.XXXXXX")
    mkdir -p "$FW_STATE/log"
    : >"$FW_STATE/pids"
    : >"$FW_STATE/namespaces"
    trap 'fw_teardown' EXIT
    trap 'fw_teardown; exit 130' INT
    trap 'fw_teardown; exit 143' TERM
    export FW_PREFIX FW_STATE
}

fw_ns() { printf '%s-%s' "$FW_PREFIX" "$1"; }

fw_exec() {
    local ns=$1; shift
    ip netns exec "$(fw_ns "$ns")" "$@"
}

# fw_spawn NS LOGNAME CMD...: background process in NS (ip netns exec execs CMD, so $! is CMD's PID).
fw_spawn() {
    local ns=$1 log=$2; shift 2
    ip netns exec "$(fw_ns "$ns")" "$@" >>"$FW_STATE/log/$log.log" 2>&1 &
    local pid=$!
    echo "$pid $ns $log" >>"$FW_STATE/pids"
    FW_LAST_PID=$pid
}

# fw_stop PID: SIGTERM, then SIGKILL after 3 s; only PIDs we recorded.
fw_stop() {
    local pid=$1 i
    grep -q "^$pid " "$FW_STATE/pids" 2>/dev/null || { fw_log "refusing to stop unrecorded pid $pid"; return 1; }
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

fw_ns_add() {
    local full
    full=$(fw_ns "$1")
    ip netns add "$full"
    echo "$full" >>"$FW_STATE/namespaces"
    ip -n "$full" link set lo up
    # IPv4 only: keeps captures free of router solicitations and MLD chatter.
    ip netns exec "$full" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# fw_attach NS BRIDGE: veth from the router's BRIDGE to eth0 in NS, checksum offload off on both ends.
fw_attach() {
    local ns=$1 bridge=$2 rtr port
    rtr=$(fw_ns rtr)
    port="p-$ns"
    ip -n "$rtr" link add "$port" type veth peer name eth0 netns "$(fw_ns "$ns")"
    ip -n "$rtr" link set "$port" master "$bridge" up
    ip -n "$(fw_ns "$ns")" link set eth0 up
    # Virtual links skip checksums; captures need valid ones.
    ip netns exec "$rtr" ethtool -K "$port" tx off >/dev/null
    ip netns exec "$(fw_ns "$ns")" ethtool -K eth0 tx off >/dev/null
}

# fw_host_add NAME vpc|inet ADDRESS: one more host after fw_topology_up (or during it), e.g. a third VM
# or an aggregator (`fw_host_add agg vpc 172.31.0.10`). VPC hosts get a /16 on the VPC, the router as
# default gateway, the on-link metadata/time stand-ins and the VPC resolver in their resolv.conf;
# internet hosts get a /32 routed by the router.
fw_host_add() {
    local host=$1 bridge=$2 addr=$3 ns
    fw_ns_add "$host"
    fw_attach "$host" "$bridge"
    ns=$(fw_ns "$host")
    FW_ADDR[$host]=$addr
    if [ "$bridge" = vpc ]; then
        ip -n "$ns" addr add "$addr/16" dev eth0
        ip -n "$ns" route add default via "${FW_ADDR[rtr]}"
        ip -n "$ns" route add 169.254.42.0/24 dev eth0
        if [ "$host" != dns ]; then
            # ip netns exec bind-mounts this over /etc/resolv.conf.
            mkdir -p "/etc/netns/$ns"
            printf 'nameserver %s\noptions timeout:1 attempts:2\n' "${FW_ADDR[dns]}" >"/etc/netns/$ns/resolv.conf"
        fi
    else
        ip -n "$ns" addr add "$addr/32" dev eth0
        ip -n "$ns" route add "$FW_INET_GW/32" dev eth0
        ip -n "$ns" route add default via "$FW_INET_GW" dev eth0
        ip -n "$(fw_ns rtr)" route add "$addr/32" dev inet
    fi
}

fw_topology_up() {
    local rtr host addr
    fw_ns_add rtr
    rtr=$(fw_ns rtr)
    ip netns exec "$rtr" sysctl -qw net.ipv4.ip_forward=1
    for bridge in vpc inet; do
        ip -n "$rtr" link add "$bridge" type bridge
        ip -n "$rtr" link set "$bridge" up
        ip netns exec "$rtr" ethtool -K "$bridge" tx off >/dev/null
    done
    ip -n "$rtr" addr add "${FW_ADDR[rtr]}/16" dev vpc
    ip -n "$rtr" addr add "$FW_INET_GW/32" dev inet

    for host in dns vm1 vm2; do fw_host_add "$host" vpc "${FW_ADDR[$host]}"; done
    fw_ns_add meta
    fw_attach meta vpc
    ip -n "$(fw_ns meta)" addr add "${FW_ADDR[meta]}/32" dev eth0
    ip -n "$(fw_ns meta)" addr add "${FW_ADDR[time]}/32" dev eth0
    ip -n "$(fw_ns meta)" route add "$FW_VPC_CIDR" dev eth0
    for host in "${FW_INET_HOSTS[@]}"; do fw_host_add "$host" inet "${FW_ADDR[$host]}"; done

    fw_log "topology up: $(wc -l <"$FW_STATE/namespaces") namespaces, prefix $FW_PREFIX"
}

# fw_teardown: idempotent; removes what this prefix created, also after a partial setup.
fw_teardown() {
    [ -n "${FW_STATE:-}" ] && [ -d "$FW_STATE" ] || return 0
    trap - EXIT INT TERM
    local pid rest ns i
    while read -r pid rest; do
        [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
    done <"$FW_STATE/pids"
    for i in $(seq 20); do
        local alive=0
        while read -r pid rest; do [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && alive=1; done <"$FW_STATE/pids"
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
    while read -r pid rest; do [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true; done <"$FW_STATE/pids"
    # Processes still inside our namespaces (children such as a reverse shell) are ours too: by PID.
    for ns in $(cat "$FW_STATE/namespaces") $(ip netns list 2>/dev/null | awk -v p="$FW_PREFIX-" 'index($1, p) == 1 {print $1}'); do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    done
    for ns in $(sort -u "$FW_STATE/namespaces") $(ip netns list 2>/dev/null | awk -v p="$FW_PREFIX-" 'index($1, p) == 1 {print $1}'); do
        ip netns del "$ns" 2>/dev/null || true
        case "$ns" in "$FW_PREFIX"-*) rm -rf "/etc/netns/$ns" ;; esac
    done
    if [ -n "${FW_KEEP_STATE:-}" ]; then
        fw_log "state kept in $FW_STATE"
    else
        rm -rf "$FW_STATE"
    fi
    FW_STATE=
}

# fw_wait_listen NS PORT: waits (up to 10 s) until a TCP socket listens on PORT inside NS.
fw_wait_listen() {
    local ns=$1 port=$2 i
    for i in $(seq 100); do
        fw_exec "$ns" ss -Hltn "sport = :$port" 2>/dev/null | grep -q LISTEN && return 0
        sleep 0.1
    done
    fw_log "service :$port in $ns did not come up"; return 1
}

# fw_wait_resolver PYTHON SERVICES_PY: waits (up to 5 s) until dnsmasq answers a query for github.com,
# asked from the resolver's own namespace (so no capture sees it).
fw_wait_resolver() {
    local python=$1 services=$2 i
    for i in $(seq 50); do
        fw_exec dns "$python" "$services" dnsq --server "${FW_ADDR[dns]}" --name github.com | grep -q answer && return 0
        sleep 0.1
    done
    fw_log "dnsmasq did not answer"; return 1
}
