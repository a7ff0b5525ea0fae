#!/usr/bin/env python3
"""Capture what Debian's miniupnpd really sends a UPnP-IGD control point,
as seed inputs for fuzz_upnp (fuzz/corpus/fuzz_upnp/miniupnpd-*).

Run by fuzz/capture_miniupnpd.sh inside the interop lab's LAN namespace
(lan: 10.77.0.2; the router 10.77.0.1); argv: the corpus directory, then
"notify" FILE (NOTIFY datagrams the shell script recorded across a
restart) if any.  Every file is one harness input: its first byte picks
the reader (fuzz_upnp.c: 0 SSDP, 1 description, 2 HTTP answer + SOAP,
5 a search), the rest are miniupnpd's bytes as they came.
"""
import os
import re
import socket
import sys

GW = "10.77.0.1"
out_dir = sys.argv[1]
TARGETS = ["urn:schemas-upnp-org:device:InternetGatewayDevice:2",
           "urn:schemas-upnp-org:device:InternetGatewayDevice:1",
           "urn:schemas-upnp-org:service:WANIPConnection:2",
           "urn:schemas-upnp-org:service:WANIPConnection:1",
           "urn:schemas-upnp-org:service:WANPPPConnection:1",
           "upnp:rootdevice", "ssdp:all"]


def put(name, data):
    with open(os.path.join(out_dir, "miniupnpd-" + name), "wb") as f:
        f.write(data)


def search(st):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    s.sendto(("M-SEARCH * HTTP/1.1\r\nHOST: %s:1900\r\n"
              "MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: %s\r\n\r\n"
              % (GW, st)).encode(), (GW, 1900))
    got = []
    try:
        while True:
            got.append(s.recvfrom(2048)[0])
    except socket.timeout:
        pass
    return got


def http_raw(method, path, body=b"", headers=""):
    c = socket.create_connection((GW, port), timeout=3)
    c.sendall(("%s %s HTTP/1.1\r\nHOST: %s:%d\r\n%sContent-Length: %d\r\n"
               "Connection: close\r\n\r\n" % (method, path, GW, port,
                                              headers, len(body))).encode()
              + body)
    data = b""
    while True:
        b = c.recv(65536)
        if not b:
            return data
        data += b


def pieces(raw):
    """fuzz_upnp's HTTP input: a buffer size byte (x16), then pieces of
    up to 32 bytes, each after a byte giving its size."""
    out = bytearray([0xff])
    for i in range(0, len(raw), 32):
        p = raw[i:i + 32]
        out.append(len(p) - 1)
        out += p
    return bytes(out)


SOAP = ('<?xml version="1.0"?>\r\n<s:Envelope xmlns:s="http://schemas.'
        'xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.'
        'xmlsoap.org/soap/encoding/"><s:Body><u:%s xmlns:u="%s">%s</u:%s>'
        '</s:Body></s:Envelope>\r\n')


def action(name, args=()):
    body = SOAP % (name, service, "".join("<%s>%s</%s>" % (k, v, k)
                                          for k, v in args), name)
    return http_raw("POST", control, body.encode(),
                    'Content-Type: text/xml; charset="utf-8"\r\n'
                    'SOAPAction: "%s#%s"\r\n' % (service, name))


answers = {}
for st in TARGETS:
    answers[st] = search(st)
    for i, a in enumerate(answers[st]):
        put("ssdp-%s-%d" % (st.split(":")[-2] if st.count(":") > 2
                            else st.replace(":", "_"), i), b"\x00" + a)
# a search as the client sees it: every answer from the gateway's port
seq = bytearray([0xc1])
for st in TARGETS[:5]:
    for a in answers[st]:
        seq += a + b"\xff"
put("search", b"\x05" + bytes(seq[:-1]))

loc = re.search(rb"(?i)^location: *(\S+)", answers[TARGETS[0]][0] if
                answers[TARGETS[0]] else answers[TARGETS[1]][0], re.M)
m = re.match(r"http://([0-9.]+):(\d+)(/\S*)", loc.group(1).decode())
port, path = int(m.group(2)), m.group(3)
desc = http_raw("GET", path)
put("description-http", b"\x02" + pieces(desc))
xml = desc.split(b"\r\n\r\n", 1)[1]
put("description", b"\x01" + xml)
ctl = re.search(rb"<serviceType>(urn:schemas-upnp-org:service:"
                rb"WANIPConnection:\d)</serviceType>.*?<controlURL>([^<]+)"
                rb"</controlURL>", xml, re.S)
service, control = ctl.group(1).decode(), ctl.group(2).decode()

me = "10.77.0.2"
calls = [
    ("GetExternalIPAddress", ()),
    ("GetStatusInfo", ()),
    ("AddPortMapping", (("NewRemoteHost", ""), ("NewExternalPort", 40900),
                        ("NewProtocol", "UDP"), ("NewInternalPort", 40900),
                        ("NewInternalClient", me), ("NewEnabled", 1),
                        ("NewPortMappingDescription", "pmp"),
                        ("NewLeaseDuration", 600))),
    ("GetSpecificPortMappingEntry", (("NewRemoteHost", ""),
                                     ("NewExternalPort", 40900),
                                     ("NewProtocol", "UDP"))),
    ("GetGenericPortMappingEntry", (("NewPortMappingIndex", 0),)),
    ("AddAnyPortMapping", (("NewRemoteHost", ""), ("NewExternalPort", 40900),
                           ("NewProtocol", "UDP"), ("NewInternalPort", 40901),
                           ("NewInternalClient", me), ("NewEnabled", 1),
                           ("NewPortMappingDescription", "pmp"),
                           ("NewLeaseDuration", 600))),
    # another client's address: secure_mode refuses (718 or 606)
    ("AddPortMapping-other", (("NewRemoteHost", ""),
                              ("NewExternalPort", 40902),
                              ("NewProtocol", "UDP"),
                              ("NewInternalPort", 40902),
                              ("NewInternalClient", "10.77.0.3"),
                              ("NewEnabled", 1),
                              ("NewPortMappingDescription", "pmp"),
                              ("NewLeaseDuration", 600))),
    ("DeletePortMapping", (("NewRemoteHost", ""), ("NewExternalPort", 40900),
                           ("NewProtocol", "UDP"))),
    # a port never mapped: 714 NoSuchEntryInArray
    ("DeletePortMapping-none", (("NewRemoteHost", ""),
                                ("NewExternalPort", 40999),
                                ("NewProtocol", "UDP"))),
    ("GetGenericPortMappingEntry-past", (("NewPortMappingIndex", 99),)),
    ("NoSuchAction", ()),
]
for name, args in calls:
    raw = action(name.split("-")[0], args)
    put("soap-" + name, b"\x02" + pieces(raw))

if len(sys.argv) > 3 and sys.argv[2] == "notify":
    with open(sys.argv[3], "rb") as f:
        for i, d in enumerate(f.read().split(b"\0\0\0\0")):
            if d:
                put("notify-%d" % i, b"\x00" + d)
print("captured into", out_dir)
