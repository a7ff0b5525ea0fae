#!/usr/bin/env python3
"""Send one forged NAT-PMP announcement for the end-to-end tests.

announce.py --from ADDR [--to 224.0.0.1] [--port 5350] [--epoch N]
            [--address A.B.C.D]

Sends the 12-byte public-address answer (RFC 6886 §3.2.1) from ADDR
(which must be an address of this host, inside a namespace the suite
made) to the group (IP_MULTICAST_IF = ADDR).  Used to check that clients
ignore announcements from hosts that are not their gateway.
"""
import argparse
import socket
import struct

ap = argparse.ArgumentParser()
ap.add_argument("--from", dest="src", required=True)
ap.add_argument("--to", default="224.0.0.1")
ap.add_argument("--port", type=int, default=5350)
ap.add_argument("--epoch", type=int, default=0)
ap.add_argument("--address", default="6.6.6.6")
ap.add_argument("--sport", type=int, default=5351)
a = ap.parse_args()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((a.src, a.sport))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(a.src))
pkt = struct.pack("!BBHI4s", 0, 128, 0, a.epoch, socket.inet_aton(a.address))
s.sendto(pkt, (a.to, a.port))
