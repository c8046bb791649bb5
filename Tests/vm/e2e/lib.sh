# The end-to-end scenario's helpers (busybox sh in the guest), sourced by payload.sh.
#
# Checks (Tests/vm/checks.sh) print "ok N - ..." or "not ok N - ..."; lines for a person to
# read start with "# " or are section titles ("### "). Durations are printed, never asserted.

. /usr/local/lib/lvsd-tests/checks.sh
VIP=10.50.0.100
now() { cut -d' ' -f1 /proc/uptime; }
since() { echo "$(now) $1" | awk '{printf "%.2f", $1 - $2}'; }
indent() { sed "s/^/#   ${1:-}/"; }

# MARK: directors (d1, d2): lvsd, or keepalived in d2 for the mixed pair

CONF=/etc/keepalived/keepalived.conf
dir_run() { _dd=$1; shift; $IP netns exec d$_dd "$@"; }
lvsd_start() { # lvsd_start D: lvsd in Dd with the shared file and --config-id dD
    mkdir -p /run/d$1
    rm -f /run/d$1/lvsd.sock
    $IP netns exec d$1 lvsd -f $CONF --config-id d$1 --pid-file /run/d$1/lvsd.pid \
        --control-socket /run/d$1/lvsd.sock --state-dir /run/d$1 --resync-interval 2 \
        --drain-grace 120 --log-level info >>/tmp/lvsd-d$1.log 2>&1 &
    wait_until 300 test -S /run/d$1/lvsd.sock
}
lvsd_pid() { cat /run/d$1/lvsd.pid 2>/dev/null; }
lvsd_stopped() { ! test -e /run/d$1/lvsd.pid; }
lvsd_stop() { # lvsd_stop D: SIGTERM and wait for the exit
    _pid=$(lvsd_pid $1)
    [ -n "$_pid" ] && kill -TERM "$_pid"
    wait_until 150 lvsd_stopped $1
}
ctl() { _cd2=$1; shift; $IP netns exec d$_cd2 lvsctl "$@" --control-socket /run/d$_cd2/lvsd.sock; }
# list D: lvsctl list -n in Dd (it reads the kernel's table, like ipvsadm -Ln)
list() { $IP netns exec d$1 lvsctl list -n; }
# state D: the VRRP instance's state from lvsctl status --json (the first "state" in the list).
state() { ctl $1 status --json 2>/dev/null | grep -o '"vrrp":\[.*' | grep -o '"state":"[A-Z ]*"' | head -n1 | cut -d'"' -f4; }
is_state() { [ "$(state $1)" = "$2" ]; }
table() { $IP netns exec d$1 ipvsadm -Sn; }
has_service() { table $1 | grep -qx -- "-A -t $VIP:80 $2"; }
lacks_services() { ! table $1 | grep -q -- "^-A -t $VIP:"; }
has_vip() { $IP -n d$1 -4 -o addr show dev eth0 | grep -q " $VIP/"; }
lacks_vip() { ! has_vip $1; }
# owner D: Dd holds the VIP and the port-80 service.
owner() { has_vip $1 && table $1 | grep -q -- "^-A -t $VIP:80 "; }
has_real() { table $1 | grep -q -- "^-a -t $VIP:$2 -r $3:"; }
lacks_real() { ! has_real "$@"; }
weight_of() { table $1 | grep -- "^-a -t $VIP:$2 -r $3:" | sed 's/.* -w //'; }

# MARK: the client

# fetches N: N sequential HTTP requests from the client namespace; prints the answering real
# server of each (its page says "real server rsN"), FAIL for none, on one line.
fetches() { $IP netns exec client sh /tmp/fetch.sh "$1"; }
# tally "LIST": "rs1=A rs2=B rs3=C rs4=D FAIL=E".
tally() {
    echo "$1" | tr ' ' '\n' | awk 'NF { c[$1]++ } END {
        printf "rs1=%d rs2=%d rs3=%d rs4=%d FAIL=%d", c["rs1"], c["rs2"], c["rs3"], c["rs4"], c["FAIL"] }'
}

# loop_start NAME: requests one after another from the client until loop_stop, each line
# "UPTIME ANSWER" in /tmp/NAME.loop. loop_gap NAME: the longest time without an answer
# (between two answered requests, or from the start), the failed requests and the total.
loop_start() {
    rm -f /tmp/loop.stop /tmp/$1.loop
    $IP netns exec client sh /tmp/loop.sh >/tmp/$1.loop 2>/dev/null &
    loop_pid=$!
    wait_until 100 test -s /tmp/$1.loop
}
loop_stop() {
    touch /tmp/loop.stop
    wait "$loop_pid" 2>/dev/null
}
loop_gap() {
    awk '$2 != "FAIL" { if (last != "" && $1 - last > gap) { gap = $1 - last; at = last } ; last = $1; ok++ }
         $2 == "FAIL" { bad++ }
         END { printf "%.2f s (from uptime %.2f), %d of %d requests failed", gap, at, bad, ok + bad }' /tmp/$1.loop
}
loop_max_gap() { awk '$2 != "FAIL" { if (last != "" && $1 - last > gap) gap = $1 - last; last = $1 } END { printf "%.2f", gap }' /tmp/$1.loop; }
loop_answered_after() { # loop_answered_after NAME UPTIME: a request after UPTIME was answered
    awk -v t="$2" '$1 > t && $2 != "FAIL" { found = 1 } END { exit !found }' /tmp/$1.loop
}

# held_open: a long-lived TCP connection from the client to VIP:7000 (each real server runs
# an echo service that first names itself). held_send TAG: sends a line; held_echoed TAG: the
# line came back. held_server: which real server the connection went to.
held_open() {
    rm -f /tmp/held.in /tmp/held.out
    mkfifo /tmp/held.in
    $IP netns exec client busybox nc $VIP 7000 </tmp/held.in >/tmp/held.out 2>&1 &
    held_pid=$!
    exec 3>/tmp/held.in
    wait_until 100 grep -q '^hello-rs' /tmp/held.out
}
held_send() { echo "$1" >&3; }
held_echoed() { wait_until 100 grep -qx "$1" /tmp/held.out; }
held_server() { sed -n 's/^hello-//p' /tmp/held.out | head -n1; }
held_close() { # closes the client's side; the real server's echo service closes its side
    exec 3>&-
    wait_until 100 held_gone || kill "$held_pid" 2>/dev/null
    wait "$held_pid" 2>/dev/null
}
held_gone() { ! kill -0 "$held_pid" 2>/dev/null; }
held_check() { # held_check TAG: the held connection still carries data
    held_send "$1"
    check "the long-lived connection (to $(held_server)) still echoes after $1" held_echoed "$1"
}

# MARK: real servers (rs1..rs4): busybox httpd on port 80 and an echo service on 7000

start_web() { $IP netns exec rs$1 busybox httpd -p 80 -h /srv/rs$1; }
stop_web() { $IP netns exec rs$1 sh -c "kill \$(ps | awk '/httpd -p 80 -h \/srv\/rs$1/ && !/awk/ {print \$1}')"; }
start_echo() { $IP netns exec rs$1 busybox nc -ll -p 7000 -e /srv/rs$1/echo.sh & }
