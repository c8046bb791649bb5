#!/bin/sh
# Captures the rtnetlink requests iproute2 sends for the routes and rules of
# Tests/VRRPTests/Runtime/RouteNetlinkRuleCodecTests.swift (golden bytes). Needs root, strace
# and iproute2; works in a scratch namespace `rrcap` it creates and deletes. In it, d0 (a veth,
# the second link after lo) is ifindex 3 with 10.0.0.1/24 and 2001:db8::1/64.
# Prints, for each command, the command and the bytes of its sendmsg, in hex.
set -eu
ns=rrcap
ip netns add $ns
trap 'ip netns del $ns' EXIT
ip -n $ns link set lo up
ip -n $ns link add d0 type veth peer name d1
ip -n $ns link set d0 up
ip -n $ns link set d1 up
ip -n $ns addr add 10.0.0.1/24 dev d0
ip -n $ns -6 addr add 2001:db8::1/64 dev d0 nodad
capture() {
    echo "# $*"
    ip netns exec $ns strace -xx -e trace=sendmsg -e write=3 "$@" 2>&1 | grep -E '^ \| [0-9a-f]{5} ' \
        | awk '{ for (i = 3; i <= 18; i++) if ($i ~ /^[0-9a-f][0-9a-f]$/) printf "%s ", $i } END { print "" }'
}
capture ip route add 192.0.2.0/24 via 10.0.0.254 src 10.0.0.1 metric 5 dev d0 table 100 proto 18
capture ip route del 192.0.2.0/24 via 10.0.0.254 src 10.0.0.1 metric 5 dev d0 table 100 proto 18
capture ip route add 198.51.100.0/24 table 1000 dev d0 proto 18 scope link
capture ip route add blackhole 203.0.113.0/24 table 100 proto 18
capture ip route add default via 10.0.0.254 dev d0 table 100 proto 18
capture ip route add 192.0.2.128/25 via 10.0.0.254 dev d0 onlink table 100 proto 18
capture ip route add 2001:db8:1::/48 via 2001:db8::fe dev d0 table 100 proto 18
capture ip rule add from 10.0.0.0/24 table 100 pref 100 protocol 18
capture ip rule del from 10.0.0.0/24 table 100 pref 100 protocol 18
capture ip rule add not to 192.0.2.0/24 fwmark 7/0xff iif d0 oif lo table 1000 pref 200 protocol 18
capture ip rule add from 10.0.0.5 blackhole pref 300
capture ip -6 rule add from 2001:db8::/64 goto 500 pref 400 protocol 18
