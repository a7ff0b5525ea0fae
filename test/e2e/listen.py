#!/usr/bin/env python3
"""Receive NAT-PMP announcements for the end-to-end tests.

listen.py --bind ADDR [--port 5350] [--group 224.0.0.1 --iface ADDR]
          [--count N] [--timeout S]

Prints one line per datagram: seconds since the first one, source address,
source port, payload in hex.  With --group it joins the multicast group on
the interface whose address is --iface and binds to the group (as RFC 6886
§3.2.1 suggests); otherwise it binds the unicast --bind address.  Exits
after --count datagrams or --timeout seconds.  Sends nothing.
"""
import argparse
import socket
import struct
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--bind", default="127.0.0.1")
ap.add_argument("--port", type=int, default=5350)
ap.add_argument("--group")
ap.add_argument("--iface")
ap.add_argument("--count", type=int, default=10)
ap.add_argument("--timeout", type=float, default=140.0)
a = ap.parse_args()

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if a.group:
    # several listeners on one host must all get the group's packets
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.group, a.port))
    mreq = struct.pack("4s4s", socket.inet_aton(a.group),
                       socket.inet_aton(a.iface))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
else:
    s.bind((a.bind, a.port))
print("ready", flush=True)
end = time.monotonic() + a.timeout
first = None
n = 0
while n < a.count:
    left = end - time.monotonic()
    if left <= 0:
        break
    s.settimeout(left)
    try:
        data, src = s.recvfrom(2048)
    except socket.timeout:
        break
    now = time.monotonic()
    if first is None:
        first = now
    print("%.3f %s %d %s" % (now - first, src[0], src[1], data.hex()),
          flush=True)
    n += 1
sys.exit(0 if n >= a.count else 1)
