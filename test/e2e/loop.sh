# The event-loop interface, driven only through pmp.h by
# examples/event_loop.c: a kept mapping, the announcement listeners it
# adds to the descriptor set (fd callback and generation number), and an
# announcement received through them.  Sourced by run.sh.  Multicast
# announcements need a LAN: two network namespaces joined by a veth pair.
# SPDX-License-Identifier: BSD-2-Clause

L_GW=pmp-e2e-lgw-$$
L_LAN=pmp-e2e-llan-$$
EXLOOP="$VG $B/examples/event_loop"
if [ "$(id -u)" -eq 0 ] && ip netns add "$L_GW" 2>/dev/null; then
	NS_EXTRA="$NS_EXTRA $L_GW $L_LAN"
	lan_join "$L_GW" "$L_LAN" 10.77.9
	: > "$T/gw.log"
	ip netns exec "$L_GW" $GWD -l 10.77.9.1 -P 198.51.100.9 --log --announce-pcp \
	    >"$T/gw.out" 2>"$T/gw.log" &
	lgwpid=$!
	i=0; while ! grep -q listening "$T/gw.log"; do i=$((i+1)); [ $i -gt 200 ] && break; sleep 0.02; done

	ip netns exec "$L_LAN" $EXLOOP 10.77.9.1 7000 20 >"$T/loop.out" 2>"$T/loop.err" &
	lppid=$!
	wait_count "^event mapped via PCP: public 198.51.100.9:7000" "$T/loop.out" 1 5 \
		&& ok "event loop (pmp.h only): kept mapping granted" \
		|| ko "event loop: mapping ($(cat "$T/loop.out" "$T/loop.err"))"
	# pmp_keep() opened the request socket, AUTO's UPnP-IGD search socket
	# (the race) and PCP's listener (5350): each was told to the fd
	# callback; PCP's answer ended the race, and the search socket left
	# the set (told too): two remain, in a later generation.
	[ "$(count "^fd [0-9]* watch read$" "$T/loop.out")" -eq 3 ] \
	    && [ "$(count "^fd [0-9]* removed$" "$T/loop.out")" -eq 1 ] \
	    && has "^descriptor set: 2, generation [0-9]*$" "$T/loop.out" \
		&& ok "event loop: 3 descriptors told, the race's search socket removed when PCP answered, 2 left" \
		|| ko "event loop: descriptor set ($(grep -E '^(fd|descriptor)' "$T/loop.out" | tr '\n' ';'))"
	# A reboot: the gateway's PCP ANNOUNCE on 224.0.0.1:5350 (RFC 6887
	# 14.1.3), heard on the listener the loop polls because the set told
	# it to (the example stops on it).  (Later
	# than 3 s after the mapping: the epoch rule's 2 s of slack, RFC 6887
	# 8.5, cannot tell a restart from a slow clock sooner.)
	sleep 5
	kill -HUP $lgwpid
	wait $lppid
	rc=$?
	has "^event announcement via PCP" "$T/loop.out" \
	    && has "^event gateway-restarted via PCP" "$T/loop.out" && [ $rc -eq 0 ] \
		&& ok "event loop: the gateway's announcement arrived through the listeners" \
		|| ko "event loop: announcement (rc=$rc; $(tail -5 "$T/loop.out" | tr '\n' ';'))"
	has "^event deleted via PCP" "$T/loop.out" \
	    && [ "$(count "^fd [0-9]* removed$" "$T/loop.out")" -eq 3 ] \
		&& ok "event loop: mapping deleted on stop; every descriptor reported removed at free" \
		|| ko "event loop: stop ($(tail -6 "$T/loop.out" | tr '\n' ';'))"
	kill $lgwpid 2>/dev/null
	wait $lgwpid 2>/dev/null
	ip netns del "$L_GW"
	ip netns del "$L_LAN"
else
	skip "network namespaces need root: the event-loop example"
fi
