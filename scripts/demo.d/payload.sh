#!/bin/sh
# The demo, inside the VM (scripts/demo). The guest's root namespace is the
# director; three real servers and a client live in network namespaces of their
# own, joined to the director by veth pairs. IPVS runs in NAT mode.
set -e
ip=/usr/sbin/ip
say() { printf '\n### %s\n' "$*"; }

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

say "lvsctl restore: one virtual service, three real servers (ipvsadm-save format)"
cat > /tmp/rules <<'RULES'
-A -t 10.100.0.1:80 -s rr
-a -t 10.100.0.1:80 -r 10.200.1.2:80 -m -w 1
-a -t 10.100.0.1:80 -r 10.200.2.2:80 -m -w 1
-a -t 10.100.0.1:80 -r 10.200.3.2:80 -m -w 1
RULES
cat /tmp/rules
lvsctl restore < /tmp/rules
lvsctl list -n

fetch() {
    printf 'GET / HTTP/1.0\r\n\r\n' | $ip netns exec client busybox nc -w 3 10.100.0.1 80 | tail -n 1
}
say "Six requests from the client: round robin over the three real servers"
for i in 1 2 3 4 5 6; do fetch; done

say "Health checks: lvsctl probe against each real server"
for n in 1 2 3; do lvsctl probe http http://10.200.$n.2/ --timeout 2 || true; done
say "rs3's web server stops; the probe sees it"
$ip netns exec rs3 sh -c 'kill $(ps | awk "/httpd -p 10.200.3.2/ && !/awk/ {print \$1}")' || true
lvsctl probe http http://10.200.3.2/ --timeout 2 || true

say "lvsctl server drain rs3 (weight 0, as ipvsadm -e ... -w 0): new requests avoid it"
lvsctl server drain tcp:10.100.0.1:80 10.200.3.2:80
lvsctl list -n
for i in 1 2 3 4; do fetch; done

say "Counters, as ipvsadm -Ln --stats prints them"
sleep 3
lvsctl list -n --stats

say "lvsctl status: the summary (rs3 counted with weight 0)"
lvsctl status
