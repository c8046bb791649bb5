# Sourced by failover.sh (group `vmac`): uses its namespaces, helpers and variables.
# shellcheck shell=bash
# use_vmac (issue 10), v3 advert 0.1 s, VIP 10.9.0.100/24, a client C (10.9.0.66) on the bridge:
# - lvsd (150, A) vs lvsd (100, B): both make vrrp.51, a private macvlan on eth0 with MAC
#   00:00:5e:00:01:33 (RFC 5798's for VRID 51), up; the MASTER's holds the VIP, the BACKUP's
#   none; keepalived's sysctls are set on vrrp.51 and eth0. C's neighbour entry for the VIP is
#   the VRRP MAC; SIGTERM of A moves the VIP to B's vrrp.51, C's entry keeps the same MAC and C
#   still reaches the VIP; A deleted its vrrp.51 and gave eth0 its ARP settings back.
# - SIGKILL of the MASTER leaves vrrp.51; an lvsd started again keeps it ("VRRP VMAC reused").
# - A veth called vrrp.51: the instance does not start (logged, counted in `lvsctl status`,
#   retried), another instance of the same lvsd runs; once the veth is gone the VMAC is made.
# - A reload adding use_vmac restarts the instance on a new vrrp.51; dropping it deletes it.
# - vmac_xmit_base (lvsd pair): adverts leave from eth0 with its MAC, the VIP is on vrrp.51, C's
#   entry is the VRRP MAC and stays across SIGTERM.
# - keepalived (150, A) vs lvsd (100, B) and lvsd (150, A) vs keepalived (100, B), keepalived with
#   use_vmac: the same; keepalived's vrrp.51 and sysctls are the oracle of lvsd's.

vmac_mac=00:00:5e:00:01:33

# vmac_config PRIORITY [EXTRA]: VI_1 with use_vmac (and the line EXTRA, such as vmac_xmit_base).
vmac_config() {
    cat <<EOF
global_defs {
    vrrp_version 3
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    use_vmac
    ${2:-}
    virtual_router_id 51
    priority $1
    advert_int 0.1
    virtual_ipaddress {
        $vip/24
    }
}
EOF
}

# vmac_link NS: `ip -d -o link show dev vrrp.51` in NS, or nothing.
vmac_link() { ip -n "$1" -d -o link show dev vrrp.51 2>/dev/null; }
# vmac_is_ours NS: NS has vrrp.51, a private macvlan on eth0 with the VRRP MAC, up.
vmac_is_ours() {
    local line; line=$(vmac_link "$1")
    [[ $line == *"vrrp.51@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP>"* && $line == *"link/ether $vmac_mac "* \
        && $line == *"macvlan mode private "* ]]
}
vmac_absent() { [ -z "$(vmac_link "$1")" ]; }
vmac_has_vip() { ip -n "$1" -4 -o addr show dev vrrp.51 2>/dev/null | grep -q " $vip/24 "; }
vmac_no_vip() { ! vmac_has_vip "$1" && ! has_vip "$1"; }
vmac_sysctl() { ip netns exec "$1" cat "/proc/sys/net/ipv4/conf/$2/$3"; }
# vmac_sysctls NS: vrrp.51's arp_ignore accept_local rp_filter promote_secondaries, then eth0's
# arp_ignore arp_filter.
vmac_sysctls() {
    local ns=$1 out="" s
    for s in arp_ignore accept_local rp_filter promote_secondaries; do out+="$(vmac_sysctl "$ns" vrrp.51 $s) "; done
    echo "$out$(vmac_sysctl "$ns" eth0 arp_ignore) $(vmac_sysctl "$ns" eth0 arp_filter)"
}
vmac_c_neigh() { ip -n "$nsC" neigh show "$vip" dev eth0; }
vmac_c_neigh_is_vmac() { [[ $(vmac_c_neigh) == *" lladdr $vmac_mac "* ]]; }
# vmac_c_reaches [ADDRESS]: C gets an ICMP echo reply from ADDRESS (the VIP) within 1 s.
vmac_c_reaches() { ip netns exec "$nsC" python3 "$root/Tests/vrrp-host/icmp-echo.py" "${1:-$vip}"; }
vmac_reused() { grep -q 'VRRP VMAC reused' "$work/$1.log"; }

# expect_vmac_master NS OTHER KIND WHAT [OTHERKIND]: NS's vrrp.51 holds the VIP; OTHER is
# BACKUP (lvsctl status when it is lvsd, the default) with none.
expect_vmac_master() {
    local ns=$1 other=$2 kind=$3 what=$4 otherkind=${5:-lvsd}
    if wait_for 20 vmac_has_vip "$ns"; then ok "$what: $ns's vrrp.51 holds the VIP"; else fail "$what: $ns's vrrp.51 has no VIP"; fi
    if has_vip "$ns"; then fail "$what: $ns has the VIP on eth0 too"; fi
    if [ "$kind" = lvsd ]; then
        if wait_for 10 state_is "$ns" MASTER; then ok "$what: lvsctl status in $ns says MASTER"
        else fail "$what: lvsctl status in $ns says $(state_of "$ns")"; fi
    fi
    if [ "$otherkind" = lvsd ]; then
        if wait_for 10 state_is "$other" BACKUP; then ok "$what: lvsctl status in $other says BACKUP"
        else fail "$what: lvsctl status in $other says $(state_of "$other")"; fi
    fi
    if vmac_no_vip "$other"; then ok "$what: $other holds no VIP"; else fail "$what: $other holds the VIP"; fi
}

# vmac_pair AKIND [BKIND]: AKIND (lvsd or keepalived) at 150 in A, BKIND (lvsd by default) at
# 100 in B.
vmac_pair() {
    local akind=$1 bkind=${2:-lvsd} name="vmac: $1(150, A) vs ${2:-lvsd}(100, B)" apid bpid
    echo "=== $name"
    rm -f "$work/$nsA.log" "$work/$nsB.log"
    vmac_config 150 > "$work/$nsA.conf"
    vmac_config 100 > "$work/$nsB.conf"
    launch "$akind" "$nsA"; apid=$started_pid
    wait_for 20 vmac_has_vip "$nsA" || fail "$name: A never put the VIP on vrrp.51"
    launch "$bkind" "$nsB"; bpid=$started_pid
    if wait_for 20 vmac_is_ours "$nsA" && wait_for 20 vmac_is_ours "$nsB"; then
        ok "$name: A and B have vrrp.51, a private macvlan on eth0 with $vmac_mac, up"
    else
        fail "$name: vrrp.51 in A: '$(vmac_link "$nsA")'; in B: '$(vmac_link "$nsB")'"
    fi
    expect_vmac_master "$nsA" "$nsB" "$akind" "$name, start" "$bkind"
    local source; source=$(vmac_advert_source)
    if [ "$source" = "$vmac_mac" ]; then ok "$name: A's adverts leave from vrrp.51 ($vmac_mac)"
    else fail "$name: an advert from '$source', not $vmac_mac"; fi
    # keepalived's vmac_sysctl and parent_sysctl (vrrp_if_config.c).
    local sysctls; sysctls=$(vmac_sysctls "$nsB")
    if [ "$sysctls" = "1 1 0 1 1 1" ]; then ok "$name: B's vrrp.51 and eth0 have keepalived's sysctls"
    else fail "$name: B's sysctls (vrrp.51 arp_ignore accept_local rp_filter promote_secondaries, eth0 arp_ignore arp_filter): $sysctls"; fi
    local theirs; theirs=$(vmac_sysctls "$nsA")
    if [ "$theirs" = "$sysctls" ]; then ok "$name: A's are the same"
    else fail "$name: A set $theirs, B $sysctls"; fi

    # A and B learn C's MAC first (C asks for their own addresses): otherwise the MASTER, to
    # answer C from the VIP, asks for C's MAC on eth0 with the VIP as sender and eth0's MAC
    # (arp_announce 0: keepalived sets no arp_announce), and C's entry takes eth0's MAC.
    vmac_c_reaches 10.9.0.1 && vmac_c_reaches 10.9.0.2 || fail "$name: C does not reach A and B"
    ip -n "$nsC" neigh flush dev eth0
    if wait_for 10 vmac_c_reaches && vmac_c_neigh_is_vmac; then ok "$name: C reaches the VIP at $vmac_mac"
    else fail "$name: C's entry: $(vmac_c_neigh)"; fi

    stop_with TERM "$akind" "$nsA" "$apid"
    if wait_for 20 vmac_has_vip "$nsB" && { [ "$bkind" != lvsd ] || wait_for 10 state_is "$nsB" MASTER; }; then
        ok "$name: after SIGTERM of A, B's vrrp.51 holds the VIP"
    else
        fail "$name: after SIGTERM of A, B is $(state_of "$nsB") with $(ip -n "$nsB" -4 -o addr show)"
    fi
    reap "$apid"
    if vmac_c_reaches && vmac_c_neigh_is_vmac; then ok "$name: C still reaches the VIP, its entry unchanged ($vmac_mac)"
    else fail "$name: after the takeover C's entry: $(vmac_c_neigh)"; fi
    if vmac_absent "$nsA"; then ok "$name: the stopped A deleted its vrrp.51"
    else fail "$name: the stopped A left '$(vmac_link "$nsA")'"; fi
    local base; base="$(vmac_sysctl "$nsA" eth0 arp_ignore) $(vmac_sysctl "$nsA" eth0 arp_filter)"
    if [ "$akind" = keepalived ]; then
        # keepalived 2.2.7 leaves them at 1 (seen here); lvsd restores them.
        echo "    keepalived left A's eth0 arp_ignore, arp_filter at: $base"
        ip netns exec "$nsA" sh -c 'echo 0 > /proc/sys/net/ipv4/conf/eth0/arp_ignore; echo 0 > /proc/sys/net/ipv4/conf/eth0/arp_filter'
    elif [ "$base" = "0 0" ]; then ok "$name: A's eth0 has arp_ignore 0 and arp_filter 0 again"
    else fail "$name: A's eth0 arp_ignore, arp_filter: $base"; fi

    stop_with TERM "$bkind" "$nsB" "$bpid"
    reap "$bpid"
    if [ "$bkind" = keepalived ]; then
        ip netns exec "$nsB" sh -c 'echo 0 > /proc/sys/net/ipv4/conf/eth0/arp_ignore; echo 0 > /proc/sys/net/ipv4/conf/eth0/arp_filter'
    fi
    if vmac_absent "$nsB" && vmac_no_vip "$nsB"; then ok "$name: B deleted its vrrp.51 at stop"
    else fail "$name: the stopped B left '$(vmac_link "$nsB")'"; fi
}

vmac_leftover() {
    local name="vmac: a killed lvsd's vrrp.51" apid
    echo "=== $name"
    rm -f "$work/$nsA.log"
    vmac_config 150 > "$work/$nsA.conf"
    launch lvsd "$nsA"; apid=$started_pid
    wait_for 20 vmac_has_vip "$nsA" || fail "$name: A never put the VIP on vrrp.51"
    kill -KILL "$apid"
    reap "$apid"
    if vmac_is_ours "$nsA"; then ok "$name: SIGKILL left vrrp.51"; else fail "$name: after SIGKILL: '$(vmac_link "$nsA")'"; fi
    launch lvsd "$nsA"; apid=$started_pid
    if wait_for 20 vmac_reused "$nsA" && wait_for 20 state_is "$nsA" MASTER && vmac_has_vip "$nsA" && vmac_is_ours "$nsA"; then
        ok "$name: lvsd started again kept it (VRRP VMAC reused) and is MASTER on it"
    else
        fail "$name: lvsd started again: $(state_of "$nsA"), '$(vmac_link "$nsA")'; $(grep 'VMAC' "$work/$nsA.log")"
    fi
    stop_with TERM lvsd "$nsA" "$apid"
    reap "$apid"
    if vmac_absent "$nsA"; then ok "$name: deleted at stop"; else fail "$name: left '$(vmac_link "$nsA")'"; fi
}

# vmac_instance NS NAME FIELD: FIELD of instance NAME in lvsctl status --json.
vmac_instance() {
    ip netns exec "$1" "$lvsctl" status --json --control-socket "$work/$1.sock" 2>/dev/null \
        | python3 -c 'import json,sys; print(next((str(i.get(sys.argv[2])) for i in json.load(sys.stdin)["lvsd"]["vrrp"] if i["name"] == sys.argv[1]), "none"))' "$2" "$3" \
        2>/dev/null || echo unreachable
}
vmac_instance_is() { [ "$(vmac_instance "$1" "$2" state)" = "$3" ]; }
vmac_has_address() { ip -n "$1" -4 -o addr show dev "$2" 2>/dev/null | grep -q " $3/"; }

# A link called vrrp.51 that is not a macvlan: VI_1 cannot start (logged, counted, retried),
# VI_2 of the same lvsd runs; once the link is gone VI_1 makes its VMAC and runs.
vmac_failure() {
    local name="vmac: vrrp.51 taken by a veth" bpid errors
    echo "=== $name"
    rm -f "$work/$nsB.log"
    ip -n "$nsB" link add vrrp.51 type veth peer name x51
    { vmac_config 100; cat <<EOF
vrrp_instance VI_2 {
    state BACKUP
    interface eth0
    virtual_router_id 52
    priority 100
    advert_int 0.1
    virtual_ipaddress {
        10.9.0.102/24
    }
}
EOF
    } > "$work/$nsB.conf"
    launch lvsd "$nsB"; bpid=$started_pid
    if wait_for 20 vmac_instance_is "$nsB" VI_2 MASTER && vmac_has_address "$nsB" eth0 10.9.0.102; then
        ok "$name: VI_2 runs (MASTER with its VIP on eth0)"
    else fail "$name: VI_2 is $(vmac_instance "$nsB" VI_2 state)"; fi
    errors=$(vmac_instance "$nsB" VI_1 errors)
    if [ "$(vmac_instance "$nsB" VI_1 state)" != MASTER ] && [ "$errors" -ge 1 ] \
        && [[ $(vmac_instance "$nsB" VI_1 error) == *"a veth link called vrrp.51 exists and is not a macvlan"* ]] \
        && grep 'VRRP instance cannot start' "$work/$nsB.log" | grep -q 'is not a macvlan'; then
        ok "$name: VI_1 does not start; logged, and counted in lvsctl status ($errors errors)"
    else
        fail "$name: VI_1 is $(vmac_instance "$nsB" VI_1 state) with $errors errors: $(vmac_instance "$nsB" VI_1 error)"
    fi
    ip -n "$nsB" link del vrrp.51
    # lvsd retries every 5 s.
    if wait_for 20 vmac_is_ours "$nsB" && wait_for 10 vmac_instance_is "$nsB" VI_1 MASTER && vmac_has_vip "$nsB"; then
        ok "$name: once the veth is gone, VI_1 makes vrrp.51 and runs"
    else fail "$name: VI_1 is $(vmac_instance "$nsB" VI_1 state), vrrp.51: '$(vmac_link "$nsB")'"; fi
    stop_with TERM lvsd "$nsB" "$bpid"
    reap "$bpid"
    if vmac_absent "$nsB"; then ok "$name: deleted at stop"; else fail "$name: left '$(vmac_link "$nsB")'"; fi
}

# vmac_advert_source: the source MAC of the next VRRP advert C hears (tcpdump), or nothing.
vmac_advert_source() {
    timeout 5 ip netns exec "$nsC" tcpdump -c 1 -nn -e -i eth0 'ip proto 112' 2>/dev/null | awk '{ print $2 }'
}

# vmac_xmit_base: lvsd pair with vmac_xmit_base: adverts leave from eth0 (its MAC), the VIP is
# on vrrp.51 and C's entry is the VRRP MAC.
vmac_xmit_base() {
    local name="vmac: vmac_xmit_base, lvsd(150, A) vs lvsd(100, B)" apid bpid amac source
    echo "=== $name"
    rm -f "$work/$nsA.log" "$work/$nsB.log"
    vmac_config 150 vmac_xmit_base > "$work/$nsA.conf"
    vmac_config 100 vmac_xmit_base > "$work/$nsB.conf"
    launch lvsd "$nsA"; apid=$started_pid
    wait_for 20 vmac_has_vip "$nsA" || fail "$name: A never put the VIP on vrrp.51"
    launch lvsd "$nsB"; bpid=$started_pid
    wait_for 20 vmac_is_ours "$nsB" || fail "$name: vrrp.51 in B: '$(vmac_link "$nsB")'"
    expect_vmac_master "$nsA" "$nsB" lvsd "$name, start"
    amac=$(ip -n "$nsA" -o link show dev eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\) .*/\1/p')
    source=$(vmac_advert_source)
    if [ "$source" = "$amac" ]; then ok "$name: A's adverts leave from eth0 ($amac)"
    else fail "$name: an advert from '$source', A's eth0 is $amac"; fi
    vmac_c_reaches 10.9.0.1 && vmac_c_reaches 10.9.0.2 || fail "$name: C does not reach A and B"
    ip -n "$nsC" neigh flush dev eth0
    if wait_for 10 vmac_c_reaches && vmac_c_neigh_is_vmac; then ok "$name: C reaches the VIP at $vmac_mac"
    else fail "$name: C's entry: $(vmac_c_neigh)"; fi
    stop_with TERM lvsd "$nsA" "$apid"
    if wait_for 20 vmac_has_vip "$nsB" && wait_for 10 state_is "$nsB" MASTER; then
        ok "$name: after SIGTERM of A, B's vrrp.51 holds the VIP"
    else fail "$name: after SIGTERM of A, B is $(state_of "$nsB")"; fi
    reap "$apid"
    if vmac_c_reaches && vmac_c_neigh_is_vmac; then ok "$name: C still reaches the VIP, its entry unchanged ($vmac_mac)"
    else fail "$name: after the takeover C's entry: $(vmac_c_neigh)"; fi
    stop_with TERM lvsd "$nsB" "$bpid"
    reap "$bpid"
    if vmac_absent "$nsA" && vmac_absent "$nsB"; then ok "$name: both deleted their vrrp.51"
    else fail "$name: left '$(vmac_link "$nsA")' '$(vmac_link "$nsB")'"; fi
}

vmac_reloads() { awk '/VRRP reload done/ { n++ } END { print n + 0 }' "$work/$1.log"; }
vmac_more_reloads() { [ "$(vmac_reloads "$1")" -gt "$2" ]; }
# vmac_reload NS WHAT: lvsctl reload in NS, waiting until lvsd logged the VRRP reload as done.
vmac_reload() {
    local ns=$1 what=$2 before; before=$(vmac_reloads "$1")
    ip netns exec "$ns" "$lvsctl" reload --control-socket "$work/$ns.sock" >/dev/null || fail "$what: lvsctl reload refused"
    wait_for 10 vmac_more_reloads "$ns" "$before" || fail "$what: no new 'VRRP reload done' in $ns's log"
}

# A reload that adds use_vmac restarts the instance on a new vrrp.51; one that drops it deletes it.
vmac_reload_scenario() {
    local name="vmac: reload" apid
    echo "=== $name"
    rm -f "$work/$nsA.log"
    vmac_config 150 | grep -v '^    use_vmac$' > "$work/$nsA.conf"
    launch lvsd "$nsA"; apid=$started_pid
    wait_for 20 has_vip "$nsA" || fail "$name: A never took the VIP on eth0"
    vmac_config 150 > "$work/$nsA.conf"
    vmac_reload "$nsA" "$name, use_vmac added"
    if wait_for 10 vmac_is_ours "$nsA" && wait_for 10 vmac_has_vip "$nsA" && ! has_vip "$nsA" \
        && grep 'VRRP reload: instance restarted' "$work/$nsA.log" | grep -q 'reason=interface, use_vmac'; then
        ok "$name: use_vmac added: the instance restarted, the VIP is on the new vrrp.51"
    else fail "$name: use_vmac added: vrrp.51 '$(vmac_link "$nsA")', $(ip -n "$nsA" -4 -o addr show | awk '{ print $2, $4 }' | tr '\n' ' ')"; fi
    vmac_config 150 | grep -v '^    use_vmac$' > "$work/$nsA.conf"
    vmac_reload "$nsA" "$name, use_vmac dropped"
    if wait_for 10 vmac_absent "$nsA" && wait_for 10 has_vip "$nsA"; then
        ok "$name: use_vmac dropped: vrrp.51 deleted, the VIP back on eth0"
    else fail "$name: use_vmac dropped: vrrp.51 '$(vmac_link "$nsA")'"; fi
    stop_with TERM lvsd "$nsA" "$apid"
    reap "$apid"
    if has_vip "$nsA" || ! vmac_absent "$nsA"; then fail "$name: A left its VIP or vrrp.51"; fi
}

vmac_scenario() {
    ip netns add "$nsC"
    ip link add eth0 netns "$nsC" type veth peer name pc netns "$nsBr"
    ip -n "$nsBr" link set pc master br0 up
    ip -n "$nsC" link set lo up
    ip -n "$nsC" link set eth0 up
    ip -n "$nsC" addr add 10.9.0.66/24 dev eth0
    vmac_pair lvsd
    vmac_leftover
    vmac_failure
    vmac_xmit_base
    vmac_reload_scenario
    if [ -x "$keepalived" ]; then vmac_pair keepalived; vmac_pair lvsd keepalived
    else echo "skipped: keepalived with use_vmac (no $keepalived)"; fi
    local ns
    for ns in "$nsA" "$nsB"; do
        if [ -n "$(vmac_link "$ns")" ]; then fail "vmac: $ns still has vrrp.51"; ip -n "$ns" link del vrrp.51; fi
    done
    ip netns del "$nsC"
}
