#!/usr/bin/env python3
"""Send one TCP connection or UDP datagram from the lab's outside host.

send.py tcp|udp ADDR PORT TEXT   exit 0 if sent (TCP: and answered)
"""
import socket
import sys

proto, addr, port, text = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
try:
    if proto == "tcp":
        s = socket.create_connection((addr, port), timeout=3)
        s.sendall(text.encode() + b"\n")
        s.settimeout(3)
        reply = s.recv(100)
        sys.exit(0 if reply.startswith(b"pong") else 1)
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET,
                      socket.SOCK_DGRAM)
    s.sendto(text.encode() + b"\n", (addr, port))
except OSError as e:
    print("send:", e, file=sys.stderr)
    sys.exit(1)
