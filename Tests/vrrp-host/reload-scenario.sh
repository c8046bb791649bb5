# Sourced by failover.sh (group `reload`): uses its namespaces, helpers and variables.
# shellcheck shell=bash
# Reload (lvsctl reload, as SIGHUP) of VRRP settings, lvsd vs lvsd, v3 advert 0.1 s: A (150) runs
# VI_1 (VIP 10.9.0.100, also on B at 100) and VI_2 (10.9.0.200, on A only). On A, in turn:
# a reload of the same file touches nothing (no transition logged on either side, adverts go
# on, counters not reset, no gratuitous ARP); a VIP added to VI_1 appears on A's eth0 without a
# transition (then on B too, which stays BACKUP: as with keepalived, a side whose list differs
# from the master's rejects its adverts, addr_list_err, unless skip_check_adv_addr lets the
# current master's through; both sides set it); VI_2 removed stops (its VIP leaves, its notify
# gets keepalived's deleted notification `INSTANCE VI_2 FAULT 150`); VI_1's priority lowered
# to 50 makes B preempt. Before VI_2 goes: its virtual_router_id changed restarts it (deleted
# notification, BACKUP, MASTER again); after: VI_3 added starts and takes its VIP.
# reload_config PRIORITY EXTRA_VIP_LINE VI_2 [VI_3]: VI_2 is its virtual_router_id, or "no";
# VI_3 "yes" adds it (vrid 53, 10.9.0.203). Last, on B (then MASTER), a failing track_script
# added by a reload lowers its priority and A preempts.
reload_config() {
    local priority=$1 extra_vip=$2 vi2=$3 vi3=${4:-no}
    cat <<EOF
global_defs {
    vrrp_version 3
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $priority
    advert_int 0.1
    skip_check_adv_addr
    virtual_ipaddress {
        $vip/24
$extra_vip
    }
}
EOF
    if [ "$vi2" != no ]; then
        cat <<EOF
vrrp_instance VI_2 {
    state BACKUP
    interface eth0
    virtual_router_id $vi2
    priority 150
    advert_int 0.1
    notify "$work/notify.sh reload-vi2"
    virtual_ipaddress {
        10.9.0.200/24
    }
}
EOF
    fi
    if [ "$vi3" = yes ]; then
        cat <<EOF
vrrp_instance VI_3 {
    interface eth0
    virtual_router_id 53
    priority 150
    advert_int 0.1
    virtual_ipaddress {
        10.9.0.203/24
    }
}
EOF
    fi
}

# vrrp_field NS INSTANCE FIELD: one field of one instance in lvsctl status --json ("absent"
# when the instance is not listed).
vrrp_field() {
    ip netns exec "$1" "$lvsctl" status --json --control-socket "$work/$1.sock" 2>/dev/null \
        | python3 -c 'import json,sys; v=[i for i in json.load(sys.stdin)["lvsd"]["vrrp"] if i["name"]==sys.argv[1]]; print(v[0][sys.argv[2]] if v else "absent")' "$2" "$3" \
        2>/dev/null || echo unreachable
}
field_is() { [ "$(vrrp_field "$1" "$2" "$3")" = "$4" ]; }
# transitions NS: how many state changes the lvsd in NS logged so far.
transitions() { awk '/VRRP [A-Z]+ -> [A-Z]+/ { n++ } END { print n + 0 }' "$work/$1.log"; }
# reloads_done NS: how many VRRP reloads the lvsd in NS carried out.
reloads_done() { awk '/VRRP reload done/ { n++ } END { print n + 0 }' "$work/$1.log"; }
# has_addr NS ADDRESS: ADDRESS is on NS's eth0 (the list read whole, so that a failed read is
# never taken for "absent" by lacks_addr).
has_addr() { local list; list=$(ip -n "$1" -4 -o addr show dev eth0) && [[ $list == *" $2/"* ]]; }
lacks_addr() { local list; list=$(ip -n "$1" -4 -o addr show dev eth0) && [[ $list != *" $2/"* ]]; }
more_reloads() { [ "$(reloads_done "$1")" -gt "$2" ]; }
# notify_log_is LABEL LINES: notify-LABEL.log holds LINES (comma separated), in order.
notify_log_is() { [ "$(paste -sd, "$work/notify-$1.log" 2>/dev/null)" = "$2" ]; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }

# reload_in NS WHAT: lvsctl reload in NS; waits until lvsd logged the VRRP reload as done.
reload_in() {
    local ns=$1 what=$2 before; before=$(reloads_done "$1")
    if ip netns exec "$ns" "$lvsctl" reload --control-socket "$work/$ns.sock" >/dev/null; then
        ok "$what: lvsctl reload accepted"
    else
        fail "$what: lvsctl reload refused"
    fi
    if wait_for 10 more_reloads "$ns" "$before"; then ok "$what: VRRP reload carried out"
    else fail "$what: no new 'VRRP reload done' in $ns's log"; fi
}

reload_scenario() {
    local name="reload: lvsd(150, A) vs lvsd(100, B), v3"
    echo "=== $name"
    rm -f "$work/$nsA.log" "$work/$nsB.log" "$work/notify-reload-vi2.log"
    reload_config 100 "" no > "$work/$nsB.conf"
    launch lvsd "$nsB"; local bpid=$started_pid
    reload_config 150 "" 52 > "$work/$nsA.conf"
    launch lvsd "$nsA"; local apid=$started_pid
    expect_master "$nsA" "$nsB" lvsd lvsd "$name, start"
    if wait_for 10 has_addr "$nsA" 10.9.0.200 && wait_for 10 field_is "$nsA" VI_2 state MASTER; then
        ok "$name: A is MASTER of VI_2 (10.9.0.200)"
    else fail "$name: A is not MASTER of VI_2"; fi

    # 1. The same file: nothing changes. (Gratuitous ARPs of the start still due are counted
    # in the window, so the window starts after garp_master_delay's second burst, 5 s.)
    if wait_for 10 field_is "$nsA" VI_1 announcementsSent 10; then
        ok "$name: A sent the start's 10 gratuitous ARPs (garp_master_repeat 5, twice)"
    else fail "$name: A's start sent $(vrrp_field "$nsA" VI_1 announcementsSent) gratuitous ARPs, not 10"; fi
    local ta tb sent announced t0 sent_after announced_after
    ta=$(transitions "$nsA"); tb=$(transitions "$nsB")
    announced=$(vrrp_field "$nsA" VI_1 announcementsSent)
    sent=$(vrrp_field "$nsA" VI_1 advertsSent)
    reload_in "$nsA" "$name, same file"
    sleep 1
    if [ "$(transitions "$nsA")" = "$ta" ] && [ "$(transitions "$nsB")" = "$tb" ]; then
        ok "$name, same file: no transition logged on either side ($ta on A, $tb on B)"
    else fail "$name, same file: transitions logged (A $ta -> $(transitions "$nsA"), B $tb -> $(transitions "$nsB"))"; fi
    sent_after=$(vrrp_field "$nsA" VI_1 advertsSent)
    # 1 s at 0.1 s is about 10 adverts; a count below the one before would be a reset.
    if [ "$sent_after" -ge $((sent + 8)) ]; then ok "$name, same file: adverts go on, counter not reset ($sent -> $sent_after)"
    else fail "$name, same file: advertsSent $sent -> $sent_after"; fi
    announced_after=$(vrrp_field "$nsA" VI_1 announcementsSent)
    if [ "$announced_after" = "$announced" ]; then ok "$name, same file: no gratuitous ARP ($announced sent before and after)"
    else fail "$name, same file: announcementsSent $announced -> $announced_after"; fi
    if grep -q 'kept=VI_1 VI_2 restarted= .*VRRP reload done' "$work/$nsA.log"; then ok "$name, same file: logged as kept"
    else fail "$name, same file: not logged as kept: $(grep 'VRRP reload done' "$work/$nsA.log" | tail -1)"; fi
    if field_is "$nsA" VI_1 state MASTER && field_is "$nsB" VI_1 state BACKUP; then
        ok "$name, same file: A MASTER, B BACKUP"
    else fail "$name, same file: A $(vrrp_field "$nsA" VI_1 state), B $(vrrp_field "$nsB" VI_1 state)"; fi

    # 2. A VIP added to VI_1: on A's eth0, no transition, announced; then on B, still BACKUP.
    ta=$(transitions "$nsA"); tb=$(transitions "$nsB")
    reload_config 150 "        10.9.0.101/24" 52 > "$work/$nsA.conf"
    t0=$(now_ns)
    reload_in "$nsA" "$name, VIP added"
    if wait_for 10 has_addr "$nsA" 10.9.0.101; then
        ok "$name, VIP added: 10.9.0.101 on A's eth0 after $(ms_since "$t0") ms"
        results+=("reload adding a VIP: on the MASTER's interface $(ms_since "$t0") ms after lvsctl reload")
    else fail "$name, VIP added: 10.9.0.101 not on A's eth0"; fi
    sleep 0.3
    if [ "$(transitions "$nsA")" = "$ta" ] && field_is "$nsA" VI_1 state MASTER; then
        ok "$name, VIP added: A still MASTER, no transition logged"
    else fail "$name, VIP added: A $(vrrp_field "$nsA" VI_1 state), transitions $ta -> $(transitions "$nsA")"; fi
    if has_addr "$nsB" 10.9.0.101; then fail "$name, VIP added: B holds 10.9.0.101"; else ok "$name, VIP added: B holds no 10.9.0.101"; fi
    if [ "$(vrrp_field "$nsA" VI_1 announcementsSent)" -gt "$announced_after" ]; then
        ok "$name, VIP added: gratuitous ARPs sent ($announced_after -> $(vrrp_field "$nsA" VI_1 announcementsSent))"
    else fail "$name, VIP added: no gratuitous ARP"; fi
    reload_config 100 "        10.9.0.101/24" no > "$work/$nsB.conf"
    reload_in "$nsB" "$name, VIP added on B"
    sleep 1
    if [ "$(transitions "$nsB")" = "$tb" ] && field_is "$nsB" VI_1 state BACKUP && lacks_addr "$nsB" 10.9.0.101 \
        && lacks_addr "$nsB" "$vip"; then
        ok "$name, VIP added on B: B still BACKUP without VIPs, no transition logged"
    else fail "$name, VIP added on B: B $(vrrp_field "$nsB" VI_1 state), transitions $tb -> $(transitions "$nsB")"; fi
    if grep -q 'changes=virtual_ipaddress vrrp.instance=VI_1 .*settings changed in place' "$work/$nsB.log"; then
        ok "$name, VIP added on B: logged as changed in place"
    else fail "$name, VIP added on B: not logged as changed in place"; fi
    if [ "$(transitions "$nsA")" = "$ta" ] && field_is "$nsA" VI_1 state MASTER; then
        ok "$name, VIP added on B: A still MASTER, no transition logged"
    else fail "$name, VIP added on B: A $(vrrp_field "$nsA" VI_1 state), transitions $ta -> $(transitions "$nsA")"; fi

    # 3a. VI_2's virtual_router_id 52 -> 54: restarted (keepalived matches instances by VRID):
    # stopped with its deleted notification, then BACKUP and MASTER again with its VIP.
    tb=$(transitions "$nsB")
    reload_config 150 "        10.9.0.101/24" 54 > "$work/$nsA.conf"
    reload_in "$nsA" "$name, VI_2 vrid 54"
    if grep -q 'reason=virtual_router_id vrrp.instance=VI_2 .*instance restarted' "$work/$nsA.log"; then
        ok "$name, VI_2 vrid 54: logged as restarted for virtual_router_id"
    else fail "$name, VI_2 vrid 54: no restart logged"; fi
    if wait_for 10 field_is "$nsA" VI_2 virtualRouterID 54 && wait_for 10 field_is "$nsA" VI_2 state MASTER \
        && wait_for 10 has_addr "$nsA" 10.9.0.200; then
        ok "$name, VI_2 vrid 54: MASTER again on vrid 54 with 10.9.0.200"
    else fail "$name, VI_2 vrid 54: $(vrrp_field "$nsA" VI_2 state) on vrid $(vrrp_field "$nsA" VI_2 virtualRouterID)"; fi
    local expected_notify="INSTANCE VI_2 BACKUP 150,INSTANCE VI_2 MASTER 150,INSTANCE VI_2 FAULT 150,INSTANCE VI_2 BACKUP 150,INSTANCE VI_2 MASTER 150"
    if wait_for 10 notify_log_is reload-vi2 "$expected_notify"; then ok "$name, VI_2 vrid 54: notify got $expected_notify"
    else fail "$name, VI_2 vrid 54: notify got $(paste -sd, "$work/notify-reload-vi2.log" 2>&1)"; fi
    if field_is "$nsA" VI_1 state MASTER && [ "$(transitions "$nsB")" = "$tb" ]; then
        ok "$name, VI_2 vrid 54: VI_1 untouched on A, B still BACKUP"
    else fail "$name, VI_2 vrid 54: VI_1 on A $(vrrp_field "$nsA" VI_1 state), B transitions $tb -> $(transitions "$nsB")"; fi

    # 3b. VI_2 removed: it stops, its VIP leaves, keepalived's deleted notification runs.
    tb=$(transitions "$nsB")
    reload_config 150 "        10.9.0.101/24" no > "$work/$nsA.conf"
    t0=$(now_ns)
    reload_in "$nsA" "$name, VI_2 removed"
    if wait_for 10 lacks_addr "$nsA" 10.9.0.200; then
        ok "$name, VI_2 removed: 10.9.0.200 left A's eth0 after $(ms_since "$t0") ms"
    else fail "$name, VI_2 removed: 10.9.0.200 still on A"; fi
    if wait_for 10 field_is "$nsA" VI_2 state absent; then ok "$name, VI_2 removed: gone from lvsctl status"
    else fail "$name, VI_2 removed: lvsctl status still shows it ($(vrrp_field "$nsA" VI_2 state))"; fi
    expected_notify+=",INSTANCE VI_2 FAULT 150"
    if wait_for 10 notify_log_is reload-vi2 "$expected_notify"; then
        ok "$name, VI_2 removed: notify got 'INSTANCE VI_2 FAULT 150' (keepalived's deleted notification); all its calls:"
        sed 's/^/    /' "$work/notify-reload-vi2.log"
    else fail "$name, VI_2 removed: notify log: $(paste -sd, "$work/notify-reload-vi2.log" 2>&1)"; fi
    local vi1_state vi1_addrs
    vi1_state=$(vrrp_field "$nsA" VI_1 state)
    vi1_addrs=$(ip -n "$nsA" -4 -o addr show dev eth0 | awk '{ print $4 }' | paste -sd' ')
    if [ "$vi1_state" = MASTER ] && [ "$vi1_addrs" = "10.9.0.1/24 $vip/24 10.9.0.101/24" ]; then
        ok "$name, VI_2 removed: VI_1 untouched (MASTER, A's eth0: $vi1_addrs)"
    else fail "$name, VI_2 removed: VI_1 $vi1_state, A's eth0: $vi1_addrs"; fi
    if [ "$(transitions "$nsB")" = "$tb" ] && field_is "$nsB" VI_1 state BACKUP; then ok "$name, VI_2 removed: B still BACKUP"
    else fail "$name, VI_2 removed: B $(vrrp_field "$nsB" VI_1 state)"; fi

    # 3c. VI_3 added: it starts and takes its VIP; VI_1 untouched.
    ta=$(transitions "$nsA")
    reload_config 150 "        10.9.0.101/24" no yes > "$work/$nsA.conf"
    t0=$(now_ns)
    reload_in "$nsA" "$name, VI_3 added"
    if wait_for 10 field_is "$nsA" VI_3 state MASTER && wait_for 10 has_addr "$nsA" 10.9.0.203; then
        ok "$name, VI_3 added: MASTER with 10.9.0.203 after $(ms_since "$t0") ms"
    else fail "$name, VI_3 added: $(vrrp_field "$nsA" VI_3 state)"; fi
    if [ "$(transitions "$nsA")" = "$((ta + 2))" ] && field_is "$nsA" VI_1 state MASTER; then
        ok "$name, VI_3 added: A logged only VI_3's two transitions; VI_1 MASTER"
    else fail "$name, VI_3 added: transitions $ta -> $(transitions "$nsA"), VI_1 $(vrrp_field "$nsA" VI_1 state)"; fi

    # 4. VI_1's priority lowered below B's: B preempts.
    reload_config 50 "        10.9.0.101/24" no yes > "$work/$nsA.conf"
    t0=$(now_ns)
    reload_in "$nsA" "$name, priority 150 -> 50"
    if wait_for 10 has_vip "$nsB"; then
        ok "$name, priority 50: B preempted, VIP on B after $(ms_since "$t0") ms"
        results+=("reload lowering the MASTER's priority below the BACKUP's: VIP on the other side $(ms_since "$t0") ms after lvsctl reload")
    else fail "$name, priority 50: B has no VIP"; fi
    if wait_for 10 lacks_addr "$nsA" "$vip" && wait_for 10 lacks_addr "$nsA" 10.9.0.101; then
        ok "$name, priority 50: A gave up both VIPs"
    else fail "$name, priority 50: A kept a VIP"; fi
    if wait_for 10 field_is "$nsA" VI_1 state BACKUP && field_is "$nsA" VI_1 effectivePriority 50 \
        && wait_for 10 field_is "$nsB" VI_1 state MASTER; then
        ok "$name, priority 50: A BACKUP at priority 50, B MASTER"
    else fail "$name, priority 50: A $(vrrp_field "$nsA" VI_1 state)/$(vrrp_field "$nsA" VI_1 effectivePriority), B $(vrrp_field "$nsB" VI_1 state)"; fi
    if grep 'VRRP MASTER -> BACKUP' "$work/$nsA.log" | tail -1 | grep -q 'higher priority (100) master 10.9.0.2'; then
        ok "$name, priority 50: A logged yielding to B's priority 100"
    else fail "$name, priority 50: A's transition: $(grep 'VRRP MASTER -> ' "$work/$nsA.log" | tail -1)"; fi

    # 5. On B (MASTER at 100), a failing vrrp_script with weight -80 added to VI_1: the script
    # starts, the instance takes the track_script in place, its priority drops to 20, A (50)
    # preempts.
    reload_config 100 "        10.9.0.101/24" no > "$work/$nsB.conf"
    sed -i "s|^vrrp_instance VI_1 {|vrrp_script chk {\n    script \"/bin/false\"\n    interval 1\n    weight -80\n}\nvrrp_instance VI_1 {\n    track_script {\n        chk\n    }|" "$work/$nsB.conf"
    t0=$(now_ns)
    reload_in "$nsB" "$name, failing track_script added on B"
    if wait_for 10 has_vip "$nsA" && wait_for 10 field_is "$nsA" VI_1 state MASTER \
        && wait_for 10 field_is "$nsB" VI_1 state BACKUP && field_is "$nsB" VI_1 effectivePriority 20; then
        ok "$name, track_script added on B: B at priority 20, A MASTER again after $(ms_since "$t0") ms"
    else fail "$name, track_script added on B: A $(vrrp_field "$nsA" VI_1 state), B $(vrrp_field "$nsB" VI_1 state)/$(vrrp_field "$nsB" VI_1 effectivePriority)"; fi
    if grep -q 'changes=track_script vrrp.instance=VI_1 .*settings changed in place' "$work/$nsB.log" \
        && grep -q 'scripts_restarted=chk .*VRRP reload done' "$work/$nsB.log"; then
        ok "$name, track_script added on B: logged as changed in place, chk started"
    else fail "$name, track_script added on B: $(grep 'VRRP reload' "$work/$nsB.log" | tail -2)"; fi

    stop_with TERM lvsd "$nsA" "$apid"
    reap "$apid"
    stop_with TERM lvsd "$nsB" "$bpid"
    reap "$bpid"
}
