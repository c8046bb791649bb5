#!/bin/sh
# The demo, inside the VM (scripts/demo). The guest's root namespace is the director,
# running lvsd with a keepalived.conf; three real servers (busybox httpd) and a client live
# in network namespaces of their own, joined to the director by veth pairs. IPVS runs in
# NAT mode.
set -e
ip=/usr/sbin/ip
say() { printf '\n### %s\n' "$*"; }
SOCK=/run/lvsd/lvsd.sock

say "Building the network: client 10.100.0.2 -> VIP 10.100.0.1 (director) -> real servers 10.200.N.2"
echo 1 > /proc/sys/net/ipv4/ip_forward
$ip netns add client
$ip link add cl0 type veth peer name cl1 netns client
$ip addr add 10.100.0.1/24 dev cl0 && $ip link set cl0 up
$ip -n client addr add 10.100.0.2/24 dev cl1 && $ip -n client link set cl1 up && $ip -n client link set lo up
for n in 1 2 3; do
    $ip netns add rs$n
    $ip link add rs${n}a type veth peer name rs${n}b netns rs$n
    $ip addr add 10.200.$n.1/24 dev rs${n}a && $ip link set rs${n}a up
    $ip -n rs$n addr add 10.200.$n.2/24 dev rs${n}b && $ip -n rs$n link set rs${n}b up && $ip -n rs$n link set lo up
    $ip -n rs$n route add default via 10.200.$n.1
    mkdir -p /srv/rs$n && echo "real server rs$n" > /srv/rs$n/index.html
    $ip netns exec rs$n busybox httpd -p 10.200.$n.2:80 -h /srv/rs$n
done

say "The director's keepalived.conf: one virtual server, three real servers with HTTP_GET"
mkdir -p /etc/keepalived
cat > /etc/keepalived/keepalived.conf <<'CONF'
global_defs {
    router_id demo-director
}
virtual_server 10.100.0.1 80 {
    delay_loop 2
    lvs_sched rr
    lvs_method NAT
    protocol TCP
    real_server 10.200.1.2 80 {
        weight 1
        HTTP_GET {
            url {
                path /index.html
                status_code 200
            }
            connect_timeout 1
            retry 0
            warmup 0
        }
    }
    real_server 10.200.2.2 80 {
        weight 1
        HTTP_GET {
            url {
                path /index.html
                status_code 200
            }
            connect_timeout 1
            retry 0
            warmup 0
        }
    }
    real_server 10.200.3.2 80 {
        weight 1
        HTTP_GET {
            url {
                path /index.html
                status_code 200
            }
            connect_timeout 1
            retry 0
            warmup 0
        }
    }
}
CONF
lvsd --config-test --print-table -f /etc/keepalived/keepalived.conf

say "lvsd starts and installs the table"
lvsd -f /etc/keepalived/keepalived.conf --log-level notice >/tmp/lvsd.log 2>&1 &
i=0; while [ $i -lt 100 ] && ! ipvsadm -Sn | grep -q 10.200.3.2; do usleep 100000; i=$((i + 1)); done
lvsctl list -n

fetch() {
    printf 'GET / HTTP/1.0\r\n\r\n' | $ip netns exec client busybox nc -w 3 10.100.0.1 80 | tail -n 1
}
say "Six requests from the client: round robin over the three real servers"
for i in 1 2 3 4 5 6; do fetch; done

say "rs3's web server stops; lvsd's HTTP_GET sees it and takes rs3 out"
$ip netns exec rs3 sh -c 'kill $(ps | awk "/httpd -p 10.200.3.2/ && !/awk/ {print \$1}")' || true
i=0; while [ $i -lt 100 ] && ipvsadm -Sn | grep -q 10.200.3.2; do usleep 100000; i=$((i + 1)); done
lvsctl list -n
for i in 1 2 3 4; do fetch; done

say "lvsctl status: the live director"
lvsctl status

say "rs3 comes back; maintenance on rs1 with lvsctl server disable"
$ip netns exec rs3 busybox httpd -p 10.200.3.2:80 -h /srv/rs3
lvsctl server disable tcp:10.100.0.1:80 10.200.1.2:80
i=0; while [ $i -lt 100 ] && ! ipvsadm -Sn | grep -q 10.200.3.2; do usleep 100000; i=$((i + 1)); done
lvsctl list -n
for i in 1 2 3 4; do fetch; done

say "Someone runs ipvsadm -C; the next resync puts the table back"
ipvsadm -C
i=0; while [ $i -lt 100 ] && ! ipvsadm -Sn | grep -q 10.200.3.2; do usleep 100000; i=$((i + 1)); done
lvsctl list -n
grep 'repaired drift' /tmp/lvsd.log | head -n 4

say "Counters, as ipvsadm -Ln --stats prints them"
sleep 3
lvsctl list -n --stats
kill -TERM "$(cat /run/lvsd/lvsd.pid)"
