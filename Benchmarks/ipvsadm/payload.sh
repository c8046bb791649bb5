#!/bin/sh
# Guest side of Benchmarks/ipvsadm/run.sh: whole-process times of lvsctl vs Debian's ipvsadm
# for one table of /bench/rules (1,000 services x 10 real servers), in one VM boot.
set -u
RULES=/bench/rules
# busybox date has no %N: centiseconds since boot from /proc/uptime.
now() { awk '{ printf "%d", $1 * 100 }' /proc/uptime; }
ms() { echo $(( ($2 - $1) * 10 )); }
RUNS=7
# Runs the two commands alternately RUNS times each (so that drift in the host's load falls on
# both alike) and prints "MEDIAN_A MEDIAN_B" in ms; the last outputs are left in /tmp/a, /tmp/b.
pair() { # pair "CMD A" "CMD B"
    : > /tmp/ta; : > /tmp/tb
    i=0
    while [ $i -lt $RUNS ]; do
        t0=$(now); $1 > /tmp/a 2>/dev/null; t1=$(now); ms "$t0" "$t1" >> /tmp/ta
        t0=$(now); $2 > /tmp/b 2>/dev/null; t1=$(now); ms "$t0" "$t1" >> /tmp/tb
        i=$((i + 1))
    done
    echo "$(sort -n /tmp/ta | sed -n "$(( (RUNS + 1) / 2 ))p") $(sort -n /tmp/tb | sed -n "$(( (RUNS + 1) / 2 ))p")"
}
restore_ipvsadm() { ipvsadm -C; t0=$(now); ipvsadm -R < $RULES; t1=$(now); ms "$t0" "$t1"; }
restore_lvsctl() { ipvsadm -C; t0=$(now); lvsctl restore < $RULES; t1=$(now); ms "$t0" "$t1"; }

# Start-up: the same commands on an empty table.
ipvsadm -C
set -- $(pair "ipvsadm -S -n" "lvsctl save -n"); ea=$1 eb=$2

ra=$(restore_ipvsadm); rb=$(restore_lvsctl)
ra2=$(restore_ipvsadm); rb2=$(restore_lvsctl)
[ "$ra2" -lt "$ra" ] && ra=$ra2
[ "$rb2" -lt "$rb" ] && rb=$rb2
services=$(ipvsadm -S -n | grep -c '^-A')
servers=$(ipvsadm -S -n | grep -c '^-a')
set -- $(pair "ipvsadm -S -n" "lvsctl save -n"); sa=$1 sb=$2; cp /tmp/a /tmp/sa; cp /tmp/b /tmp/sb
set -- $(pair "ipvsadm -L -n" "lvsctl list -n"); la=$1 lb=$2; cp /tmp/a /tmp/la; cp /tmp/b /tmp/lb
same=yes
cmp -s /tmp/sa /tmp/sb || same=no
cmp -s /tmp/la /tmp/lb || same=no
echo "table: $services services, $servers real servers (outputs identical: $same)"
printf '%-22s %10s %10s %8s %8s\n' operation ipvsadm_ms lvsctl_ms ratio target
echo "(restore: best of 2 runs; save and list: median of $RUNS alternating runs; 10 ms resolution)"
row() { awk -v n="$1" -v a="$2" -v b="$3" -v t="$4" 'BEGIN { r = (a > 0 ? b / a : 0); printf "%-22s %10d %10d %8.3f %8s\n", n, a, b, r, t }'; }
row "start-up (empty -Sn)" "$ea" "$eb" "-"
row "restore (-R)" "$ra" "$rb" "<=0.3"
row "save -n (-Sn)" "$sa" "$sb" "<=0.5"
row "list -n (-Ln)" "$la" "$lb" "<=0.5"
