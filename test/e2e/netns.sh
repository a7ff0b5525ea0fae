# Tests inside network namespaces this suite creates: sourced by run.sh.
# SPDX-License-Identifier: BSD-2-Clause

# --------------------------------- discovery inside our own network namespaces
if [ "$(id -u)" -eq 0 ] && ip netns add "$NS_GW" 2>/dev/null; then
	ip netns add "$NS_LAN"
	ip -n "$NS_GW" link set lo up
	ip -n "$NS_LAN" link set lo up
	ip -n "$NS_LAN" link add lan0 type veth peer name gw0 netns "$NS_GW"
	ip -n "$NS_GW" addr add 10.77.9.1/24 dev gw0
	ip -n "$NS_GW" link set gw0 up
	ip -n "$NS_LAN" addr add 10.77.9.2/24 dev lan0
	ip -n "$NS_LAN" link set lan0 up
	ip -n "$NS_LAN" route add default via 10.77.9.1
	: > "$T/gw.log"
	ip netns exec "$NS_GW" $GWD -l 10.77.9.1 -P 198.51.100.2 --log >"$T/gw.out" 2>"$T/gw.log" &
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
	gw_stop
	ip netns del "$NS_GW"
	ip netns del "$NS_LAN"
else
	skip "network namespaces need root: discovery tests"
fi

