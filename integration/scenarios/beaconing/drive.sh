# shellcheck shell=bash
# An implant on vm1 checks in with 91.92.109.44:8443 every 2 s (25 times, same size), amid benign noise.
drive() {
    local pids=()
    svc vm1 noise-beacon noise --duration 50 --rounds 6 --pause 6; pids+=("$FW_LAST_PID")
    svc vm1 beacon beacon --host "${FW_ADDR[c2]}" --port 8443 --count 25 --interval 2; pids+=("$FW_LAST_PID")
    wait_pids "${pids[@]}"
}
