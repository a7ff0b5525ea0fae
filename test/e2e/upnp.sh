# pmp-gateway --upnp, the test IGD, checked with miniupnpc's upnpc (the
# reference control point) and raw SSDP: discovery answers for every
# target it is, the description, the actions over the gateway's table
# (shared with NAT-PMP and PCP), and each fault a real router shows.
# Sourced by run.sh.
# SPDX-License-Identifier: BSD-2-Clause

U="upnpc -u http://$G:5000/rootDesc.xml"
W=$(awk -v s="$SLOW" 'BEGIN {print 0.5 * s}')	# SSDP answers: wait this long
if ! command -v upnpc >/dev/null; then
	skip "upnpc (miniupnpc) missing: sh test/deps.sh"
else
gw_start $G --upnp
run python3 "$here/ssdp.py" $G urn:schemas-upnp-org:device:InternetGatewayDevice:1 --wait $W
has "^1900 urn:schemas-upnp-org:device:InternetGatewayDevice:1 http://$G:5000/rootDesc.xml 1$" "$T/out" \
	&& ok "SSDP: an IGDv2 answers a search for IGD:1 (with BOOTID)" || ko "ssdp igd1 ($(cat "$T/out"))"
run python3 "$here/ssdp.py" $G ssdp:all --wait $W
[ "$(grep -c . "$T/out")" -eq 5 ] && has " upnp:rootdevice " "$T/out" \
    && has "service:WANIPConnection:2 " "$T/out" \
	&& ok "SSDP: ssdp:all gets one answer per device and service type" || ko "ssdp all ($(cat "$T/out"))"
run python3 "$here/ssdp.py" $G urn:schemas-upnp-org:device:InternetGatewayDevice:1 --man ssdp:discover --wait $W
[ ! -s "$T/out" ] && ok "SSDP: an unquoted MAN gets no answer (UDA 1.1)" || ko "ssdp man"
run $U -s
[ $rc -eq 0 ] && has "^Found valid IGD : http://$G:5000/ctl/IPConn" "$T/out" \
    && has "^ExternalIPAddress = 203.0.113.7" "$T/out" && has "Status : Connected" "$T/out" \
	&& ok "upnpc: finds the IGD from its description, connected, its address" || ko "upnpc -s ($(cat "$T/out"))"
run $U -a 127.0.0.1 6100 6100 UDP 3600
has "external 203.0.113.7:6100 UDP is redirected to internal 127.0.0.1:6100 (duration=3[56][0-9][0-9])" "$T/out" \
	&& ok "upnpc -a: AddPortMapping with a lease, seen by GetSpecificPortMappingEntry" || ko "upnpc add ($(cat "$T/out"))"
run $U -a 127.0.0.1 6101 6100 UDP 3600
has "ConflictInMappingEntry\|718" "$T/out" \
	&& ok "AddPortMapping of a port another mapping holds: 718" || ko "718 ($(tail -3 "$T/out"))"
run $U -n 127.0.0.1 6101 6100 UDP 600
has "external 203.0.113.7:6101 UDP is redirected to internal 127.0.0.1:6101" "$T/out" \
	&& ok "upnpc -n: AddAnyPortMapping (IGDv2) picks another port" || ko "add any ($(tail -3 "$T/out"))"
run $U -l
has "UDP  6100->127.0.0.1:6100" "$T/out" && has "UDP  6101->127.0.0.1:6101" "$T/out" \
	&& ok "upnpc -l: GetGenericPortMappingEntry lists them" || ko "upnpc -l ($(tail -5 "$T/out"))"
run $PMP -g $G map -u 6100
has "^mapped udp 203.0.113.7:6100" "$T/out" \
	&& ok "NAT-PMP and UPnP share one table: the UPnP mapping renewed over NAT-PMP" || ko "shared table ($(cat "$T/out" "$T/err"))"
run $U -d 6100 UDP
has "UPNP_DeletePortMapping() returned : 0" "$T/out" && ok "upnpc -d: deleted" || ko "delete ($(tail -2 "$T/out"))"
run $U -d 6100 UDP
has "714" "$T/out" && ok "deleting it again: 714 NoSuchEntryInArray" || ko "delete twice ($(tail -2 "$T/out"))"
kill -HUP $gwpid; sleep $W
run python3 "$here/ssdp.py" $G upnp:rootdevice --wait $W
has " 2$" "$T/out" && ok "a reboot (SIGHUP) raises BOOTID.UPNP.ORG" || ko "bootid ($(cat "$T/out"))"
gw_stop

gw_start $G --upnp --upnp-fault 725 --upnp-fault chunked
run $U -a 127.0.0.1 6200 6200 TCP 3600
has "725" "$T/out" && ok "fault 725: a finite lease refused (OnlyPermanentLeasesSupported), chunked answers read" \
	|| ko "725 ($(tail -3 "$T/out"))"
run $U -a 127.0.0.1 6200 6200 TCP 0
has "external 203.0.113.7:6200 TCP is redirected" "$T/out" && ok "fault 725: lease 0 accepted" || ko "725 lease 0"
gw_stop

gw_start $G --upnp --upnp-version 1 --upnp-fault 402
run $U -a 127.0.0.1 6300 6300 TCP 3600
has "402" "$T/out" && ok "fault 402: a finite lease refused as Invalid Args (ARRIS)" || ko "402 ($(tail -3 "$T/out"))"
run $U -n 127.0.0.1 6300 6300 TCP 0
has "401\|Invalid Action" "$T/out" && ok "IGDv1: AddAnyPortMapping is 401 Invalid Action" || ko "v1 401 ($(tail -3 "$T/out"))"
run python3 "$here/ssdp.py" $G urn:schemas-upnp-org:device:InternetGatewayDevice:2 --wait $W
[ ! -s "$T/out" ] && ok "IGDv1: no answer to a search for IGD:2" || ko "v1 ssdp"
gw_stop

gw_start $G --upnp --upnp-fault empty-address
run $U -s
has "ExternalIPAddress = $\|GetExternalIPAddress failed\|ExternalIPAddress = *$" "$T/out" \
	&& ok "fault empty-address: GetExternalIPAddress answers nothing" || ko "empty address ($(grep -i external "$T/out"))"
gw_stop
fi
