#!/usr/bin/env python3
"""Send one M-SEARCH to ADDR:1900 and print each answer as
"SRC_PORT ST LOCATION BOOTID".

ssdp.py ADDR ST [--wait S] [--man VALUE]

For the UPnP-IGD tests of pmp-gateway; only ever pointed at loopback or at
a namespace the suite made."""
import argparse
import socket
import time

ap = argparse.ArgumentParser()
ap.add_argument("addr")
ap.add_argument("st")
ap.add_argument("--wait", type=float, default=0.5)
ap.add_argument("--man", default='"ssdp:discover"')
a = ap.parse_args()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
          "MAN: %s\r\nMX: 2\r\nST: %s\r\n\r\n" % (a.man, a.st)).encode(),
         (a.addr, 1900))
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
    h = {}
    for line in data.decode().split("\r\n")[1:]:
        k, _, v = line.partition(":")
        h[k.strip().lower()] = v.strip()
    print(src[1], h.get("st"), h.get("location"), h.get("bootid.upnp.org"))
