#!/usr/bin/env python3
"""Receive one TCP connection or UDP datagram and print what arrived.

sink.py tcp|udp PORT [TIMEOUT]   prints "got <proto> <peer-ip> <payload>"

Runs on a LAN host of the interop lab: proof that a packet sent from the
outside to the public address and port came through the mapping.
"""
import socket
import sys

proto, port = sys.argv[1], int(sys.argv[2])
timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 5.0
if proto == "tcp":
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(1)
    print("ready", flush=True)
    s.settimeout(timeout)
    c, peer = s.accept()
    c.settimeout(timeout)
    data = c.recv(100)
    c.sendall(b"pong\n")
    c.close()
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    print("ready", flush=True)
    s.settimeout(timeout)
    data, peer = s.recvfrom(100)
print("got", proto, peer[0], data.decode(errors="replace").strip(), flush=True)
