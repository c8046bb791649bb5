#!/usr/bin/env python3
"""One ICMP echo to ADDRESS; exit 0 when its reply comes within 1 s, 1 otherwise (lvs-director issue 10).

Run inside a network namespace (needs root for the raw socket): icmp-echo.py ADDRESS
(the namespaces of Tests/vrrp-host have no ping).
"""
import os, select, socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
ident = os.getpid() & 0xffff
def checksum(b):
    total = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    total = (total >> 16) + (total & 0xffff)
    total += total >> 16
    return ~total & 0xffff
packet = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + b"vmac"
packet = packet[:2] + struct.pack("!H", checksum(packet)) + packet[4:]
s.sendto(packet, (sys.argv[1], 0))
deadline = time.time() + 1
while time.time() < deadline:
    if not select.select([s], [], [], max(deadline - time.time(), 0))[0]:
        break
    data, (source, _) = s.recvfrom(2048)
    header = (data[0] & 0x0f) * 4
    if source == sys.argv[1] and data[header] == 0 and struct.unpack("!H", data[header + 4:header + 6])[0] == ident:
        sys.exit(0)
sys.exit(1)
