# Sourced by failover.sh (group `routes`): uses its namespaces, helpers and variables.
# shellcheck shell=bash
# virtual_routes and virtual_rules (issue 10), v3 advert 0.1 s, VIP 10.9.0.100 on eth0:
# - keepalived as the oracle: keepalived alone in A (MASTER) installs the instance's routes and
#   rules; `ip -n A route show table 100|101|1000` and `ip -n A rule` are recorded and
#   keepalived is stopped (it removes them); then lvsd alone in A with the same file must show
#   the very same lines (routes_show below), and none after SIGTERM.
# - lvsd (150, A) vs lvsd (100, B): only the MASTER has the routes and rules; a reload on A that
#   drops one route and one rule and adds one of each changes them in place (no transition);
#   SIGTERM of A moves them to B and leaves none on A; after SIGKILL they stay, and an lvsd
#   started again as BACKUP removes them.
# - keepalived (150, A) vs lvsd (100, B): B has none while BACKUP; SIGTERM of keepalived gives
#   B the routes and rules.

# routes_config PRIORITY [VARIANT]: VI_1 with routes and rules; VARIANT "reloaded" drops the
# metric route and the fwmark rule, adds 192.0.2.64/26 and a rule from 10.9.0.0/24.
routes_config() {
    local priority=$1 variant=${2:-first} extra_route extra_rule
    if [ "$variant" = reloaded ]; then
        extra_route="        192.0.2.64/26 via 10.9.0.254 dev eth0 table 100"
        extra_rule="        from 10.9.0.0/24 table 101 priority 102"
    else
        extra_route="        203.0.113.0/24 dev eth0 src $vip table 100 metric 7"
        extra_rule="        not to 192.0.2.0/24 fwmark 7/0xff iif eth0 table 101 priority 101"
    fi
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
    virtual_ipaddress {
        $vip/24
    }
    virtual_routes {
        192.0.2.0/24 via 10.9.0.254 dev eth0 table 100
        blackhole 198.51.100.0/24 table 100
        0.0.0.0/0 via 10.9.0.254 table 101
        10.20.0.0/16 dev eth0 scope link table 1000
$extra_route
    }
    virtual_rules {
        from $vip table 100 priority 100
$extra_rule
        to 10.30.0.0/16 blackhole priority 103 no_track
    }
}
EOF
}

# routes_show NS: the instance's routes and rules as iproute2 shows them (tables 100, 101,
# 1000; the rules other than the kernel's three), one per line, or "none".
routes_show() {
    local ns=$1 out
    out=$( { ip -n "$ns" -4 route show table 100; ip -n "$ns" -4 route show table 101
             ip -n "$ns" -4 route show table 1000
             ip -n "$ns" -4 rule show | grep -Ev '^(0|32766|32767):'; } 2>/dev/null | sed 's/ *$//')
    echo "${out:-none}"
}
routes_none() { [ "$(routes_show "$1")" = none ]; }
routes_equal() { [ "$(routes_show "$1")" = "$2" ]; }
# routes_has NS LINE: LINE is one of NS's route or rule lines.
routes_has() { routes_show "$1" | grep -qxF "$2"; }
# routes_rule_count NS N: NS has N rules besides the kernel's three.
routes_rule_count() { [ "$(ip -n "$1" -4 rule show | grep -cEv '^(0|32766|32767):')" = "$2" ]; }
routes_transitions() { awk '/VRRP [A-Z]+ -> [A-Z]+/ { n++ } END { print n + 0 }' "$work/$1.log"; }
routes_reloads() { awk '/VRRP reload done/ { n++ } END { print n + 0 }' "$work/$1.log"; }
routes_more_reloads() { [ "$(routes_reloads "$1")" -gt "$2" ]; }

# routes_reload NS WHAT: lvsctl reload in NS; waits until lvsd logged the VRRP reload as done.
routes_reload() {
    local ns=$1 what=$2 before; before=$(routes_reloads "$1")
    if ip netns exec "$ns" "$lvsctl" reload --control-socket "$work/$ns.sock" >/dev/null; then
        ok "$what: lvsctl reload accepted"
    else
        fail "$what: lvsctl reload refused"
    fi
    if wait_for 10 routes_more_reloads "$ns" "$before"; then ok "$what: VRRP reload carried out"
    else fail "$what: no new 'VRRP reload done' in $ns's log"; fi
}

routes_scenario() {
    local name="routes" expected kpid apid bpid
    echo "=== $name: keepalived's routes and rules are lvsd's"
    routes_config 150 > "$work/$nsA.conf"
    if [ -x "$keepalived" ]; then
        launch keepalived "$nsA"; kpid=$started_pid
        wait_for 20 has_vip "$nsA" || fail "$name: keepalived in $nsA never took the VIP"
        # Rules come last: wait until the last one is there.
        wait_for 10 routes_rule_count "$nsA" 3 || fail "$name: keepalived installed $(ip -n "$nsA" rule show)"
        expected=$(routes_show "$nsA")
        echo "$expected" | sed 's/^/    keepalived: /'
        stop_with TERM keepalived "$nsA" "$kpid"
        reap "$kpid"
        if wait_for 10 routes_none "$nsA"; then ok "$name: keepalived removed its routes and rules at stop"
        else fail "$name: keepalived left $(routes_show "$nsA")"; fi
        if has_vip "$nsA"; then ip -n "$nsA" addr del "$vip/24" dev eth0; fi
    else
        echo "skipped: keepalived as the oracle (no $keepalived); the lines written here are expected"
        expected=$(printf '%s\n' \
            "192.0.2.0/24 via 10.9.0.254 dev eth0 proto keepalived" \
            "blackhole 198.51.100.0/24 proto keepalived" \
            "203.0.113.0/24 dev eth0 proto keepalived src 10.9.0.100 metric 7" \
            "default via 10.9.0.254 dev eth0 proto keepalived" \
            "10.20.0.0/16 dev eth0 proto keepalived scope link" \
            $'100:\tfrom 10.9.0.100 lookup 100 proto keepalived' \
            $'101:\tnot from all to 192.0.2.0/24 fwmark 0x7/0xff iif eth0 lookup 101 proto keepalived' \
            $'103:\tfrom all to 10.30.0.0/16 blackhole')
    fi
    launch lvsd "$nsA"; apid=$started_pid
    if wait_for 20 routes_equal "$nsA" "$expected"; then ok "$name: lvsd as MASTER shows the same routes and rules"
    else
        fail "$name: lvsd as MASTER shows other routes and rules"
        diff <(echo "$expected") <(routes_show "$nsA") | sed 's/^/    /'
    fi
    stop_with TERM lvsd "$nsA" "$apid"
    reap "$apid"
    if routes_none "$nsA"; then ok "$name: lvsd removed its routes and rules at stop"
    else fail "$name: lvsd left $(routes_show "$nsA")"; fi

    name="routes: lvsd(150, A) vs lvsd(100, B)"
    echo "=== $name"
    rm -f "$work/$nsA.log" "$work/$nsB.log"
    launch lvsd "$nsA"; apid=$started_pid
    wait_for 20 has_vip "$nsA" || fail "$name: A alone never took the VIP"
    routes_config 100 > "$work/$nsB.conf"
    launch lvsd "$nsB"; bpid=$started_pid
    if wait_for 20 routes_equal "$nsA" "$expected" && wait_for 10 state_is "$nsB" BACKUP; then
        ok "$name: the MASTER (A) has the routes and rules"
    else
        fail "$name: A has $(routes_show "$nsA"), B is $(state_of "$nsB")"
    fi
    if routes_none "$nsB"; then ok "$name: the BACKUP (B) has none"; else fail "$name: the BACKUP has $(routes_show "$nsB")"; fi

    # Reload on the MASTER: one route and one rule replaced, in place.
    local before; before=$(routes_transitions "$nsA")
    routes_config 150 reloaded > "$work/$nsA.conf"
    routes_reload "$nsA" "$name, reload"
    local gone_route="203.0.113.0/24 dev eth0 proto keepalived src $vip metric 7"
    local new_route="192.0.2.64/26 via 10.9.0.254 dev eth0 proto keepalived"
    local gone_rule=$'101:\tnot from all to 192.0.2.0/24 fwmark 0x7/0xff iif eth0 lookup 101 proto keepalived'
    local new_rule=$'102:\tfrom 10.9.0.0/24 lookup 101 proto keepalived'
    routes_reloaded_in_place() {
        routes_has "$nsA" "$new_route" && routes_has "$nsA" "$new_rule" \
            && ! routes_has "$nsA" "$gone_route" && ! routes_has "$nsA" "$gone_rule"
    }
    if wait_for 10 routes_reloaded_in_place; then ok "$name, reload: the MASTER's routes and rules follow the file"
    else fail "$name, reload: A has $(routes_show "$nsA")"; fi
    if [ "$(routes_transitions "$nsA")" = "$before" ] && state_is "$nsA" MASTER; then
        ok "$name, reload: no transition"
    else
        fail "$name, reload: A changed state ($(state_of "$nsA"))"
    fi
    routes_show "$nsA" | sed 's/^/    lvsd after the reload: /'

    # SIGTERM of A: B takes the VIP and installs its routes and rules (B's file is the first).
    stop_with TERM lvsd "$nsA" "$apid"
    if wait_for 20 routes_equal "$nsB" "$expected" && wait_for 10 state_is "$nsB" MASTER; then
        ok "$name: after SIGTERM of A, B has the routes and rules"
    else
        fail "$name: after SIGTERM of A, B has $(routes_show "$nsB") ($(state_of "$nsB"))"
    fi
    reap "$apid"
    if routes_none "$nsA"; then ok "$name: the stopped A has none"; else fail "$name: the stopped A left $(routes_show "$nsA")"; fi
    stop_with TERM lvsd "$nsB" "$bpid"
    reap "$bpid"
    if routes_none "$nsB"; then ok "$name: B removed its routes and rules at stop"
    else fail "$name: B left $(routes_show "$nsB")"; fi

    # SIGKILL leaves the routes and rules behind; an lvsd started again as BACKUP removes them
    # (keepalived's start removes its routes and rules too).
    name="routes: leftovers of a killed lvsd"
    echo "=== $name"
    routes_config 150 > "$work/$nsA.conf"
    launch lvsd "$nsA"; apid=$started_pid
    wait_for 20 routes_equal "$nsA" "$expected" || fail "$name: A never installed its routes and rules"
    kill -KILL "$apid"
    reap "$apid"
    if routes_equal "$nsA" "$expected"; then ok "$name: SIGKILL left A's routes and rules"
    else fail "$name: after SIGKILL A has $(routes_show "$nsA")"; fi
    launch lvsd "$nsB"; bpid=$started_pid
    wait_for 20 routes_equal "$nsB" "$expected" || fail "$name: B alone never installed its routes and rules"
    routes_config 50 > "$work/$nsA.conf"
    launch lvsd "$nsA"; apid=$started_pid
    if wait_for 10 state_is "$nsA" BACKUP && wait_for 10 routes_none "$nsA"; then
        ok "$name: A restarted as BACKUP removed them"
    else
        fail "$name: A restarted is $(state_of "$nsA") with $(routes_show "$nsA")"
    fi
    if routes_equal "$nsB" "$expected"; then ok "$name: the MASTER (B) kept its own"
    else fail "$name: B has $(routes_show "$nsB")"; fi
    if has_vip "$nsA"; then ip -n "$nsA" addr del "$vip/24" dev eth0; fi
    stop_with TERM lvsd "$nsA" "$apid"
    reap "$apid"
    stop_with TERM lvsd "$nsB" "$bpid"
    reap "$bpid"
    if routes_none "$nsB"; then ok "$name: B removed its routes and rules at stop"
    else fail "$name: B left $(routes_show "$nsB")"; fi

    if [ -x "$keepalived" ]; then
        name="routes: keepalived(150, A) vs lvsd(100, B)"
        echo "=== $name"
        routes_config 150 > "$work/$nsA.conf"
        launch keepalived "$nsA"; kpid=$started_pid
        wait_for 20 has_vip "$nsA" || fail "$name: keepalived in $nsA never took the VIP"
        launch lvsd "$nsB"; bpid=$started_pid
        if wait_for 10 state_is "$nsB" BACKUP && routes_none "$nsB"; then ok "$name: the BACKUP (lvsd) has none"
        else fail "$name: B is $(state_of "$nsB") with $(routes_show "$nsB")"; fi
        stop_with TERM keepalived "$nsA" "$kpid"
        if wait_for 20 routes_equal "$nsB" "$expected"; then ok "$name: after SIGTERM of keepalived, lvsd has the routes and rules"
        else fail "$name: after SIGTERM of keepalived, B has $(routes_show "$nsB")"; fi
        reap "$kpid"
        if routes_none "$nsA"; then ok "$name: the stopped keepalived left none"
        else fail "$name: the stopped keepalived left $(routes_show "$nsA")"; fi
        stop_with TERM lvsd "$nsB" "$bpid"
        reap "$bpid"
        if routes_none "$nsB"; then ok "$name: B removed its routes and rules at stop"
        else fail "$name: B left $(routes_show "$nsB")"; fi
    fi
}
