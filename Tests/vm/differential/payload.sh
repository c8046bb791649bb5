#!/bin/sh
# Guest side of Tests/vm/ipvsadm-differential.sh (busybox sh, run by scripts/vm/run).
# /gen holds rules-*.rules and steps.txt from generate.py. Compares Debian's ipvsadm with
# lvsctl in the same guest and prints "N passed, M failed"; exits 1 on any failure.
set -u
SEED=$(cat /gen/seed 2>/dev/null || echo '?')
T=/tmp/diff
mkdir -p $T
: > $T/tally

# compare NAME: $T/a.* (ipvsadm) against $T/b.* (lvsctl): stdout, stderr, status.
compare() {
    if cmp -s $T/a.out $T/b.out && cmp -s $T/a.err $T/b.err && cmp -s $T/a.rc $T/b.rc; then
        echo P >> $T/tally
    else
        echo F >> $T/tally
        echo "FAIL (seed $SEED): $1"
        for f in out err rc; do
            cmp -s $T/a.$f $T/b.$f || { echo "--- ipvsadm $f / +++ lvsctl $f"; diff $T/a.$f $T/b.$f | head -30; }
        done
    fi
}

run_a() { "$@" > $T/a.out 2> $T/a.err; echo $? > $T/a.rc; }
run_b() { "$@" > $T/b.out 2> $T/b.err; echo $? > $T/b.rc; }

variants='
-S -n|save -n
-S|save
-L -n|list -n
-L|list
-L -n --stats|list -n --stats
-L -n --stats --exact|list -n --stats --exact
-L -n --rate|list -n --rate
-L -n --thresholds|list -n --thresholds
-L -n --persistent-conn|list -n --persistent-conn
-L -n --tun-info|list -n --tun-info
-L -n --nosort|list -n --nosort
-L --timeout|list --timeout
-L -n -c|list -n -c
'

# Part 1 and 2: rule sets through ipvsadm -R, every listing compared; then lvsctl restore.
for rules in /gen/rules-*.rules; do
    name=$(basename "$rules")
    ipvsadm -C
    ipvsadm -R < "$rules" 2> $T/restore.err
    echo "$variants" | while IFS='|' read -r old new; do
        [ -n "$old" ] || continue
        # shellcheck disable=SC2086
        run_a ipvsadm $old
        # shellcheck disable=SC2086
        run_b lvsctl ipvsadm $old
        compare "$name: lvsctl ipvsadm $old"
        # shellcheck disable=SC2086
        run_b lvsctl $new
        compare "$name: lvsctl $new vs ipvsadm $old"
    done
    # lvsctl status, against the same figures taken from ipvsadm's own output.
    ipvsadm -S -n > $T/sn
    {
        ipvsadm -L -n | sed -n '1s/^IP Virtual Server version \(.*\) (size=\(.*\))$/IPVS \1, connection table size \2/p'
        echo "virtual services: $(grep -c '^-A' $T/sn) (tcp $(grep -c '^-A -t' $T/sn), udp $(grep -c '^-A -u' $T/sn)," \
            "sctp $(grep -c '^-A --sctp-service' $T/sn), fwmark $(grep -c '^-A -f' $T/sn))"
        echo "real servers: $(grep -c '^-a' $T/sn), $(grep -c -e ' -w 0$' -e ' -w 0 ' $T/sn) with weight 0"
        ipvsadm -L -n | awk '/^  -> / && $2 != "RemoteAddress:Port" { a += $(NF-1); i += $NF }
            END { printf "connections: %d active, %d inactive\n", a, i }'
        ipvsadm -L --timeout | awk '{ printf "timeouts: tcp %s s, tcpfin %s s, udp %s s\n", $(NF-2), $(NF-1), $NF }'
        echo "sync daemons: none"
        # No lvsd runs in the guest: lvsctl status says so after the kernel's figures.
        echo "lvsd is not running (/run/lvsd/lvsd.sock: No such file or directory)"
    } > $T/a.out
    : > $T/a.err; echo 0 > $T/a.rc
    run_b lvsctl status
    compare "$name: lvsctl status against ipvsadm's figures"
    lvsctl status --json > $T/status.json
    grep -q "\"total\" : $(grep -c '^-A' $T/sn)," $T/status.json && grep -q "\"total\" : $(grep -c '^-a' $T/sn)," $T/status.json \
        && echo P >> $T/tally || { echo F >> $T/tally; echo "FAIL (seed $SEED): $name: lvsctl status --json totals"; cat $T/status.json; }
    ipvsadm -S -n > $T/expected.sn
    ipvsadm -C
    lvsctl restore < "$rules" > /dev/null 2> $T/lvsctl-restore.err
    ipvsadm -S -n > $T/b.out; : > $T/b.err; echo 0 > $T/b.rc
    cp $T/expected.sn $T/a.out; : > $T/a.err; echo 0 > $T/a.rc
    compare "$name: ipvsadm -Sn after lvsctl restore vs after ipvsadm -R"
    ipvsadm -C
    lvsctl ipvsadm -R < "$rules" 2> /dev/null
    ipvsadm -S -n > $T/b.out
    compare "$name: ipvsadm -Sn after lvsctl ipvsadm -R vs after ipvsadm -R"
done
ipvsadm -C

# Part 3: the same random command sequence in two namespaces.
/usr/sbin/ip netns add ref
/usr/sbin/ip netns add lvs
steps=0
while IFS= read -r line; do
    steps=$((steps + 1))
    # The kernel's dump order depends on the namespace (its hash mixes in the netns), and
    # ipvsadm's sort is not a total order (wrapping subtraction), so even sorted listings
    # differ between namespaces: read-only commands are compared within the lvsctl namespace.
    refns=ref
    case "$line" in -L* | -l* | -S* | --list* | --save*) refns=lvs ;; esac
    # shellcheck disable=SC2086
    run_a /usr/sbin/ip netns exec $refns ipvsadm $line
    # shellcheck disable=SC2086
    run_b /usr/sbin/ip netns exec lvs lvsctl ipvsadm $line
    compare "step $steps: ipvsadm $line"
    # Tables compared as sets of rules, for the same reason.
    /usr/sbin/ip netns exec ref ipvsadm -S -n | sort > $T/a.out; : > $T/a.err; echo 0 > $T/a.rc
    /usr/sbin/ip netns exec lvs ipvsadm -S -n | sort > $T/b.out; : > $T/b.err; echo 0 > $T/b.rc
    compare "step $steps: table after ipvsadm $line"
done < /gen/steps.txt

# Part 4: connection sync daemons, started once by ipvsadm and once by lvsctl ipvsadm, over a
# veth pair (the kernel needs a multicast-capable interface). Listings and the errors of
# stopping a daemon that is not running are compared.
/usr/sbin/ip link add sync0 type veth peer name sync1
/usr/sbin/ip link set sync0 up
/usr/sbin/ip link set sync1 up
/usr/sbin/ip -6 addr add 2001:db8:5::1/64 dev sync0 nodad
daemon_sets='
--start-daemon master --mcast-interface sync0 --syncid 7
--start-daemon backup --mcast-interface sync1 --syncid 9 --sync-maxlen 1400 --mcast-group 239.1.2.3 --mcast-port 8850 --mcast-ttl 3
--start-daemon master --mcast-interface sync0 --syncid 11 --sync-maxlen 1200 --mcast-group ff15::1:2 --mcast-port 8900 --mcast-ttl 5
--start-daemon backup --mcast-interface sync1 --mcast-group 239.9.9.9
'
compare_daemon_listings() { # $1: what is running
    run_a ipvsadm -L --daemon
    run_b lvsctl ipvsadm -L --daemon
    compare "daemons ($1): lvsctl ipvsadm -L --daemon"
    run_b lvsctl list --daemon
    compare "daemons ($1): lvsctl list --daemon vs ipvsadm -L --daemon"
}
echo "$daemon_sets" | while read -r start; do
    [ -n "$start" ] || continue
    role=$(echo "$start" | awk '{print $2}')
    # shellcheck disable=SC2086
    ipvsadm $start
    compare_daemon_listings "$start"
    # Master and backup together.
    other=backup; iface=sync1
    [ "$role" = backup ] && other=master && iface=sync0
    ipvsadm --start-daemon $other --mcast-interface $iface --syncid 3
    compare_daemon_listings "$start, and a $other"
    ipvsadm -L --daemon > $T/by-ipvsadm
    ipvsadm --stop-daemon master; ipvsadm --stop-daemon backup
    # shellcheck disable=SC2086
    run_b lvsctl ipvsadm $start
    run_b lvsctl ipvsadm --start-daemon $other --mcast-interface $iface --syncid 3
    ipvsadm -L --daemon > $T/b.out; : > $T/b.err; echo 0 > $T/b.rc
    cp $T/by-ipvsadm $T/a.out; : > $T/a.err; echo 0 > $T/a.rc
    compare "daemons ($start): started by lvsctl ipvsadm vs by ipvsadm"
    run_b lvsctl ipvsadm --stop-daemon master
    run_b lvsctl ipvsadm --stop-daemon backup
    ipvsadm -L --daemon > $T/b.out
    : > $T/a.out
    compare "daemons ($start): none left after lvsctl ipvsadm --stop-daemon"
    run_a ipvsadm --stop-daemon "$role"
    run_b lvsctl ipvsadm --stop-daemon "$role"
    compare "daemons: stopping a $role that is not running"
done
/usr/sbin/ip link del sync0

pass=$(grep -c P $T/tally)
fail=$(grep -c F $T/tally)
echo "differential: seed $SEED, $steps random steps"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
