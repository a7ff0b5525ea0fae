#!/usr/bin/env python3
"""Receive one TCP connection or UDP datagram and print what arrived.

sink.py tcp|udp|tcp6|udp6 PORT [TIMEOUT]
    prints "got <proto> <peer-ip> <payload>" (proto without the 6)

Runs on a LAN host of the interop lab: proof that a packet sent from the
outside to the public address and port came through the mapping.
"""
import socket
import sys

proto, port = sys.argv[1], int(sys.argv[2])
timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 5.0
family, anyaddr = socket.AF_INET, "0.0.0.0"
if proto.endswith("6"):
    proto, family, anyaddr = proto[:-1], socket.AF_INET6, "::"
if proto == "tcp":
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((anyaddr, port))
    s.listen(1)
    print("ready", flush=True)
    s.settimeout(timeout)
    c, peer = s.accept()
    c.settimeout(timeout)
    data = c.recv(100)
    c.sendall(b"pong\n")
    c.close()
else:
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((anyaddr, port))
    print("ready", flush=True)
    s.settimeout(timeout)
    data, peer = s.recvfrom(100)
print("got", proto, peer[0], data.decode(errors="replace").strip(), flush=True)
