# shellcheck shell=bash
# Benign only: a VM's ordinary day in ~40 s. Sourced by make-scenarios.sh (helpers svc/run/wait_pids).
drive() {
    local pids=()
    svc vm1 noise-benign noise --duration 40 --rounds 6 --pause 4; pids+=("$FW_LAST_PID")
    svc admin admin-benign admin --host "${FW_ADDR[vm1]}" --duration 38; pids+=("$FW_LAST_PID")
    svc visit visit-benign visitor --host "${FW_ADDR[vm1]}" --count 6 --pause 4; pids+=("$FW_LAST_PID")
    svc vm2 health-benign visitor --host "${FW_ADDR[vm1]}" --path /health --count 6 --pause 4; pids+=("$FW_LAST_PID")
    wait_pids "${pids[@]}"
}
