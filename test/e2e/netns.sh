# Tests inside network namespaces this suite creates: sourced by run.sh.
# SPDX-License-Identifier: BSD-2-Clause

# --------------------------------- discovery inside our own network namespaces
if [ "$(id -u)" -eq 0 ] && ip netns add "$NS_GW" 2>/dev/null; then
	lan_join "$NS_GW" "$NS_LAN" 10.77.9
	# Two listeners on the LAN host joined to 224.0.0.1, as two client
	# processes would be; the gateway announces at start (RFC 6886
	# §3.2.1): 10 copies over 127.75 s, unless a quick run is asked for.
	acount=10
	[ "${PMP_E2E_QUICK:-0}" = 1 ] && acount=3
	: > "$T/mc1"; : > "$T/mc2"
	mcpids=
	for f in mc1 mc2; do
		ip netns exec "$NS_LAN" python3 "$here/listen.py" --group 224.0.0.1 \
		    --iface 10.77.9.2 --count $acount --timeout 140 >"$T/$f" 2>&1 &
		mcpids="$mcpids $!"
	done
	wait_lines "$T/mc1" 1; wait_lines "$T/mc2" 1
	: > "$T/gw.log"
	ip netns exec "$NS_GW" $GWD -l 10.77.9.1 -P 198.51.100.2 --announce-count $acount --log \
	    >"$T/gw.out" 2>"$T/gw.log" &
	gwpid=$!
	i=0; while ! grep -q listening "$T/gw.log"; do i=$((i+1)); [ $i -gt 200 ] && break; sleep 0.02; done

	run ip netns exec "$NS_LAN" $PMP gateway
	[ $rc -eq 0 ] && has "^gateway 10.77.9.1 via lan0 from 10.77.9.2 (rtnetlink route lookup)$" "$T/out" \
		&& ok "discovery: rtnetlink finds the namespace's default gateway" || ko "discovery netlink"
	run ip netns exec "$NS_LAN" $PMP addr
	[ $rc -eq 0 ] && has "^public address 198.51.100.2$" "$T/out" \
		&& ok "without -g: discovered gateway answers" || ko "addr without -g"
	run ip netns exec "$NS_LAN" $PMP map -u 5000
	[ $rc -eq 0 ] && has "^mapped udp 198.51.100.2:5000" "$T/out" && has "10.77.9.2:.*map udp" "$T/gw.log" \
		&& ok "without -g: mapping from the LAN address" || ko "map without -g"
	# a VPN's split routes (0/1 + 128/1) win over the default route
	ip -n "$NS_LAN" route add 0.0.0.0/1 via 10.77.9.1 dev lan0 metric 5
	ip -n "$NS_LAN" route change default via 10.77.9.3 dev lan0 2>/dev/null || ip -n "$NS_LAN" route replace default via 10.77.9.3
	run ip netns exec "$NS_LAN" $PMP gateway
	has "^gateway 10.77.9.1 " "$T/out" && ok "discovery follows the route actually used (split routes)" || ko "split routes"
	# a point-to-point link with no gateway (as WireGuard)
	ip -n "$NS_LAN" route del 0.0.0.0/1
	ip -n "$NS_LAN" route replace default dev lan0
	run ip netns exec "$NS_LAN" $PMP gateway
	[ $rc -eq 1 ] && has "point-to-point" "$T/err" && has "lan0" "$T/err" && has "with -g" "$T/err" \
		&& ok "route without gateway: says so and suggests -g" || ko "point-to-point"
	run ip netns exec "$NS_LAN" $PMP addr
	[ $rc -eq 1 ] && has "try -g" "$T/err" && ok "addr on a gateway-less route: exit 1 with a hint" || ko "addr ptp"
	ip -n "$NS_LAN" route del default
	run ip netns exec "$NS_LAN" $PMP gateway
	[ $rc -eq 1 ] && has "no route" "$T/err" && ok "no route at all: clear error" || ko "no route"

	# S-01: a client outside the gateway's LAN prefix gets nothing (no
	# reflection: issue 10.9); the LAN gets its mapping
	ip -n "$NS_LAN" addr add 10.88.0.2/24 dev lan0
	ip -n "$NS_GW" route add 10.88.0.0/24 dev gw0
	run ip netns exec "$NS_LAN" python3 "$here/udp.py" 10.77.9.1 000100001388138800001c20 --bind 10.88.0.2
	run2=$(awk '{print $3}' "$T/out")
	run ip netns exec "$NS_LAN" python3 "$here/udp.py" 10.77.9.1 000100001388138800001c20 --bind 10.77.9.2
	[ -z "$run2" ] && has " 00810000........13881388" "$T/out" && has "10.88.0.2.*outside the served subnet" "$T/gw.log" \
		&& ok "requests from outside the served subnet get no answer; the LAN gets its mapping" \
		|| ko "served subnet ($run2 / $(cat "$T/out"))"

	# #10.12 (RFC 6886 §3 SHOULD): a host whose address toward the
	# gateway is not private is warned, and still served
	ip -n "$NS_GW" addr add 192.0.2.1/24 dev gw0
	ip -n "$NS_LAN" addr add 192.0.2.2/24 dev lan0
	ip netns exec "$NS_GW" $GWD -l 192.0.2.1 -P 198.51.100.3 --announce-count 0 >/dev/null 2>"$T/gw2.log" &
	gw2pid=$!
	i=0; while ! grep -q listening "$T/gw2.log"; do i=$((i+1)); [ $i -gt 200 ] && break; sleep 0.02; done
	run ip netns exec "$NS_LAN" $PMP -g 192.0.2.1 addr
	[ $rc -eq 0 ] && has "^public address 198.51.100.3$" "$T/out" \
		&& has "address toward the gateway, 192.0.2.2, is not a private address" "$T/err" \
		&& ok "public source address toward the gateway: warned, still served" || ko "public source warning: $(cat "$T/err")"
	run ip netns exec "$NS_LAN" $PMP -g 10.77.9.1 addr
	[ $rc -eq 0 ] && [ ! -s "$T/err" ] && ok "private source address (10.77.9.2): no warning" || ko "private source: $(cat "$T/err")"
	kill $gw2pid; wait $gw2pid

	# the announcements, received by both listeners with the RFC schedule
	for p in $mcpids; do wait $p; done
	mcpids=
	if python3 - "$T/mc1" "$T/mc2" "$acount" <<'PY'
import sys
want = [0, .25, .75, 1.75, 3.75, 7.75, 15.75, 31.75, 63.75, 127.75]
n = int(sys.argv[3])
for f in sys.argv[1:3]:
    rows = [l.split() for l in open(f) if l[0].isdigit()]
    assert len(rows) == n, (f, rows)
    for (t, src, port, data), w in zip(rows, want):
        t = float(t)
        # PROTOCOL.md tolerances: 20 ms early, max(150 ms, 10 %) late
        assert w - 0.02 <= t <= w + max(0.15, w * 0.1), (f, t, w)
        assert src == "10.77.9.1" and port == "5351", (src, port)
        assert data[:8] == "00800000" and data[16:] == "c6336402", data
        epoch = int(data[8:16], 16)
        assert int(w) - 1 <= epoch <= int(w) + 1, (epoch, w)   # updated in each
PY
	then ok "multicast: two listeners on the LAN each get all $acount announcements on the RFC schedule"
	else ko "multicast announcements"; cat "$T/mc1"; fi
	gw_stop

	# IPv6 (RFC 6887 section 14.1.3): PCP's ANNOUNCE to ff02::1:5350 on
	# the LAN interface, heard by pmp watch toward the IPv6 gateway (and
	# to 224.0.0.1 for IPv4 listeners)
	ip -n "$NS_GW" addr add fd00:77:9::1/64 dev gw0 nodad
	ip -n "$NS_LAN" addr add fd00:77:9::2/64 dev lan0 nodad
	ip netns exec "$NS_LAN" $PMPA -g fd00:77:9::1 watch >"$T/watch6.out" 2>&1 &
	w6pid=$!
	sleep 0.3
	ip netns exec "$NS_GW" $GWD -l 10.77.9.1 -P 198.51.100.4 --listen6 fd00:77:9::1 --announce-pcp \
	    --announce-count 2 --log >/dev/null 2>"$T/gw6.log" &
	gw6pid=$!
	wait_count "^announcement" "$T/watch6.out" 2 3
	sleep 3	# (the epoch rule's 2 s of slack)
	kill -HUP $gw6pid
	wait_count "^gateway-restarted" "$T/watch6.out" 1 3
	kill $w6pid $gw6pid; wait $w6pid $gw6pid 2>/dev/null
	[ "$(count "^announcement epoch 0$" "$T/watch6.out")" -ge 2 ] && has "^gateway-restarted" "$T/watch6.out" \
		&& ok "IPv6: PCP ANNOUNCE to ff02::1 on the LAN interface; pmp watch hears it, and the restart" \
		|| ko "ipv6 announce ($(cat "$T/watch6.out"); $(cat "$T/gw6.log"))"
	ip netns del "$NS_GW"
	ip netns del "$NS_LAN"
else
	skip "network namespaces need root: discovery tests"
fi

