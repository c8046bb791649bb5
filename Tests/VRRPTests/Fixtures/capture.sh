#!/usr/bin/env bash
# Captures golden VRRP advertisements from Debian's keepalived (2.2.7 on the
# host) for Tests/VRRPTests. Run by hand, as root:
#
#     Tests/VRRPTests/Fixtures/capture.sh
#
# For each case it creates two network namespaces joined by a veth pair
# (va in "A" = 192.0.2.1/24, 2001:db8::1/64; vb in "B" = 192.0.2.2/24,
# 2001:db8::2/64; fixed MACs so the IPv6 link-local sources are fixed too),
# starts `tcpdump -w` on vb in B, runs `keepalived -P -n -l -D` with the case's
# config in A until it has been MASTER for a few seconds, stops it with SIGTERM
# (so every capture ends with the priority 0 adverts of a shutting-down
# MASTER), and writes:
#
#   <case>.conf   the keepalived config used
#   <case>.pcap   what tcpdump wrote
#   <case>.txt    one line per VRRP packet: family, TTL/hop limit, source,
#                 destination, the IP payload (the VRRP message) in hex
#
# Nothing leaves the namespaces; they, keepalived and tcpdump are removed on exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $(id -u) == 0 ]] || { echo "capture.sh: needs root (network namespaces)" >&2; exit 1; }
command -v keepalived >/dev/null || { echo "capture.sh: keepalived not installed" >&2; exit 1; }
command -v tcpdump >/dev/null || { echo "capture.sh: install tcpdump (apt-get install tcpdump)" >&2; exit 1; }

tag="vrrpcap$$"
nsa="${tag}a"
nsb="${tag}b"
work=$(mktemp -d)
keepalived_pid=""
tcpdump_pid=""

cleanup() {
    [[ -n $keepalived_pid ]] && kill -TERM "$keepalived_pid" 2>/dev/null && wait "$keepalived_pid" 2>/dev/null
    [[ -n $tcpdump_pid ]] && kill -TERM "$tcpdump_pid" 2>/dev/null && wait "$tcpdump_pid" 2>/dev/null
    ip netns del "$nsa" 2>/dev/null
    ip netns del "$nsb" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

keepalived_version=$(keepalived -v 2>&1 | head -1)
debian_version=$(dpkg-query -W -f '${Version}' keepalived)

make_namespaces() {
    ip netns add "$nsa"
    ip netns add "$nsb"
    ip link add va netns "$nsa" address 02:00:00:00:00:01 type veth peer vb netns "$nsb" address 02:00:00:00:00:02
    local ns
    for ns in "$nsa" "$nsb"; do
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
        ip -n "$ns" link set lo up
    done
    ip -n "$nsa" addr add 192.0.2.1/24 dev va
    ip -n "$nsb" addr add 192.0.2.2/24 dev vb
    ip -n "$nsa" addr add 2001:db8::1/64 dev va nodad
    ip -n "$nsb" addr add 2001:db8::2/64 dev vb nodad
    ip -n "$nsa" link set va up
    ip -n "$nsb" link set vb up
    # Wait for the link-local addresses (fe80::ff:fe00:1 and fe80::ff:fe00:2).
    local deadline=$((SECONDS + 10))
    until ip -n "$nsa" -6 addr show dev va scope link | grep -q 'fe80::ff:fe00:1' &&
          ip -n "$nsb" -6 addr show dev vb scope link | grep -q 'fe80::ff:fe00:2'; do
        (( SECONDS < deadline )) || { echo "capture.sh: no link-local address" >&2; exit 1; }
        sleep 0.1
    done
}

delete_namespaces() {
    ip netns del "$nsa"
    ip netns del "$nsb"
}

# run_case NAME SECONDS_AS_MASTER: config on stdin.
run_case() {
    local name=$1 seconds=$2
    cat >"$here/$name.conf"
    make_namespaces

    rm -f "$work/tcpdump.err"
    ip netns exec "$nsb" tcpdump -i vb -U -n -w "$work/$name.pcap" 'ip proto 112 or ip6 proto 112' 2>"$work/tcpdump.err" &
    tcpdump_pid=$!
    local deadline=$((SECONDS + 10))
    until grep -q 'listening on' "$work/tcpdump.err" 2>/dev/null; do
        (( SECONDS < deadline )) || { cat "$work/tcpdump.err" >&2; exit 1; }
        sleep 0.1
    done

    : >"$work/$name.log"
    ip netns exec "$nsa" keepalived -P -n -l -D -f "$here/$name.conf" \
        -p "$work/keepalived.pid" -r "$work/vrrp.pid" >"$work/$name.log" 2>&1 &
    keepalived_pid=$!
    deadline=$((SECONDS + 20))
    until grep -q 'Entering MASTER STATE' "$work/$name.log"; do
        (( SECONDS < deadline )) || { cat "$work/$name.log" >&2; exit 1; }
        kill -0 "$keepalived_pid" || { cat "$work/$name.log" >&2; exit 1; }
        sleep 0.1
    done
    sleep "$seconds"
    kill -TERM "$keepalived_pid"
    local status=0
    wait "$keepalived_pid" || status=$?
    keepalived_pid=""
    [[ $status == 0 ]] || { echo "capture.sh: $name: keepalived exited with $status" >&2; cat "$work/$name.log" >&2; exit 1; }
    sleep 0.5
    kill -TERM "$tcpdump_pid"
    status=0
    wait "$tcpdump_pid" || status=$?
    tcpdump_pid=""
    [[ $status == 0 ]] || { echo "capture.sh: $name: tcpdump exited with $status" >&2; exit 1; }

    cp "$work/$name.pcap" "$here/$name.pcap"
    python3 - "$here/$name.pcap" "$here/$name.txt" "$name" "$keepalived_version" "$debian_version" <<'PY'
import ipaddress, struct, sys
pcap, out, name, kversion, dversion = sys.argv[1:]
data = open(pcap, 'rb').read()
magic = struct.unpack('<I', data[:4])[0]
endian = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
linktype = struct.unpack(endian + 'I', data[20:24])[0]
assert linktype == 1, f'expected Ethernet link type, got {linktype}'
lines = []
off = 24
while off + 16 <= len(data):
    _, _, caplen, wirelen = struct.unpack(endian + 'IIII', data[off:off + 16])
    frame = data[off + 16:off + 16 + caplen]
    off += 16 + caplen
    assert caplen == wirelen, 'truncated capture'
    ethertype = struct.unpack('>H', frame[12:14])[0]
    ip = frame[14:]
    if ethertype == 0x0800:
        ihl = (ip[0] & 0x0f) * 4
        total = struct.unpack('>H', ip[2:4])[0]
        assert ip[9] == 112
        lines.append(('ipv4', ip[8], ipaddress.IPv4Address(ip[12:16]), ipaddress.IPv4Address(ip[16:20]),
                      ip[ihl:total].hex()))
    elif ethertype == 0x86dd:
        plen = struct.unpack('>H', ip[4:6])[0]
        assert ip[6] == 112, 'IPv6 extension headers are not expected'
        lines.append(('ipv6', ip[7], ipaddress.IPv6Address(ip[8:24]), ipaddress.IPv6Address(ip[24:40]),
                      ip[40:40 + plen].hex()))
with open(out, 'w') as f:
    f.write(f'# {name}: captured by capture.sh from {kversion} (Debian {dversion}),\n')
    f.write(f'# config {name}.conf, tcpdump -w on the receiving veth ({name}.pcap). Do not edit by hand.\n')
    f.write('# family ttl/hop-limit source destination vrrp-message-hex\n')
    for fam, ttl, src, dst, payload in lines:
        f.write(f'{fam} {ttl} {src} {dst} {payload}\n')
print(f'{name}: {len(lines)} packets')
PY
    delete_namespaces
}

run_case v2-pass-multicast 3 <<'EOF'
global_defs {
    vrrp_version 2
}
vrrp_instance v2_pass {
    state MASTER
    interface va
    virtual_router_id 51
    priority 150
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass vrrp-pw
    }
    virtual_ipaddress {
        192.0.2.100/32
        192.0.2.101/32
    }
}
EOF

run_case v3-ipv4-multicast 3 <<'EOF'
global_defs {
    vrrp_version 3
}
vrrp_instance v3_ipv4 {
    state MASTER
    interface va
    virtual_router_id 52
    priority 120
    advert_int 1
    virtual_ipaddress {
        192.0.2.110/32
    }
}
EOF

run_case v3-ipv4-centiseconds 1 <<'EOF'
global_defs {
    vrrp_version 3
}
vrrp_instance v3_fast {
    state MASTER
    interface va
    virtual_router_id 53
    priority 100
    advert_int 0.1
    virtual_ipaddress {
        192.0.2.120/32
        192.0.2.121/32
        192.0.2.122/32
    }
}
EOF

run_case v2-unicast 3 <<'EOF'
global_defs {
    vrrp_version 2
}
vrrp_instance v2_unicast {
    state MASTER
    interface va
    virtual_router_id 54
    priority 130
    advert_int 1
    unicast_src_ip 192.0.2.1
    unicast_peer {
        192.0.2.2
    }
    virtual_ipaddress {
        192.0.2.130/32
    }
}
EOF

run_case v3-unicast 3 <<'EOF'
global_defs {
    vrrp_version 3
}
vrrp_instance v3_unicast {
    state MASTER
    interface va
    virtual_router_id 55
    priority 140
    advert_int 1
    unicast_src_ip 192.0.2.1
    unicast_peer {
        192.0.2.2
    }
    virtual_ipaddress {
        192.0.2.140/32
    }
}
EOF

run_case v3-unicast-old-checksum 3 <<'EOF'
global_defs {
    vrrp_version 3
}
vrrp_instance v3_unicast_old {
    state MASTER
    interface va
    virtual_router_id 57
    priority 140
    advert_int 1
    unicast_src_ip 192.0.2.1
    unicast_peer {
        192.0.2.2
    }
    old_unicast_checksum
    virtual_ipaddress {
        192.0.2.150/32
    }
}
EOF

run_case v3-ipv6-multicast 3 <<'EOF'
global_defs {
    vrrp_version 3
}
vrrp_instance v3_ipv6 {
    state MASTER
    interface va
    virtual_router_id 56
    priority 200
    advert_int 1
    virtual_ipaddress {
        2001:db8::100/128
        2001:db8::101/128
    }
}
EOF
