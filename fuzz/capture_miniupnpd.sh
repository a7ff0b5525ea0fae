#!/bin/sh
# Capture Debian's miniupnpd's UPnP-IGD messages in the interop lab (its
# SSDP answers, its NOTIFYs across a restart, its description and SOAP
# answers) as fuzz_upnp seeds: fuzz/corpus/fuzz_upnp/miniupnpd-*.  Needs
# root (network namespaces) and miniupnpd; the files are committed and
# replayed by make check (check-fuzz-replay).
# SPDX-License-Identifier: BSD-2-Clause
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
. "$top/test/lib.sh"
LAB_PREFIX=pmpcap
. "$top/test/interop/lab.sh"
trap 'lab_down; rm -rf "$T"' EXIT
lab_up >/dev/null 2>&1 || { echo "capture: the lab did not come up" >&2; exit 1; }
# NOTIFYs: listen on the LAN across a restart (byebye, then alive)
in_ns "$NS_LAN" /usr/bin/python3 -c '
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("239.255.255.250", 1900))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             socket.inet_aton("239.255.255.250") + socket.inet_aton("10.77.0.2"))
s.settimeout(0.5)
out = open(sys.argv[1], "wb")
end = time.time() + 4
while time.time() < end:
    try:
        d, a = s.recvfrom(2048)
    except socket.timeout:
        continue
    if d.startswith(b"NOTIFY"):
        out.write(d + b"\0\0\0\0")
' "$T/notify" &
lp=$!
sleep 0.5
kill $mpid; wait $mpid 2>/dev/null || true
sleep 1.1
start_miniupnpd >/dev/null
wait $lp
mkdir -p "$top/fuzz/corpus/fuzz_upnp"
rm -f "$top"/fuzz/corpus/fuzz_upnp/miniupnpd-*
in_ns "$NS_LAN" /usr/bin/python3 "$top/fuzz/capture_miniupnpd.py" \
    "$top/fuzz/corpus/fuzz_upnp" notify "$T/notify"
