# VRRP ownership in the guest (busybox sh), sourced by Tests/vm/director/payload.sh at its end
# so that both share one boot; uses payload.sh's IP, say, check, ok, not_ok and wait_until.
#
# IPVS is per network namespace: two director namespaces d1 and d2 joined by a veth pair (the
# guest kernel has no bridge module), lvsd in each
# with one VRRPv3 instance (advert_int 0.1; d1 priority 150, d2 100) whose VIP 10.150.0.100
# carries a virtual server. The IPVS table and the VIP are on the MASTER only; they move to d2
# when d1's lvsd stops (SIGTERM: priority 0) and back when it restarts (preemption); kill -9
# of d1's lvsd hands over after the master down interval, and the restarted lvsd takes the
# table back without changing what it finds. Times are printed, never asserted.
#
# lvs_sync_daemon eth0 VI_OWN: the kernel's sync daemon runs as master on the MASTER and as
# backup on the BACKUP (`ipvsadm -L --daemon` in each namespace), and switches when d1 stops.
# A client namespace oc (10.151.0.2, behind d1) fetches from a real server namespace ors
# (10.152.0.2, busybox httpd, NAT through d1) through $OWN_VIP:90; the connection entry the
# kernel makes on d1 reaches d2's connection table (`ipvsadm -Lnc`) through the sync daemon.

OWN_VIP=10.150.0.100

own_conf() { # own_conf D PRIORITY
    mkdir -p /run/own$1
    cat >/run/own$1/keepalived.conf <<EOF
global_defs {
    vrrp_version 3
    lvs_sync_daemon eth0 VI_OWN
}
vrrp_instance VI_OWN {
    interface eth0
    virtual_router_id 77
    priority $2
    advert_int 0.1
    virtual_ipaddress {
        $OWN_VIP/24
    }
}
virtual_server $OWN_VIP 80 {
    lvs_sched rr
    lvs_method DR
    protocol TCP
    real_server 10.150.0.10 80 {
        weight 1
    }
}
virtual_server $OWN_VIP 90 {
    lvs_sched rr
    lvs_method NAT
    protocol TCP
    real_server 10.152.0.2 80 {
        weight 1
    }
}
EOF
}
own_start() { # own_start D
    $IP netns exec d$1 lvsd -f /run/own$1/keepalived.conf --pid-file /run/own$1/lvsd.pid \
        --control-socket /run/own$1/lvsd.sock --state-dir /run/own$1 --resync-interval 1 \
        --log-level info >>/tmp/own$1.log 2>&1 &
    wait_until 300 test -S /run/own$1/lvsd.sock
}
own_pid() { cat /run/own$1/lvsd.pid 2>/dev/null; }
own_table() { $IP netns exec d$1 ipvsadm -Sn; }
own_has_service() { own_table $1 | grep -qx -- "-A -t $OWN_VIP:80 -s rr"; }
own_lacks_service() { ! own_has_service $1; }
own_has_vip() { $IP -n d$1 -4 -o addr show dev eth0 | grep -q " $OWN_VIP/"; }
own_lacks_vip() { ! own_has_vip $1; }
# own_state D: the instance's state from lvsctl status --json (the first "state" in the "vrrp"
# list; the kernel's part comes before it).
own_state() { $IP netns exec d$1 lvsctl status --json --control-socket /run/own$1/lvsd.sock | grep -o '"vrrp":\[.*' | grep -o '"state":"[A-Z ]*"' | head -n1 | cut -d'"' -f4; }
own_is() { [ "$(own_state $1)" = "$2" ]; }
own_changes() { $IP netns exec d$1 lvsctl status --json --control-socket /run/own$1/lvsd.sock | grep -o '"changesApplied":[0-9]*' | cut -d: -f2; }
own_now() { cut -d' ' -f1 /proc/uptime; }
# own_daemons D: `ipvsadm -L --daemon` in Dd.
own_daemons() { $IP netns exec d$1 ipvsadm -L --daemon; }
own_runs() { own_daemons $1 | grep -q "^$2 sync daemon (mcast=eth0, syncid=77"; }
own_runs_only() { # own_runs_only D ROLE: exactly one daemon, of ROLE
    [ "$(own_daemons $1 | wc -l)" = 1 ] && own_runs $1 $2
}
own_runs_none() { [ -z "$(own_daemons $1)" ]; }
# own_takeover D: waits until Dd holds the VIP and the service; prints the time since $own_t0.
own_takeover() {
    if wait_until 100 sh -c "$IP -n d$1 -4 -o addr show dev eth0 | grep -q ' $OWN_VIP/'"; then
        vip_at=$(own_now)
        wait_until 100 own_has_service $1
        table_at=$(own_now)
        echo "# d$1 had the VIP after $(echo "$vip_at $own_t0" | awk '{printf "%.2f", $1 - $2}') s and the table after $(echo "$table_at $own_t0" | awk '{printf "%.2f", $1 - $2}') s"
    fi
}

ownership_scenario() {
    say "VRRP ownership: the IPVS table follows the MASTER between two director namespaces"
    $IP netns add d1
    $IP netns add d2
    $IP link add eth0 netns d1 type veth peer name eth0 netns d2
    for d in 1 2; do
        $IP -n d$d link set lo up
        $IP -n d$d addr add 10.150.0.$d/24 dev eth0
        $IP -n d$d link set eth0 up
    done
    # The client and the real server of the sync test, both behind d1.
    $IP netns add oc
    $IP netns add ors
    $IP link add oc0 netns d1 type veth peer name eth0 netns oc
    $IP link add ors0 netns d1 type veth peer name eth0 netns ors
    $IP -n d1 addr add 10.151.0.1/24 dev oc0
    $IP -n d1 addr add 10.152.0.1/24 dev ors0
    $IP -n d1 link set oc0 up
    $IP -n d1 link set ors0 up
    $IP netns exec d1 sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
    for ns in oc ors; do
        $IP -n $ns link set lo up
        $IP -n $ns link set eth0 up
    done
    $IP -n oc addr add 10.151.0.2/24 dev eth0
    $IP -n oc route add default via 10.151.0.1
    $IP -n ors addr add 10.152.0.2/24 dev eth0
    $IP -n ors route add default via 10.152.0.1
    mkdir -p /srv/ors && echo "synced real server" >/srv/ors/index.html
    $IP netns exec ors busybox httpd -p 10.152.0.2:80 -h /srv/ors
    own_conf 1 150
    own_conf 2 100

    own_start 1
    check "d1 alone becomes MASTER with the VIP and the service" wait_until 100 sh -c "$IP -n d1 -4 -o addr show dev eth0 | grep -q ' $OWN_VIP/' && $IP netns exec d1 ipvsadm -Sn | grep -qx -- '-A -t $OWN_VIP:80 -s rr'"
    own_start 2
    check "d2 is BACKUP" wait_until 100 own_is 2 BACKUP
    check "d1 is MASTER" own_is 1 MASTER
    check "d2 has neither the VIP nor the service" sh -c "! $IP -n d2 -4 -o addr show dev eth0 | grep -q ' $OWN_VIP/' && ! $IP netns exec d2 ipvsadm -Sn | grep -q -- '-A -t $OWN_VIP:80'"

    say "lvs_sync_daemon: master on the MASTER d1, backup on the BACKUP d2; a connection through d1 reaches d2"
    check "d1 runs the master sync daemon only" wait_until 100 own_runs_only 1 master
    check "d2 runs the backup sync daemon only" wait_until 100 own_runs_only 2 backup
    own_daemons 1 | sed 's/^/# d1: /'
    own_daemons 2 | sed 's/^/# d2: /'
    check "lvsctl status on d1 shows the sync daemon" sh -c "$IP netns exec d1 lvsctl status --control-socket /run/own1/lvsd.sock | grep -q '^sync daemon: eth0, syncid 77, follows VI_OWN: wanted master; kernel runs master'"
    own_fetched=$(printf 'GET / HTTP/1.0\r\n\r\n' | $IP netns exec oc busybox nc -w 3 $OWN_VIP 90 | tail -n 1)
    check "the client fetched through d1 ($own_fetched)" [ "$own_fetched" = "synced real server" ]
    $IP netns exec d1 ipvsadm -Lnc | sed 's/^/# d1: /'
    check "d2's connection table has the client's connection to $OWN_VIP:90" wait_until 100 sh -c "$IP netns exec d2 ipvsadm -Lnc | grep -q ' 10.151.0.2:[0-9]* *$OWN_VIP:90 *10.152.0.2:80'"
    $IP netns exec d2 ipvsadm -Lnc | sed 's/^/# d2: /'

    say "SIGTERM of d1's lvsd: d2 takes the VIP and installs the table"
    own_t0=$(own_now)
    kill -TERM "$(own_pid 1)"
    own_takeover 2
    check "d2 is MASTER with the VIP and the service" sh -c "$IP -n d2 -4 -o addr show dev eth0 | grep -q ' $OWN_VIP/' && $IP netns exec d2 ipvsadm -Sn | grep -qx -- '-A -t $OWN_VIP:80 -s rr'"
    check "d1's lvsd exits" wait_until 100 sh -c "! test -e /run/own1/lvsd.pid"
    check "d1 removed its VIP" own_lacks_vip 1
    check "d2 runs the master sync daemon only" wait_until 100 own_runs_only 2 master
    check "d1's lvsd stopped d1's sync daemon" own_runs_none 1
    own_daemons 2 | sed 's/^/# d2: /'

    say "d1's lvsd restarts and preempts: the table moves back"
    own_start 1
    check "d1 is MASTER again with the VIP and the service" wait_until 100 sh -c "$IP -n d1 -4 -o addr show dev eth0 | grep -q ' $OWN_VIP/' && $IP netns exec d1 ipvsadm -Sn | grep -qx -- '-A -t $OWN_VIP:80 -s rr'"
    check "d2 is BACKUP and removed the service" wait_until 100 own_lacks_service 2
    check "d2 is BACKUP" own_is 2 BACKUP
    check "d2 has no VIP" own_lacks_vip 2
    check "the sync daemons switch back: d1 master only" wait_until 100 own_runs_only 1 master
    check "the sync daemons switch back: d2 backup only" wait_until 100 own_runs_only 2 backup
    check "d1 kept the table it found: it made no change (changesApplied $(own_changes 1))" [ "$(own_changes 1)" = 0 ]

    say "kill -9 of d1's lvsd: d2 takes over after the master down interval; the restarted d1 changes nothing"
    own_table 1 >/tmp/own1-before-kill
    own_t0=$(own_now)
    kill -KILL "$(own_pid 1)"
    own_takeover 2
    check "d2 is MASTER with the VIP and the service" sh -c "$IP netns exec d2 ipvsadm -Sn | grep -qx -- '-A -t $OWN_VIP:80 -s rr'"
    rm -f /run/own1/lvsd.sock
    own_start 1
    check "d1 is MASTER again" wait_until 100 own_is 1 MASTER
    check "d2 removed the service" wait_until 100 own_lacks_service 2
    # kill -9 left d1's master sync daemon running: the restarted lvsd's start of the master
    # daemon gets EEXIST from the kernel, sees that the kernel runs the very daemon it wants,
    # and keeps it (no failure counted).
    check "after kill -9 and restart: d1 runs the master sync daemon only" wait_until 100 own_runs_only 1 master
    check "after kill -9 and restart: d2 runs the backup sync daemon only" wait_until 100 own_runs_only 2 backup
    $IP netns exec d1 lvsctl status --control-socket /run/own1/lvsd.sock | grep -A1 '^sync daemon' | sed 's/^/# d1: /'
    check "d1's lvsd kept the master daemon it found: no failed sync daemon command" sh -c "$IP netns exec d1 lvsctl status --control-socket /run/own1/lvsd.sock | grep -q '^sync daemon: eth0, syncid 77, follows VI_OWN: wanted master; kernel runs master; [0-9]* commands, 0 failed\$'"
    own_table 1 >/tmp/own1-after-restart
    check "d1's table is byte-identical after kill -9 and restart" cmp -s /tmp/own1-before-kill /tmp/own1-after-restart
    check "the restarted d1 made no change (changesApplied $(own_changes 1))" [ "$(own_changes 1)" = 0 ]

    for d in 1 2; do
        pid=$(own_pid $d)
        [ -n "$pid" ] && kill -TERM "$pid"
    done
    wait_until 100 sh -c "! test -e /run/own1/lvsd.pid && ! test -e /run/own2/lvsd.pid" || echo "# an lvsd did not stop"
    $IP netns exec ors sh -c "kill \$(ps | awk '/httpd -p 10.152.0.2/ && !/awk/ {print \$1}')"
    $IP netns del oc
    $IP netns del ors
    $IP netns del d1
    $IP netns del d2
}

# Master/master (issue 10; called by payload.sh after ownership_scenario): two VRRP instances with one VIP each, d1 preferred for VI_A and d2
# for VI_B; each director installs only the virtual server on the VIP it is MASTER of. When
# d2's lvsd stops, d1 takes VI_B's VIP and installs its service too; when d2 comes back it
# preempts VI_B and d1 removes that service again. A fwmark service bound to VI_B with
# lvsd_vrrp_instance follows VI_B. Last, both reload the file with lvsd_warm_standby: each
# director then installs every service, whatever its states, and the VIPs stay where they are.
MM_VIP_A=10.160.0.101
MM_VIP_B=10.160.0.102

mm_conf() { # mm_conf D PRIORITY_A PRIORITY_B [lvsd_warm_standby]
    mkdir -p /run/mm$1
    cat >/run/mm$1/keepalived.conf <<EOF2
global_defs {
    vrrp_version 3
    ${4:-}
}
vrrp_instance VI_A {
    interface eth0
    virtual_router_id 81
    priority $2
    advert_int 0.1
    virtual_ipaddress {
        $MM_VIP_A/24
    }
}
vrrp_instance VI_B {
    interface eth0
    virtual_router_id 82
    priority $3
    advert_int 0.1
    virtual_ipaddress {
        $MM_VIP_B/24
    }
}
virtual_server $MM_VIP_A 80 {
    lvs_sched rr
    lvs_method DR
    protocol TCP
    real_server 10.160.0.10 80 {
        weight 1
    }
}
virtual_server $MM_VIP_B 80 {
    lvs_sched wrr
    lvs_method DR
    protocol TCP
    real_server 10.160.0.11 80 {
        weight 1
    }
}
virtual_server fwmark 5 {
    lvs_sched rr
    lvs_method DR
    lvsd_vrrp_instance VI_B
    real_server 10.160.0.12 0 {
        weight 1
    }
}
EOF2
}
mm_start() { # mm_start D
    $IP netns exec mm$1 lvsd -f /run/mm$1/keepalived.conf --pid-file /run/mm$1/lvsd.pid \
        --control-socket /run/mm$1/lvsd.sock --state-dir /run/mm$1 --resync-interval 1 \
        --log-level info >>/tmp/mm$1.log 2>&1 &
    wait_until 300 test -S /run/mm$1/lvsd.sock
}
mm_pid() { cat /run/mm$1/lvsd.pid 2>/dev/null; }
# mm_services D: the virtual services in Dd's kernel table, one per line, sorted.
mm_services() { $IP netns exec mm$1 ipvsadm -Sn | grep '^-A' | sort | tr '\n' ';'; }
# mm_vips D: the VIPs on Dd's eth0, sorted.
mm_vips() { $IP -n mm$1 -4 -o addr show dev eth0 | awk '{print $4}' | grep -E "^($MM_VIP_A|$MM_VIP_B)/" | sort | tr '\n' ';'; }
mm_holds() { # mm_holds D VIPS SERVICES: Dd has exactly these VIPs and services
    [ "$(mm_vips $1)" = "$2" ] && [ "$(mm_services $1)" = "$3" ]
}

master_master_scenario() {
    say "Master/master: two VRRP instances, each director MASTER of one, each installs only its own"
    $IP netns add mm1
    $IP netns add mm2
    $IP link add eth0 netns mm1 type veth peer name eth0 netns mm2
    for d in 1 2; do
        $IP -n mm$d link set lo up
        $IP -n mm$d addr add 10.160.0.$d/24 dev eth0
        $IP -n mm$d link set eth0 up
    done
    mm_conf 1 150 100
    mm_conf 2 100 150
    a="-A -t $MM_VIP_A:80 -s rr;"
    b="-A -t $MM_VIP_B:80 -s wrr;"
    f="-A -f 5 -s rr;" # sorts first
    mm_start 1
    mm_start 2
    check "mm1 holds VI_A's VIP and service only" wait_until 150 mm_holds 1 "$MM_VIP_A/24;" "$a"
    check "mm2 holds VI_B's VIP and services only (the fwmark service bound to VI_B too)" \
        wait_until 150 mm_holds 2 "$MM_VIP_B/24;" "$f$b"
    echo "# mm1: $(mm_vips 1) $(mm_services 1)"
    echo "# mm2: $(mm_vips 2) $(mm_services 2)"

    say "mm2's lvsd stops: mm1 takes VI_B's VIP and installs its service too"
    kill -TERM "$(mm_pid 2)"
    check "mm1 holds both VIPs and all three services" wait_until 150 mm_holds 1 "$MM_VIP_A/24;$MM_VIP_B/24;" "$f$a$b"
    # A stopping lvsd removes its VIPs and leaves the kernel table as it is (see the SIGTERM
    # case above): mm2 keeps VI_B's service, with no VIP to bring it traffic.
    check "mm2 removed its VIPs and left its table as it was" wait_until 100 mm_holds 2 "" "$f$b"
    check "mm2's lvsd exits" wait_until 100 sh -c "! test -e /run/mm2/lvsd.pid"

    say "mm2's lvsd restarts: it preempts VI_B, and mm1 gives VI_B's VIP and service back"
    mm_start 2
    check "mm2 holds VI_B's VIP and services again" wait_until 150 mm_holds 2 "$MM_VIP_B/24;" "$f$b"
    check "mm1 is back to VI_A's VIP and service only" wait_until 150 mm_holds 1 "$MM_VIP_A/24;" "$a"

    say "Both reload with lvsd_warm_standby: every service on both directors, the VIPs stay"
    mm_conf 1 150 100 lvsd_warm_standby
    mm_conf 2 100 150 lvsd_warm_standby
    for d in 1 2; do
        check "mm$d reloads" $IP netns exec mm$d lvsctl --control-socket /run/mm$d/lvsd.sock reload
    done
    check "mm1 keeps VI_A's VIP and installs all three services" wait_until 150 mm_holds 1 "$MM_VIP_A/24;" "$f$a$b"
    check "mm2 keeps VI_B's VIP and installs all three services" wait_until 150 mm_holds 2 "$MM_VIP_B/24;" "$f$a$b"
    check "mm2's status says warm standby, backup_only 1" sh -c "$IP netns exec mm2 lvsctl --control-socket /run/mm2/lvsd.sock status \
        | grep -q 'all virtual servers on every director (lvsd_warm_standby, backup_only 1)'"

    for d in 1 2; do
        pid=$(mm_pid $d)
        [ -n "$pid" ] && kill -TERM "$pid"
    done
    wait_until 100 sh -c "! test -e /run/mm1/lvsd.pid && ! test -e /run/mm2/lvsd.pid" || echo "# an lvsd did not stop"
    $IP netns del mm1
    $IP netns del mm2
}
