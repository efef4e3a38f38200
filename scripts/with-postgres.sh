#!/usr/bin/env bash
# Runs CMD with a throwaway PostgreSQL server and FLEET_TEST_POSTGRES_URL pointing at it.
# Usage: scripts/with-postgres.sh CMD [ARG ...]
#
# initdb's a cluster in a temporary directory (as the `postgres` user when run as root: the server
# refuses root), starts it on 127.0.0.1 with a free port (no systemd, no Unix socket outside the
# directory), exports FLEET_TEST_POSTGRES_URL=postgres://fleet@127.0.0.1:PORT/postgres, runs CMD,
# then always stops the server (by its PID) and removes the directory. Exits with CMD's status.
# Needs Debian's `postgresql` package (scripts/install-deps.sh postgresql).
#
# FLEET_PG_DIR=DIR keeps the cluster instead: it lives in DIR (initdb'd on first use), survives the
# run (the server is still stopped) and is reused next time (benchmarks with long loads).
# FLEET_PG_OPTIONS adds server settings (e.g. "-c shared_buffers=512MB").
set -euo pipefail
if [ $# -lt 1 ]; then
    echo "usage: $0 CMD [ARG ...]" >&2
    exit 2
fi

bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "with-postgres: no PostgreSQL server found (install it: scripts/install-deps.sh postgresql)" >&2
    exit 1
fi

keep="${FLEET_PG_DIR:-}"
if [ -n "$keep" ]; then
    mkdir -p "$keep"
    dir=$(cd "$keep" && pwd)
else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/fleet-pg.XXXXXX")
fi
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
    as_owner=(runuser -u postgres --)
fi
pid=""

cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || kill -KILL "$pid" 2>/dev/null || true
        # The postmaster's children exit with it; wait for the PID to go before removing its files.
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    if [ -z "$keep" ]; then rm -rf "$dir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A port nothing listens on (bash's /dev/tcp: a refused connection means free).
port=""
for _ in $(seq 1 50); do
    candidate=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
        port=$candidate
        break
    fi
done
if [ -z "$port" ]; then
    echo "with-postgres: no free port found" >&2
    exit 1
fi

if [ ! -f "$dir/data/PG_VERSION" ]; then
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U fleet --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
fi
# Throwaway data: no fsync; enough connections for tests running in parallel (each has its own schema).
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${FLEET_PG_OPTIONS:-}" \
    start >/dev/null || {
    cat "$dir/server.log" >&2
    exit 1
}
pid=$(head -n 1 "$dir/data/postmaster.pid")
export FLEET_TEST_POSTGRES_URL="postgres://fleet@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (pid $pid)" >&2

status=0
"$@" || status=$?
exit "$status"
