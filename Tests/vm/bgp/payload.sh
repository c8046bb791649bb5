#!/bin/sh
# Runs in the guest (busybox sh) under scripts/vm/run, started by Tests/vm/bgp/run.sh.
#
# Two active directors behind an ECMP router, VRRP-less. Namespaces:
#   rt   the router: BIRD with `merge paths`, BGP + BFD to both directors
#        ra 192.0.2.1/30 <-> da 192.0.2.2/30 in d1;  rb 192.0.2.5/30 <-> db 192.0.2.6/30 in d2;
#        rc 198.51.100.1/24 <-> c0 198.51.100.2 in cl (the client); lan0 10.203.0.1 towards lan
#   d1, d2  a director each: lvsd (lvsd_route_announce: table 100 proto 200, VIP on dummy lvs0;
#        mh with mh-port, IPIP tunnelling; lvsd sets sloppy_tcp itself) and BIRD (kernel table
#        100 learnt, exported by BGP with BFD); s1a 10.201.1.1 and s2a 10.201.2.1 towards lan
#   lan  a router between the directors, the real servers rs1 10.202.1.2 and rs2 10.202.2.2
#        (echo servers, VIP on lo, IPIP on tunl0) and the router (lan0 10.203.0.1), which
#        carries the real servers' direct replies. One director's view of the real servers
#        fails alone when its link to lan goes down.
#
# The router's route to the VIP must have two next hops, then one after each of: all real
# servers failing in d1's view, lvsctl drain-director on d1, SIGTERM to d1's lvsd, and back to
# two each time; SIGKILL of d1's lvsd leaves the route in place (nothing withdraws it: BIRD
# still exports what is in table 100, and the IPVS table lvsd left keeps forwarding); BIRD's
# own death (SIGKILL) and a hung BIRD (SIGSTOP: only BFD notices, or without BFD the BGP hold
# timer) take d1 out. Each change is timed from the action to the router's kernel route
# (/proc/uptime, 10 ms steps; the wait polls every 100 ms) and printed; the benchmark figures
# are printed again at the end ("figure: ..."). Checks and waits come from Tests/vm/checks.sh;
# the exit status is the number of failed checks; no duration is asserted. With `--no-sloppy`
# (a control run) the directors' configuration says `set_sloppy off`, sloppy_tcp stays 0, and
# the connections ECMP moves from one director to the other break.
set -u
. /usr/local/lib/lvsd-tests/checks.sh
VIP=10.0.0.1
SLOPPY=on
[ "${1:-}" = --no-sloppy ] && SLOPPY=off

# now: centiseconds of uptime.
now() { read -r up _ </proc/uptime; echo "${up%.*}${up#*.}" | sed 's/^0*//;s/^$/0/'; }
seconds_since() { local c; c=$(( $(now) - $1 )); printf '%d.%02d' $((c / 100)) $((c % 100)); }
# figure TEXT: a benchmark figure, printed now and again at the end.
figure() { echo "figure: $*"; echo "figure: $*" >>/tmp/figures; }
# next_hops: how many next hops the router's kernel route to the VIP has (0: no route).
next_hops() { $IP -n rt route show $VIP | grep -c ' via '; }
has_next_hops() { [ "$(next_hops)" = "$1" ]; }
# expect_next_hops N WHAT START TENTHS [FIGURE]: waits for N next hops, prints the time since
# START (and keeps it as a benchmark figure named FIGURE).
expect_next_hops() {
    if wait_until "$4" has_next_hops "$1"; then
        _elapsed=$(seconds_since "$3")
        ok "$2: router has $1 next hop(s) after $_elapsed s"
        echo "time: $2: $_elapsed s"
        [ -z "${5:-}" ] || figure "$5: $_elapsed s"
    else
        not_ok "$2: router has $(next_hops) next hop(s), not $1, after $(seconds_since "$3") s"
        $IP -n rt route show $VIP
    fi
}
lvsctl_d() { local ns=$1; shift; $IP netns exec "$ns" lvsctl "$@" --control-socket "/run/$ns/lvsd.sock"; }
lvsd_pid() { cat "/run/$1/lvsd.pid" 2>/dev/null; }
running() { kill -0 "$1" 2>/dev/null; }
not_running() { ! kill -0 "$1" 2>/dev/null; }
start_lvsd() {
    mkdir -p "/run/$1"
    $IP netns exec "$1" lvsd -f "/etc/lvsd/$1.conf" --pid-file "/run/$1/lvsd.pid" \
        --control-socket "/run/$1/lvsd.sock" --state-dir "/run/$1" --resync-interval 1 \
        --log-level info >>"/tmp/lvsd-$1.log" 2>&1 &
    wait_until 300 test -S "/run/$1/lvsd.sock"
}
start_bird() { # start_bird NS
    $IP netns exec "$1" bird -c "/etc/bird/$1.conf" -s "/run/bird-$1.ctl" -P "/run/bird-$1.pid"
}
bird_pid() { cat "/run/bird-$1.pid" 2>/dev/null; }
# The VIP's line of lvsctl status: "  10.0.0.1  announced  route in table  for 3s  servable".
vip_line() { lvsctl_d "$1" status | grep "^  $VIP "; }
vip_phase() { vip_line "$1" | awk '{print $2}'; }
phase_is() { [ "$(vip_phase "$1")" = "$2" ]; }
vip_reason() { vip_line "$1" | sed 's/.* for [0-9dhms]* *//; s/.*since start *//; s/ (hold-down [0-9.]* s)$//'; }
digest() { lvsctl_d "$1" status | grep -o 'destinations [0-9a-f]*' | head -n1 | cut -d' ' -f2; }
route_in_table() { $IP -n "$1" route show table 100 | grep -q "^$VIP dev lvs0 proto 200"; }
no_route_in_table() { ! route_in_table "$1"; }

# MARK: network
say "network"
for ns in rt d1 d2 lan rs1 rs2 cl; do $IP netns add $ns; $IP -n $ns link set lo up; done
$IP link add ra netns rt type veth peer name da netns d1
$IP link add rb netns rt type veth peer name db netns d2
$IP -n rt addr add 192.0.2.1/30 dev ra; $IP -n rt link set ra up
$IP -n rt addr add 192.0.2.5/30 dev rb; $IP -n rt link set rb up
$IP -n d1 addr add 192.0.2.2/30 dev da; $IP -n d1 link set da up
$IP -n d2 addr add 192.0.2.6/30 dev db; $IP -n d2 link set db up
# The client behind the router; the router hashes flows on ports too (L4) over its next hops.
$IP link add rc netns rt type veth peer name c0 netns cl
$IP -n rt addr add 198.51.100.1/24 dev rc; $IP -n rt link set rc up
$IP -n cl addr add 198.51.100.2/24 dev c0; $IP -n cl link set c0 up
$IP -n cl route add default via 198.51.100.1
$IP netns exec rt sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward; echo 1 >/proc/sys/net/ipv4/fib_multipath_hash_policy
    for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 >$f; done'
# "lan": a router of its own between the directors, the real servers and the router (no
# bridge module in the guest, so it is routed; the directors use IPIP tunnelling, which needs
# no shared segment). d1 s1a 10.201.1.1, d2 s2a 10.201.2.1, rs1 e0 10.202.1.2, rs2 e0
# 10.202.2.2, rt lan0 10.203.0.1; the real servers reply to the client directly through it
# and the router.
modprobe ipip
$IP netns exec lan sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward
    for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 >$f; done'
lan_link() { # lan_link NS IFACE NET: NS's IFACE is NET.1 or .2, lan's end NET.254
    $IP link add "l-$1" netns lan type veth peer name "$2" netns "$1"
    $IP -n lan addr add "$3.254/24" dev "l-$1"; $IP -n lan link set "l-$1" up
    $IP -n "$1" addr add "$3.$4/24" dev "$2"; $IP -n "$1" link set "$2" up
}
lan_link d1 s1a 10.201.1 1
lan_link d2 s2a 10.201.2 1
lan_link rt lan0 10.203.0 1
$IP -n lan route add 198.51.100.0/24 via 10.203.0.1
for i in 1 2; do $IP -n d$i route add 10.202.0.0/16 via 10.201.$i.254; done
for i in 1 2; do
    lan_link rs$i e0 10.202.$i 2
    $IP -n rs$i route add default via 10.202.$i.254
    # IPIP: the VIP on lo, packets decapsulated on tunl0 (whose source is the client).
    $IP -n rs$i addr add $VIP/32 dev lo
    $IP -n rs$i link set tunl0 up
    $IP netns exec rs$i sh -c 'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 >$f; done
        echo 1 >/proc/sys/net/ipv4/conf/all/arp_ignore; echo 2 >/proc/sys/net/ipv4/conf/all/arp_announce'
    # An echo server that names itself: "rs1 LINE" for each LINE, one process per connection.
    printf '#!/bin/sh\nwhile read -r line; do echo "rs%s $line"; done\n' $i >/usr/local/bin/echo-rs$i
    chmod +x /usr/local/bin/echo-rs$i
    $IP netns exec rs$i busybox nc -ll -p 80 -e /usr/local/bin/echo-rs$i &
done
for i in 1 2; do $IP -n d$i link add lvs0 type dummy; $IP -n d$i link set lvs0 up; done

# MARK: configuration
mkdir -p /etc/lvsd /etc/bird
for i in 1 2; do
    cat >/etc/lvsd/d$i.conf <<EOF
global_defs {
    router_id director-$i
}
lvsd_route_announce {
    table 100
    protocol 200
    interface lvs0
    rise 1
    fall 0
    hold_down 2
    drain_timeout 20
    set_sloppy $SLOPPY
}
virtual_server $VIP 80 {
    delay_loop 1
    lvs_sched mh
    mh-port
    lvs_method TUN
    protocol TCP
    real_server 10.202.1.2 80 {
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
    real_server 10.202.2.2 80 {
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
EOF
done
# The directors' BIRD: as samples/bird-director.conf, with its hold, keepalive and BFD timers
# (hold 9 s, keepalive 3 s, BFD 100 ms x 3) but quicker reconnects (connect retry, error wait).
for i in 1 2; do
    if [ $i = 1 ]; then me=192.0.2.2; peer=192.0.2.1; else me=192.0.2.6; peer=192.0.2.5; fi
    cat >/etc/bird/d$i.conf <<EOF
router id $me;
protocol device { scan time 10; }
ipv4 table vips4;
protocol kernel lvsd4 {
    kernel table 100;
    learn;
    scan time 10;
    ipv4 { table vips4; import where krt_source = 200 && net.len = 32; export none; };
}
protocol bfd { interface "*" { min rx interval 100 ms; min tx interval 100 ms; multiplier 3; }; }
protocol bgp uplink {
    local $me as 65010;
    neighbor $peer as 65000;
    bfd on;
    hold time 9; keepalive time 3; connect retry time 1; error wait time 1, 5;
    ipv4 { table vips4; import none; export all; next hop self; };
}
EOF
done
# The router's BIRD: as samples/bird-router.conf, with the same timers.
cat >/etc/bird/rt.conf <<EOF
router id 192.0.2.1;
protocol device { scan time 10; }
protocol kernel {
    merge paths on;
    ipv4 { import none; export where source = RTS_BGP; };
}
protocol bfd { interface "*" { min rx interval 100 ms; min tx interval 100 ms; multiplier 3; }; }
template bgp director {
    local as 65000;
    hold time 9; keepalive time 3; connect retry time 1; error wait time 1, 5;
    graceful restart off;
    ipv4 { import where net ~ [ 10.0.0.0/24{32,32} ]; export none; };
}
# bfd per session (not in the template): the benchmark turns it off for d1 alone.
protocol bgp d1 from director { neighbor 192.0.2.2 as 65010; source address 192.0.2.1; bfd on; }
protocol bgp d2 from director { neighbor 192.0.2.6 as 65010; source address 192.0.2.5; bfd on; }
EOF

# MARK: start
say "start"
t0=$(now)
for ns in rt d1 d2; do start_bird $ns || not_ok "bird starts in $ns"; done
for ns in d1 d2; do start_lvsd $ns || not_ok "lvsd starts in $ns"; done
expect_next_hops 2 "both directors announce at start" "$t0" 600
# lvsd set sloppy_tcp itself (nothing else in the guest writes it; the kernel's default is 0),
# or, with set_sloppy off, left it alone.
if [ "$SLOPPY" = on ]; then sloppy_wanted="1 (lvsd sets 1)"; else sloppy_wanted="0 (left alone)"; fi
for ns in d1 d2; do
    value=$($IP netns exec $ns cat /proc/sys/net/ipv4/vs/sloppy_tcp)
    line=$(lvsctl_d $ns status | grep '^ipvs sysctl: ')
    # (a "; N failures" suffix would count reads before the ip_vs module was loaded)
    case "$line" in "ipvs sysctl: sloppy_tcp $sloppy_wanted, sloppy_sctp 0 (left alone)"*) shown=yes ;; *) shown=no ;; esac
    if [ "$value" = "${sloppy_wanted%% *}" ] && [ $shown = yes ]; then
        ok "$ns: sloppy_tcp is $value (set_sloppy $SLOPPY); lvsctl status: $line"
    else
        not_ok "$ns: sloppy_tcp is '$value'; lvsctl status: '$line'"
    fi
done
for ns in d1 d2; do
    if route_in_table $ns && [ "$(vip_phase $ns)" = announced ]; then
        ok "$ns: the VIP route is in table 100 and lvsctl status says announced"
    else
        not_ok "$ns: table 100: $($IP -n $ns route show table 100); phase $(vip_phase $ns)"
    fi
done
$IP -n rt route show $VIP
$IP netns exec d1 ipvsadm -Ln
lvsctl_d d1 status | sed -n '/^route announce/,/^$/p'
digest1=$(digest d1); digest2=$(digest d2)
if [ -n "$digest1" ] && [ "$digest1" = "$digest2" ]; then
    ok "both directors hold the same destination list (lvsctl status: destinations $digest1)"
else
    not_ok "destination digests differ: d1 '$digest1', d2 '$digest2'"
fi

# MARK: real servers fail in d1's view
say "all real servers fail in d1's view (its link to them goes down)"
t=$(now)
$IP -n d1 link set s1a down
expect_next_hops 1 "d1 loses quorum: withdrawn" "$t" 300
if [ "$(vip_reason d1)" = "quorum lost: TCP $VIP:80" ] && no_route_in_table d1; then
    ok "d1: reason 'quorum lost: TCP $VIP:80', no route in table 100"
else
    not_ok "d1: reason '$(vip_reason d1)'; table 100: $($IP -n d1 route show table 100)"
fi
lvsctl_d d1 status | sed -n '/^route announce/,/^$/p'
t=$(now)
$IP -n d1 link set s1a up
$IP -n d1 route add 10.202.0.0/16 via 10.201.1.254
expect_next_hops 2 "d1's real servers back: announced again (checks, rise 1 s, hold-down 2 s)" "$t" 300

# MARK: drain
say "lvsctl drain-director on d1"
pid=$(lvsd_pid d1)
t=$(now)
lvsctl_d d1 drain-director
expect_next_hops 1 "drain-director: withdrawn" "$t" 300
if wait_until 300 not_running "$pid"; then
    ok "d1's lvsd stopped by itself after the drain, $(seconds_since "$t") s after the request"
    wait "$pid"
    status=$?
    [ "$status" = 0 ] && ok "d1's lvsd exited with status 0 after the drain" || not_ok "d1's lvsd exited with status $status after the drain"
else
    not_ok "d1's lvsd still runs $(seconds_since "$t") s after drain-director"
fi
tail -n 4 /tmp/lvsd-d1.log
t=$(now)
start_lvsd d1
expect_next_hops 2 "d1's lvsd restarted: announced again" "$t" 300

# MARK: SIGTERM
say "SIGTERM to d1's lvsd"
pid=$(lvsd_pid d1)
t=$(now)
kill -TERM "$pid"
expect_next_hops 1 "SIGTERM: withdrawn" "$t" 300
wait_until 300 not_running "$pid" && ok "d1's lvsd exited on SIGTERM" || not_ok "d1's lvsd still runs after SIGTERM"
if no_route_in_table d1 && $IP netns exec d1 ipvsadm -Sn | grep -q "^-A -t $VIP:80"; then
    ok "after SIGTERM: no route in table 100, the IPVS service is still there (no lvs_flush_on_stop)"
else
    not_ok "after SIGTERM: table 100: $($IP -n d1 route show table 100)"
fi
t=$(now)
start_lvsd d1
expect_next_hops 2 "d1's lvsd restarted after SIGTERM" "$t" 300

# MARK: SIGKILL
say "SIGKILL to d1's lvsd"
pid=$(lvsd_pid d1)
t=$(now)
kill -KILL "$pid"
wait_until 100 not_running "$pid"
# Nothing withdraws the route: it stays in table 100, BIRD keeps exporting it, and the IPVS
# table lvsd left keeps forwarding (without health checks) until lvsd starts again.
usleep 3000000
if has_next_hops 2 && route_in_table d1; then
    ok "SIGKILL of lvsd: the route stays (nothing withdraws it), router still has 2 next hops after $(seconds_since "$t") s"
else
    not_ok "SIGKILL of lvsd: router has $(next_hops) next hop(s); table 100: $($IP -n d1 route show table 100)"
fi
t=$(now)
start_lvsd d1
if wait_until 100 phase_is d1 announced && has_next_hops 2; then
    ok "lvsd restarted after SIGKILL adopts the route it finds (announced, still 2 next hops)"
else
    not_ok "after the restart: phase $(vip_phase d1), $(next_hops) next hop(s)"
fi
grep 'announcing virtual IPs by route' /tmp/lvsd-d1.log | tail -n 1

# MARK: BIRD dies
say "SIGKILL to d1's BIRD (the BGP session's TCP connection closes)"
t=$(now)
kill -KILL "$(bird_pid d1)"
expect_next_hops 1 "BIRD killed: withdrawn by the router" "$t" 300
t=$(now)
start_bird d1
expect_next_hops 2 "BIRD restarted" "$t" 300

say "SIGSTOP to d1's BIRD (a hung host: only BFD notices)"
t=$(now)
kill -STOP "$(bird_pid d1)"
expect_next_hops 1 "BIRD stopped: BFD withdraws" "$t" 300 "hung director (SIGSTOP of its BIRD) to the router's withdrawal, BFD on (100 ms x 3)"
kill -CONT "$(bird_pid d1)"
t=$(now)
expect_next_hops 2 "BIRD continued: session re-established" "$t" 600

# The same without BFD: only the router's BGP hold timer (9 s, keepalives every 3 s) notices.
say "SIGSTOP to d1's BIRD without BFD (bfd off on both sides: the BGP hold timer withdraws)"
bird_bfd() { # bird_bfd on|off: the d1 session's BFD on the router and on d1, BIRD reconfigured
    sed -i "/^protocol bgp d1 /s/bfd o[nf]*;/bfd $1;/" /etc/bird/rt.conf
    sed -i "s/bfd o[nf]*;/bfd $1;/" /etc/bird/d1.conf
    for ns in rt d1; do
        reply=$($IP netns exec $ns birdc -s "/run/bird-$ns.ctl" configure)
        case "$reply" in *Reconfigured*) ;; *) not_ok "birdc configure in $ns (bfd $1): $reply" ;; esac
    done
    # A reconfigured session may restart: let it begin, then wait for both next hops.
    usleep 1000000
    wait_until 600 has_next_hops 2 || not_ok "bfd $1: the router has $(next_hops) next hop(s), not 2"
}
bird_bfd off
t=$(now)
kill -STOP "$(bird_pid d1)"
expect_next_hops 1 "BIRD stopped, no BFD: the hold timer withdraws" "$t" 300 \
    "hung director (SIGSTOP of its BIRD) to the router's withdrawal, BFD off (BGP hold time 9 s, keepalive 3 s)"
kill -CONT "$(bird_pid d1)"
t=$(now)
expect_next_hops 2 "BIRD continued: session re-established" "$t" 600
bird_bfd on

# MARK: data path
# The client opens CONNS connections to the VIP through the router (set a); each sends a line
# and the real server's echo names it. Director 1 then fails as a host would (its link to the
# router goes down: the router withdraws it); every connection sends again. Those ECMP hashed
# to d1 now reach d2, which has no entry for them: with sloppy_tcp it takes them up mid-stream
# and mh sends them to the same real server. While d1 is out the client opens CONNS more
# (set b), all through d2. Then d1 comes back: the router hashes about half of both sets to
# d1, which never saw set b (and holds stale entries for set a). Broken connections are
# counted after the failure and after the return, and printed; none should break.
say "data path: connections across a director's failure and return (mh, sloppy_tcp, IPIP)"
CONNS=24
mkdir -p /tmp/c
open_connection() { # open_connection ID: nc reads /tmp/c/in.ID (held open by a sleep), writes /tmp/c/out.ID
    mkfifo /tmp/c/in.$1
    # ip netns exec execs nc: $! is nc's pid, gone once the connection is closed or reset.
    $IP netns exec cl busybox nc $VIP 80 </tmp/c/in.$1 >/tmp/c/out.$1 2>/dev/null &
    echo $! >/tmp/c/nc.$1
    sleep 900 >/tmp/c/in.$1 &
    echo $! >/tmp/c/holder.$1
}
open_set() { # open_set SET
    i=1; while [ $i -le $CONNS ]; do open_connection $1$i; i=$((i + 1)); done
}
send_all() { # send_all SET WORD: every connection of SET still open sends "WORD ID"
    # (opening a FIFO whose reader, nc, has gone would block)
    i=1
    while [ $i -le $CONNS ]; do
        kill -0 "$(cat /tmp/c/nc.$1$i)" 2>/dev/null && echo "$2 $1$i" >/tmp/c/in.$1$i
        i=$((i + 1))
    done
}
answered() { # answered SET WORD: how many connections of SET got "rsN WORD ID" back
    c=0; i=1
    while [ $i -le $CONNS ]; do grep -q " $2 $1$i\$" /tmp/c/out.$1$i && c=$((c + 1)); i=$((i + 1)); done
    echo $c
}
all_answered() { [ "$(answered "$1" "$2")" = "$CONNS" ]; }
closed() { # closed SET: how many connections of SET the client saw closed (reset)
    c=0; i=1
    while [ $i -le $CONNS ]; do kill -0 "$(cat /tmp/c/nc.$1$i)" 2>/dev/null || c=$((c + 1)); i=$((i + 1)); done
    echo $c
}
established() { $IP netns exec "$1" ipvsadm -Lnc | grep -c ESTABLISHED; }
# survive SET WORD WHAT FIGURE: every connection of SET sends WORD; counts and prints the broken ones.
survive() {
    send_all "$1" "$2"
    wait_until 100 all_answered "$1" "$2"
    survived=$(answered "$1" "$2")
    figure "$4: $((CONNS - survived)) of $CONNS broken ($(closed "$1") closed by the client's side)"
    [ "$survived" = "$CONNS" ] && ok "every connection of set $1 survived $3" \
        || not_ok "$((CONNS - survived)) of $CONNS connections of set $1 broke when $3"
}
open_set a
send_all a hello
if wait_until 200 all_answered a hello; then
    ok "$CONNS connections through the router answered"
else
    not_ok "$(answered a hello) of $CONNS connections answered"
fi
e1=$(established d1); e2=$(established d2)
echo "connections: d1 holds $e1, d2 holds $e2; real servers: rs1 $(cat /tmp/c/out.a* | grep -c '^rs1 hello'), rs2 $(cat /tmp/c/out.a* | grep -c '^rs2 hello')"
[ "$e1" -gt 0 ] && [ "$e2" -gt 0 ] && ok "ECMP spread the connections over both directors ($e1 + $e2)" \
    || not_ok "ECMP did not spread the connections: d1 $e1, d2 $e2"
t=$(now)
$IP -n d1 link set da down
expect_next_hops 1 "director 1 fails (its router link goes down): withdrawn" "$t" 300 \
    "director failure (its link to the router down) to the router's withdrawal"
survive a again "director 1 failed" "connections broken by a director's failure (set a, $e1 of them on d1)"
# Those that were on d1 went on through d2: it holds an entry for every connection now.
e2=$(established d2)
[ "$e2" = "$CONNS" ] && ok "director 2 took up d1's connections: it holds all $CONNS" \
    || not_ok "director 2 holds $e2 connections, not $CONNS"
# New connections go to the director that remains.
c=0; i=1
while [ $i -le 8 ]; do
    # stdin stays open a second: busybox nc stops at its end, the answer may come after.
    r=$( (echo "new $i"; sleep 1) | $IP netns exec cl busybox nc -w 3 $VIP 80 2>/dev/null | head -n 1)
    case "$r" in rs?" new $i") c=$((c + 1)) ;; esac
    i=$((i + 1))
done
[ $c = 8 ] && ok "8 new connections through director 2 answered" || not_ok "$c of 8 new connections answered"
# Set b: held through director 2 alone.
open_set b
send_all b hello
if wait_until 200 all_answered b hello; then
    ok "$CONNS more connections (set b) answered through director 2 alone"
else
    not_ok "$(answered b hello) of $CONNS connections of set b answered"
fi
t=$(now)
$IP -n d1 link set da up
expect_next_hops 2 "director 1 back (link up, BGP and BFD up again)" "$t" 600 \
    "director added back (link up) to the router's second next hop (BGP error wait 1 s)"
survive b third "director 1 came back" "connections broken by adding a director back (set b, opened through the other director alone)"
survive a third "director 1 came back" "connections broken by adding a director back (set a, opened through both)"
for f in /tmp/c/holder.*; do kill "$(cat "$f")" 2>/dev/null; done

# MARK: cleanup
say "cleanup"
for ns in d1 d2; do kill -TERM "$(lvsd_pid $ns)" 2>/dev/null; done
for ns in rt d1 d2; do kill -TERM "$(bird_pid $ns)" 2>/dev/null; done
say "benchmark figures (sloppy_tcp $SLOPPY)"
cat /tmp/figures
echo "$n checks, $failed failed"
exit "$failed"
