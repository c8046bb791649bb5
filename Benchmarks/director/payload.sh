#!/bin/sh
# Runs in the guest under scripts/vm/run, started by Benchmarks/director/run.sh: keepalived
# 2.2.7's checker (keepalived -C) and lvsd on the same generated configurations, one after
# the other in one boot, each measured the same way. Prints figures; asserts nothing.
#   /bench/table.conf    1,000 x 10, delay_loop 10: (b) start to full table, memory
#   /bench/table2.conf   the same with 100 weights changed: reload of 1 % of the destinations
#   /bench/checks.conf   100 x 10, delay_loop 1: (a) 1,000 TCP checks/s, (c) listener stop/start
#   /bench/http.conf     20 x 10 HTTP_GETs, delay_loop 1: (d) 200 HTTP checks/s
#   /bench/checks.conf   also (e) system calls per TCP_CHECK (strace -c, "syscalls" case)
#   usage: payload.sh ROUNDS [CASES]   (CASES: any of "table reload tcp http syscalls";
#                                       default "table reload tcp http")
set -u
IP=/usr/sbin/ip
ROUNDS=${1:-2}
CASES=${2:-table reload tcp http}
want() { case " $CASES " in *" $1 "*) return 0 ;; esac; return 1; }

# Every real server address (10.64.0.0/10) is local; one listener on port 80 takes the checks.
$IP link set lo up
$IP route add local 10.64.0.0/10 dev lo
listener_start() { checks-bench serve-any --port 80 >/tmp/listener.log 2>&1 & listener=$!; usleep 300000; }
listener_stop() { kill "$listener"; wait "$listener" 2>/dev/null; }
listener_start

now() { awk '{print $1}' /proc/uptime; }                 # seconds, 10 ms resolution
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
destinations() { ipvsadm -Ln | grep -c '^  -> [0-9]'; }   # not the header line
pids_of() { for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = "$1" ] && echo "${p#/proc/}"; done; }
rss_kb() { t=0; for p in $(pids_of "$1"); do r=$(awk '/^VmRSS/ {print $2}' /proc/$p/status 2>/dev/null); t=$((t + ${r:-0})); done; echo $t; }
cpu_ticks() { t=0; for p in $(pids_of "$1"); do c=$(awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null); t=$((t + ${c:-0})); done; echo $t; }
passive_opens() { awk '/^Tcp:/ { if (h) print $6; h = 1 }' /proc/net/snmp; }
wait_count() { # wait_count N TENTHS: until the table has N destinations (polled every 0.2 s)
    i=0
    while [ "$i" -lt "$2" ]; do
        [ "$(destinations)" = "$1" ] && return 0
        usleep 200000; i=$((i + 2))
    done
    return 1
}
# wait_last VIP N TENTHS: until the service VIP:80 has N destinations. Both tools add services
# in the file's order, so the last service complete means the table is: polling one service
# costs the guest little, where listing 10,000 destinations every poll would slow the tool
# being measured.
wait_last() {
    i=0
    while [ "$i" -lt "$3" ]; do
        [ "$(ipvsadm -Ln -t "$1:80" 2>/dev/null | grep -c '^  -> [0-9]')" = "$2" ] && return 0
        usleep 50000; i=$((i + 1))
    done
    return 1
}

start_tool() { # start_tool keepalived|lvsd FILE
    case $1 in
    keepalived) keepalived -C -n -l -G -f "$2" >/tmp/keepalived.log 2>&1 & ;;
    lvsd) lvsd -f "$2" --pid-file /run/lvsd/pid --control-socket /run/lvsd/sock --state-dir /run/lvsd/state \
            --log-level warning >/tmp/lvsd.log 2>&1 & ;;
    esac
    tool_pid=$!
}
stop_tool() {
    kill -TERM "$tool_pid" 2>/dev/null
    i=0; while kill -0 "$tool_pid" 2>/dev/null && [ $i -lt 300 ]; do usleep 100000; i=$((i + 1)); done
    kill -9 "$tool_pid" 2>/dev/null; wait "$tool_pid" 2>/dev/null
    ipvsadm -C
    rm -rf /run/lvsd
}

full=$(lvsd --config-test --print-table -f /bench/table.conf 2>/dev/null | grep -c '^-a')
echo "guest: $(nproc) vCPU, kernel $(uname -r)"
if want table; then
echo
echo "(b) 1,000 virtual servers x 10 real servers: start to the full table ($full destinations), memory"
for round in $(seq 1 "$ROUNDS"); do
    for tool in keepalived lvsd; do
        t0=$(now)
        start_tool $tool /bench/table.conf
        if wait_last 10.0.3.232 10 2400; then t1=$(now); took=$(elapsed "$t0" "$t1") ; else took="timeout"; fi
        sleep 5
        echo "  round $round $tool: last service complete after $took s ($(destinations) destinations); resident memory $(rss_kb $tool) kB ($(pids_of $tool | wc -l) processes)"
        if [ "$tool" = lvsd ]; then
            # Reload changing 100 weights (1 %): lvsctl reload returns after the pass.
            t0=$(now)
            lvsctl reload --control-socket /run/lvsd/sock >/dev/null 2>&1
            t1=$(now)
            echo "  round $round lvsd: reload with nothing changed: $(elapsed "$t0" "$t1") s"
        fi
        stop_tool
    done
done
fi

if want reload; then
echo
echo "reload changing 100 of 10,000 weights: until the kernel has all 100"
# lvsd's count of kernel changes sent (lvsctl status --json prints "changesApplied" : N).
changes_applied() { tr -d ' \n' | grep -o '"changesApplied":[0-9]*' | cut -d: -f2; }
changed() { ipvsadm -Ln | awk '$1 == "->" && $4 == 2' | wc -l; }
# The 100 changed weights are those of the first 10 services: the 10th one done (in file order)
# means all are.
tenth_changed() { ipvsadm -Ln -t 10.0.0.10:80 | awk '$1 == "->" && $4 == 2' | wc -l; }
for round in $(seq 1 "$ROUNDS"); do
    for tool in keepalived lvsd; do
        cp /bench/table.conf /tmp/reload.conf
        start_tool $tool /tmp/reload.conf
        wait_last 10.0.3.232 10 2400
        sleep 3
        cp /bench/table2.conf /tmp/reload.conf
        # lvsd's change count first: a status of 10,000 real servers takes seconds in the guest.
        [ $tool = lvsd ] && before=$(lvsctl status --json --control-socket /run/lvsd/sock | changes_applied)
        t0=$(now)
        if [ $tool = lvsd ]; then
            lvsctl reload --control-socket /run/lvsd/sock >/dev/null 2>&1
        else
            kill -HUP "$tool_pid"
        fi
        i=0; while [ "$(tenth_changed)" != 10 ] && [ $i -lt 1200 ]; do usleep 50000; i=$((i + 1)); done
        t1=$(now)
        extra=""
        if [ $tool = lvsd ]; then
            after=$(lvsctl status --json --control-socket /run/lvsd/sock | changes_applied)
            extra="; kernel changes sent: $((after - before))"
        fi
        echo "  round $round $tool: $(changed) weights changed after $(elapsed "$t0" "$t1") s$extra"
        stop_tool
    done
done
fi

if want tcp; then
echo
echo "(a) 100 x 10 TCP_CHECKs with delay_loop 1 (nominal 1,000 checks/s), 20 s after 10 s of warm-up"
for round in $(seq 1 "$ROUNDS"); do
    for tool in keepalived lvsd; do
        start_tool $tool /bench/checks.conf
        wait_last 10.0.0.100 10 1200
        sleep 10
        c0=$(cpu_ticks $tool); p0=$(passive_opens); t0=$(now)
        sleep 20
        c1=$(cpu_ticks $tool); p1=$(passive_opens); t1=$(now)
        awk -v c=$((c1 - c0)) -v p=$((p1 - p0)) -v t0="$t0" -v t1="$t1" -v tool=$tool -v r=$round 'BEGIN {
            s = t1 - t0; rate = p / s
            printf "  round %d %s: %.0f checks/s (%.1f %% of nominal), CPU %.1f %% of one vCPU, %.1f us CPU per check\n",
                r, tool, rate, rate / 10, c / s, (c * 10000) / p
        }'
        # (c) the listener stops: every real server fails; then it comes back.
        t0=$(now); listener_stop
        if wait_count 0 600; then out=$(elapsed "$t0" "$(now)"); else out="timeout ($(destinations) left)"; fi
        t0=$(now); listener_start
        if wait_count 1000 600; then back=$(elapsed "$t0" "$(now)"); else back="timeout ($(destinations) in)"; fi
        echo "  round $round $tool: listener stopped: all 1,000 out after $out s; restarted: all back after $back s"
        stop_tool
    done
done
fi

if want http; then
echo
echo "(d) 20 x 10 HTTP_GETs of /health with delay_loop 1 (nominal 200 checks/s) against one trivial HTTP"
echo "    server (checks-bench serve-http: 200 OK, 3-byte body, then close), 20 s after 10 s of warm-up"
listener_stop
checks-bench serve-http --port 80 >/tmp/http-listener.log 2>&1 & listener=$!
usleep 300000
for round in $(seq 1 "$ROUNDS"); do
    for tool in keepalived lvsd; do
        start_tool $tool /bench/http.conf
        wait_last 10.0.0.20 10 1200
        sleep 10
        c0=$(cpu_ticks $tool); p0=$(passive_opens); t0=$(now)
        sleep 20
        c1=$(cpu_ticks $tool); p1=$(passive_opens); t1=$(now)
        rss=$(rss_kb $tool); n=$(pids_of $tool | wc -l); up=$(destinations)
        awk -v c=$((c1 - c0)) -v p=$((p1 - p0)) -v t0="$t0" -v t1="$t1" -v tool=$tool -v r=$round \
            -v rss="$rss" -v n="$n" -v up="$up" 'BEGIN {
            s = t1 - t0; rate = p / s
            printf "  round %d %s: %.0f checks/s (%.1f %% of nominal), CPU %.1f %% of one vCPU, %.1f us CPU per check, resident memory %d kB (%d processes), %d of 200 real servers in the table\n",
                r, tool, rate, rate / 2, c / s, (p > 0 ? (c * 10000) / p : 0), rss, n, up
        }'
        stop_tool
    done
done
listener_stop
listener_start
fi

if want syscalls; then
echo
echo "(e) system calls per TCP_CHECK: 100 x 10 TCP_CHECKs, delay_loop 1 (nominal 1,000 checks/s), after"
echo "    10 s of warm-up: 10 s untraced, 10 s under strace -c -f (every call, every process and"
echo "    thread of the tool), then 10 s of perf stat counting syscall tracepoints (in the kernel,"
echo "    little slowdown: the listed calls and raw_syscalls:sys_enter, the total)"
# Checks in a window are the listener's passive opens (every check connects once, all succeed).
# strace stops the traced process at every system call, so the tool runs much slower under it;
# per check the counts change less, but a loop that falls behind may batch differently (and
# calls that end a check, such as close, lag behind the connects counted). perf stat's counts
# are the steady state's. clock_gettime is a system call in this guest only because its
# clock source has no vDSO fast path under qemu TCG; on hardware it is not one.
[ -e /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
[ -e /sys/kernel/debug/tracing ] || mount -t debugfs nodev /sys/kernel/debug 2>/dev/null
listed="socket connect getpeername getsockopt setsockopt close epoll_ctl epoll_wait epoll_pwait clock_gettime
    recvfrom sendto recvmsg sendmsg futex timerfd_settime read write openat bind getsockname getpid
    nanosleep clock_nanosleep restart_syscall"
events=raw_syscalls:sys_enter
for c in $listed; do events="$events,syscalls:sys_enter_$c"; done
for round in $(seq 1 "$ROUNDS"); do
    for tool in keepalived lvsd; do
        start_tool $tool /bench/checks.conf
        wait_last 10.0.0.100 10 1200
        sleep 10
        p0=$(passive_opens); t0=$(now); sleep 10; p1=$(passive_opens); t1=$(now)
        untraced=$(awk -v p=$((p1 - p0)) -v s="$(elapsed "$t0" "$t1")" 'BEGIN { printf "%.0f", p / s }')
        pids=$(pids_of $tool)
        npids=$(echo $pids | wc -w)
        args=""; for p in $pids; do args="$args -p $p"; done
        # shellcheck disable=SC2086
        strace -c -f $args -o /tmp/strace.$tool >/tmp/strace.$tool.err 2>&1 & tracer=$!
        # Attached when strace has said so for every process (or after 10 s).
        i=0
        while [ "$(cat /tmp/strace.$tool.err 2>/dev/null | grep -c attached)" -lt "$npids" ] && [ $i -lt 100 ]; do
            usleep 100000; i=$((i + 1))
        done
        p0=$(passive_opens); t0=$(now); sleep 10; p1=$(passive_opens); t1=$(now)
        kill -INT "$tracer"; wait "$tracer" 2>/dev/null
        checks=$((p1 - p0))
        traced=$(awk -v p=$checks -v s="$(elapsed "$t0" "$t1")" 'BEGIN { printf "%.0f checks/s (%d checks in %.2f s)", p / s, p, s }')
        # strace -c rows: % time, seconds, usecs/call, calls, [errors,] syscall.
        awk -v checks=$checks '
            $1 ~ /^-/ { sep++; next }
            sep == 1 && $4 ~ /^[0-9]+$/ { n = (checks > 0 ? checks : 1); e = (NF == 6 ? $5 : 0); print $NF, $4 / n, e / n }
        ' /tmp/strace.$tool >/tmp/syscalls.strace.$tool
        [ -s /tmp/syscalls.strace.$tool ] || { echo "  $tool: strace gave no counts:"; sed 's/^/    /' /tmp/strace.$tool.err /tmp/strace.$tool; }
        sleep 2
        # perf stat, started with its counters off and switched on and off through a control fifo,
        # so that the window is exactly the one whose checks are counted.
        rm -f /tmp/perf.ctl /tmp/perf.ack; mkfifo /tmp/perf.ctl /tmp/perf.ack
        perf stat -x, -D -1 --control fifo:/tmp/perf.ctl,/tmp/perf.ack -e "$events" \
            -p "$(echo $pids | tr ' ' ,)" -o /tmp/perf.$tool >/tmp/perf.$tool.err 2>&1 & counter=$!
        # (bounded: perf that failed to start never opens the fifos)
        timeout 60 sh -c 'echo enable >/tmp/perf.ctl; head -c 4 /tmp/perf.ack >/dev/null'
        p0=$(passive_opens); t0=$(now); sleep 10; p1=$(passive_opens); t1=$(now)
        timeout 10 sh -c 'echo disable >/tmp/perf.ctl; head -c 4 /tmp/perf.ack >/dev/null'
        kill -INT "$counter"; wait "$counter" 2>/dev/null
        pchecks=$((p1 - p0))
        counted=$(awk -v p=$pchecks -v s="$(elapsed "$t0" "$t1")" 'BEGIN { printf "%.0f checks/s (%d checks in %.2f s)", p / s, p, s }')
        # perf stat -x, rows: count,unit,event,...; the listed calls, then the rest as "(other)".
        awk -F, -v checks=$pchecks '
            $3 ~ /^(raw_)?syscalls:sys_enter/ && $1 ~ /^[0-9]+$/ {
                n = (checks > 0 ? checks : 1)
                if ($3 == "raw_syscalls:sys_enter") total = $1
                else { name = $3; sub(/^syscalls:sys_enter_/, "", name); if ($1 > 0) print name, $1 / n, 0; listed += $1 }
            }
            END { if (total != "") print "(other)", (total - listed) / (checks > 0 ? checks : 1), 0 }
        ' /tmp/perf.$tool >/tmp/syscalls.perf.$tool
        [ -s /tmp/syscalls.perf.$tool ] || { echo "  $tool: perf stat gave no counts:"; sed 's/^/    /' /tmp/perf.$tool.err /tmp/perf.$tool; }
        thr=$(grep -o 'with [0-9]* threads' /tmp/strace.$tool.err | head -n1)
        echo "  round $round $tool ($npids processes${thr:+, $thr}): untraced $untraced checks/s; under strace $traced; under perf stat $counted"
        stop_tool
    done
    echo "  round $round, calls per check (strace: errors per check in brackets), most frequent first:"
    awk '
        { f = FILENAME; sub(/^\/tmp\/syscalls\./, "", f) }
        { k[$1] = 1; seen[f, $1] = 1; c[f, $1] = $2; e[f, $1] = $3; t[f] += $2; te[f] += $3 }
        function cell(f, s) { return (seen[f, s] ? sprintf("%.3f", c[f, s]) (e[f, s] > 0 ? sprintf(" [%.3f]", e[f, s]) : "") : "-") }
        function tot(f) { return sprintf("%.3f", t[f]) (te[f] > 0 ? sprintf(" [%.3f]", te[f]) : "") }
        END {
            printf "    %-16s %18s %18s %16s %16s\n", "", "strace -c -f", "", "perf stat", ""
            printf "    %-16s %18s %18s %16s %16s\n", "syscall", "keepalived -C", "lvsd", "keepalived -C", "lvsd"
            for (s in k) {
                m = c["perf.keepalived", s]; if (c["perf.lvsd", s] > m) m = c["perf.lvsd", s]
                if (c["strace.keepalived", s] > m) m = c["strace.keepalived", s]; if (c["strace.lvsd", s] > m) m = c["strace.lvsd", s]
                printf "%f %s\n", m, s | "sort -rn > /tmp/syscalls.order"
            }
            close("sort -rn > /tmp/syscalls.order")
            while ((getline line < "/tmp/syscalls.order") > 0) {
                split(line, a, " "); s = a[2]
                printf "    %-16s %18s %18s %16s %16s\n", s, cell("strace.keepalived", s), cell("strace.lvsd", s),
                    cell("perf.keepalived", s), cell("perf.lvsd", s)
            }
            printf "    %-16s %18s %18s %16s %16s\n", "total", tot("strace.keepalived"), tot("strace.lvsd"),
                tot("perf.keepalived"), tot("perf.lvsd")
        }
    ' /tmp/syscalls.strace.keepalived /tmp/syscalls.strace.lvsd /tmp/syscalls.perf.keepalived /tmp/syscalls.perf.lvsd
done
fi

if want takeover; then
echo
echo "(f) VRRP takeover, 1,000 x 10 on the instance's VIP (/bench/takeover.conf, one file, -i d1 / -i d2):"
echo "    two directors in network namespaces joined by a veth pair, each with its own listener for"
echo "    the checks; SIGTERM of the MASTER (it sends priority 0), until the BACKUP holds the VIP and"
echo "    the full table. keepalived installs the table on both directors at start; lvsd only on the"
echo "    MASTER, so its takeover includes installing 10,000 destinations; 'lvsd-warm' is lvsd with"
echo "    lvsd_warm_standby (/bench/takeover-warm.conf), which installs the table on both, as keepalived."
VIP=10.99.0.100
$IP netns add d1
$IP netns add d2
$IP link add eth0 netns d1 type veth peer name eth0 netns d2
for d in 1 2; do
    $IP -n d$d link set lo up
    $IP -n d$d addr add 10.99.0.$d/24 dev eth0
    $IP -n d$d link set eth0 up
    $IP -n d$d route add local 10.64.0.0/10 dev lo
    $IP netns exec d$d checks-bench serve-any --port 80 >/tmp/listener-d$d.log 2>&1 &
done
usleep 300000
in_ns() { d=$1; shift; $IP netns exec d$d "$@"; }
has_vip() { $IP -n d$1 -4 -o addr show dev eth0 | grep -q " $VIP/"; }
last_complete() { [ "$(in_ns $1 ipvsadm -Ln -t $VIP:1999 2>/dev/null | grep -c '^  -> [0-9]')" = 10 ]; }
# wait_for TENTHS COMMAND...: polls every 50 ms
wait_for() { t=$(($1 * 2)); shift; i=0; while [ $i -lt $t ]; do "$@" && return 0; usleep 50000; i=$((i + 1)); done; return 1; }
# The tools are started in the background through `ip netns exec`, so $! is not their pid:
# they are stopped by the pid in their pid files.
pair_start() { # pair_start TOOL D
    mkdir -p /run/t$2
    case $1 in
    keepalived) in_ns $2 keepalived -n -l -G -f /bench/takeover.conf -i d$2 -p /run/t$2/main.pid -r /run/t$2/vrrp.pid \
                    -c /run/t$2/checkers.pid >/tmp/takeover-keepalived-d$2.log 2>&1 & ;;
    lvsd) in_ns $2 lvsd -f /bench/takeover.conf -i d$2 --pid-file /run/t$2/main.pid --control-socket /run/t$2/sock \
              --state-dir /run/t$2/state --log-level warning >/tmp/takeover-lvsd-d$2.log 2>&1 & ;;
    lvsd-warm) in_ns $2 lvsd -f /bench/takeover-warm.conf -i d$2 --pid-file /run/t$2/main.pid --control-socket /run/t$2/sock \
              --state-dir /run/t$2/state --log-level warning >/tmp/takeover-lvsd-warm-d$2.log 2>&1 & ;;
    esac
}
pair_pid() { cat /run/t$1/main.pid 2>/dev/null; }
pair_stop() { # pair_stop D
    p=$(pair_pid $1)
    if [ -n "$p" ]; then
        kill -TERM "$p" 2>/dev/null
        i=0; while kill -0 "$p" 2>/dev/null && [ $i -lt 300 ]; do usleep 100000; i=$((i + 1)); done
        kill -9 "$p" 2>/dev/null
    fi
    in_ns $1 ipvsadm -C
    $IP -n d$1 addr del $VIP/24 dev eth0 2>/dev/null
    rm -rf /run/t$1
}
show_logs() { for f in /tmp/takeover-$1-d1.log /tmp/takeover-$1-d2.log; do echo "    $f:"; tail -n 8 $f | cut -c1-160 | sed 's/^/      /'; done; }
for round in $(seq 1 "$ROUNDS"); do
    for tool in keepalived lvsd lvsd-warm; do
        pair_start $tool 1
        pair_start $tool 2
        if ! wait_for 2400 eval "has_vip 1 && last_complete 1 && [ -n \"\$(pair_pid 2)\" ]"; then
            echo "  round $round $tool: d1 did not become MASTER with the full table"; show_logs $tool; pair_stop 1; pair_stop 2; continue
        fi
        [ $tool != lvsd ] && wait_for 2400 last_complete 2
        # Both tools start 10,000 checks per director at once; the SIGTERM comes once that
        # first round is well over (delay_loop 60).
        sleep 30
        standby=$(in_ns 2 ipvsadm -Ln | grep -c '^  -> [0-9]')
        t0=$(now)
        kill -TERM "$(pair_pid 1)"
        if wait_for 600 has_vip 2; then vip=$(elapsed "$t0" "$(now)"); else vip="timeout"; fi
        if wait_for 2400 last_complete 2; then full=$(elapsed "$t0" "$(now)"); else full="timeout"; fi
        echo "  round $round $tool: the BACKUP had $standby destinations before; after the MASTER's SIGTERM it held the VIP after $vip s and the full table after $full s"
        [ "$vip" = timeout ] || [ "$full" = timeout ] && show_logs $tool
        pair_stop 1
        pair_stop 2
    done
done
$IP netns del d1
$IP netns del d2
fi
