#!/bin/sh
# Runs in the guest (busybox sh) under scripts/vm/run, started by ipvsadm-golden.sh.
# For each /cases/NAME.rules: flush, apply each line with `ipvsadm LINE`, then write
# the real ipvsadm's outputs and an ipvs-snapshot JSON dump of the same state to
# /out/NAME/. The outputs and the dump are retaken until two dumps around them
# agree, so counters and rates in the text match the dump.
set -u
IP=/usr/sbin/ip  # iproute2 (busybox ip has no netns)
variants='
save-n|-S -n
save|-S
list-n|-L -n
list|-L
list-n-stats|-L -n --stats
list-n-stats-exact|-L -n --stats --exact
list-n-rate|-L -n --rate
list-n-rate-exact|-L -n --rate --exact
list-n-thresholds|-L -n --thresholds
list-n-persistent-conn|-L -n --persistent-conn
list-n-tun-info|-L -n --tun-info
list-n-nosort|-L -n --nosort
list-stats|-L --stats
'

# Names the non-numeric listings resolve (gethostbyaddr reads /etc/hosts first).
cat >> /etc/hosts <<'HOSTS'
10.0.0.1 www.example.test www
192.168.1.10 real-server-with-a-rather-long-host-name.example.test
2001:db8::1 v6.example.test
HOSTS

# capture DIR: every variant with a dump taken just before and just after it; retried until the
# two agree (counters and rates move while traffic decays). snapshot.json is the state of the
# first variant; a variant whose state differs gets its own NAME.json.
capture() {
    dir=$1
    mkdir -p "$dir"
    rm -f "$dir/snapshot.json"
    echo "$variants" | while IFS='|' read -r name args; do
        [ -n "$name" ] || continue
        tries=0
        while :; do
            ipvs-snapshot > /tmp/before.json || { echo "snapshot failed"; exit 1; }
            # shellcheck disable=SC2086
            ipvsadm $args > "$dir/$name.txt" 2>&1
            echo $? > "$dir/$name.rc"
            ipvs-snapshot > /tmp/after.json
            cmp -s /tmp/before.json /tmp/after.json && break
            tries=$((tries + 1))
            [ $tries -lt 30 ] || { echo "state kept changing"; exit 1; }
        done
        if [ ! -f "$dir/snapshot.json" ]; then
            cp /tmp/before.json "$dir/snapshot.json"
        elif ! cmp -s /tmp/before.json "$dir/snapshot.json"; then
            cp /tmp/before.json "$dir/$name.json"
        fi
    done
}

# Real traffic for non-zero counters: a client namespace fetches files through a masquerading
# TCP service in this (director) namespace from httpd in a server namespace.
traffic() {
    $IP netns add cli
    $IP netns add srv
    $IP link add vc type veth peer name vc0 netns cli
    $IP link add vs type veth peer name vs0 netns srv
    $IP addr add 10.10.1.1/24 dev vc && $IP link set vc up
    $IP addr add 10.10.2.1/24 dev vs && $IP link set vs up
    $IP addr add 10.10.9.1/32 dev lo && $IP link set lo up
    $IP -n cli addr add 10.10.1.2/24 dev vc0 && $IP -n cli link set vc0 up && $IP -n cli link set lo up
    $IP -n srv addr add 10.10.2.2/24 dev vs0 && $IP -n srv link set vs0 up && $IP -n srv link set lo up
    $IP -n cli route add default via 10.10.1.1
    $IP -n srv route add default via 10.10.2.1
    sysctl -qw net.ipv4.ip_forward=1
    mkdir -p /www
    dd if=/dev/zero of=/www/big bs=1M count="${TRAFFIC_MB:-120}" 2>/dev/null
    echo small > /www/small
    $IP netns exec srv httpd -p 80 -h /www
    ipvsadm -A -t 10.10.9.1:80 -s rr
    ipvsadm -a -t 10.10.9.1:80 -r 10.10.2.2:80 -m -w 2
    ipvsadm -A -t 10.10.9.1:8080 -s wlc -p 30
    ipvsadm -a -t 10.10.9.1:8080 -r 10.10.2.2:80 -m
    i=0
    while [ $i -lt 40 ]; do
        $IP netns exec cli wget -q -O /dev/null http://10.10.9.1/small
        $IP netns exec cli wget -q -O /dev/null http://10.10.9.1:8080/small
        i=$((i + 1))
    done
    $IP netns exec cli wget -q -O /dev/null http://10.10.9.1/big
}

status=0
for rules in /cases/*.rules; do
    name=$(basename "$rules" .rules)
    ipvsadm -C
    : > /tmp/errors
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        # shellcheck disable=SC2086
        if ! out=$(ipvsadm $line 2>&1); then
            echo "$line => $out" >> /tmp/errors
        fi
    done < "$rules"
    capture "/out/$name" || status=1
    cp /tmp/errors "/out/$name/apply-errors.txt"
    echo "captured $name ($(wc -l < /tmp/errors) rejected lines)"
done
ipvsadm -C
traffic
capture /out/traffic || status=1
# Connection entries: expiry times tick every second, so ipvsadm -L -c reads a frozen copy of
# /proc/net/ip_vs_conn: in a private mount namespace a directory holding only that copy is
# bind-mounted over /proc before ipvsadm is exec'd.
mkdir -p /tmp/fakeproc/net
cp /proc/net/ip_vs_conn /tmp/fakeproc/net/ip_vs_conn
for v in "list-n-conn|-L -n -c" "list-n-conn-pc|-L -n -c --persistent-conn" "list-conn|-L -c"; do
    name=${v%%|*}
    args=${v#*|}
    unshare -m sh -c "mount --bind /tmp/fakeproc /proc && exec ipvsadm $args" \
        > "/out/traffic/$name.txt" 2>&1 || status=1
    cp /tmp/fakeproc/net/ip_vs_conn "/out/traffic/$name.proc"
done
echo "captured traffic"
cp /etc/hosts /out/etc-hosts
cp /etc/services /out/etc-services
exit $status
