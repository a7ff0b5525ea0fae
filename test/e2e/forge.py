#!/usr/bin/env python3
"""Flood a NAT-PMP client with forged answers (raw socket, root only).

forge.py --src ADDR --sport PORT --dst ADDR --dport PORT --count N
         --internal PORT

Sends N UDP datagrams whose IP source is ADDR:PORT (the gateway's, so the
kernel delivers them to the client's connected socket) carrying answers
that must all be refused: wrong internal port, wrong opcode, PCP version,
short, long, oversized, request echoes, stale answers for other requests.
Only ever aimed at loopback or a namespace the test suite made.
"""
import argparse
import random
import socket
import struct
import time

ap = argparse.ArgumentParser()
ap.add_argument("--src", required=True)
ap.add_argument("--sport", type=int, default=5351)
ap.add_argument("--dst", required=True)
ap.add_argument("--dport", type=int, required=True)
ap.add_argument("--count", type=int, default=300)
ap.add_argument("--internal", type=int, default=5000)
ap.add_argument("--seed", type=int, default=1)
a = ap.parse_args()
rnd = random.Random(a.seed)


def resp(op, rc, epoch, iport, eport, life):
    return struct.pack("!BBHIHHI", 0, op, rc, epoch, iport, eport, life)


def forged():
    i, e = a.internal, 6666
    kinds = [
        resp(129, 0, 5, i + 1, e, 7200),            # another internal port
        resp(130, 0, 5, i, e, 7200),                # the other protocol
        resp(129, 0, 5, i - 1, e, 7200),            # stale: an earlier request
        struct.pack("!BBHI4s", 0, 128, 0, 5, b"\x06\x06\x06\x06"),  # address answer
        b"\x02" + resp(129, 0, 5, i, e, 7200)[1:],  # PCP version
        resp(1, 0, 5, i, e, 7200),                  # a request
        resp(129, 0, 5, i, e, 7200)[:rnd.randint(0, 15)],        # short
        resp(129, 0, 5, i, e, 7200) + b"\x00" * rnd.randint(1, 40),  # long
        resp(129, 0, 5, i, e, 7200) + b"\x00" * 1200,  # oversized
        struct.pack("!BBHI", 0, 129, 2, 5),         # 8 bytes, result 2 (D-4)
        bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 20))),  # noise
    ]
    return rnd.choice(kinds)


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
src, dst = socket.inet_aton(a.src), socket.inet_aton(a.dst)
for n in range(a.count):
    payload = forged()
    udp = struct.pack("!HHHH", a.sport, a.dport, 8 + len(payload), 0) + payload
    pseudo = src + dst + struct.pack("!BBH", 0, 17, len(udp))
    c = checksum(pseudo + udp) or 0xffff
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), n & 0xffff, 0,
                     64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    s.sendto(ip + udp, (a.dst, 0))
    time.sleep(0.0005)  # a flood the client can drain: test it, not the buffer
print("sent", a.count)
