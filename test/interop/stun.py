#!/usr/bin/env python3
"""A STUN (RFC 5389) Binding responder for the miniupnpd interop lab.

stun.py BIND_ADDR [PORT]

Runs in the lab's "wan" namespace.  miniupnpd refuses to map anything when
its WAN address is in a documentation range (198.51.100.0/24 here); with
ext_perform_stun it asks a STUN server instead, and this one tells it the
address it sees.  Every Binding request is answered from the same socket
(CHANGE-REQUEST is ignored), which miniupnpd reads as "no restrictive NAT".
"""
import socket
import struct
import sys

COOKIE = 0x2112A442
BINDING_REQUEST = 0x0001
BINDING_SUCCESS = 0x0101
ATTR_MAPPED = 0x0001
ATTR_XOR_MAPPED = 0x0020


def answer(request, peer):
    txid = request[8:20]
    host = struct.unpack("!I", socket.inet_aton(peer[0]))[0]
    port = peer[1]
    xor_mapped = struct.pack("!HHxBHI", ATTR_XOR_MAPPED, 8, 1,
                             port ^ (COOKIE >> 16), host ^ COOKIE)
    mapped = struct.pack("!HHxBHI", ATTR_MAPPED, 8, 1, port, host)
    body = xor_mapped + mapped
    return struct.pack("!HHI", BINDING_SUCCESS, len(body), COOKIE) + txid + body


def main():
    addr = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 3478
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    print("stun ready", flush=True)
    while True:
        data, peer = s.recvfrom(1500)
        if len(data) >= 20 and struct.unpack("!H", data[:2])[0] == BINDING_REQUEST:
            s.sendto(answer(data, peer), peer)


main()
