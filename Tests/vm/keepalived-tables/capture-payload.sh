#!/bin/sh
# Runs in the guest (busybox sh) under scripts/vm/run, started by capture.sh.
# For every configuration under /cases (a copy of configs/): start keepalived's checker
# process alone (keepalived -C -n -l -G -f FILE; -G: the guest has no syslog, and
# without it every line goes to the slow serial console too), wait until its parent logs "Startup
# complete" (the checker child has run init_services: every virtual server, real server
# and sorry server keepalived installs at start is in the kernel), freeze the checker
# child with SIGSTOP, check from its log that no health check changed anything, and write
# `ipvsadm -Sn` to /out/expected/REL.txt, `ipvsadm -Ln --nosort --thresholds` (the kernel's
# order, which is keepalived's insertion order, and the connection thresholds, which -Sn
# leaves out) to /out/kernel-order/REL.txt and keepalived's log of the start to
# /out/logs/REL.log. Then stop keepalived and flush the table.
#
# Determinism: the guest's only routes for other addresses go to a dummy device, which
# drops everything, so a checker's connect neither succeeds nor fails at once: it waits for
# its connect_timeout. keepalived starts its first checks one second (BOOTSTRAP_DELAY)
# after init_services at the earliest; the checker is stopped before that as a rule, and
# the log check rejects a capture taken after any checker-driven change anyway.
set -u
IP=/usr/sbin/ip  # iproute2 (busybox ip lacks parts of it)
STARTUP_DEADLINE=600   # tenths of a second to wait for "Startup complete"
STOP_DEADLINE=300      # tenths of a second to wait for keepalived to exit

fail=0
passed=0

# A black hole for every address that is not local: a dummy device drops what it is given.
$IP link add lvs-blackhole type dummy || exit 1
$IP link set lvs-blackhole up || exit 1
$IP addr add 198.18.255.254/32 dev lvs-blackhole || exit 1
$IP -6 addr add 2001:db8:ffff::fe/128 dev lvs-blackhole nodad || exit 1
$IP route add default dev lvs-blackhole src 198.18.255.254 || exit 1
$IP -6 route add default dev lvs-blackhole src 2001:db8:ffff::fe || exit 1

mkdir -p /out/expected /out/kernel-order
{
    echo "kernel: $(uname -r) $(uname -v)"
    echo "keepalived: $(keepalived --version 2>&1 | head -n1)"
    echo "ipvsadm: $(ipvsadm --version 2>&1 | head -n1)"
} >/out/versions.txt

# wait_for_line FILE PATTERN PID TENTHS: 0 once FILE has a line matching PATTERN, 1 when PID
# exits first or TENTHS tenths of a second pass.
wait_for_line() {
    n=0
    while [ "$n" -lt "$4" ]; do
        grep -q -- "$2" "$1" && return 0
        kill -0 "$3" 2>/dev/null || return 1
        usleep 100000
        n=$((n + 1))
    done
    return 1
}

# stop_keepalived PARENT CHILD: let the checker run again and stop keepalived; 1 if it did
# not exit in time (then it is killed).
stop_keepalived() {
    [ -n "$2" ] && kill -CONT "$2" 2>/dev/null
    kill -TERM "$1" 2>/dev/null
    n=0
    while kill -0 "$1" 2>/dev/null; do
        if [ "$n" -ge "$STOP_DEADLINE" ]; then
            kill -KILL "$1" 2>/dev/null
            [ -n "$2" ] && kill -KILL "$2" 2>/dev/null
            wait "$1" 2>/dev/null
            return 1
        fi
        usleep 100000
        n=$((n + 1))
    done
    wait "$1" 2>/dev/null
    return 0
}

reset_kernel() {
    ipvsadm -C
    ipvsadm --stop-daemon master 2>/dev/null
    ipvsadm --stop-daemon backup 2>/dev/null
}

cd /cases || exit 1
n_config=0
for rel in $(find . -type f | sed 's|^\./||' | sort); do
    # A new log file for each start: the shell truncates a redirection in the background
    # child, so a reused file could still show the previous start's lines to the first grep.
    n_config=$((n_config + 1))
    log=/tmp/keepalived.$n_config.log
    : >"$log"
    reset_kernel
    if [ -n "$(ipvsadm -Sn)" ]; then
        echo "FAIL $rel: the table is not empty before keepalived starts"
        fail=$((fail + 1))
        continue
    fi
    keepalived -C -n -l -G -f "/cases/$rel" >"$log" 2>&1 &
    parent=$!
    if ! wait_for_line "$log" 'Startup complete' "$parent" "$STARTUP_DEADLINE"; then
        echo "FAIL $rel: keepalived did not report 'Startup complete'; its log:"
        sed 's/^/    /' "$log"
        stop_keepalived "$parent" ""
        fail=$((fail + 1))
        continue
    fi
    child=$(sed -n 's/.*Starting Healthcheck child process, pid=\([0-9]*\).*/\1/p' "$log" | head -n1)
    if [ -z "$child" ] || ! kill -STOP "$child"; then
        echo "FAIL $rel: no checker child process to stop; its log:"
        sed 's/^/    /' "$log"
        stop_keepalived "$parent" ""
        fail=$((fail + 1))
        continue
    fi
    mkdir -p "$(dirname "/out/expected/$rel")" "$(dirname "/out/kernel-order/$rel")" \
        "$(dirname "/out/logs/$rel")"
    if ! ipvsadm -Sn >"/out/expected/$rel.txt" ||
        ! ipvsadm -Ln --nosort --thresholds >"/out/kernel-order/$rel.txt"; then
        echo "FAIL $rel: ipvsadm could not read the table"
        stop_keepalived "$parent" "$child"
        fail=$((fail + 1))
        continue
    fi
    # What a finished health check logs when it changes the table (perform_svr_state,
    # update_quorum_state and the weight updates of keepalived/check/ipwrapper.c).
    changes=$(grep -E '(Adding|Removing|Enabling|Disabling) service |Lost quorum|Changing weight' "$log")
    if [ -n "$changes" ]; then
        echo "FAIL $rel: a health check changed the table before the capture:"
        echo "$changes" | sed 's/^/    /'
        rm -f "/out/expected/$rel.txt" "/out/kernel-order/$rel.txt"
        stop_keepalived "$parent" "$child"
        fail=$((fail + 1))
        continue
    fi
    if ! stop_keepalived "$parent" "$child"; then
        echo "FAIL $rel: keepalived did not stop within $((STOP_DEADLINE / 10)) s"
        fail=$((fail + 1))
        continue
    fi
    # keepalived's own account of the start (warnings, kernel errors), pids and times removed.
    sed 's/^Keepalived[_a-z]*\[[0-9]*\]: //; s/, pid=[0-9]*//' "$log" >"/out/logs/$rel.log"
    echo "captured $rel: $(grep -c '^-A' "/out/expected/$rel.txt") services, $(grep -c '^-a' "/out/expected/$rel.txt") real servers"
    passed=$((passed + 1))
done
reset_kernel
echo "captures: $passed taken, $fail failed"
[ "$fail" -eq 0 ]
