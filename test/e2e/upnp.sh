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

# pmp itself over UPnP-IGD (--protocol upnp): found by a unicast
# M-SEARCH (never multicast toward a loopback gateway), the description,
# then the actions; what it made is what upnpc lists
gw_start $G --upnp
run $PMPA -g $G --protocol upnp addr
[ $rc -eq 0 ] && has "^public address 203.0.113.7$" "$T/out" && has "M-SEARCH" "$T/gw.log" \
    && has "GET /rootDesc.xml" "$T/gw.log" && has "GetExternalIPAddress -> ok" "$T/gw.log" \
	&& ok "pmp --protocol upnp addr: SSDP, description, GetExternalIPAddress (${dt} ms)" \
	|| ko "upnp addr (rc=$rc $(cat "$T/out" "$T/err"))"
run $PMPA -g $G --protocol upnp --json map -u -l 600 6400
[ $rc -eq 0 ] && has '"protocol":"upnp"' "$T/out" && has '"public_port":6400' "$T/out" \
    && has '"lifetime":600' "$T/out" && has "AddPortMapping -> ok 0 ext 6400 int 6400 udp lease 600" "$T/gw.log" \
	&& ok "pmp --protocol upnp --json map: AddPortMapping with the asked lease, \"protocol\":\"upnp\"" \
	|| ko "upnp map (rc=$rc $(cat "$T/out" "$T/err"))"
run $U -l
has "UDP  6400->127.0.0.1:6400" "$T/out" && ok "upnpc lists the mapping pmp made" || ko "upnpc -l pmp ($(tail -3 "$T/out"))"
run $PMPA -g $G --protocol upnp unmap -u 6400
[ $rc -eq 0 ] && has "DeletePortMapping -> ok 0 ext 6400" "$T/gw.log" \
	&& ok "pmp --protocol upnp unmap: DeletePortMapping" || ko "upnp unmap (rc=$rc $(cat "$T/err"))"
# keep over UPnP-IGD: the keeper of NAT-PMP and PCP over the IGD's actions
$PMPA -g $G --protocol upnp keep --json -u -l 4 6400 >"$T/keep.out" 2>"$T/keep.err" &
kp=$!
wait_lines "$T/keep.out" 1
has '"event":"mapped","protocol":"upnp","transport":"udp","private_port":6400,"public_port":6400,"lifetime":4' "$T/keep.out" \
	&& ok "pmp --protocol upnp keep: mapped with the asked lease" || ko "upnp keep ($(cat "$T/keep.out" "$T/keep.err"))"
sleep $(awk -v s="$SLOW" 'BEGIN {print 2.6 * s}')
has '"event":"renewed","protocol":"upnp"' "$T/keep.out" \
    && [ "$(count "AddPortMapping -> ok 0 ext 6400 int 6400 udp lease 4" "$T/gw.log")" -ge 2 ] \
	&& ok "keep over UPnP: renewed (AddPortMapping again) at half the lease" || ko "upnp renew ($(cat "$T/keep.out"))"
kill -TERM $kp; wait $kp; rc=$?
[ $rc -eq 0 ] && has '"event":"deleted","protocol":"upnp"' "$T/keep.out" \
    && has "DeletePortMapping -> ok 0 ext 6400" "$T/gw.log" \
	&& ok "keep over UPnP, SIGTERM: DeletePortMapping, exit 0" || ko "upnp keep stop ($rc $(tail -2 "$T/keep.out"))"
gw_stop

gw_start $G --upnp --upnp-fault 725
$PMPA -g $G --protocol upnp keep --json -u -l 600 6404 >"$T/keep.out" 2>"$T/keep.err" &
kp=$!
wait_lines "$T/keep.out" 1
kill -TERM $kp; wait $kp; rc=$?
has '"event":"mapped","protocol":"upnp","transport":"udp","private_port":6404,"public_port":6404,"lifetime":600' "$T/keep.out" \
    && has "AddPortMapping -> ok 0 ext 6404 int 6404 udp lease 0" "$T/gw.log" \
    && [ $rc -eq 0 ] && has "DeletePortMapping -> ok 0 ext 6404" "$T/gw.log" \
	&& ok "keep over UPnP, 725: the permanent mapping renewed as if finite and deleted at exit" \
	|| ko "upnp keep 725 ($rc $(cat "$T/keep.out" "$T/keep.err"))"
gw_stop

# a restart seen in NOTIFY's BOOTID.UPNP.ORG: in a namespace of our own,
# where the gateway may multicast on loopback
UNS=pmp-e2e-upnp-$$
if [ "$(id -u)" -eq 0 ] && ip netns add "$UNS" 2>/dev/null; then
	NS_EXTRA="$NS_EXTRA $UNS"
	ip -n "$UNS" link set lo up
	ip netns exec "$UNS" $GWD -l $G --upnp --multicast --log >"$T/gw.out" 2>"$T/gw.log" &
	gwpid=$!
	i=0; while ! grep -q listening "$T/gw.log" && [ $i -lt 200 ]; do i=$((i+1)); sleep 0.02; done
	ip netns exec "$UNS" $PMPA -g $G --protocol upnp keep --json -u -l 600 6405 >"$T/keep.out" 2>"$T/keep.err" &
	kp=$!
	wait_lines "$T/keep.out" 1
	t0=$(ms)
	kill -HUP $gwpid
	i=0; while ! has restored "$T/keep.out" && [ $i -lt $((400 * SLOW)) ]; do i=$((i+1)); sleep 0.02; done
	dt=$(($(ms) - t0))
	sleep 0.1
	has '"event":"gateway-restarted","protocol":"upnp"' "$T/keep.out" \
	    && has '"event":"restored","protocol":"upnp","transport":"udp","private_port":6405,"public_port":6405' "$T/keep.out" \
	    && [ "$(count "AddPortMapping -> ok 0 ext 6405" "$T/gw.log")" -eq 2 ] && [ $dt -lt $((6000 * SLOW)) ] \
		&& ok "keep over UPnP: a restart (NOTIFY, new BOOTID) seen at once, restored within 0-5 s (${dt} ms)" \
		|| ko "upnp restart ($(cat "$T/keep.out" "$T/keep.err"))"
	kill -TERM $kp; wait $kp
	gw_stop
	ip netns del "$UNS"
	# an IGD answering only searches sent to the group: a LAN of our
	# own (two namespaces, a veth pair), where the client multicasts
	UGW=pmp-e2e-upnp-gw-$$
	ip netns add "$UGW"
	NS_EXTRA="$NS_EXTRA $UGW"
	lan_join "$UGW" "$UNS" 10.78.9
	ip netns exec "$UGW" $GWD -l 10.78.9.1 -P 198.51.100.9 --upnp --upnp-fault multicast-only --log \
	    >"$T/gw.out" 2>"$T/gw.log" &
	gwpid=$!
	i=0; while ! grep -q listening "$T/gw.log" && [ $i -lt 200 ]; do i=$((i+1)); sleep 0.02; done
	run ip netns exec "$UNS" $PMPA -g 10.78.9.1 --protocol upnp map -u 6432
	[ $rc -eq 0 ] && has "^mapped udp 198.51.100.9:6432" "$T/out" && has "M-SEARCH unicast -> ignored" "$T/gw.log" \
	    && has "10.78.9.2:[0-9]*: M-SEARCH -> 1 answers" "$T/gw.log" \
		&& ok "an IGD answering only multicast searches: found through 239.255.255.250, mapped (${dt} ms)" \
		|| ko "multicast-only ($rc $(cat "$T/out" "$T/err" "$T/gw.log"))"
	gw_stop
	ip netns del "$UNS"
	ip netns del "$UGW"
else
	skip "keep over UPnP across a restart, multicast-only IGD: need root for network namespaces"
fi

gw_start $G --upnp --upnp-fault 725
run $PMPA -g $G --protocol upnp map -u 6401
[ $rc -eq 0 ] && has "permanent (the router refused a lease)" "$T/out" \
    && has "AddPortMapping -> error 725" "$T/gw.log" && has "AddPortMapping -> ok 0 ext 6401 int 6401 udp lease 0" "$T/gw.log" \
	&& ok "725: the address checked, then lease 0, said permanent" || ko "upnp 725 ($(cat "$T/out" "$T/err"))"
gw_stop

gw_start $G --upnp
run $U -a 127.0.0.9 6402 6402 TCP 600
run $PMPA -g $G --protocol upnp --json map 6402
[ $rc -eq 0 ] && has "AddAnyPortMapping -> ok" "$T/gw.log" && ! has '"public_port":6402' "$T/out" \
	&& ok "718 (another host holds the port): AddAnyPortMapping on IGDv2, another port" \
	|| ko "upnp 718 ($(cat "$T/out" "$T/err"))"
# unmap from another process (nothing remembered): ours found down the
# list (GetGenericPortMappingEntry) at the port AddAny gave; the other
# host's mapping of 6402 stays
moved=$(sed -n 's/.*"public_port":\([0-9]*\).*/\1/p' "$T/out")
run $PMPA -g $G --protocol upnp unmap 6402
run $U -l
[ -n "$moved" ] && has "GetSpecificPortMappingEntry -> ok 0 ext 6402 int 6402" "$T/gw.log" \
    && has "GetGenericPortMappingEntry" "$T/gw.log" && has "DeletePortMapping -> ok 0 ext $moved " "$T/gw.log" \
    && has "TCP  6402->127.0.0.9:6402" "$T/out" && ! has "TCP  $moved->" "$T/out" \
	&& ok "unmap from another process: ours found at $moved down the IGD's list and deleted, the other host's left" \
	|| ko "upnp find ($moved $(cat "$T/out" "$T/err"; grep -i portmapping "$T/gw.log"))"
gw_stop

# DD-WRT: a finite lease said yes to, and gone a second later: the check
# 5 s after the grant finds it gone (714), and it comes back with lease 0,
# deleted at exit
gw_start $G --upnp --upnp-fault drop-finite
$PMPA -g $G --protocol upnp keep --json -u -l 600 6433 >"$T/keep.out" 2>"$T/keep.err" &
kp=$!
wait_lines "$T/keep.out" 1
t0=$(ms)
i=0; while ! has restored "$T/keep.out" && [ $i -lt $((400 * SLOW)) ]; do i=$((i+1)); sleep 0.02; done
dt=$(($(ms) - t0))
kill -TERM $kp; wait $kp; rc=$?
has '"event":"lost","protocol":"upnp","transport":"udp","private_port":6433' "$T/keep.out" \
    && has '"event":"restored","protocol":"upnp","transport":"udp","private_port":6433,"public_port":6433' "$T/keep.out" \
    && has "GetSpecificPortMappingEntry -> error 714" "$T/gw.log" \
    && has "AddPortMapping -> ok 0 ext 6433 int 6433 udp lease 600" "$T/gw.log" \
    && has "AddPortMapping -> ok 0 ext 6433 int 6433 udp lease 0" "$T/gw.log" \
    && [ $rc -eq 0 ] && has "DeletePortMapping -> ok 0 ext 6433" "$T/gw.log" && [ $dt -lt $((6500 * SLOW)) ] \
	&& ok "keep on an IGD that drops finite leases (DD-WRT): found gone by the check (${dt} ms), back with lease 0, deleted at exit" \
	|| ko "drop-finite ($rc $dt $(cat "$T/keep.out" "$T/keep.err"; grep -i portmapping "$T/gw.log"))"
gw_stop

gw_start $G --upnp --upnp-fault no-add-any
run $U -a 127.0.0.9 6405 6405 TCP 600
run $PMPA -g $G --protocol upnp --json map 6405
[ $rc -eq 0 ] && has "AddAnyPortMapping -> error 401" "$T/gw.log" && ! has '"public_port":6405' "$T/out" \
    && [ "$(count "AddAnyPortMapping" "$T/gw.log")" -eq 1 ] \
	&& ok "an IGDv2 without AddAnyPortMapping (401): another port by AddPortMapping, AddAny not asked again" \
	|| ko "no-add-any ($rc $(cat "$T/out" "$T/err"))"
gw_stop
gw_start $G --upnp --upnp-version 1 --upnp-fault 729
run $PMPA -g $G --protocol upnp map 6406
[ $rc -eq 4 ] && has "729" "$T/err" && [ "$(count "AddPortMapping -> error 729" "$T/gw.log")" -eq 4 ] \
	&& ok "729 ConflictWithOtherMechanisms on every add: four tries, then the refusal, said" || ko "729 ($rc $(cat "$T/err"))"
gw_stop

gw_start $G --upnp --upnp-fault empty-address
run $PMPA -g $G --protocol upnp map 6403
[ $rc -ne 0 ] && has "0.0.0.0\|no public address\|address" "$T/err" && ! has "AddPortMapping" "$T/gw.log" \
	&& ok "an empty external address: refused before any mapping" || ko "upnp empty address ($rc $(cat "$T/err"))"
run $U -s
has "ExternalIPAddress = $\|GetExternalIPAddress failed\|ExternalIPAddress = *$" "$T/out" \
	&& ok "fault empty-address: GetExternalIPAddress answers nothing" || ko "empty address ($(grep -i external "$T/out"))"
gw_stop

# discovery faults: answers from another port than 1900 (TP-Link); the
# description on another address than the gateway's (a CARP pair's)
gw_start $G --upnp --upnp-fault other-port
run python3 "$here/ssdp.py" $G urn:schemas-upnp-org:device:InternetGatewayDevice:2 --wait $W
sport=$(awk '{print $1; exit}' "$T/out")
run $PMPA -g $G --protocol upnp map -u 6430
[ $rc -eq 0 ] && [ -n "$sport" ] && [ "$sport" != 1900 ] && has "^mapped udp 203.0.113.7:6430" "$T/out" \
	&& ok "SSDP answers from port $sport, not 1900: taken, mapped" || ko "other port ($sport $(cat "$T/out" "$T/err"))"
gw_stop
G2=127.77.0.2
gw_start $G --upnp --upnp-fault elsewhere
run $PMPA -g $G probe
[ $rc -eq 0 ] && has "^UPnP-IGD  yes: public address 203.0.113.7" "$T/out" && has "http://$G2:5000/rootDesc.xml" "$T/out" \
    && has "picked: elsewhere on the LAN, answered by the gateway, IGDv2" "$T/out" \
	&& ok "LOCATION on another address than the gateway's: taken, and said so" || ko "elsewhere ($rc $(cat "$T/out" "$T/err"))"
run $PMPA -g $G --protocol upnp map -u 6431
[ $rc -eq 0 ] && has "^mapped udp 203.0.113.7:6431" "$T/out" && [ $dt -lt $((1000 * SLOW)) ] \
	&& ok "... and mapped through it, the search over 200 ms after the gateway's answer (${dt} ms)" || ko "elsewhere map ($rc $dt $(cat "$T/out" "$T/err"))"
gw_stop

# pmp probe: what the network offers, the IGD named
gw_start $G --upnp
run $PMPA -g $G probe
[ $rc -eq 0 ] && has "^PCP       yes: public address 203.0.113.7" "$T/out" \
    && has "^NAT-PMP   yes: public address 203.0.113.7" "$T/out" && has "^UPnP-IGD  yes: public address 203.0.113.7" "$T/out" \
    && has '"pmp-gateway" by pmp, model pmp-gateway test IGD' "$T/out" \
    && has "service:WANIPConnection:2, status Connected" "$T/out" && has "http://$G:5000/rootDesc.xml" "$T/out" \
    && has "picked: on the gateway's address, answered by the gateway, IGDv2" "$T/out" \
	&& ok "pmp probe: PCP, NAT-PMP and UPnP-IGD offered; the IGD's names, service, status, URL, why it was picked" || ko "probe ($rc $(cat "$T/out" "$T/err"))"
run $PMPA -g $G --json probe
[ $rc -eq 0 ] && has '"op":"probe","gateway":"'$G'","pcp":{"ok":true' "$T/out" \
    && has '"upnp":{"ok":true,"public_address":"203.0.113.7"' "$T/out" && has '"status":"Connected"' "$T/out" \
	&& ok "pmp --json probe: one object, a member per method" || ko "probe json ($(cat "$T/out"))"
gw_stop
gw_start $G --upnp --silent
run $PMPA -g $G -t 1 probe
[ $rc -eq 0 ] && has "^PCP       no: " "$T/out" && has "^NAT-PMP   no: " "$T/out" && has "^UPnP-IGD  yes" "$T/out" \
    && [ $dt -lt $((1500 * SLOW)) ] \
	&& ok "pmp probe on a UPnP-only router: only UPnP-IGD, in the -t bound (${dt} ms)" || ko "probe upnp only ($rc $dt $(cat "$T/out"))"
gw_stop
gw_start $G -p 5999
run $PMPA -g $G probe
[ $rc -eq 3 ] && [ "$(grep -c " no: " "$T/out")" -eq 3 ] && [ $dt -lt $((1000 * SLOW)) ] \
	&& ok "pmp probe where nothing listens: three no's at once (${dt} ms), exit 3" || ko "probe nothing ($rc $dt $(cat "$T/out"))"
gw_stop

# hostile routers: each request ends with one clear error, in its time
gw_start $G --upnp --upnp-fault huge-headers
run $PMPA -g $G --protocol upnp addr
[ $rc -eq 3 ] && has "could not be read" "$T/err" && [ $dt -lt $((1000 * SLOW)) ] \
	&& ok "hostile: header lines without end, cut at 8 KiB: one clear error (${dt} ms)" || ko "huge headers ($rc $dt $(cat "$T/err"))"
gw_stop
gw_start $G --upnp --upnp-fault endless-body
run $PMPA -g $G --protocol upnp addr
[ $rc -eq 3 ] && has "could not be read" "$T/err" && [ $dt -lt $((1000 * SLOW)) ] \
	&& ok "hostile: chunks without end, cut at the body limit: one clear error (${dt} ms)" || ko "endless body ($rc $dt $(cat "$T/err"))"
gw_stop
gw_start $G --upnp --upnp-fault stall
run $PMPA -g $G --protocol upnp addr
[ $rc -eq 3 ] && has "deadline\|timed out\|time" "$T/err" && [ $dt -ge 2900 ] && [ $dt -lt $((4000 * SLOW)) ] \
	&& ok "hostile: half an answer then silence (slowloris): timed out by the 3 s exchange limit (${dt} ms)" || ko "stall ($rc $dt $(cat "$T/err"))"
gw_stop
gw_start $G --upnp --upnp-fault redirect
run $PMPA -g $G --protocol upnp addr
[ $rc -eq 3 ] && [ $dt -lt $((1000 * SLOW)) ] && [ "$(count "GET /rootDesc.xml" "$T/gw.log")" -eq 1 ] \
	&& ok "hostile: the description redirects to itself: not followed, no IGD (${dt} ms, one GET)" || ko "redirect ($rc $dt $(cat "$T/err"))"
gw_stop

# no IGD: a gateway whose port 1900 is closed says so (ICMP, read from the
# search socket's error queue): the search ends at once, exit 3
gw_start $G
run $PMPA -g $G --protocol upnp addr
[ $rc -eq 3 ] && [ $dt -lt $((1000 * SLOW)) ] \
	&& ok "no IGD, port 1900 closed: exit 3 at once (${dt} ms)" || ko "no igd ($rc $dt $(cat "$T/err"))"
# ...and one that reads the searches and never answers: the whole window
python3 -c 'import socket,sys,time
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind((sys.argv[1],1900)); time.sleep(float(sys.argv[2]))' $G $((8 * SLOW)) &
mute=$!
sleep 0.2
run $PMPA -g $G --protocol upnp addr
[ $rc -eq 3 ] && [ $dt -ge 4400 ] && [ $dt -lt $((6000 * SLOW)) ] \
	&& ok "no IGD, searches unanswered: exit 3 after the search window (${dt} ms)" || ko "silent igd ($rc $dt $(cat "$T/err"))"
kill $mute 2>/dev/null; wait $mute 2>/dev/null
gw_stop

# auto: PCP and NAT-PMP with a UPnP-IGD probe beside them
gw_start $G --upnp --silent
run $PMPA -g $G --json map -u 6500
[ $rc -eq 0 ] && has '"protocol":"upnp"' "$T/out" && [ $dt -lt $((1000 * SLOW)) ] \
	&& ok "auto, a router silent to PCP and NAT-PMP: UPnP-IGD at once (${dt} ms), the result says upnp" \
	|| ko "auto upnp silent ($rc $dt $(cat "$T/out" "$T/err"))"
$PMPA -g $G keep --json -u -l 600 6501 >"$T/keep.out" 2>"$T/keep.err" &
kp=$!
wait_lines "$T/keep.out" 1
kill -TERM $kp; wait $kp; rc=$?
has '"event":"mapped","protocol":"upnp","transport":"udp","private_port":6501' "$T/keep.out" && [ $rc -eq 0 ] \
    && has "DeletePortMapping -> ok 0 ext 6501" "$T/gw.log" \
	&& ok "auto keep on a UPnP-only router: kept over UPnP-IGD, deleted on SIGTERM" || ko "auto keep upnp ($rc $(cat "$T/keep.out" "$T/keep.err"))"
gw_stop
gw_start $G --upnp -p 5999
run $PMPA -g $G --json addr
[ $rc -eq 0 ] && has '"protocol":"upnp"' "$T/out" && [ $dt -lt $((1000 * SLOW)) ] \
	&& ok "auto, port 5351 closed (ICMP): UPnP-IGD at once (${dt} ms)" || ko "auto upnp refused ($rc $dt $(cat "$T/out" "$T/err"))"
gw_stop
gw_start $G --upnp
run $PMPA -g $G --json map -u 6502
[ $rc -eq 0 ] && has '"protocol":"pcp"' "$T/out" && ! has "AddPortMapping" "$T/gw.log" \
	&& ok "auto, a router with all three: PCP, no UPnP-IGD mapping" || ko "auto all three ($rc $(cat "$T/out" "$T/err"))"
gw_stop
# a request PCP/NAT-PMP could not serve, held for a probe that takes
# long (the search unanswered): the caller's -t still ends it
gw_start $G -p 5999
python3 -c 'import socket,sys,time
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind((sys.argv[1],1900)); time.sleep(float(sys.argv[2]))' $G $((6 * SLOW)) &
mute=$!
sleep 0.2
run $PMPA -g $G -t 1 map -u 6503
[ $rc -eq 3 ] && [ $dt -ge 900 ] && [ $dt -lt $((1600 * SLOW)) ] \
	&& ok "auto, held for a slow UPnP-IGD probe: the caller's -t 1 ends it (${dt} ms)" || ko "auto held ($rc $dt $(cat "$T/err"))"
kill $mute 2>/dev/null; wait $mute 2>/dev/null
run $PMPA -g $G addr
[ $rc -eq 3 ] && [ $dt -lt $((1000 * SLOW)) ] \
	&& ok "auto, nothing at all (5351 and 1900 closed): exit 3 at once (${dt} ms)" || ko "auto nothing ($rc $dt $(cat "$T/err"))"
gw_stop
fi
