# shellcheck shell=bash
# Nine injection variants from 35.217.6.162 against the app on vm1:3000 (form `+`, double encoding,
# ${IFS}, base64 blob, %u escapes, $(...), curl|sh, nc -e, Shellshock header), each naming its own
# callback port 5001..5009; five of them really call back. Amid benign noise.
drive() {
    local pids=() port
    for port in 5001 5003 5004 5006; do svc atk "listener-$port" listener --port "$port" --hold 6; done
    svc atk web-5007 web --name stage --port 5007
    for port in 5001 5003 5004 5006 5007; do fw_wait_listen atk "$port"; done
    svc vm1 noise-evasions noise --duration 40 --rounds 5 --pause 5; pids+=("$FW_LAST_PID")
    svc vm2 health-evasions visitor --host "${FW_ADDR[vm1]}" --path /health --count 5 --pause 5; pids+=("$FW_LAST_PID")
    sleep 4
    run atk evasions evasions --host "${FW_ADDR[vm1]}" --callback "${FW_ADDR[atk]}"
    sleep 10
    wait_pids "${pids[@]}"
}
