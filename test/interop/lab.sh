# The interop lab: Debian's miniupnpd doing real NAT (nftables) between
# network namespaces made here.  Sourced by test/interop/run.sh and
# bench/run.sh; needs root, and $top (the source tree) and $T (a scratch
# directory) set by the caller, and test/lib.sh sourced.
#
#   wan  198.51.100.1, 2001:db8:ff::1 (STUN; the outside host that sends)
#    |
#   gw   gw-wan 198.51.100.2, 2001:db8:ff::2 | br-lan 10.77.0.1,
#        2001:db8:77::1; miniupnpd NAT-PMP/PCP :5351 (IPv4 and IPv6)
#    |-- lan   10.77.0.2, 2001:db8:77::2, default via the gw
#    `-- lan2  10.77.0.3, 2001:db8:77::3, default via the gw
# IPv6 is routed, not translated: PCP MAP opens pinholes in the forward
# chain, whose policy drops everything else from the WAN.
#
# lab_up builds it all and starts miniupnpd (returns non-zero if it does
# not come up); start_miniupnpd [LOG-LINE] starts it again (waiting for
# that line: NAT-PMP's by default); lab_down removes every
# namespace and process.
# SPDX-License-Identifier: BSD-2-Clause

lab_dir="$top/test/interop"	# $top: the caller's source tree
S=$$
NS_WAN=${LAB_PREFIX:-pmpi}-wan-$S
NS_GW=${LAB_PREFIX:-pmpi}-gw-$S
NS_LAN=${LAB_PREFIX:-pmpi}-lan-$S
NS_LAN2=${LAB_PREFIX:-pmpi}-lan2-$S
ALL_NS="$NS_WAN $NS_GW $NS_LAN $NS_LAN2"
WAN=198.51.100.2
mpid=

lab_down() {
	for ns in $ALL_NS; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
	done
	sleep 0.2
	for ns in $ALL_NS; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}

in_ns() { ns=$1; shift; ip netns exec "$ns" "$@"; }

# miniupnpd logs with LOG_CONS and there is no syslog daemon: every line
# would go to /dev/console, slowly.  Hide the console from it only, in a
# private mount namespace.
start_miniupnpd() {
	: > "$T/miniupnpd.log"
	unshare --mount --propagation private sh -c \
	    "mount --bind /dev/null /dev/console 2>/dev/null; exec ip netns exec $NS_GW /usr/sbin/miniupnpd -f $T/miniupnpd.conf -d" \
	    >>"$T/miniupnpd.log" 2>&1 &
	mpid=$!
	wait_count "${1:-Listening for NAT-PMP}" "$T/miniupnpd.log" 1 20 &&
	    wait_count "Port forwarding is now enabled" "$T/miniupnpd.log" 1 20
}

lab_up() {
	for ns in $ALL_NS; do
		ip netns add "$ns" || { echo "cannot create namespace $ns"; return 1; }
		ip -n "$ns" link set lo up
	done
	ip link add gw-wan netns "$NS_GW" type veth peer name eth0 netns "$NS_WAN"
	ip -n "$NS_WAN" addr add 198.51.100.1/24 dev eth0
	ip -n "$NS_WAN" link set eth0 up
	ip -n "$NS_GW" addr add $WAN/24 dev gw-wan
	ip -n "$NS_GW" link set gw-wan up
	ip -n "$NS_GW" link add br-lan type bridge
	ip -n "$NS_GW" addr add 10.77.0.1/24 dev br-lan
	ip -n "$NS_GW" link set br-lan up
	i=1
	for h in "$NS_LAN:10.77.0.2" "$NS_LAN2:10.77.0.3"; do
		ns=${h%%:*}
		ip link add gw-lan$i netns "$NS_GW" type veth peer name eth0 netns "$ns"
		ip -n "$NS_GW" link set gw-lan$i master br-lan
		ip -n "$NS_GW" link set gw-lan$i up
		ip -n "$ns" addr add "${h#*:}/24" dev eth0
		ip -n "$ns" link set eth0 up
		ip -n "$ns" route add default via 10.77.0.1
		ip -n "$ns" addr add "2001:db8:77::$((i + 1))/64" dev eth0 nodad
		ip -n "$ns" route add default via 2001:db8:77::1
		i=$((i + 1))
	done
	# IPv6 (no DAD: miniupnpd's first ANNOUNCE would find the address
	# still tentative, docs/miniupnpd.md)
	ip -n "$NS_GW" addr add 2001:db8:77::1/64 dev br-lan nodad
	ip -n "$NS_GW" addr add 2001:db8:ff::2/64 dev gw-wan nodad
	ip -n "$NS_WAN" addr add 2001:db8:ff::1/64 dev eth0 nodad
	ip -n "$NS_WAN" route add 2001:db8:77::/64 via 2001:db8:ff::2
	in_ns "$NS_GW" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/all/forwarding'
	in_ns "$NS_GW" sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
	# NAT and a stateful forward policy; empty chains for miniupnpd's rules
	# (it adds rules, never tables or chains).
	in_ns "$NS_GW" nft -f - <<-'EOF' || { echo "nftables failed"; return 1; }
	table inet filter {
		chain forward {
			type filter hook forward priority 0; policy drop;
			ct state established,related accept
			iifname "br-lan" oifname "gw-wan" accept
			jump miniupnpd
		}
		chain miniupnpd {
		}
		chain prerouting {
			type nat hook prerouting priority -100; policy accept;
			jump prerouting_miniupnpd
		}
		chain postrouting {
			type nat hook postrouting priority 100; policy accept;
			jump postrouting_miniupnpd
			oifname "gw-wan" masquerade
		}
		chain prerouting_miniupnpd {
		}
		chain postrouting_miniupnpd {
		}
	}
	EOF

	# STUN in wan: miniupnpd will not map behind a documentation-range WAN
	# address unless STUN tells it the address (docs/miniupnpd.md).
	in_ns "$NS_WAN" python3 "$lab_dir/stun.py" 198.51.100.1 >"$T/stun.log" 2>&1 &
	wait_lines "$T/stun.log" 1

	cat > "$T/miniupnpd.conf" <<-EOF
	ext_ifname=gw-wan
	ext_perform_stun=yes
	ext_stun_host=198.51.100.1
	ext_stun_port=3478
	listening_ip=br-lan
	enable_natpmp=yes
	# with UPnP on, miniupnpd watches the WAN address (off, it never notices)
	enable_upnp=yes
	secure_mode=yes
	system_uptime=no
	upnp_table_name=filter
	upnp_nat_table_name=filter
	upnp_forward_chain=miniupnpd
	upnp_nat_chain=prerouting_miniupnpd
	upnp_nat_postrouting_chain=postrouting_miniupnpd
	lease_file=$T/leases
	uuid=0b7d3c9e-6f21-4a55-9e0c-2d1f8a4b7c30
	allow 1024-65535 10.77.0.0/24 1024-65535
	deny 0-65535 0.0.0.0/0 0-65535
	EOF
	start_miniupnpd
}
