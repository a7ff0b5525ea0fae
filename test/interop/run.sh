#!/bin/sh
# Interop: pmp, and natpmpc as a reference, against Debian's miniupnpd doing
# real NAT with nftables, in network namespaces this script creates:
#
#   wan  198.51.100.1 (STUN responder; the outside host that sends packets)
#    |
#   gw   gw-wan 198.51.100.2 | br-lan 10.77.0.1, miniupnpd NAT-PMP/PCP :5351
#    |-- lan   10.77.0.2, default via 10.77.0.1
#    `-- lan2  10.77.0.3, default via 10.77.0.1
#
# Nothing is connected to the machine's own network.  Everything is torn
# down on exit, failure or not.  Needs root; installs the Debian packages it
# needs (test/deps.sh) when they are missing.
# SPDX-License-Identifier: BSD-2-Clause
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
here="$top/test/interop"
B="$top/${PMP_BUILD:-build}"
. "$top/test/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "interop with miniupnpd needs root (network namespaces)"
	summary interop
	exit 0
fi
for c in miniupnpd nft natpmpc python3 ip; do
	command -v $c >/dev/null 2>&1 || { sh "$top/test/deps.sh" || exit 1; break; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/pmp-interop.XXXXXX")
# PCP nonces that one-shot maps record: this run's own directory
XDG_RUNTIME_DIR="$T/xdg"
export XDG_RUNTIME_DIR
mkdir -m 700 "$XDG_RUNTIME_DIR"
KO_SHOW="$T/out $T/err"
. "$here/lab.sh"

teardown() { lab_down; }
cleanup() {
	lab_down
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

run() {
	t0=$(ms)
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	dt=$(($(ms) - t0))
}

if lab_up; then
	ok "miniupnpd $(miniupnpd --version 2>&1 | head -1 | cut -d' ' -f2) up: NAT-PMP on 10.77.0.1, public $WAN via STUN"
else
	ko "miniupnpd did not start"; tail -20 "$T/miniupnpd.log"
	summary interop
	exit 1
fi

rules() { in_ns "$NS_GW" nft list chain inet filter prerouting_miniupnpd; }
# has_rule PUBLIC_PORT ADDR [PRIVATE_PORT]: a DNAT rule for it
has_rule() { rules | grep -q "dport $1 dnat ip to $2:${3:-$1}\$\|dport $1 dnat ip to $2:${3:-$1} "; }
rule_for() { rules | grep -q "dnat ip to $1"; }

# A real packet from wan to the public address reaches a listener on the
# LAN host (through the mapping, the NAT and the forward policy).
through() {	# PROTO PUBLIC_PORT PRIVATE_PORT NS TEXT
	: > "$T/sink"
	in_ns "$4" python3 "$here/sink.py" "$1" "$3" 4 >"$T/sink" 2>&1 &
	sp=$!
	wait_lines "$T/sink" 1
	in_ns "$NS_WAN" python3 "$here/send.py" "$1" $WAN "$2" "$5"
	wait $sp
	grep -q "^got $1 198.51.100.1 $5$" "$T/sink"
}

# Results side by side: check, pmp, natpmpc.
: > "$T/table"
row() { printf '%-46s %-8s %s\n' "$1" "$2" "$3" >> "$T/table"; }

# ------------------------------------------------------------------ pmp
P="$B/pmp"
run in_ns "$NS_LAN" $P gateway
[ $rc -eq 0 ] && has "^gateway 10.77.0.1 via eth0 from 10.77.0.2 (rtnetlink route lookup)$" "$T/out" \
	&& { ok "pmp gateway: 10.77.0.1 found over rtnetlink"; r1=pass; } || { ko "pmp gateway"; r1=FAIL; }
run in_ns "$NS_LAN" natpmpc
has "using gateway : 10.77.0.1" "$T/out" && r2=pass || r2=fail
row "gateway discovery (no -g)" "$r1" "$r2"

run in_ns "$NS_LAN" $P addr
[ $rc -eq 0 ] && has "^public address $WAN$" "$T/out" \
	&& { ok "pmp addr without -g: $WAN"; r1=pass; } || { ko "pmp addr"; r1=FAIL; }
run in_ns "$NS_LAN" natpmpc
has "Public IP address : $WAN" "$T/out" && r2=pass || r2=fail
row "public address" "$r1" "$r2"

run in_ns "$NS_LAN" $P map 40000
[ $rc -eq 0 ] && has "^mapped tcp $WAN:40000 -> private port 40000, lifetime 7200 s$" "$T/out" \
	&& has_rule 40000 10.77.0.2 && { ok "pmp map TCP 40000: granted, DNAT rule in the router"; r1=pass; } \
	|| { ko "pmp map tcp"; r1=FAIL; }
through tcp 40000 40000 "$NS_LAN" hello-pmp-tcp && { ok "a TCP connection from wan reaches lan through the mapping"; r1b=pass; } \
	|| { ko "tcp through"; r1b=FAIL; }
run in_ns "$NS_LAN" $P map -u 40001
[ $rc -eq 0 ] && has "^mapped udp $WAN:40001 -> private port 40001" "$T/out" && has_rule 40001 10.77.0.2 \
	&& { ok "pmp map UDP 40001: granted, DNAT rule in the router"; r3=pass; } || { ko "pmp map udp"; r3=FAIL; }
through udp 40001 40001 "$NS_LAN" hello-pmp-udp && { ok "a UDP datagram from wan reaches lan through the mapping"; r3b=pass; } \
	|| { ko "udp through"; r3b=FAIL; }

run in_ns "$NS_LAN" natpmpc -a 42000 42000 tcp 3600
has "Mapped public port 42000 protocol TCP to local port 42000" "$T/out" && has_rule 42000 10.77.0.2 && n1=pass || n1=fail
through tcp 42000 42000 "$NS_LAN" hello-natpmpc-tcp && n1b=pass || n1b=fail
run in_ns "$NS_LAN" natpmpc -a 42001 42001 udp 3600
has "Mapped public port 42001 protocol UDP to local port 42001" "$T/out" && has_rule 42001 10.77.0.2 && n3=pass || n3=fail
through udp 42001 42001 "$NS_LAN" hello-natpmpc-udp && n3b=pass || n3b=fail
row "map TCP, rule in the router" "$r1" "$n1"
row "TCP packet from outside arrives" "$r1b" "$n1b"
row "map UDP, rule in the router" "$r3" "$n3"
row "UDP packet from outside arrives" "$r3b" "$n3b"

# PCP (RFC 6887) to the same miniupnpd: one round trip, the address in
# the MAP answer, the same DNAT rules and real packets through them
run in_ns "$NS_LAN" $P --protocol pcp --json map 40010
[ $rc -eq 0 ] && has '"protocol":"pcp"' "$T/out" && has "\"public_address\":\"$WAN\"" "$T/out" \
    && has '"public_port":40010' "$T/out" && has_rule 40010 10.77.0.2 \
	&& { ok "pmp --protocol pcp map TCP 40010: granted with the address, DNAT rule in the router"; p1=pass; } \
	|| { ko "pcp map tcp ($(cat "$T/out" "$T/err"))"; p1=FAIL; }
through tcp 40010 40010 "$NS_LAN" hello-pcp-tcp && { ok "a TCP connection from wan reaches lan through the PCP mapping"; p1b=pass; } \
	|| { ko "pcp tcp through"; p1b=FAIL; }
run in_ns "$NS_LAN" $P --protocol pcp map -u 40011
[ $rc -eq 0 ] && has "^mapped udp $WAN:40011 -> private port 40011" "$T/out" && has_rule 40011 10.77.0.2 \
	&& { ok "pmp --protocol pcp map UDP 40011: granted, DNAT rule in the router"; p3=pass; } || { ko "pcp map udp ($(cat "$T/err"))"; p3=FAIL; }
through udp 40011 40011 "$NS_LAN" hello-pcp-udp && { ok "a UDP datagram from wan reaches lan through the PCP mapping"; p3b=pass; } \
	|| { ko "pcp udp through"; p3b=FAIL; }
row "PCP map TCP, rule in the router" "$p1" "n/a (no PCP)"
row "PCP TCP packet from outside arrives" "$p1b" "n/a (no PCP)"
row "PCP map UDP, rule in the router" "$p3" "n/a (no PCP)"
row "PCP UDP packet from outside arrives" "$p3b" "n/a (no PCP)"

# a second LAN host asking for a public port the first one holds
# (another host: its own record of PCP nonces)
run in_ns "$NS_LAN2" env XDG_RUNTIME_DIR="$T/xdg2" $P map 40000
p2=$(sed -n "s/^mapped tcp $WAN:\([0-9]*\) -> private port 40000.*/\1/p" "$T/out")
[ $rc -eq 0 ] && [ -n "$p2" ] && [ "$p2" != 40000 ] && has_rule "$p2" 10.77.0.3 40000 \
	&& { ok "lan2 asking for 40000 gets $p2 and pmp reports it"; r1=pass; } || { ko "second host same port"; r1=FAIL; }
through tcp "$p2" 40000 "$NS_LAN2" hello-lan2 && ok "... and traffic to $p2 reaches lan2" || ko "lan2 through"
run in_ns "$NS_LAN2" natpmpc -a 42000 42000 tcp 3600
n2=$(sed -n 's/.*Mapped public port \([0-9]*\) protocol TCP to local port 42000.*/\1/p' "$T/out")
[ -n "$n2" ] && [ "$n2" != 42000 ] && n1=pass || n1=fail
row "second host, same port: another port reported" "$r1 ($p2)" "$n1 (${n2:-?})"

run in_ns "$NS_LAN" $P unmap 40000
[ $rc -eq 0 ] && ! has_rule 40000 10.77.0.2 && has_rule 40001 10.77.0.2 \
	&& { ok "pmp unmap 40000: its rule removed, the UDP one kept"; r1=pass; } || { ko "pmp unmap"; r1=FAIL; }
run in_ns "$NS_LAN" natpmpc -a 42000 42000 tcp 0
! has_rule 42000 10.77.0.2 && n1=pass || n1=fail
row "delete one mapping" "$r1" "$n1"

run in_ns "$NS_LAN" $P map 40002
# auto speaks PCP to miniupnpd: delete-all is every mapping pmp recorded,
# each with its nonce; natpmpc's 42001 is another program's (PCP cannot
# delete it, RFC 6887 section 15), NAT-PMP's port-0 delete can
run in_ns "$NS_LAN" $P unmap --all -u
pcp_all=$rc
[ $pcp_all -eq 0 ] && ! has_rule 40001 10.77.0.2 && has_rule 42001 10.77.0.2 \
	&& ok "pmp unmap --all -u over PCP: the UDP mappings pmp made, not natpmpc's" \
	|| ko "pmp unmap --all over PCP"
run in_ns "$NS_LAN" $P --protocol natpmp unmap --all -u
if [ $rc -eq 0 ] && [ $pcp_all -eq 0 ] && ! has_rule 40001 10.77.0.2 && ! has_rule 42001 10.77.0.2 && rule_for "10.77.0.3:"; then
	r1=pass
	# RFC 6886 §3.4: delete-all is per protocol (opcode)
	if has_rule 40002 10.77.0.2; then
		ok "pmp unmap --all -u: lan's UDP mappings removed, its TCP one and lan2's kept"
	else
		ok "pmp unmap --all -u: lan's UDP mappings removed (miniupnpd also removed its TCP one: docs/miniupnpd.md), lan2's kept"
	fi
else
	ko "pmp unmap --all"; r1=FAIL
fi
run in_ns "$NS_LAN" natpmpc -a 0 0 tcp 0
! rule_for "10.77.0.2:" && n1=pass || n1=fail
row "delete all of this host's mappings" "$r1" "$n1"

# ------------------------------------------------- pmp keep: restart, address
: > "$T/keep"
ip netns exec "$NS_LAN" $P keep -u --tcp -l 600 41000 >"$T/keep" 2>&1 &
kpid=$!
wait_count "^mapped" "$T/keep" 2 10 && has_rule 41000 10.77.0.2 \
	&& ok "pmp keep: UDP and TCP 41000 mapped" || ko "pmp keep start"
# ... and one over PCP beside it, through the same restart
: > "$T/keep-pcp"
ip netns exec "$NS_LAN" $P --protocol pcp keep -u -l 600 41100 >"$T/keep-pcp" 2>&1 &
kppid=$!
wait_count "^mapped udp $WAN:41100" "$T/keep-pcp" 1 10 && has_rule 41100 10.77.0.2 \
	&& ok "pmp --protocol pcp keep: UDP 41100 mapped" || ko "pcp keep start ($(cat "$T/keep-pcp"))"
sleep 3	# past the 2 s slack of the epoch rule
# restart miniupnpd as after a crash: leases and rules gone
kill $mpid 2>/dev/null
wait $mpid 2>/dev/null
in_ns "$NS_GW" nft flush chain inet filter prerouting_miniupnpd
in_ns "$NS_GW" nft flush chain inet filter miniupnpd
rm -f "$T/leases"
! has_rule 41000 10.77.0.2 || ko "rules not flushed"
t0=$(ms)
start_miniupnpd || ko "miniupnpd restart"
if wait_count "^restored" "$T/keep" 2 15 && has_rule 41000 10.77.0.2; then
	ok "pmp keep: miniupnpd restart (PCP ANNOUNCE, epoch reset) -> both restored $(($(ms) - t0)) ms after restart began"
	r1=pass
else
	ko "keep across miniupnpd restart"; cat "$T/keep"; r1=FAIL
fi
row "mapping kept across a router restart" "$r1" "n/a (no keep)"
through udp 41000 41000 "$NS_LAN" after-restart && ok "... and traffic flows again" || ko "through after restart"
# PCP: the restart shows in the epoch of miniupnpd's ANNOUNCE (RFC 6887
# §8.5, §14.1.3): re-created after the random 0-5 s
if wait_count "^restored udp $WAN:41100" "$T/keep-pcp" 1 15 && has_rule 41100 10.77.0.2; then
	ok "pmp keep over PCP: restored after the miniupnpd restart"; r1=pass
else
	ko "pcp keep across restart ($(cat "$T/keep-pcp"))"; r1=FAIL
fi
row "PCP mapping kept across a router restart" "$r1" "n/a (no PCP)"
kill -TERM $kppid; wait $kppid; rc=$?
[ $rc -eq 0 ] && has "^deleted" "$T/keep-pcp" && ! has_rule 41100 10.77.0.2 \
	&& ok "pmp keep over PCP, SIGTERM: deleted in the router with its nonce" || ko "pcp keep stop (rc=$rc $(tail -2 "$T/keep-pcp"))"

# the router's WAN address changes (STUN then reports the new one)
in_ns "$NS_GW" ip addr del $WAN/24 dev gw-wan
in_ns "$NS_GW" ip addr add 198.51.100.3/24 dev gw-wan
if wait_count "^address-changed 198.51.100.3 (was $WAN)$" "$T/keep" 1 20; then
	ok "pmp keep: the router's new WAN address is reported"
	r1=pass
else
	ko "address change"; cat "$T/keep"; tail -5 "$T/miniupnpd.log"; r1=FAIL
fi
row "WAN address change reported" "$r1" "n/a (no keep)"
run in_ns "$NS_LAN" $P addr
has "^public address 198.51.100.3$" "$T/out" && ok "pmp addr: 198.51.100.3" || ko "addr after change"

kill -TERM $kpid; wait $kpid; rc=$?
[ $rc -eq 0 ] && [ "$(grep -c '^deleted' "$T/keep")" -eq 2 ] && ! has_rule 41000 10.77.0.2 \
	&& ok "pmp keep SIGTERM: both deleted in the router, exit 0" || ko "keep stop (rc=$rc)"

echo
# ------------------------------------------------------------ IPv6, PEER
# IPv6 is routed: PCP MAP opens a pinhole in the forward chain for the
# host's own address, and a real packet from the WAN reaches it (and none
# before, nor after the delete).
pinhole() { in_ns "$NS_GW" nft list chain inet filter miniupnpd | grep -q "dport $1 @nh,192,128 0x20010db8007700000000000000000002"; }
through6() {	# PROTO PORT TEXT: from wan to [2001:db8:77::2]:PORT, received?
	: > "$T/sink"
	in_ns "$NS_LAN" python3 "$here/sink.py" "${1}6" "$2" 2 >"$T/sink" 2>&1 &
	sp=$!
	wait_lines "$T/sink" 1
	in_ns "$NS_WAN" python3 "$here/send.py" "$1" 2001:db8:77::2 "$2" "$3"
	wait $sp
	grep -q "^got $1 2001:db8:ff::1 $3$" "$T/sink"
}
run in_ns "$NS_LAN" $P -6 gateway
[ $rc -eq 0 ] && has "^gateway 2001:db8:77::1 via eth0 from 2001:db8:77::2" "$T/out" \
	&& ok "pmp -6 gateway: the IPv6 default router over rtnetlink" || ko "v6 gateway ($(cat "$T/out" "$T/err"))"
! through6 udp 40300 before-mapping && ok "IPv6: nothing reaches [2001:db8:77::2]:40300 before the mapping" \
	|| ko "v6 open before mapping"
run in_ns "$NS_LAN" $P -6 map -u 40300
[ $rc -eq 0 ] && has "^opened udp \[2001:db8:77::2\]:40300 (firewall pinhole, no translation)" "$T/out" && pinhole 40300 \
	&& ok "pmp -6 map -u 40300: a pinhole in the router's nftables, reported as one" \
	|| ko "v6 map ($(cat "$T/out" "$T/err"))"
through6 udp 40300 hello-v6-udp && ok "... and a UDP datagram from the WAN reaches the LAN host over IPv6" \
	|| ko "v6 udp through ($(cat "$T/sink"))"
run in_ns "$NS_LAN" $P -6 --json map 40301
[ $rc -eq 0 ] && has '"pinhole":true' "$T/out" && pinhole 40301 && through6 tcp 40301 hello-v6-tcp \
	&& ok "pmp -6 map 40301 (TCP): pinhole, and a TCP connection from the WAN gets through" \
	|| ko "v6 tcp ($(cat "$T/out" "$T/err" "$T/sink"))"
run in_ns "$NS_LAN" $P -6 unmap -u 40300
[ $rc -eq 0 ] && ! pinhole 40300 && pinhole 40301 && ! through6 udp 40300 after-delete \
	&& ok "pmp -6 unmap -u 40300 (its nonce): the pinhole closed, the other kept, nothing gets through" \
	|| ko "v6 unmap (rc=$rc $(cat "$T/err"))"
run in_ns "$NS_LAN" $P -6 addr
[ $rc -eq 0 ] && has "^public address 2001:db8:77::2$" "$T/out" \
	&& ok "pmp -6 addr: the host's own address (routed, no NAT)" || ko "v6 addr ($(cat "$T/out" "$T/err"))"
# PEER: the exchange succeeds; the rule miniupnpd writes is not one that
# serves the flow (docs/miniupnpd.md: its nftables PEER rule matches the
# reverse direction), so only the protocol is asserted
run in_ns "$NS_LAN" $P --json map -u --peer 198.51.100.1:3478 40310
[ $rc -eq 0 ] && has '"peer":"198.51.100.1:3478"' "$T/out" && has '"public_port":40310' "$T/out" \
    && in_ns "$NS_GW" nft list chain inet filter postrouting_miniupnpd | grep -q "dport 40310 th sport 3478 snat" \
	&& ok "PEER over PCP: granted; the router's rule is there (in its known-wrong direction)" \
	|| ko "peer (rc=$rc $(cat "$T/out" "$T/err"))"
run in_ns "$NS_LAN" $P map --third-party 10.77.0.3 40311
[ $rc -eq 4 ] && has "result code 5, unsupported option" "$T/err" \
	&& ok "THIRD_PARTY: refused (UNSUPP_OPTION) without pcp_allow_thirdparty" || ko "third party (rc=$rc)"

# UPnP-IGD (--protocol upnp) against miniupnpd's IGD: found by SSDP in
# our namespaces, its description read, the mapping made as a DNAT rule a
# real packet goes through, upnpc (miniupnpc) seeing it, then deleted
if command -v upnpc >/dev/null; then
	# the router's current address, as NAT-PMP says it (it changed above)
	pub=$(in_ns "$NS_LAN" $P --protocol natpmp addr | sed -n 's/^public address //p')
	run in_ns "$NS_LAN" $P --protocol upnp --json map -u -l 600 40400
	[ $rc -eq 0 ] && has '"protocol":"upnp"' "$T/out" && has "\"public_address\":\"$pub\"" "$T/out" \
	    && has '"public_port":40400' "$T/out" && has_rule 40400 10.77.0.2 && through udp 40400 40400 "$NS_LAN" upnp-udp \
		&& ok "pmp --protocol upnp map -u 40400: SSDP, description, AddPortMapping; DNAT rule; a real UDP packet through" \
		|| ko "upnp map (rc=$rc pub=$pub $(cat "$T/out" "$T/err"))"
	# miniupnpd's own record of it: its lease file (protocol:port:client)
	grep -q "^UDP:40400:10.77.0.2:40400:" "$T/leases" \
		&& ok "the router's lease file holds it, with its lease" || ko "lease file ($(cat "$T/leases"))"
	run in_ns "$NS_LAN" upnpc -s
	has "Found a .*IGD : http://10.77.0.1:[0-9]*/ctl/IPConn" "$T/out" \
		&& ok "upnpc (miniupnpc) finds the same IGD from the LAN" || ko "upnpc -s ($(grep -i "igd" "$T/out"))"
	run in_ns "$NS_LAN" $P --protocol upnp map 40401
	[ $rc -eq 0 ] && has_rule 40401 10.77.0.2 && through tcp 40401 40401 "$NS_LAN" upnp-tcp \
		&& ok "pmp --protocol upnp map 40401 (TCP): a real TCP connection through" || ko "upnp tcp (rc=$rc $(cat "$T/err"))"
	run in_ns "$NS_LAN" $P --protocol upnp unmap -u 40400
	[ $rc -eq 0 ] && ! has_rule 40400 10.77.0.2 && has_rule 40401 10.77.0.2 \
		&& ok "pmp --protocol upnp unmap -u 40400: its rule gone, the other kept" || ko "upnp unmap (rc=$rc $(cat "$T/err"))"
	run in_ns "$NS_LAN" $P probe
	cp "$T/out" "$T/probe-all"
	[ $rc -eq 0 ] && has "^PCP       yes: public address $pub" "$T/out" && has "^NAT-PMP   yes: public address $pub" "$T/out" \
	    && has "^UPnP-IGD  yes: public address $pub" "$T/out" && has "\"Debian router\" by Debian" "$T/out" \
	    && has "service:WANIPConnection:[12], status " "$T/out" \
		&& ok "pmp probe: miniupnpd offers PCP, NAT-PMP and UPnP-IGD; its IGD named" || ko "probe ($rc $(cat "$T/out" "$T/err"))"
	sed 's/^/    /' "$T/out"
	run in_ns "$NS_LAN" $P --protocol upnp addr
	[ $rc -eq 0 ] && has "^public address $pub$" "$T/out" \
		&& ok "pmp --protocol upnp addr: GetExternalIPAddress, as NAT-PMP says" || ko "upnp addr ($(cat "$T/out" "$T/err"))"
	# IPv6: the IGD found over IPv6 (its LOCATION a bracketed literal),
	# WANIPv6FirewallControl's pinholes
	! through6 udp 40700 before-upnp-pinhole || ko "v6 40700 open before"
	run in_ns "$NS_LAN" $P -6 --protocol upnp --json map -u -l 600 40700
	if [ $rc -eq 0 ] && has '"pinhole":true' "$T/out" && has '"public_address":"2001:db8:77::2","public_port":40700' "$T/out" \
	    && pinhole 40700 && through6 udp 40700 hello-upnp-v6; then
		ok "pmp -6 --protocol upnp map -u 40700: AddPinhole, the router's pinhole, an IPv6 datagram through"; r1=pass
	else
		ko "upnp pinhole (rc=$rc $(cat "$T/out" "$T/err"))"; r1=FAIL
	fi
	row "UPnP-IGD IPv6 pinhole, packet through" "$r1" "upnpc: n/a (no pinholes)"
	run in_ns "$NS_LAN" $P -6 probe
	[ $rc -eq 0 ] && has "^PCP       yes: public address 2001:db8:77::2" "$T/out" \
	    && has "^NAT-PMP   not asked" "$T/out" && has "^UPnP-IGD  yes: public address 2001:db8:77::2" "$T/out" \
	    && has "WANIPv6FirewallControl:1" "$T/out" \
		&& ok "pmp -6 probe: PCP and UPnP-IGD's firewall over IPv6, NAT-PMP not asked" || ko "probe -6 ($rc $(cat "$T/out" "$T/err"))"
	: > "$T/keep6"
	ip netns exec "$NS_LAN" $P -6 --protocol upnp keep -u -l 600 40701 >"$T/keep6" 2>&1 &
	k6=$!
	wait_count "^opened udp \[2001:db8:77::2\]:40701\|^mapped udp \[2001:db8:77::2\]:40701" "$T/keep6" 1 10 && pinhole 40701 \
		&& ok "pmp -6 --protocol upnp keep: the pinhole opened and kept" || ko "upnp pinhole keep ($(cat "$T/keep6"))"
	kill -TERM $k6; wait $k6; rc=$?
	[ $rc -eq 0 ] && has "^deleted" "$T/keep6" && ! pinhole 40701 && pinhole 40700 \
		&& ok "... SIGTERM: DeletePinhole of its UniqueID, the other pinhole kept" || ko "upnp pinhole stop (rc=$rc $(cat "$T/keep6"))"

	# The router most users have: UPnP-IGD on, NAT-PMP and PCP off.
	# auto must find UPnP-IGD with no wait for the others' silence.
	kill $mpid 2>/dev/null; wait $mpid 2>/dev/null
	in_ns "$NS_GW" nft flush chain inet filter prerouting_miniupnpd
	in_ns "$NS_GW" nft flush chain inet filter miniupnpd
	rm -f "$T/leases"
	sed -i 's/^enable_natpmp=yes/enable_natpmp=no/' "$T/miniupnpd.conf"
	start_miniupnpd "HTTP listening on port" || ko "miniupnpd (UPnP-IGD only) did not start"
	pub=$(in_ns "$NS_LAN" $P --protocol upnp addr | sed -n 's/^public address //p')
	run in_ns "$NS_LAN" $P --protocol natpmp addr
	[ $rc -ne 0 ] && ok "miniupnpd with NAT-PMP/PCP off: NAT-PMP gets no answer (rc=$rc)" || ko "natpmp still on"
	run in_ns "$NS_LAN" $P probe
	[ $rc -eq 0 ] && has "^PCP       no: " "$T/out" && has "^NAT-PMP   no: " "$T/out" && has "^UPnP-IGD  yes" "$T/out" \
		&& ok "pmp probe on the UPnP-only router: PCP no, NAT-PMP no, UPnP-IGD yes (${dt} ms)" || ko "probe upnp-only ($rc $(cat "$T/out"))"
	sed 's/^/    /' "$T/out"
	run in_ns "$NS_LAN" $P --json map -u -l 600 40500
	if [ $rc -eq 0 ] && has '"protocol":"upnp"' "$T/out" && has_rule 40500 10.77.0.2 \
	    && through udp 40500 40500 "$NS_LAN" auto-upnp; then
		ok "auto on a UPnP-only miniupnpd: UPnP-IGD in ${dt} ms, DNAT rule, a real packet through"; r1=pass
	else
		ko "auto upnp-only (rc=$rc $(cat "$T/out" "$T/err"))"; r1=FAIL
	fi
	# (-i: miniupnpd in this lab says its WAN is "not connected")
	run in_ns "$NS_LAN" upnpc -i -e pmp-interop -a 10.77.0.2 40501 40501 UDP 600
	has "is redirected to internal 10.77.0.2:40501" "$T/out" && r2=pass || { r2=fail; cat "$T/out" "$T/err"; }
	row "UPnP-only router: map, packet through" "$r1" "upnpc: $r2"
	run in_ns "$NS_LAN" upnpc -i -l
	has "UDP *40500->10.77.0.2:40500 *'pmp'" "$T/out" && has "UDP *40501->10.77.0.2:40501" "$T/out" \
		&& ok "upnpc -l lists pmp's mapping (description 'pmp') beside its own" || ko "upnpc -l ($(cat "$T/out" "$T/err"))"
	# a second LAN host asks for the port the first holds: 718, then
	# another port (IGDv2: AddAnyPortMapping), never the first host's
	run in_ns "$NS_LAN2" $P --json map -u -l 600 40500
	p2=$(sed -n 's/.*"public_port":\([0-9]*\).*/\1/p' "$T/out")
	if [ $rc -eq 0 ] && [ -n "$p2" ] && [ "$p2" != 40500 ] && has_rule 40500 10.77.0.2 && has_rule "$p2" 10.77.0.3 40500; then
		ok "a second LAN host asking for 40500: another port ($p2), the first host's mapping untouched"; r1=pass
	else
		ko "second host (rc=$rc $(cat "$T/out" "$T/err"))"; r1=FAIL
	fi
	run in_ns "$NS_LAN2" upnpc -i -a 10.77.0.3 40500 40500 UDP 600
	has "ConflictInMappingEntry\|718\|failed" "$T/out" && r2="718, gives up" || r2="?"
	row "port held by another host" "$r1" "upnpc: $r2"
	# keep over UPnP-IGD (auto) across a miniupnpd restart: its NOTIFY
	# carries a new BOOTID; the HTTP port moves, found again by search
	: > "$T/keep-upnp"
	ip netns exec "$NS_LAN" $P keep -u -l 600 40502 >"$T/keep-upnp" 2>&1 &
	kupid=$!
	wait_count "^mapped udp $pub:40502" "$T/keep-upnp" 1 10 && has_rule 40502 10.77.0.2 \
		&& ok "pmp keep (auto) on the UPnP-only router: kept over UPnP-IGD" || ko "upnp keep start ($(cat "$T/keep-upnp"))"
	sleep 1.1	# miniupnpd's BOOTID is its start time, in seconds
	kill $mpid 2>/dev/null; wait $mpid 2>/dev/null
	in_ns "$NS_GW" nft flush chain inet filter prerouting_miniupnpd
	in_ns "$NS_GW" nft flush chain inet filter miniupnpd
	rm -f "$T/leases"
	t0=$(ms)
	start_miniupnpd "HTTP listening on port" || ko "miniupnpd (UPnP-IGD only) restart"
	if wait_count "^restored udp $pub:40502" "$T/keep-upnp" 1 15 && has_rule 40502 10.77.0.2; then
		ok "pmp keep over UPnP-IGD: restored $(($(ms) - t0)) ms after the miniupnpd restart (NOTIFY, new BOOTID)"; r1=pass
	else
		ko "upnp keep across restart ($(cat "$T/keep-upnp"))"; tail -5 "$T/miniupnpd.log"; r1=FAIL
	fi
	row "UPnP mapping kept across a router restart" "$r1" "upnpc: n/a (no keep)"
	through udp 40502 40502 "$NS_LAN" upnp-after-restart && ok "... and traffic flows again" || ko "through after upnp restart"
	kill -TERM $kupid; wait $kupid; rc=$?
	[ $rc -eq 0 ] && has "^deleted" "$T/keep-upnp" && ! has_rule 40502 10.77.0.2 \
		&& ok "pmp keep over UPnP-IGD, SIGTERM: DeletePortMapping, rule gone" || ko "upnp keep stop (rc=$rc $(tail -2 "$T/keep-upnp"))"
	# back to the lab's router for what follows
	kill $mpid 2>/dev/null; wait $mpid 2>/dev/null
	sed -i 's/^enable_natpmp=no/enable_natpmp=yes/' "$T/miniupnpd.conf"
	start_miniupnpd || ko "miniupnpd restart (NAT-PMP on again)"
else
	skip "upnpc (miniupnpc) missing: sh test/deps.sh"
fi

echo "pmp and natpmpc against miniupnpd, side by side:"
printf '%-46s %-8s %s\n' "check" "pmp" "natpmpc"
cat "$T/table"

# ------------------------------------------------------------- teardown
teardown
left=$(ip netns list | grep -c -- "-$S\b")
[ "$left" -eq 0 ] && ! pgrep -f "$T/miniupnpd.conf" >/dev/null \
	&& ok "teardown: no namespace or process left" || ko "teardown left $left namespaces"
summary interop
