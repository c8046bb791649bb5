#!/bin/sh
# End to end (issue 12), in the guest under scripts/vm/run, started by Tests/vm/e2e/run.sh
# (CI) and scripts/demo (the same scenario, for a person to follow).
#
# A high-availability load balancer the way the keepalived + LVS guides build it, with real
# packets through the kernel's IPVS: two director namespaces d1 and d2 running lvsd from one
# shared keepalived.conf (@d1/@d2 lines, --config-id), a VRRP instance whose VIP carries two
# virtual servers in DR mode, four real-server namespaces (busybox httpd naming the server, an
# echo service on port 7000) holding the VIP on lo with arp_ignore/arp_announce, and a client
# namespace, all on one bridge. It measures balance (rr, wrr, persistence), health checks, a
# reload that adds and drains real servers, failover by SIGKILL and SIGTERM with the client's
# longest gap, preemption and nopreempt, connection survival with lvs_sync_daemon, the same
# failover with Debian's keepalived as the BACKUP director, and last LVS-NAT: the real servers
# move to an internal bridge behind a gateway address, a second VRRP instance in a
# vrrp_sync_group with the client's VIP, and the pair fails over by SIGKILL and by a link fault.
#
# The exit status is the number of failed checks.
set -u
here=/usr/local/lib/lvsd-e2e
. $here/lib.sh
. $here/conf.sh

say "The network: one bridge, two directors, four real servers, a client"
cat <<'TOPOLOGY'
#                          br0 10.50.0.0/24
#   client 10.50.0.2 ---+--------+--------+--------+--------+--------+
#                       |        |        |        |        |        |
#                  d1 .11   d2 .12   rs1 .21  rs2 .22  rs3 .23  rs4 .24
#                  lvsd     lvsd     httpd :80, echo :7000 ; VIP on lo
#                  prio 150 prio 100 (arp_ignore=1, arp_announce=2)
#   VIP 10.50.0.100 (VRRP instance VI_1, VRID 51) on the MASTER's eth0:
#   virtual servers 10.50.0.100:80 (HTTP_GET) and :7000 (TCP_CHECK), DR
TOPOLOGY
$IP link add br0 type bridge
$IP link set br0 up
attach() { # attach NS ADDRESS
    $IP netns add $1
    $IP link add $1-br type veth peer name eth0 netns $1
    $IP link set $1-br master br0
    $IP link set $1-br up
    $IP -n $1 link set lo up
    $IP -n $1 addr add $2/24 dev eth0
    $IP -n $1 link set eth0 up
}
attach client 10.50.0.2
attach d1 10.50.0.11
attach d2 10.50.0.12
for i in 1 2 3 4; do
    attach rs$i 10.50.0.2$i
    $IP -n rs$i addr add $VIP/32 dev lo
    $IP netns exec rs$i sh -c 'for f in all eth0; do
        echo 1 >/proc/sys/net/ipv4/conf/$f/arp_ignore
        echo 2 >/proc/sys/net/ipv4/conf/$f/arp_announce
    done'
    mkdir -p /srv/rs$i
    echo "real server rs$i" >/srv/rs$i/index.html
    printf '#!/bin/sh\necho hello-rs%s\nexec cat\n' $i >/srv/rs$i/echo.sh
    chmod +x /srv/rs$i/echo.sh
    start_web $i
    start_echo $i
done
cat >/tmp/fetch.sh <<EOF
i=0 out=""
while [ \$i -lt \$1 ]; do
    r=\$(printf 'GET / HTTP/1.0\r\n\r\n' | timeout 3 busybox nc -w 2 $VIP 80 2>/dev/null | tail -n 1)
    case "\$r" in "real server "*) out="\$out \${r#real server }" ;; *) out="\$out FAIL" ;; esac
    i=\$((i + 1))
done
echo \$out
EOF
cat >/tmp/loop.sh <<EOF
while [ ! -e /tmp/loop.stop ]; do
    r=\$(printf 'GET / HTTP/1.0\r\n\r\n' | timeout 2 busybox nc -w 1 $VIP 80 2>/dev/null | tail -n 1)
    case "\$r" in "real server "*) echo "\$(cut -d' ' -f1 /proc/uptime) \${r#real server }" ;; *) echo "\$(cut -d' ' -f1 /proc/uptime) FAIL" ;; esac
done
EOF
for ns in client d1 d2 rs1; do $IP -n $ns -4 -o addr show dev eth0 | awk -v ns=$ns '{print "#   " ns ": " $2 " " $4}'; done

say "The shared keepalived.conf; what each director will install when MASTER"
write_conf rr "1:1 2:1 3:1"
grep -n '@d[12]' $CONF | indent
for d in 1 2; do
    echo "#   lvsd --config-test --print-table -f $CONF -i d$d:"
    lvsd --config-test --print-table -f $CONF -i d$d 2>&1 | indent "  "
done

say "Both directors start: d1 (priority 150) becomes MASTER and installs the table; d2 stays BACKUP"
t0=$(now)
lvsd_start 1
lvsd_start 2
check "d1 is MASTER with the VIP and the table" wait_until 300 owner 1
echo "#   d1 owned the VIP and the table $(since $t0) s after start"
check "d2 is BACKUP" wait_until 150 is_state 2 BACKUP
check "d2 holds neither the VIP nor a virtual server" eval "! has_vip 2 && lacks_services 2"
check "d1 has all three real servers of port 80 (health checks passed)" wait_until 150 eval "has_real 1 80 10.50.0.21 && has_real 1 80 10.50.0.22 && has_real 1 80 10.50.0.23"
echo "#   lvsctl status on d1:"
ctl 1 status | indent "  "
echo "#   lvsctl status on d2:"
ctl 2 status | indent "  "
echo "#   lvsctl list -n on d1:"
list 1 | indent "  "
echo "#   lvsctl list -n on d2:"
list 2 | indent "  "

say "Balance, rr: 30 requests from the client"
answers=$(fetches 30)
echo "#   answered by: $answers"
echo "#   $(tally "$answers")"
check "rr: each real server answered 10 of 30" [ "$(tally "$answers")" = "rs1=10 rs2=10 rs3=10 rs4=0 FAIL=0" ]

say "Balance, wrr with weights 3, 2, 1 (lvsctl reload on both directors): 60 requests"
write_conf wrr "1:3 2:2 3:1"
check "reload on d1" ctl 1 reload
check "reload on d2" ctl 2 reload
check "d1's table has wrr with the weights" wait_until 100 eval "has_service 1 '-s wrr' && [ \"\$(weight_of 1 80 10.50.0.21)\" = 3 ] && [ \"\$(weight_of 1 80 10.50.0.23)\" = 1 ]"
answers=$(fetches 60)
echo "#   answered by: $answers"
echo "#   $(tally "$answers")"
check "wrr: 30, 20 and 10 of 60" [ "$(tally "$answers")" = "rs1=30 rs2=20 rs3=10 rs4=0 FAIL=0" ]

say "Persistence: rr with persistence_timeout 60 keeps the client on one real server"
write_conf rr "1:1 2:1 3:1" persistence
ctl 1 reload >/dev/null
ctl 2 reload >/dev/null
check "d1's table has persistence" wait_until 100 has_service 1 "-s rr -p 60"
answers=$(fetches 12)
echo "#   answered by: $answers"
first=${answers%% *}
check "persistence: all 12 answered by $first" [ "$(echo "$answers" | tr ' ' '\n' | grep -cx "$first")" = 12 ]

say "Health: rs3's web server stops; HTTP_GET takes it out, and nobody is sent to it"
write_conf rr "1:1 2:1 3:1"
ctl 1 reload >/dev/null
ctl 2 reload >/dev/null
wait_until 100 has_service 1 "-s rr"
t0=$(now)
stop_web 3
check "rs3 leaves d1's port-80 service" wait_until 300 lacks_real 1 80 10.50.0.23
echo "#   rs3 was out $(since $t0) s after its web server stopped (delay_loop 2, connect_timeout 1, retry 1, delay_before_retry 1)"
list 1 | indent "  "
answers=$(fetches 12)
echo "#   answered by: $answers"
check "12 requests: rs1 and rs2 six each, none to rs3" [ "$(tally "$answers")" = "rs1=6 rs2=6 rs3=0 rs4=0 FAIL=0" ]
t0=$(now)
start_web 3
check "rs3 comes back when its web server does" wait_until 300 has_real 1 80 10.50.0.23
echo "#   rs3 was back $(since $t0) s after its web server started"
answers=$(fetches 12)
echo "#   answered by: $answers"
check "12 requests after rs3's return: four each" [ "$(tally "$answers")" = "rs1=4 rs2=4 rs3=4 rs4=0 FAIL=0" ]

say "Reload while a connection is open: one real server removed (it drains), rs4 added"
held_open
check "a long-lived connection to $VIP:7000 is open" [ -n "$(held_server)" ]
gone=$(held_server)
gone_n=${gone#rs}
echo "#   the connection went to $gone; the new configuration removes $gone and adds rs4"
keep=""
for i in 1 2 3; do [ "$i" = "$gone_n" ] || keep="$keep $i:1"; done
write_conf rr "$keep 4:1"
loop_start reload
check "reload on d1 while the client sends requests" ctl 1 reload
ctl 2 reload >/dev/null
check "rs4 joins both services on d1" wait_until 300 eval "has_real 1 80 10.50.0.24 && has_real 1 7000 10.50.0.24"
check "$gone drains on port 7000: weight 0 while the connection is open" wait_until 100 eval "[ \"\$(weight_of 1 7000 10.50.0.2$gone_n)\" = 0 ]"
held_check "after-reload"
loop_stop
answers=$(awk '{print $2}' /tmp/reload.loop | tr '\n' ' ')
echo "#   during the reload: $(tally "$answers"); longest gap $(loop_gap reload)"
check "no request failed during the reload" [ "$(grep -c FAIL /tmp/reload.loop)" = 0 ]
answers=$(fetches 12)
echo "#   after the reload: $answers"
check "12 requests after the reload: none to $gone, rs4 answers" eval "! echo '$answers' | grep -qw $gone && echo '$answers' | grep -qw rs4"
list 1 | indent "  "
held_close
check "$gone leaves port 7000 once its connection closed" wait_until 300 lacks_real 1 7000 10.50.0.2$gone_n
held_open
echo "#   a new long-lived connection to $(held_server), kept open through the failovers below"

say "Failover by SIGKILL of d1's lvsd, while the client sends requests and the connection is open"
check "d2 runs the backup sync daemon" wait_until 100 eval "dir_run 2 ipvsadm -L --daemon | grep -q '^backup sync daemon'"
check "the open connection is in d2's connection table (lvs_sync_daemon)" wait_until 100 eval "dir_run 2 ipvsadm -Lnc | grep -q ' 10.50.0.2:[0-9]* *$VIP:7000 '"
loop_start sigkill
usleep 1000000
t0=$(now)
kill -KILL "$(lvsd_pid 1)"
check "d2 takes the VIP and installs the table" wait_until 300 owner 2
taken=$(now)
echo "#   d2 owned the VIP and the table $(since $t0) s after the SIGKILL"
check "d2 is MASTER" is_state 2 MASTER
usleep 2000000
loop_stop
echo "#   the client's longest gap: $(loop_gap sigkill)"
check "the client's requests are answered after d2 took over" loop_answered_after sigkill "$taken"
answers=$(fetches 6)
echo "#   through d2: $answers"
check "six requests through d2 are answered" [ "$(echo "$answers" | grep -c FAIL)" = 0 ]
held_check "after-sigkill"
echo "#   lvsctl list -n on d2:"
list 2 | indent "  "

say "d1's lvsd restarts: it removes the VIP the killed lvsd left, then preempts (priority 150)"
loop_start preempt
t0=$(now)
lvsd_start 1
check "d1 is MASTER again with the VIP and the table" wait_until 300 owner 1
echo "#   d1 owned the VIP $(since $t0) s after its restart"
check "d2 is BACKUP and removed its virtual servers" wait_until 150 eval "is_state 2 BACKUP && lacks_services 2 && lacks_vip 2"
usleep 2000000
loop_stop
echo "#   the client's longest gap during the preemption: $(loop_gap preempt)"
held_check "after-preempt"

say "Failover by SIGTERM of d1's lvsd (it sends priority 0)"
loop_start sigterm
usleep 1000000
t0=$(now)
kill -TERM "$(lvsd_pid 1)"
check "d2 takes the VIP and installs the table" wait_until 300 owner 2
echo "#   d2 owned the VIP and the table $(since $t0) s after the SIGTERM"
check "d1's lvsd exited and removed the VIP" wait_until 150 eval "lvsd_stopped 1 && lacks_vip 1"
usleep 2000000
loop_stop
echo "#   the client's longest gap: $(loop_gap sigterm)"
held_check "after-sigterm"
lvsd_start 1
check "d1 preempts again" wait_until 300 owner 1
check "d2 back to BACKUP without virtual servers" wait_until 150 eval "lacks_services 2 && lacks_vip 2"
held_check "after-second-preempt"

say "nopreempt: both directors start BACKUP; the returning d1 leaves d2 MASTER"
lvsd_stop 1
check "d2 is MASTER while d1 is away" wait_until 300 owner 2
lvsd_stop 2
keep_servers=$(sed -n 's/^    real_server 10.50.0.2\([0-9]\) 80 {/\1:1/p' $CONF | tr '\n' ' ')
write_conf rr "$keep_servers" nopreempt
lvsd_start 2
check "d2 alone becomes MASTER" wait_until 300 owner 2
lvsd_start 1
check "d1 starts and is BACKUP" wait_until 150 is_state 1 BACKUP
usleep 5000000
check "5 s later d2 is still MASTER (nopreempt)" eval "owner 2 && is_state 1 BACKUP && lacks_vip 1"
held_check "after-nopreempt"

say "The mixed pair: Debian's keepalived as the BACKUP director d2, lvsd on d1"
lvsd_stop 1
lvsd_stop 2
held_close
write_conf rr "$keep_servers"
lvsd_start 1
check "d1 (lvsd) is MASTER" wait_until 300 owner 1
# keepalived logs to syslog: busybox syslogd in the guest keeps it in /tmp/syslog.log.
syslogd -O /tmp/syslog.log
dir_run 2 keepalived -n -D -f $CONF -i d2 -p /run/d2/keepalived.pid -r /run/d2/vrrp.pid \
    -c /run/d2/checkers.pid >/tmp/keepalived-d2.log 2>&1 &
check "keepalived on d2 installs its table (keepalived's checker runs on a BACKUP too)" wait_until 300 eval "table 2 | grep -q -- '^-A -t $VIP:80 '"
check "keepalived on d2 stays BACKUP: no VIP" eval "usleep 3000000; lacks_vip 2 && owner 1"
held_open
echo "#   a long-lived connection to $(held_server) through d1"
check "the open connection reaches keepalived's d2 (lvs_sync_daemon)" wait_until 100 eval "dir_run 2 ipvsadm -Lnc | grep -q ' 10.50.0.2:[0-9]* *$VIP:7000 '"
loop_start mixed
usleep 1000000
t0=$(now)
kill -KILL "$(lvsd_pid 1)"
check "keepalived on d2 takes the VIP after lvsd's SIGKILL" wait_until 300 has_vip 2
echo "#   keepalived owned the VIP $(since $t0) s after the SIGKILL"
usleep 2000000
loop_stop
echo "#   the client's longest gap (lvsd -> keepalived): $(loop_gap mixed)"
held_check "after-lvsd-to-keepalived"
loop_start mixedback
t0=$(now)
lvsd_start 1
check "lvsd on d1 preempts keepalived" wait_until 300 eval "owner 1 && lacks_vip 2"
echo "#   d1 owned the VIP $(since $t0) s after its restart"
usleep 2000000
loop_stop
echo "#   the client's longest gap (keepalived -> lvsd): $(loop_gap mixedback)"
held_check "after-keepalived-to-lvsd"
answers=$(fetches 6)
echo "#   through d1 again: $answers"
if echo "$answers" | grep -q FAIL; then
    # A failure here was seen twice in about ten runs and is not understood yet: keep what a
    # reader needs to explain it.
    echo "#   diagnostics for the failed request:"
    for d in 1 2; do dir_run $d ipvsadm -Lnc 2>&1 | sed "s/^/#     d$d conn: /"; done
    for d in 1 2; do dir_run $d ipvsadm -Ln 2>&1 | sed "s/^/#     d$d table: /"; done
    $IP -n client neigh show 2>&1 | sed 's/^/#     client neigh: /'
    $IP netns exec client cat /proc/net/tcp 2>&1 | sed 's/^/#     client tcp: /'
    echo "#     retried now: $(fetches 6)"
fi
check "six requests through d1 are answered" [ "$(echo "$answers" | grep -c FAIL)" = 0 ]
echo "#   keepalived's log on d2 (VRRP lines):"
grep 'Keepalived_vrrp.*(VI_1)' /tmp/syslog.log | sed 's/^.*Keepalived_vrrp/Keepalived_vrrp/' | tail -n 6 | indent "  "

say "LVS-NAT with a vrrp_sync_group: the client's VIP and the real servers' gateway move together"
held_close
kill -TERM "$(cat /run/d2/keepalived.pid 2>/dev/null)" 2>/dev/null
lvsd_stop 1
wait_until 150 eval "! test -e /run/d2/keepalived.pid" || echo "# keepalived did not stop"
dir_run 1 ipvsadm -C
dir_run 2 ipvsadm -C
cat <<'TOPOLOGY'
#   client 10.50.0.2 --- br0 --- d1 .11 / d2 .12 (eth0; VIP 10.50.0.100, VI_EXT)
#                                 d1 10.60.0.11 / d2 10.60.0.12 (eth1; gateway 10.60.0.1, VI_INT)
#                                 --- br1 --- rs1..rs4 10.60.0.2N, default route via 10.60.0.1
#   VI_EXT and VI_INT form vrrp_sync_group VG_NAT; the virtual servers forward with NAT (-m)
TOPOLOGY
GATEWAY=10.60.0.1
$IP link add br1 type bridge
$IP link set br1 up
for d in 1 2; do
    $IP link add d$d-br1 type veth peer name eth1 netns d$d
    $IP link set d$d-br1 master br1
    $IP link set d$d-br1 up
    $IP -n d$d addr add 10.60.0.1$d/24 dev eth1
    $IP -n d$d link set eth1 up
    dir_run $d sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
done
for i in 1 2 3 4; do
    # The real servers leave the client's network: their only way back is the gateway.
    $IP -n rs$i link set eth0 down
    $IP -n rs$i addr del $VIP/32 dev lo
    $IP link add rs$i-br1 type veth peer name eth1 netns rs$i
    $IP link set rs$i-br1 master br1
    $IP link set rs$i-br1 up
    $IP -n rs$i addr add 10.60.0.2$i/24 dev eth1
    $IP -n rs$i link set eth1 up
    $IP -n rs$i route add default via $GATEWAY
done
write_nat_conf "1 2 3"
grep -n 'vrrp_sync_group' -A 5 $CONF | indent "  "
lvsd_start 1
lvsd_start 2
has_gw() { $IP -n d$1 -4 -o addr show dev eth1 | grep -q " $GATEWAY/"; }
lacks_gw() { ! has_gw $1; }
nat_owner() { has_vip $1 && has_gw $1 && table $1 | grep -q -- "^-a -t $VIP:80 -r 10.60.0.2[0-9]:80 -m "; }
nat_idle() { lacks_vip $1 && lacks_gw $1; }
check "d1 holds the VIP, the gateway and the NAT table" wait_until 300 nat_owner 1
check "d2 holds neither address nor a virtual server" wait_until 150 eval "nat_idle 2 && lacks_services 2"
echo "#   lvsctl status on d1 (VRRP part):"
ctl 1 status | sed -n '/^VRRP:/,/^$/p' | indent "  "
answers=$(fetches 12)
echo "#   answered by: $answers"
check "NAT, rr: four of 12 each" [ "$(tally "$answers")" = "rs1=4 rs2=4 rs3=4 rs4=0 FAIL=0" ]
held_open
echo "#   a long-lived connection through NAT to $(held_server)"
check "the NAT connection is in d2's connection table (lvs_sync_daemon)" wait_until 100 eval "dir_run 2 ipvsadm -Lnc | grep -q ' 10.50.0.2:[0-9]* *$VIP:7000 '"

loop_start natkill
usleep 1000000
t0=$(now)
kill -KILL "$(lvsd_pid 1)"
check "SIGKILL of d1's lvsd: d2 takes both addresses and the NAT table" wait_until 300 nat_owner 2
echo "#   d2 owned both addresses and the table $(since $t0) s after the SIGKILL"
usleep 2000000
loop_stop
echo "#   the client's longest gap: $(loop_gap natkill)"
held_check "after-nat-sigkill"
loop_start natback
lvsd_start 1
check "d1's lvsd restarts and preempts both instances" wait_until 300 eval "nat_owner 1 && nat_idle 2"
usleep 2000000
loop_stop
echo "#   the client's longest gap: $(loop_gap natback)"
held_check "after-nat-preempt"

loop_start natfault
usleep 1000000
t0=$(now)
$IP -n d1 link set eth1 down
check "d1's eth1 goes down: VI_INT faults and the group takes VI_EXT along, d2 holds both" wait_until 300 eval "nat_owner 2 && lacks_vip 1"
echo "#   d2 owned both addresses $(since $t0) s after d1's eth1 went down"
check "d1's instances are both FAULT" eval "[ \"\$(ctl 1 status --json | grep -o '\"state\":\"FAULT\"' | wc -l)\" -ge 2 ]"
usleep 2000000
loop_stop
echo "#   the client's longest gap: $(loop_gap natfault)"
held_check "after-nat-fault"
loop_start natrecover
$IP -n d1 link set eth1 up
check "d1's eth1 comes back: d1 preempts both" wait_until 300 eval "nat_owner 1 && nat_idle 2"
usleep 2000000
loop_stop
echo "#   the client's longest gap: $(loop_gap natrecover)"
held_check "after-nat-recovery"
list 1 | indent "  "

say "Failover gaps: the client's longest time without an answer (requests back to back, each with a 2 s limit)"
for l in "sigkill:SIGKILL of d1's lvsd, d2 (lvsd) takes over" "preempt:d1's lvsd restarts and preempts d2" \
         "sigterm:SIGTERM of d1's lvsd (priority 0), d2 takes over" \
         "mixed:SIGKILL of d1's lvsd, d2 (keepalived) takes over" "mixedback:d1's lvsd restarts and preempts keepalived" \
         "natkill:NAT: SIGKILL of d1's lvsd, d2 takes the sync group" "natback:NAT: d1's lvsd restarts and preempts" \
         "natfault:NAT: d1's eth1 down, the group fails over" "natrecover:NAT: d1's eth1 up, d1 preempts"; do
    printf '#   %-58s %s\n' "${l#*:}" "$(loop_gap ${l%%:*})"
done

say "Clean-up"
held_close
lvsd_stop 1
lvsd_stop 2
for f in /tmp/lvsd-d1.log /tmp/lvsd-d2.log; do
    echo "#   $f: $(wc -l <$f) lines; those with 'error' or 'warning':"
    # "TIME LEVEL lvsd: METADATA [SOURCE] MESSAGE": the time, the level and the message
    grep -i ' error \| warning ' $f | sed 's/^\([^ ]*\) \([a-z]*\) lvsd: .*\] /\1 \2 /' | cut -c1-200 | indent "  "
done

echo
if [ "$failed" = 0 ]; then
    echo "e2e: all $n checks passed"
else
    echo "e2e: $failed of $n checks FAILED"
    echo "# lvsd logs (last lines):"
    tail -n 30 /tmp/lvsd-d1.log | indent "d1 "
    tail -n 30 /tmp/lvsd-d2.log | indent "d2 "
fi
exit $failed
