#!/bin/sh
# Captures the rtnetlink requests iproute2 sends to create, bring up and delete a VRRP VMAC
# (a macvlan) for Tests/VRRPTests/Runtime/RouteNetlinkLinkCodecTests.swift (golden bytes).
# Needs root, strace and iproute2; works in a scratch namespace `vmcap` it creates and
# deletes. The script prints d0's and the macvlan's index (`ip -o link show`); with iproute2
# 6.1 they were 3 and 4.
# Prints, for each command, the command and the bytes of its sendmsg, in hex.
set -eu
ns=vmcap
ip netns add $ns
trap 'ip netns del $ns' EXIT
ip -n $ns link add d0 type veth peer name d1
ip -n $ns link set d0 up
ip -n $ns link set d1 up
ip -n $ns -o link show d0 | cut -d' ' -f1,2
capture() {
    echo "# $*"
    ip netns exec $ns strace -xx -e trace=sendmsg -e write=3 "$@" 2>&1 | grep -E '^ \| [0-9a-f]{5} ' \
        | awk '{ for (i = 3; i <= 18; i++) if ($i ~ /^[0-9a-f][0-9a-f]$/) printf "%s ", $i } END { print "" }'
}
capture ip link add link d0 name vrrp.51 address 00:00:5e:00:01:33 type macvlan mode private
ip -n $ns -o link show vrrp.51 | cut -d' ' -f1,2
capture ip link set dev vrrp.51 up
capture ip link del dev vrrp.51
