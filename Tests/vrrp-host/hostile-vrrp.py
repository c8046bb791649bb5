#!/usr/bin/env python3
"""Hostile VRRP packets against a MASTER lvsd (lvs-director issue 10).

Run inside the attacker's network namespace, on the same bridge as the target:

    hostile-vrrp.py TARGET_NS LVSD_PID LVSCTL CONTROL_SOCKET ATTACKER_ADDRESS

The target lvsd runs two instances on eth0, both MASTER:
  VI_V2: VRRPv2, VRID 51, priority 150, advert_int 1, auth_type PASS "secret1", VIP 10.9.0.100
  VI_V3: VRRPv3, VRID 52, priority 150, advert_int 1 (100 cs), VIP 10.9.0.101
Every packet goes to 224.0.0.18 from ATTACKER_ADDRESS, on a raw socket with IP_HDRINCL (the
IP header, TTL included, is ours; the kernel fills in the total length and header checksum).
Each instance has its own raw socket, so each sees every packet and judges it by its own
configuration (VRRPValidator's order: TTL, length/version, VRID, auth type, password,
advert interval, type, address count, checksum).

For each case: the packets are sent, then a barrier (one v3 and one v2 advert of type 2,
which each instance counts as invalid_type_rcvd, and the other as vers_err): once both
barrier packets are counted, every earlier packet has been judged (one socket per instance,
read in order). Then the rejection counters of each instance must have moved by exactly the
packets sent (and no other counter), the instance must still be MASTER with no transition,
no advert accepted, no other master heard, the same effective priority, the VIPs still on
eth0, and lvsd still running. Prints `ok: ...` / `FAIL: ...` lines; exits with the number
of failures (capped at 100).
"""
import json
import os
import socket
import struct
import subprocess
import sys
import time

TARGET_NS, LVSD_PID, LVSCTL, CONTROL_SOCKET, SOURCE = sys.argv[1:6]
LVSD_PID = int(LVSD_PID)
GROUP = "224.0.0.18"
VIP2, VIP3 = "10.9.0.100", "10.9.0.101"
V2, V3 = "VI_V2", "VI_V3"
PASSWORD = b"secret1"

failures = 0


def ok(text):
    print(f"ok: hostile: {text}", flush=True)


def fail(text):
    global failures
    failures += 1
    print(f"FAIL: hostile: {text}", flush=True)


def inet_checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def with_checksum(message, pseudo, bad):
    """message with its checksum (bytes 6-7) set; `bad` flips every bit of the right one."""
    body = message[:6] + b"\0\0" + message[8:]
    value = inet_checksum(pseudo + body)
    if bad:
        value ^= 0xFFFF
    return body[:6] + struct.pack("!H", value) + body[8:]


def v2_advert(vrid=51, priority=200, auth_type=1, password=PASSWORD, interval=1, version=2,
              kind=1, addresses=(VIP2,), bad_checksum=False):
    """A VRRPv2 message (RFC 3768 5.1 with RFC 2338's auth data); checksum over the message only."""
    message = struct.pack("!BBBBBBH", version << 4 | kind, vrid, priority, len(addresses), auth_type,
                          interval, 0)
    message += b"".join(socket.inet_aton(a) for a in addresses)
    message += password.ljust(8, b"\0")[:8]
    return with_checksum(message, b"", bad_checksum)


def v3_advert(vrid=52, priority=200, interval=100, kind=1, addresses=(VIP3,), bad_checksum=False):
    """A VRRPv3 message (RFC 5798 5.1); checksum over the IPv4 pseudo-header and the message."""
    message = struct.pack("!BBBBHH", 3 << 4 | kind, vrid, priority, len(addresses), interval & 0x0FFF, 0)
    message += b"".join(socket.inet_aton(a) for a in addresses)
    pseudo = socket.inet_aton(SOURCE) + socket.inet_aton(GROUP) + struct.pack("!BBH", 0, 112, len(message))
    return with_checksum(message, pseudo, bad_checksum)


def ip_packet(payload, ttl=255, source=None):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, 20 + len(payload), 0, 0, ttl, 112, 0,
                         socket.inet_aton(source or SOURCE), socket.inet_aton(GROUP))
    header = header[:10] + struct.pack("!H", inet_checksum(header)) + header[12:]
    return header + payload


sender = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)  # implies IP_HDRINCL
sender.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(SOURCE))


def send(packet, count=1):
    sent = 0
    for _ in range(count):
        if sender.sendto(packet, (GROUP, 0)) == len(packet):
            sent += 1
    return sent


def status():
    out = subprocess.run(["ip", "netns", "exec", TARGET_NS, LVSCTL, "status", "--json", "--control-socket",
                          CONTROL_SOCKET], capture_output=True, text=True, timeout=20)
    if out.returncode != 0:
        raise RuntimeError(f"lvsctl status: {out.returncode} {out.stderr.strip()}")
    return {i["name"]: i for i in json.loads(out.stdout)["lvsd"]["vrrp"]}


def vips():
    out = subprocess.run(["ip", "-n", TARGET_NS, "-4", "-o", "addr", "show", "dev", "eth0"],
                         capture_output=True, text=True, check=True).stdout
    return {a for a in (VIP2, VIP3) if f" {a}/" in out}


def raw_sockets():
    """(rx_queue bytes, drops) summed over the target namespace's raw sockets of protocol 112."""
    out = subprocess.run(["ip", "netns", "exec", TARGET_NS, "cat", "/proc/net/raw"],
                         capture_output=True, text=True, check=True).stdout
    queued = drops = 0
    for line in out.splitlines()[1:]:
        f = line.split()
        if f[1].endswith(":0070"):
            queued += int(f[4].split(":")[1], 16)
            drops += int(f[-1])
    return queued, drops


def alive():
    try:
        os.kill(LVSD_PID, 0)
        return True
    except OSError:
        return False


def delta(before, after):
    names = set(before["rejections"]) | set(after["rejections"])
    d = {n: after["rejections"].get(n, 0) - before["rejections"].get(n, 0) for n in names}
    return {n: v for n, v in d.items() if v}


BARRIER = [ip_packet(v3_advert(kind=2)), ip_packet(v2_advert(kind=2))]
BARRIER_COUNTS = {V2: {"vers_err": 1, "invalid_type_rcvd": 1}, V3: {"vers_err": 1, "invalid_type_rcvd": 1}}


def add(a, b):
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + v
    return {k: v for k, v in out.items() if v}


def barrier(before, expected):
    """Sends the barrier and waits (up to 20 s) until every instance counted it and `expected`."""
    send(BARRIER[0])
    send(BARRIER[1])
    limit = time.monotonic() + 20
    while True:
        now = status()
        if all(all(delta(before[i], now[i]).get(c, 0) >= n for c, n in expected[i].items()) for i in expected):
            return now
        if time.monotonic() > limit or not alive():
            return now
        time.sleep(0.02)


def unchanged(name, before, after):
    """The no-change checks; True when all hold."""
    good = True
    for i in (V2, V3):
        b, a = before[i], after[i]
        problems = []
        if a["state"] != "MASTER":
            problems.append(f"state {a['state']}")
        if a.get("sinceTransition") is None or b.get("sinceTransition") is None \
                or a["sinceTransition"] < b["sinceTransition"]:
            problems.append(f"a transition (since {b.get('sinceTransition')} -> {a.get('sinceTransition')})")
        for key in ("advertsReceived", "otherMasterAdverts", "effectivePriority", "master"):
            if a.get(key) != b.get(key):
                problems.append(f"{key} {b.get(key)} -> {a.get(key)}")
        if problems:
            good = False
            fail(f"{name}: {i}: " + ", ".join(problems))
    held = vips()
    if held != {VIP2, VIP3}:
        good = False
        fail(f"{name}: the VIPs on eth0 are {sorted(held)}, not both")
    if not alive():
        good = False
        fail(f"{name}: lvsd (pid {LVSD_PID}) is gone")
    return good


def case(name, packets, expected, count=3):
    """Sends each packet `count` times; `expected` is per instance, per packet sent."""
    before = status()
    sent = 0
    for packet in packets:
        got = send(packet, count)
        if got != count:
            fail(f"{name}: only {got} of {count} sends went out")
        sent += got
    want = {i: add({c: n * count for c, n in expected[i].items()}, BARRIER_COUNTS[i]) for i in (V2, V3)}
    after = barrier(before, want)
    seen = {i: delta(before[i], after[i]) for i in (V2, V3)}
    counted = all(seen[i] == want[i] for i in (V2, V3))
    # The barrier's own counts are left out of what is printed.
    shown = "; ".join(f"{i} " + ", ".join(f"{c} +{n}" for c, n in sorted(
        add(seen[i], {c: -n for c, n in BARRIER_COUNTS[i].items()}).items())) for i in (V2, V3))
    if counted:
        ok(f"{name}: {sent} sent, counted exactly: {shown}")
    else:
        fail(f"{name}: {sent} sent; counted (barrier included) {seen}, expected {want}")
    if unchanged(name, before, after):
        ok(f"{name}: both instances still MASTER with no transition, no advert accepted, VIPs kept, lvsd running")


def main():
    try:
        start = status()
    except Exception as error:  # lvsctl or its JSON
        fail(f"no status: {error}")
        return
    for i in (V2, V3):
        if start.get(i, {}).get("state") != "MASTER":
            fail(f"{i} is not MASTER at the start: {start.get(i)}")
            return
    ok(f"start: {V2} and {V3} MASTER, rejections so far {start[V2]['rejections']} / {start[V3]['rejections']}")

    # Every v2 packet below carries the right password unless the case is about it, priority
    # 200 or 255 (above our 150): accepted, each would take the mastership away.
    good2 = dict(priority=254)
    case("TTL 254 (v2, right password, priority 254)", [ip_packet(v2_advert(**good2), ttl=254)],
         {V2: {"ip_ttl_err": 1}, V3: {"ip_ttl_err": 1}})
    case("TTL 254 (v3, priority 255)", [ip_packet(v3_advert(priority=255), ttl=254)],
         {V2: {"ip_ttl_err": 1}, V3: {"ip_ttl_err": 1}})
    case("TTL 1 (v2, right password)", [ip_packet(v2_advert(**good2), ttl=1)],
         {V2: {"ip_ttl_err": 1}, V3: {"ip_ttl_err": 1}})
    case("bad checksum (v2, right password, priority 254)", [ip_packet(v2_advert(bad_checksum=True, **good2))],
         {V2: {"chk_err": 1}, V3: {"vers_err": 1}})
    case("bad checksum (v3, priority 255)", [ip_packet(v3_advert(priority=255, bad_checksum=True))],
         {V2: {"vers_err": 1}, V3: {"chk_err": 1}})
    case("wrong password (v2, priority 254)", [ip_packet(v2_advert(password=b"secret2", **good2))],
         {V2: {"auth_failure": 1}, V3: {"vers_err": 1}})
    case("auth type 0 (none) on a PASS instance", [ip_packet(v2_advert(auth_type=0, password=b"", **good2))],
         {V2: {"authtype_mismatch": 1}, V3: {"vers_err": 1}})
    case("auth type 2 (AH) on a PASS instance", [ip_packet(v2_advert(auth_type=2, **good2))],
         {V2: {"authtype_mismatch": 1}, V3: {"vers_err": 1}})
    case("auth type 7 (invalid)", [ip_packet(v2_advert(auth_type=7, **good2))],
         {V2: {"invalid_authtype": 1}, V3: {"vers_err": 1}})
    case("another VRID (v2 VRID 60)", [ip_packet(v2_advert(vrid=60, **good2))],
         {V2: {"vrid_err": 1}, V3: {"vers_err": 1}})
    case("another VRID (v3 VRID 60)", [ip_packet(v3_advert(vrid=60, priority=255))],
         {V2: {"vers_err": 1}, V3: {"vrid_err": 1}})
    case("version 1", [ip_packet(v2_advert(version=1, **good2))],
         {V2: {"vers_err": 1}, V3: {"vers_err": 1}})
    case("version 4", [ip_packet(v2_advert(version=4, **good2))],
         {V2: {"vers_err": 1}, V3: {"vers_err": 1}})
    case("type 2 (not an advertisement; v2, right password)", [ip_packet(v2_advert(kind=2, **good2))],
         {V2: {"invalid_type_rcvd": 1}, V3: {"vers_err": 1}})
    case("spoofed source: the target's own 10.9.0.1 (v2, right password)",
         [ip_packet(v2_advert(**good2), source="10.9.0.1")], {V2: {"own_address": 1}, V3: {"own_address": 1}})
    full2 = v2_advert(**good2)
    full3 = v3_advert(priority=255)
    case("truncated v2 (cut after 10 of 20 bytes)", [ip_packet(full2[:10])],
         {V2: {"packet_len_err": 1}, V3: {"packet_len_err": 1}})
    case("truncated v2 (auth data cut: 17 of 20 bytes)", [ip_packet(full2[:17])],
         {V2: {"packet_len_err": 1}, V3: {"packet_len_err": 1}})
    case("truncated v3 (cut after 6 of 12 bytes)", [ip_packet(full3[:6])],
         {V2: {"packet_len_err": 1}, V3: {"packet_len_err": 1}})
    case("empty VRRP payload", [ip_packet(b"")],
         {V2: {"packet_len_err": 1}, V3: {"packet_len_err": 1}})
    case("trailing bytes (v2 + 4 bytes)", [ip_packet(full2 + b"\0\0\0\0")],
         {V2: {"packet_len_err": 1}, V3: {"packet_len_err": 1}})
    case("priority 255 with a wrong password", [ip_packet(v2_advert(priority=255, password=b"letmein"))],
         {V2: {"auth_failure": 1}, V3: {"vers_err": 1}})
    case("advert_int 3 against our 1 (v2, right password)", [ip_packet(v2_advert(interval=3, **good2))],
         {V2: {"advert_interval_err": 1}, V3: {"vers_err": 1}})
    case("VIP missing from the list (v2, right password)", [ip_packet(v2_advert(addresses=("10.9.0.99",), **good2))],
         {V2: {"addr_list_err": 1}, V3: {"vers_err": 1}})
    case("VIP missing from the list (v3, priority 255)", [ip_packet(v3_advert(priority=255, addresses=("10.9.0.99",)))],
         {V2: {"vers_err": 1}, V3: {"addr_list_err": 1}})

    flood(5000)
    flood(5000, seconds=2.5)


def flood(count, seconds=None):
    """`count` priority 255 v2 adverts with a wrong password, as fast as Python sends them, or
    spread over about `seconds`.

    The counters cannot be exact on their own here: lvsd reads one packet per turn of its loop,
    and whatever the socket's receive buffer cannot hold the kernel drops (counted per socket
    in /proc/net/raw). So the check is exact over both: counted + dropped by the target's
    raw sockets == sent, summed over the two instances' sockets (the file does not say which
    socket is whose)."""
    name = f"flood of {count} priority 255 v2 adverts with a wrong password" \
        + (f" over {seconds} s" if seconds else " at once")
    packet = ip_packet(v2_advert(priority=255, password=b"flood!!!"))
    before = status()
    _, drops_before = raw_sockets()
    t0 = time.monotonic()
    if seconds:
        sent = 0
        for n in range(count):
            sent += send(packet)
            pause = t0 + seconds * (n + 1) / count - time.monotonic()
            if pause > 0:
                time.sleep(pause)
    else:
        sent = send(packet, count)
    took = time.monotonic() - t0
    if sent != count:
        fail(f"{name}: only {sent} of {count} sends went out")
    # Wait for the target's sockets to drain, then the barrier.
    limit = time.monotonic() + 30
    while raw_sockets()[0] and time.monotonic() < limit:
        time.sleep(0.02)
    _, drops_after = raw_sockets()
    dropped = drops_after - drops_before
    after = barrier(before, {i: BARRIER_COUNTS[i] for i in (V2, V3)})
    seen = {i: add(delta(before[i], after[i]), {c: -n for c, n in BARRIER_COUNTS[i].items()}) for i in (V2, V3)}
    counted = seen[V2].get("auth_failure", 0) + seen[V3].get("vers_err", 0)
    others = {i: {c: n for c, n in seen[i].items() if c not in ("auth_failure", "vers_err")} for i in (V2, V3)}
    summary = (f"{sent} sent in {took:.2f} s; {V2} auth_failure +{seen[V2].get('auth_failure', 0)}, "
               f"{V3} vers_err +{seen[V3].get('vers_err', 0)}, dropped by the receive buffers {dropped}")
    if counted + dropped == 2 * sent and not any(others.values()) and seen[V2].get("auth_failure", 0) > 0 \
            and seen[V3].get("vers_err", 0) > 0:
        ok(f"{name}: {summary}: counted + dropped == 2 x sent")
    else:
        fail(f"{name}: {summary}; counted + dropped = {counted + dropped}, expected {2 * sent}; other counters {others}")
    if unchanged(name, before, after):
        ok(f"{name}: both instances still MASTER with no transition, no advert accepted, VIPs kept, lvsd running")
    # It still advertises after the flood.
    sent_after = {i: after[i]["advertsSent"] for i in (V2, V3)}
    limit = time.monotonic() + 5
    while True:
        now = status()
        if all(now[i]["advertsSent"] > sent_after[i] for i in (V2, V3)):
            ok(f"{name}: both instances still send adverts afterwards")
            break
        if time.monotonic() > limit:
            fail(f"{name}: adverts sent stuck at {sent_after}")
            break
        time.sleep(0.1)


main()
sys.exit(min(failures, 100))
