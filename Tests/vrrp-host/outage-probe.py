#!/usr/bin/env python3
"""A client's outage, measured: ICMP echo to one address every 10 ms (lvs-director issue 10).

Run inside the client's network namespace (needs root for the raw ICMP socket):

    outage-probe.py ADDRESS

Sends an echo request to ADDRESS every 10 ms and notes the wall-clock time (time.time(), the
clock `date +%s%N` reads) of each request and of each reply. SIGUSR1 marks a moment (the heal
of a partition). On SIGTERM it stops and prints one line:

    sent N received M loss_ms L loss_after_mark_ms LM gap_ms G gap_after_mark_ms GM

L is the longest loss: from the sending of a request that got no reply to the next reply (or
to the stop when none came), over consecutive unanswered requests; 0 when every request was
answered. It is the client's outage, and a probe that the scheduler holds up (a loaded
machine) sends nothing meanwhile, so it does not count. G is the longest time between two
consecutive replies (the start and the stop count as replies), which includes such hold-ups.
LM and GM: the same for the losses and gaps that end after the mark (-1 without a mark).
A reply is an echo reply from ADDRESS with this process's identifier.
"""
import os
import select
import signal
import socket
import struct
import sys
import time

INTERVAL = 0.010
DRAIN = 0.1  # seconds to wait for the last replies after SIGTERM
ADDRESS = sys.argv[1]
IDENT = os.getpid() & 0xFFFF

stop = False
mark = None


def on_term(_signum, _frame):
    global stop
    stop = True


def on_mark(_signum, _frame):
    global mark
    mark = time.time()


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def echo_request(sequence: int) -> bytes:
    payload = b"lvs-director outage probe"
    header = struct.pack("!BBHHH", 8, 0, 0, IDENT, sequence)
    return struct.pack("!BBHHH", 8, 0, checksum(header + payload), IDENT, sequence) + payload


def reply_sequence(packet: bytes, source: str):
    """The sequence number of our echo reply from ADDRESS in an IPv4 packet, else None."""
    if len(packet) < 20 or source != ADDRESS:
        return None
    header_length = (packet[0] & 0x0F) * 4
    icmp = packet[header_length:header_length + 8]
    if len(icmp) < 8:
        return None
    kind, _code, _sum, ident, sequence = struct.unpack("!BBHHH", icmp)
    if kind != 0 or ident != IDENT:
        return None
    return sequence


def record(sock, sends, answered, replies) -> None:
    """Reads every waiting packet; notes (request number, time) for each new reply."""
    while True:
        try:
            packet, (source, _port) = sock.recvfrom(2048)
        except (BlockingIOError, InterruptedError):
            return
        sequence = reply_sequence(packet, source)
        if sequence is None:
            continue
        # The latest request with that 16-bit number.
        number = len(sends) - 1 - ((len(sends) - 1 - sequence) & 0xFFFF)
        if number >= 0 and number not in answered:
            answered.add(number)
            replies.append((number, time.time()))


def main() -> None:
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGUSR1, on_mark)
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    sock.setblocking(False)
    start = time.time()
    sends = []  # the time of each request, by its number
    answered = set()
    replies = []
    next_send = time.monotonic()
    while not stop:
        now = time.monotonic()
        if now >= next_send:
            number = len(sends)
            sends.append(time.time())
            try:
                sock.sendto(echo_request(number & 0xFFFF), (ADDRESS, 0))
            except OSError:
                pass  # (no neighbour yet, or the queue is full: a lost request, as a client sees it)
            next_send += INTERVAL
            if next_send < now:
                next_send = now + INTERVAL
        try:
            ready, _, _ = select.select([sock], [], [], max(0.0, next_send - time.monotonic()))
        except InterruptedError:
            continue
        if not ready:
            continue
        record(sock, sends, answered, replies)
    end = time.time()
    # The replies to the last requests are still on their way: wait for them, sending nothing.
    drain_until = time.monotonic() + DRAIN
    while (left := drain_until - time.monotonic()) > 0:
        ready, _, _ = select.select([sock], [], [], left)
        if ready:
            record(sock, sends, answered, replies)

    # Losses: runs of unanswered requests, from the first one's sending to the next reply.
    losses = []  # (first unanswered request's time, the time the run ended)
    by_number = dict(replies)
    first = None
    for number, sent_at in enumerate(sends):
        if number in by_number:
            if first is not None:
                losses.append((first, by_number[number]))
                first = None
        elif first is None:
            first = sent_at
    if first is not None:
        losses.append((first, end))
    moments = [start] + sorted(t for _, t in replies) + [end]
    gaps = list(zip(moments, moments[1:]))

    def longest(spans, after=None):
        lengths = [b - a for a, b in spans if after is None or b > after]
        return round(max(lengths, default=0.0) * 1000)

    print(f"sent {len(sends)} received {len(replies)} loss_ms {longest(losses)} "
          f"loss_after_mark_ms {longest(losses, mark) if mark is not None else -1} "
          f"gap_ms {longest(gaps)} gap_after_mark_ms {longest(gaps, mark) if mark is not None else -1}",
          flush=True)

main()
