# Sourced by failover.sh (group `partition`): uses its namespaces, helpers and variables.
# shellcheck shell=bash
# Partition and heal with a client measuring its outage (issue 10). Directors A (priority 150)
# and B (100) and a client C (10.9.0.66) on one bridge. C pings the VIP every 10 ms
# (outage-probe.py) from before the partition to after the heal. The partition: A's and B's
# bridge ports are isolated (`bridge link set dev PORT isolated on`), so A and B no longer hear
# each other while C still reaches both; B becomes MASTER too. The worst case is arranged: C's
# neighbour entry for the VIP is left on B's MAC, the side that will yield (B's gratuitous ARPs,
# the delayed round included, are the last C heard). The heal lifts the isolation. Asserted:
# exactly one MASTER, A, holds the VIP (lvsd sides say MASTER / BACKUP in lvsctl status), and
# C's neighbour entry for the VIP has A's MAC, polled with generous deadlines. Printed, never
# asserted: the time C's entry took to move, C's outage after the heal (the probe's longest run
# of unanswered requests, from the first one's sending to the next reply), its longest gap
# between replies (which includes the probe's own hold-ups on a loaded machine), and whether A
# heard B's advert (then A announces its addresses again: keepalived's garp_lower_prio_repeat,
# lvsd's the same).
# Pairings: lvsd/lvsd, lvsd A / keepalived B, keepalived A / lvsd B, keepalived/keepalived (the
# reference), VRRPv2 (advert 1 s) and VRRPv3 (advert 0.1 s), PARTITION_ROUNDS rounds each
# (default 1, as scripts/test runs it; the README's figures are from 3); PARTITION_VERSIONS (default "2 3") and PARTITION_CASES (default all four, as
# "AKIND/BKIND") narrow the run. BKIND keepalived+hpsa is keepalived with
# `higher_prio_send_advert` (a keepalived B that sends an advert before it yields, as lvsd
# does by default); it runs only when named in PARTITION_CASES.

# mac_of NS: the MAC of NS's eth0.
mac_of() { ip -n "$1" -o link show dev eth0 | sed -n 's|.* link/ether \([0-9a-f:]*\) .*|\1|p'; }
# c_neigh: C's neighbour entry for the VIP (`ip -s neigh` form, with its used/confirmed/updated ages).
c_neigh() { ip -s -n "$nsC" neigh show "$vip" dev eth0; }
# c_neigh_is MAC: C's entry for the VIP has MAC.
c_neigh_is() { [[ $(ip -n "$nsC" neigh show "$vip" dev eth0) == *" lladdr $1 "* ]]; }
# isolate on|off: A's and B's bridge ports (pa, pb) isolated from each other, or not.
isolate() {
    ip netns exec "$nsBr" bridge link set dev pa isolated "$1"
    ip netns exec "$nsBr" bridge link set dev pb isolated "$1"
}
# one_master: A holds the VIP, B none.
one_master() { has_vip "$nsA" && ! has_vip "$nsB"; }
# heard_lower KIND NS FROM: lines of NS's log since line FROM saying that A heard B's lower
# priority advert while MASTER.
heard_lower() {
    local kind=$1 ns=$2 from=$3 pattern
    if [ "$kind" = lvsd ]; then pattern='heard a lower priority master'
    else pattern='Received advert from 10.9.0.2 with lower priority'; fi
    awk -v from="$from" -v pattern="$pattern" 'NR > from && index($0, pattern) { n++ } END { print n + 0 }' "$work/$ns.log"
}
log_lines() { if [ -f "$work/$1.log" ]; then wc -l < "$work/$1.log"; else echo 0; fi; }

# partition_round AKIND BKIND VERSION ROUND: one partition and heal; appends the outage to
# partition_outages[AKIND/BKIND vVERSION].
partition_round() {
    local akind=$1 bkind=$2 version=$3 round=$4 key="$1/$2 v$3"
    local name="partition v$version $akind(150, A) / $bkind(100, B), round $round"
    echo "=== $name"
    local amac bmac; amac=$(mac_of "$nsA") bmac=$(mac_of "$nsB")
    start "$akind" "$nsA" "$version" 150 partition; local apid=$started_pid
    wait_for 20 has_vip "$nsA" || fail "$name: $nsA alone never took the VIP"
    if [ "$bkind" = keepalived+hpsa ]; then
        # keepalived with higher_prio_send_advert: it too sends an advert before it yields.
        config "$version" 100 keepalived partition \
            | sed 's|^    interface eth0$|    interface eth0\n    higher_prio_send_advert|' > "$work/$nsB.conf"
        bkind=keepalived
        launch keepalived "$nsB"
    else
        start "$bkind" "$nsB" "$version" 100 partition
    fi
    local bpid=$started_pid
    expect_master "$nsA" "$nsB" "$akind" "$bkind" "$name, start"

    ip netns exec "$nsC" python3 "$root/Tests/vrrp-host/outage-probe.py" "$vip" > "$work/probe.out" 2>&1 &
    local probe=$!
    pids+=("$probe")
    if wait_for 30 c_neigh_is "$amac"; then ok "$name: C reaches the VIP at A's MAC"
    else fail "$name: C's entry before the partition: $(c_neigh)"; fi

    # Partition: B no longer hears A and becomes MASTER too; its gratuitous ARPs move C's entry.
    isolate on
    if wait_for 20 has_vip "$nsB" && has_vip "$nsA"; then ok "$name: partitioned, both hold the VIP"
    else fail "$name: partitioned, not both MASTER (A: $(has_vip "$nsA" && echo VIP), B: $(has_vip "$nsB" && echo VIP))"; fi
    # B's second round of gratuitous ARPs comes garp_master_delay (5 s) after it took the VIP;
    # past it, B is the last that announced and nothing moves C's entry until the heal.
    sleep 6
    if c_neigh_is "$bmac"; then ok "$name: C's entry is on B's MAC (the side that will yield): $(c_neigh)"
    else fail "$name: C's entry is not on B's MAC before the heal: $(c_neigh)"; fi

    # Heal.
    local alog; alog=$(log_lines "$nsA")
    isolate off
    local t0; t0=$(now_ns)
    kill -USR1 "$probe" || fail "$name: the probe is gone before the heal"
    # C's entry first (the time it took is printed), then the masters, then C's entry again.
    local moved=-1
    if wait_for 30 c_neigh_is "$amac"; then
        moved=$(( ($(now_ns) - t0) / 1000000 ))
        ok "$name: C's entry moved to A's MAC after $moved ms"
    else
        fail "$name: C's entry is not on A's MAC 30 s after the heal: $(c_neigh)"
    fi
    if wait_for 30 one_master; then ok "$name: healed, only A holds the VIP"
    else fail "$name: healed, A: $(has_vip "$nsA" && echo VIP || echo none), B: $(has_vip "$nsB" && echo VIP || echo none)"; fi
    if [ "$akind" = lvsd ]; then
        if wait_for 10 state_is "$nsA" MASTER; then ok "$name: lvsctl status in $nsA says MASTER"
        else fail "$name: lvsctl status in $nsA says $(state_of "$nsA")"; fi
    fi
    if [ "$bkind" = lvsd ]; then
        if wait_for 10 state_is "$nsB" BACKUP; then ok "$name: lvsctl status in $nsB says BACKUP"
        else fail "$name: lvsctl status in $nsB says $(state_of "$nsB")"; fi
    fi
    if c_neigh_is "$amac"; then ok "$name: C's entry is on A's MAC: $(c_neigh)"
    else fail "$name: C's entry left A's MAC: $(c_neigh)"; fi
    kill -TERM "$probe" || fail "$name: the probe is gone before the end"
    wait "$probe" || fail "$name: the probe exited with status $?"
    local kept=() p
    for p in "${pids[@]}"; do [ "$p" = "$probe" ] || kept+=("$p"); done
    pids=("${kept[@]}")
    local report loss gap heard
    report=$(cat "$work/probe.out")
    loss=$(sed -n 's/.* loss_after_mark_ms \([0-9-]*\) .*/\1/p' <<< "$report")
    gap=$(sed -n 's/.* gap_after_mark_ms \([0-9-]*\)$/\1/p' <<< "$report")
    heard=$(heard_lower "$akind" "$nsA" "$alog")
    echo "  probe: $report"
    echo "  A heard B's lower priority advert after the heal: $heard times; C's entry moved after $moved ms; outage $loss ms (longest gap between replies $gap ms)"
    if [ -z "$loss" ] || [ -z "$gap" ]; then fail "$name: no probe result: $report"; loss=? gap=?; fi
    partition_outages["$key"]+="$loss "
    partition_gaps["$key"]+="$gap "
    partition_heard["$key"]+="$heard "

    stop_with TERM "$akind" "$nsA" "$apid"
    reap "$apid"
    stop_with TERM "$bkind" "$nsB" "$bpid"
    reap "$bpid"
    for ns in "$nsA" "$nsB"; do if has_vip "$ns"; then fail "$name: $ns kept the VIP after SIGTERM"; ip -n "$ns" addr del "$vip/24" dev eth0; fi; done
    ip -n "$nsC" neigh flush dev eth0
}

partition_scenario() {
    ip netns add "$nsC"
    ip link add eth0 netns "$nsC" type veth peer name pc netns "$nsBr"
    ip -n "$nsBr" link set pc master br0 up
    ip -n "$nsC" link set lo up
    ip -n "$nsC" link set eth0 up
    ip -n "$nsC" addr add 10.9.0.66/24 dev eth0
    declare -gA partition_outages=() partition_gaps=() partition_heard=()
    local cases=${PARTITION_CASES:-lvsd/lvsd lvsd/keepalived keepalived/lvsd keepalived/keepalived}
    local versions=${PARTITION_VERSIONS:-2 3} rounds=${PARTITION_ROUNDS:-1}
    local order=() pair version round
    for version in $versions; do
        for pair in $cases; do
            if [[ $pair == *keepalived* ]] && [ ! -x "$keepalived" ]; then
                echo "skipped: partition $pair (no $keepalived)"
                continue
            fi
            order+=("$pair v$version")
            for round in $(seq "$rounds"); do
                partition_round "${pair%/*}" "${pair#*/}" "$version" "$round"
            done
        done
    done
    echo "=== partition and heal, per round (A 150 stays MASTER, B 100 yields; printed, not asserted):"
    echo "    C's outage after the heal (ms) | longest gap between replies (ms) | A heard B's advert (times)"
    local key
    for key in "${order[@]}"; do
        printf '  %-28s %s| %s| %s\n' "$key" "${partition_outages[$key]}" "${partition_gaps[$key]}" "${partition_heard[$key]}"
        results+=("partition heal, A/B $key: C's outage ${partition_outages[$key]}ms")
    done
    ip netns del "$nsC"
}
