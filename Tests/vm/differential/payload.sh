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

pass=$(grep -c P $T/tally)
fail=$(grep -c F $T/tally)
echo "differential: seed $SEED, $steps random steps"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
