#!/usr/bin/env python3
"""Write the seed corpus of the fuzz harnesses (fuzz/corpus/HARNESS/).

Every message kind of RFC 6886 (and the forms of PROTOCOL.md D-1, D-2),
captured rtnetlink replies and route tables, gateway request records and
engine scripts.  Run again after changing it; the files are committed.
"""
import os
import struct

top = os.path.dirname(os.path.abspath(__file__))


def put(harness, name, data):
    d = os.path.join(top, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


H = bytes.fromhex
# --- responses (client side)
wire = {
    "addr-ok": "0080000000 00002acb007107",
    "addr-rc3": "008000030000000100000000",
    "map-udp-ok": "00810000 0000002a 1388c350 00001c20",
    "map-tcp-ok": "00820000 0000002a 1f901f90 00000e10",
    "map-delete-ok": "00810000 0000002b 13880000 00000000",
    "map-deleteall": "00820000 00000005 00000000 00000000",
    "map-rc4": "00810004 0000002c 13880000 00000000",
    "badver-128": "00800001 00000007",
    "badver-0": "00000001 00000007",
    "badver-129": "00810001 00000007",
    "badop-short": "00830005 00000011",
    "badop-echo": "00810005 13881388 00001c20",
    "pcp-short": "0281",
    "pcp-12": "02810002 00000000 00000000",
    "request-echo": "00010000 13881388 00001c20",
    "huge-lifetime": "00820000 ffffffff 1f90ffff ffffffff",
    "short-4": "00810000",
    "long-17": "00810000 0000002a 1388c350 00001c20 00",
}
for name, h in wire.items():
    put("fuzz_wire", name, H(h.replace(" ", "")))

# --- gateway requests: an options byte, then records
# [client | forge buffer size << 6][time step][len, 2 bytes][bytes]
def rec(client, step, data):
    return bytes([client, step]) + len(data).to_bytes(2, "big") + data


reqs = [H("0000"), H("000100001388138800001c20"), H("000200001f9000000000 1c20".replace(" ", "")),
        H("000100001388000000000000"), H("000200000000000000000000"),
        H("0100"), H("0003"), H("0080"), H("00"), H("020100000000 1c20".replace(" ", "")),
        H("000100000000000100000e10")]
put("fuzz_gateway", "all-kinds", b"\x00" + b"".join(rec(i % 4, 3, r) for i, r in enumerate(reqs)))
put("fuzz_gateway", "vpn", b"\x01" + rec(0, 0, reqs[-1]) + rec(0, 10, H("000200000000000100000e10")) + rec(1, 0, reqs[-1]))
put("fuzz_gateway", "conflict", b"\x00" + rec(0, 0, reqs[1]) + rec(1, 0, reqs[1]) + rec(0, 200, reqs[1]) + rec(1, 255, reqs[3]))
# the fault paths: an unsupported opcode echoed at full length (1100
# bytes), forged into buffers of 0, 16, 1100 and 1500 bytes (issue 10.1)
echo = H("0003") + bytes(range(256)) * 4 + bytes(74)
put("fuzz_gateway", "echo-forged", b"\x02" + b"".join(rec(c << 6, 1, echo) for c in range(4))
    + b"".join(rec(c << 6, 1, reqs[1]) for c in range(4)) + b"".join(rec(c << 6, 1, reqs[0]) for c in range(4)))
# a quota of 2 per client, then a third mapping; the outside client
put("fuzz_gateway", "quota", b"\x08" + b"".join(rec(0, 0, H("00010000%04x138800001c20" % p)) for p in (1, 2, 3))
    + rec(3, 0, reqs[1]) + rec(0, 0, reqs[4]))

# --- gateway discovery: netlink captures (this project's, Debian 12) and route tables
nl = {
    "nl-gateway": "700000001800000007000000080b000002200000fe0000010002000008000f00fe0000000800010008080808080004000400000008000700c000020208000500c0000201080019000000000024000c000200000032b10000000000000000000000000000000000000000000000000000",
    "nl-ptp": "680000001800000007000000a10b000002200000fe0000010002000008000f00fe00000008000100080808080800040003000000080007000a020002080019000000000024000c000200000000000000000000000000000000000000000000000000000000000000",
    "nl-unreach": "380000000200000007000000370b00009bffffff240000001a00010007000000000000000220000000000000000000000800010008080808",
}
for name, h in nl.items():
    put("fuzz_gwparse", name, b"\x01" + H(h))
hdr = b"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
put("fuzz_gwparse", "proc-default", b"\x00" + hdr + b"eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n")
put("fuzz_gwparse", "proc-split", b"\x00" + hdr +
    b"eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
    b"tun0\t00000000\t00000000\t0001\t0\t0\t0\t00000080\t0\t0\t0\n"
    b"tun0\t00000080\t00000000\t0001\t0\t0\t0\t00000080\t0\t0\t0\n")

# --- engine scripts: op bytes (see fuzz_engine.c)
put("fuzz_engine", "map-answered", bytes([0, 5, 0x13, 0x88, 60, 2, 0, 7, 0]))
put("fuzz_engine", "map-silent", bytes([0, 5, 0x13, 0x88, 60] + [9] * 12))
put("fuzz_engine", "queue-and-wrong", bytes([0, 0, 0, 0, 0, 0, 6, 0x1f, 0x90, 30, 0, 3, 0, 0, 2, 1, 9, 0, 2, 2, 9, 0,
                                             2, 0, 1, 0, 2, 0, 2, 0, 1, 0, 12, 0, 0x80, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4]))
put("fuzz_engine", "keep-restart", bytes([6, 1, 0x13, 0x88, 10, 9, 2, 0, 5, 0, 9, 9, 3, 0x10, 0, 8, 4, 0, 9, 9, 9, 9, 8, 12, 9, 9, 7, 0, 9]))
put("fuzz_engine", "refused", bytes([0, 1, 0, 80, 1, 4, 0, 1, 0, 80, 1, 9, 5, 1]))

# --- PCP (RFC 6887; PROTOCOL.md §1.9, §1.10): messages for fuzz_pcp_wire,
# and a request script for fuzz_gateway's PCP side
CLIENT = "00000000000000000000ffffc0a84d02"
NONCE = "0102030405060708090a0b0c"
V4ANY = "00000000000000000000ffff00000000"
EXTA = "00000000000000000000ffffcb007107"
PEERA = "00000000000000000000ffffc633640a"
FILTER = "03000014 00780000 00000000000000000000ffffc6336400"
pcp = {
    "map-request": "02010000 00001c20" + CLIENT + NONCE + "11000000 13880000" + V4ANY,
    "map-success": "02810000 00001c20 0000002a" + "00" * 12 + NONCE + "11000000 1388c350" + EXTA,
    "map-error-no-resources": "02810008 0000001e 0000002b" + "00" * 12 + NONCE + "11000000 13880000" + V4ANY,
    "peer-request": "02020000 00000258" + CLIENT + NONCE + "06000000 9c400000" + V4ANY + "01bb0000" + PEERA,
    "announce-request": "02000000 00000000" + CLIENT,
    "announce-unsolicited": "02800000 00000000 00000007" + "00" * 12,
    "map-options": "02010000 00001c20" + CLIENT + NONCE + "11000000 13880000" + V4ANY
    + "01000010" + "00000000000000000000ffffc0a84d09" + "02000000" + FILTER,
    "map-optional-unknown": "02810000 00001c20 0000002a" + "00" * 12 + NONCE + "11000000 1388c350" + V4ANY
    + "80000001 aa000000",
}
for name, h in pcp.items():
    put("fuzz_pcp_wire", name, H(h.replace(" ", "")))
mapq = H(pcp["map-request"].replace(" ", ""))
other = bytearray(mapq)
other[24] ^= 0xFF
delete = bytearray(mapq)
delete[4:8] = b"\0\0\0\0"
opts = H(("02010000 00001c20" + CLIENT + NONCE + "11000000 13890000" + V4ANY
          + "02000000" + FILTER + "44000000").replace(" ", ""))
script = [(0, mapq), (0, bytes(other)), (0, bytes(delete)),
          (0, H(pcp["announce-request"].replace(" ", ""))), (1, mapq), (0, opts),
          (0, b"\x03" + mapq[1:]), (0, mapq[:24])]
put("fuzz_gateway", "pcp", b"\x00" + b"".join(rec(c, 1, d) for c, d in script))
peerq = H(pcp["peer-request"].replace(" ", ""))
peer_other = bytearray(peerq)
peer_other[24] ^= 0xFF
peer_end = bytearray(peerq)
peer_end[4:8] = b"\0\0\0\0"
CLIENT6 = "20010db8007700000000000000000002"
map6 = H(("02010000 00001c20" + CLIENT6 + NONCE + "11000000 13880000" + "00" * 16).replace(" ", ""))
del6 = bytearray(map6)
del6[4:8] = b"\0\0\0\0"
put("fuzz_gateway", "pcp-ipv6", b"\x00" + b"".join(rec(c, 1, d) for c, d in [
    (0x20, map6), (0x20, map6), (0x21, map6), (0x20, bytes(del6))]))
put("fuzz_gateway", "pcp-peer", b"\x00" + b"".join(rec(c, 1, d) for c, d in [
    (0, peerq), (0, peerq), (0, bytes(peer_other)), (0, bytes(peer_end)), (1, peerq)]))

# --- fuzz_pcp_engine scripts: op % 8 (0 request, 1 near answer, 2 raw,
# 3 time, 4 keep, 5 stop, 6 ANNOUNCE, 7 next deadline), then its bytes
put("fuzz_pcp_engine", "map-answered", bytes([0, 0x01, 10, 60, 1, 0, 5]))
put("fuzz_pcp_engine", "keep-renew-stop", bytes(
    [4, 1, 60, 7, 1, 0, 9, 7, 7, 1, 0, 9, 6, 0, 7, 1, 0, 9, 5, 0, 1, 0, 0]))
put("fuzz_pcp_engine", "wrong-nonce-and-port", bytes(
    [0, 0x05, 20, 30, 1, 0x08, 3, 1, 0x10, 3, 1, 0, 3, 3, 0x40, 0]))
put("fuzz_pcp_engine", "window", bytes(
    [0, 1, 1, 9, 0, 1, 2, 9, 0, 1, 3, 9, 0, 1, 4, 9, 0, 1, 5, 9, 0, 1, 6, 9,
     0, 1, 7, 9, 0, 1, 8, 9, 0, 1, 9, 9, 1, 0x18, 2, 1, 0, 3, 7, 7, 7]))
