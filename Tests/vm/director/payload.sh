#!/bin/sh
# Runs in the guest (busybox sh) under scripts/vm/run, started by Tests/vm/director/run.sh.
# lvsd as the director of a NAT web farm: three real servers (busybox httpd in network
# namespaces rs1..rs3, later rs4) behind the VIP 10.100.0.1:80, a client namespace, and the
# guest's root namespace as the director. Each numbered check prints "ok N - ..." or
# "not ok N - ..."; the exit status is the number of failed checks.
#
# Timing: every wait polls the state it waits for until a deadline (generous: the guest runs
# under qemu TCG); nothing asserts a duration.
set -u
IP=/usr/sbin/ip
CONF=/etc/lvsd/keepalived.conf
SOCK=/run/lvsd/lvsd.sock
PIDFILE=/run/lvsd/lvsd.pid
LOG=/tmp/lvsd.log
VIP=10.100.0.1
. /usr/local/lib/lvsd-tests/checks.sh
table() { ipvsadm -Sn; }
has_line() { table | grep -qx -- "$1"; }
lacks_line() { ! table | grep -qx -- "$1"; }
status_json() { lvsctl status --json --control-socket $SOCK; }
json_number() { status_json | grep -o "\"$1\":[0-9]*" | head -n1 | cut -d: -f2; }
fetch() { printf 'GET / HTTP/1.0\r\n\r\n' | $IP netns exec client busybox nc -w 3 $VIP 80 | tail -n 1; }
start_web() { $IP netns exec rs$1 busybox httpd -p 10.200.$1.2:80 -h /srv/rs$1; }
stop_web() { $IP netns exec rs$1 sh -c "kill \$(ps | awk '/httpd -p 10.200.$1.2/ && !/awk/ {print \$1}')"; }
start_lvsd() {
    lvsd -f $CONF --pid-file $PIDFILE --control-socket $SOCK --state-dir /run/lvsd \
        --resync-interval 1 --drain-grace 60 --log-level info >>$LOG 2>&1 &
    wait_until 300 test -S $SOCK
}
lvsd_pid() { cat $PIDFILE 2>/dev/null; }

# MARK: network
echo 1 >/proc/sys/net/ipv4/ip_forward
echo 1 >/proc/sys/net/ipv4/vs/expire_nodest_conn 2>/dev/null || true
$IP netns add client
$IP link add cl0 type veth peer name cl1 netns client
$IP addr add 10.100.0.1/24 dev cl0 && $IP link set cl0 up
$IP -n client addr add 10.100.0.2/24 dev cl1 && $IP -n client link set cl1 up && $IP -n client link set lo up
for i in 1 2 3 4; do
    $IP netns add rs$i
    $IP link add rs${i}a type veth peer name rs${i}b netns rs$i
    $IP addr add 10.200.$i.1/24 dev rs${i}a && $IP link set rs${i}a up
    $IP -n rs$i addr add 10.200.$i.2/24 dev rs${i}b && $IP -n rs$i link set rs${i}b up && $IP -n rs$i link set lo up
    $IP -n rs$i route add default via 10.200.$i.1
    mkdir -p /srv/rs$i && echo "real server rs$i" >/srv/rs$i/index.html
done
for i in 1 2 3; do start_web $i; done

write_conf() { # write_conf "1 2 3": the real servers in the farm
    mkdir -p /etc/lvsd
    {
        echo 'global_defs {'
        echo '    router_id vm-director'
        echo '}'
        echo "virtual_server $VIP 80 {"
        echo '    delay_loop 1'
        echo '    lvs_sched rr'
        echo '    lvs_method NAT'
        echo '    protocol TCP'
        for i in $1; do
            echo "    real_server 10.200.$i.2 80 {"
            echo '        weight 1'
            if [ "$i" = 2 ]; then
                echo '        HTTP_GET {'
                echo '            url {'
                echo '                path /index.html'
                echo '                status_code 200'
                echo '            }'
            else
                echo '        TCP_CHECK {'
            fi
            echo '            connect_timeout 1'
            echo '            retry 0'
            echo '            warmup 0'
            echo '        }'
            echo '    }'
        done
        echo '}'
    } >$CONF
}
write_conf "1 2 3"

# MARK: no IPVS at start
say "lvsd starts on a kernel without IPVS (modules unloaded), keeps running, and installs the table when IPVS appears"
for m in $(lsmod | awk '/^ip_vs_/ {print $1}'); do rmmod "$m"; done
rmmod ip_vs
# Opening the IPVS generic netlink family makes the kernel load ip_vs on demand (as on a
# real director); a container or a kernel without the module cannot, which is what this
# part is about: module loading is turned off meanwhile.
modprobe_path=$(cat /proc/sys/kernel/modprobe)
echo /bin/false >/proc/sys/kernel/modprobe
check "ip_vs is unloaded" sh -c '! lsmod | grep -q "^ip_vs "'
start_lvsd
check "lvsd answers on its control socket without IPVS" wait_until 100 sh -c "lvsctl status --json --control-socket $SOCK | grep -q '\"ipvsAvailable\":false'"
usleep 3000000
check "lvsd is still running after 3 s without IPVS" kill -0 "$(lvsd_pid)"
lvsctl status --control-socket $SOCK | head -n 4
echo "$modprobe_path" >/proc/sys/kernel/modprobe
for m in ip_vs ip_vs_rr ip_vs_wlc; do
    path=$(grep "/$m.ko" /etc/vm/modules.boot | head -n1 | awk '{print $1}')
    insmod "$path"
done
check "the table appears after ip_vs is loaded" wait_until 150 has_line "-A -t $VIP:80 -s rr"

# MARK: the table
say "The installed table equals lvsd --config-test --print-table (ipvsadm -Sn, order aside)"
wait_until 100 has_line "-a -t $VIP:80 -r 10.200.1.2:80 -m -w 1"
lvsd --config-test --print-table -f $CONF 2>/dev/null | sort >/tmp/expected
table | sort >/tmp/actual
cat /tmp/actual
check "ipvsadm -Sn equals the configuration's table" cmp -s /tmp/expected /tmp/actual

say "Six requests from the client: round robin over the three real servers"
: >/tmp/answers
for i in 1 2 3 4 5 6; do fetch >>/tmp/answers; done
sort /tmp/answers | uniq -c
check "each real server answered twice" sh -c '[ "$(sort /tmp/answers | uniq -c | awk "{print \$1}" | sort -u)" = 2 ] && [ $(sort -u /tmp/answers | wc -l) = 3 ]'

# MARK: health
say "rs3's web server stops: lvsd takes it out; no request reaches it"
stop_web 3
check "rs3 leaves the table" wait_until 150 lacks_line "-a -t $VIP:80 -r 10.200.3.2:80 -m -w 1"
: >/tmp/answers
for i in 1 2 3 4; do fetch >>/tmp/answers; done
check "no request reaches rs3" sh -c '! grep -q rs3 /tmp/answers && [ $(grep -c "real server" /tmp/answers) = 4 ]'
say "rs3's web server starts again: lvsd puts it back"
start_web 3
check "rs3 is back in the table" wait_until 150 has_line "-a -t $VIP:80 -r 10.200.3.2:80 -m -w 1"

# MARK: drift
say "Drift: ipvsadm -C and a real server deleted by hand are repaired by the resync"
ipvsadm -C
check "the service is back after ipvsadm -C" wait_until 100 has_line "-a -t $VIP:80 -r 10.200.3.2:80 -m -w 1"
ipvsadm -d -t $VIP:80 -r 10.200.2.2:80
check "the deleted real server is back" wait_until 100 has_line "-a -t $VIP:80 -r 10.200.2.2:80 -m -w 1"
drift=$(json_number driftRepaired)
check "lvsctl status counts the 5 repairs: the service and 3 real servers, then 1 (driftRepaired $drift)" [ "${drift:-0}" = 5 ]
grep 'repaired drift' $LOG | head -n 3

say "A service lvsd does not manage is left alone"
ipvsadm -A -t 10.100.0.9:80 -s wlc
usleep 3000000
check "the unrelated service survives resyncs" has_line "-A -t 10.100.0.9:80 -s wlc"

# MARK: restart
say "kill -9 and restart with the same configuration: no kernel change, counters keep counting"
conns() { ipvsadm -Ln --stats -t $VIP:80 | awk '$1 == "TCP" {print $3}'; }
for i in 1 2 3; do fetch >/dev/null; done
# The kernel's estimator folds the per-CPU counters in every 2 s: wait for the 3 connections.
wait_until 100 sh -c "[ \$(ipvsadm -Ln --stats -t $VIP:80 | awk '\$1 == \"TCP\" {print \$3}') -ge 3 ]"
table >/tmp/before-kill
conns_before=$(conns)
kill -9 "$(lvsd_pid)"
usleep 500000
rm -f $SOCK
start_lvsd
usleep 4000000
applied=$(json_number changesApplied)
passes=$(json_number passes)
check "the restarted lvsd made no change (changesApplied ${applied:-?}, passes ${passes:-?})" sh -c "[ '${applied:-x}' = 0 ] && [ '${passes:-0}' -ge 2 ]"
table >/tmp/after-restart
check "the table is byte-identical after the restart" cmp -s /tmp/before-kill /tmp/after-restart
fetch >/dev/null
# A service deleted and added again would count from 0 (1 after this request).
wait_until 100 sh -c "[ \$(ipvsadm -Ln --stats -t $VIP:80 | awk '\$1 == \"TCP\" {print \$3}') -gt $conns_before ]"
conns_after=$(conns)
check "the service's connection counter went on ($conns_before -> $conns_after)" [ "$conns_after" -gt "$conns_before" ]
check "the unrelated service is still there" has_line "-A -t 10.100.0.9:80 -s wlc"

# MARK: reload
say "Reload: rs4 added, rs1 removed while a client holds a connection to it: rs1 drains"
# Only rs1 takes new connections while rs2 and rs3 are in maintenance.
lvsctl server disable tcp:$VIP:80 10.200.2.2:80 --control-socket $SOCK
lvsctl server disable tcp:$VIP:80 10.200.3.2:80 --control-socket $SOCK
check "maintenance sets weight 0" wait_until 50 has_line "-a -t $VIP:80 -r 10.200.2.2:80 -m -w 0"
# The client connects now and sends its request only when told (through a FIFO kept open
# on fd 3), after the reload.
mkfifo /tmp/held.in
exec 3<>/tmp/held.in
$IP netns exec client busybox nc $VIP 80 <&3 >/tmp/held.out 2>&1 &
held=$!
check "the held connection is on rs1" wait_until 100 sh -c "ipvsadm -Ln -t $VIP:80 | awk '/10.200.1.2:80/ {print \$5}' | grep -qx 1"
lvsctl server enable tcp:$VIP:80 10.200.2.2:80 --control-socket $SOCK
lvsctl server enable tcp:$VIP:80 10.200.3.2:80 --control-socket $SOCK
start_web 4
table >/tmp/before-reload
write_conf "2 3 4"
lvsctl reload --control-socket $SOCK
check "lvsctl reload succeeds" [ $? = 0 ]
check "rs4 is added" wait_until 100 has_line "-a -t $VIP:80 -r 10.200.4.2:80 -m -w 1"
check "rs1 stays with weight 0 while its connection is open" has_line "-a -t $VIP:80 -r 10.200.1.2:80 -m -w 0"
check "rs2 and rs3 are untouched" sh -c "grep -x -- '-a -t $VIP:80 -r 10.200.2.2:80 -m -w 1' /tmp/before-reload >/dev/null && ipvsadm -Sn | grep -qx -- '-a -t $VIP:80 -r 10.200.2.2:80 -m -w 1' && ipvsadm -Sn | grep -qx -- '-a -t $VIP:80 -r 10.200.3.2:80 -m -w 1'"
printf 'GET / HTTP/1.0\r\n\r\n' >&3
wait_until 100 grep -q "real server" /tmp/held.out
kill $held 2>/dev/null
exec 3>&-
check "the held connection to rs1 was answered after the reload (not broken)" grep -q "real server rs1" /tmp/held.out
check "rs1 is deleted once drained" wait_until 150 lacks_line "-a -t $VIP:80 -r 10.200.1.2:80 -m -w 0"
grep -E 'drained|applied' $LOG | tail -n 4

# MARK: invalid reload
say "An invalid reload leaves the table byte-identical and lvsd running"
table >/tmp/before-bad
cp $CONF /tmp/good.conf
echo 'virtual_server 10.100.0.1 81 { lb_kind NOPE }' >>$CONF
bad_line=$(wc -l <$CONF)
lvsctl reload --control-socket $SOCK >/tmp/reload.out 2>&1
rc=$?
cat /tmp/reload.out
check "lvsctl reload exits 1" [ "$rc" = 1 ]
check "the diagnostics name the file and line" grep -q "^$CONF:$bad_line:" /tmp/reload.out
usleep 3000000
table >/tmp/after-bad
check "the table is byte-identical" cmp -s /tmp/before-bad /tmp/after-bad
check "lvsd is still running" kill -0 "$(lvsd_pid)"
cp /tmp/good.conf $CONF
kill -HUP "$(lvsd_pid)"

say "lvsctl status with a live director"
lvsctl status --control-socket $SOCK

# MARK: stop
say "SIGTERM: lvsd stops, leaves the table (no lvs_flush_on_stop) and removes its pid file and socket"
pid=$(lvsd_pid)
table >/tmp/before-stop
kill -TERM "$pid"
check "lvsd exits" wait_until 100 sh -c "! kill -0 $pid 2>/dev/null"
check "the pid file and the socket are gone" sh -c "[ ! -e $PIDFILE ] && [ ! -e $SOCK ]"
table >/tmp/after-stop
check "the table stays" cmp -s /tmp/before-stop /tmp/after-stop

# MARK: VRRP ownership (Tests/vm/director/ownership.sh, shipped by run.sh)
if [ -f /usr/local/lib/lvsd-tests/ownership.sh ]; then
    . /usr/local/lib/lvsd-tests/ownership.sh
    ownership_scenario
    master_master_scenario
fi

echo
echo "director: $((n - failed)) passed, $failed failed"
if [ "$failed" != 0 ]; then
    echo "--- lvsd log"
    cat $LOG
    for f in /tmp/own1.log /tmp/own2.log /tmp/mm1.log /tmp/mm2.log; do [ -f $f ] && echo "--- $f" && cat $f; done
fi
exit "$failed"
