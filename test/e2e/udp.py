#!/usr/bin/env python3
"""Send raw datagrams to a NAT-PMP gateway and print what comes back.

udp.py ADDR[:PORT] HEX [HEX...] [--bind ADDR] [--wait S]

Each HEX is sent as one datagram from one socket; every answer received
within --wait seconds after the last send is printed as
"SRC_ADDR SRC_PORT HEX".  For byte-exact gateway tests; only ever pointed
at loopback or at a namespace the test suite made.
"""
import argparse
import socket
import time

ap = argparse.ArgumentParser()
ap.add_argument("to")
ap.add_argument("hex", nargs="+")
ap.add_argument("--bind", default="")
ap.add_argument("--wait", type=float, default=0.3)
a = ap.parse_args()
host, _, port = a.to.partition(":")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((a.bind, 0))
for h in a.hex:
    s.sendto(bytes.fromhex(h), (host, int(port or 5351)))
end = time.monotonic() + a.wait
while True:
    left = end - time.monotonic()
    if left <= 0:
        break
    s.settimeout(left)
    try:
        data, src = s.recvfrom(2048)
    except socket.timeout:
        break
    print(src[0], src[1], data.hex(), flush=True)
