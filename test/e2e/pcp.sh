# PCP (RFC 6887) from the pmp command to pmp-gateway on loopback: the
# default (auto) and --protocol pcp map in one round trip with the
# external address in the answer; refusals name PCP's result codes; auto
# falls back to NAT-PMP on a NAT-PMP-only gateway at once, and on one
# silent to PCP within ~3 s; a one-shot unmap deletes a one-shot map
# with the nonce recorded; pmp keep renews and deletes with its mapping's
# nonce.  Sourced by run.sh.
# SPDX-License-Identifier: BSD-2-Clause

gw_start $G
run $PMPA -g $G --protocol pcp --json map -u -l 600 5000
gw_dump
[ $rc -eq 0 ] && has '"protocol":"pcp"' "$T/out" && has '"public_address":"203.0.113.7"' "$T/out" \
    && has '"public_port":5000' "$T/out" && [ "$(count ": map udp" "$T/gw.log")" -eq 1 ] \
    && [ "$(count "address ->" "$T/gw.log")" -eq 0 ] && has '"mappings":1,' "$T/gw.out" \
	&& ok "--protocol pcp: mapped in one round trip, the address from the MAP answer" \
	|| ko "pcp map (rc=$rc $(cat "$T/out" "$T/err"))"
gw_stop

gw_start $G --result 8
run $PMPA -g $G --protocol pcp --json map -u 5000
[ $rc -eq 4 ] && has '"result_code":8' "$T/out" && has '"protocol":"pcp"' "$T/out" \
    && has '"result":"no resources' "$T/out" && has "refused (PCP): result code 8, no resources" "$T/err" \
	&& ok "PCP refusal: exit 4, PCP's result code and its text (not NAT-PMP's 8)" \
	|| ko "pcp refusal (rc=$rc $(cat "$T/out" "$T/err"))"
gw_stop

gw_start $G --natpmp-only
run $PMPA -g $G --protocol auto --json map -u 5001
gw_dump
[ $rc -eq 0 ] && has '"protocol":"natpmp"' "$T/out" && has '"public_address":"203.0.113.7"' "$T/out" \
    && [ "$(count "version 2 -> result 1" "$T/gw.log")" -eq 1 ] && [ $dt -lt $((2000 * SLOW)) ] \
	&& ok "--protocol auto, NAT-PMP-only gateway: one PCP request, then NAT-PMP at once (${dt} ms)" \
	|| ko "auto fallback (rc=$rc dt=$dt $(cat "$T/out" "$T/err"); $(grep -c . "$T/gw.log"))"
run $PMPA -g $G --protocol pcp map -u 5002
[ $rc -eq 4 ] && has "unsupported version" "$T/err" \
	&& ok "--protocol pcp, NAT-PMP-only gateway: refused as unsupported version, no fall back" \
	|| ko "pcp only on natpmp-only (rc=$rc $(cat "$T/err"))"
gw_stop

# pmp keep over PCP: renewed within [1/2, 5/8] of 4 s with the same nonce
# (the gateway refuses another), deleted with it on SIGTERM
gw_start $G --max-lifetime 4
: > "$T/keep.out"
$PMPA -g $G --protocol pcp keep -u 6000 >"$T/keep.out" 2>"$T/keep.err" &
kppid=$!
if wait_count "^renewed" "$T/keep.out" 2 8; then
	kill -TERM $kppid; wait $kppid; rc=$?; kppid=
	gw_dump
	[ $rc -eq 0 ] && has "^mapped udp 203.0.113.7:6000" "$T/keep.out" && has '"mappings":0,' "$T/gw.out" \
	    && ! has "result 2" "$T/gw.log" && has "unmap udp private 6000" "$T/gw.log" \
		&& ok "keep over PCP: mapped, renewed twice and deleted with the mapping's nonce" \
		|| ko "pcp keep (rc=$rc $(cat "$T/keep.out") $(grep -c 'result 2' "$T/gw.log"))"
else
	ko "pcp keep: no renewals ($(cat "$T/keep.out" "$T/keep.err"))"
	kill $kppid 2>/dev/null; kppid=
fi
gw_stop

# RFC 6887 section 14.2: the gateway's address changes; pmp keep hears it
# from the mapping's own answer sent unasked (no announcements here, and
# the renewal is minutes away), confirms with the same nonce at once.
gw_start $G --announce-count 0 --max-lifetime 600
: > "$T/keep.out"
$PMPA -g $G --protocol pcp keep -u 6100 >"$T/keep.out" 2>"$T/keep.err" &
kppid=$!
if wait_count "^mapped" "$T/keep.out" 1 3; then
	t0=$(ms)
	kill -USR2 $gwpid
	if wait_count "^address-changed 203.0.113.8 (was 203.0.113.7)$" "$T/keep.out" 1 2; then
		dt=$(($(ms) - t0))
		wait_count "^restored udp 203.0.113.8:6100" "$T/keep.out" 1 2
		has "mapping updates for 1 PCP mappings" "$T/gw.log" && [ $dt -lt $((1500 * SLOW)) ] 		    && has "^restored udp 203.0.113.8:6100" "$T/keep.out" && ! has "result 2" "$T/gw.log" 			&& ok "keep over PCP: an address change reaches it unasked (mapping update, ${dt} ms), confirmed with its nonce" 			|| ko "pcp mapping update (dt=$dt $(cat "$T/keep.out"))"
	else
		ko "pcp mapping update: not heard ($(cat "$T/keep.out" "$T/keep.err"))"
	fi
	kill -TERM $kppid; wait $kppid; kppid=
else
	ko "pcp mapping update: keep did not map ($(cat "$T/keep.err"))"
	kill $kppid 2>/dev/null; kppid=
fi
gw_stop

# Fallen back to NAT-PMP, the gateway restarts as a dual server (an
# upgrade): pmp keep sees the restart in the epoch and makes its mapping
# again PCP first (RFC 6887 appendix A), after the random 0-5 s.
gw_start $G --natpmp-only --max-lifetime 4 --announce-count 0
: > "$T/keep.out"
$PMPA -g $G keep -u 6200 >"$T/keep.out" 2>"$T/keep.err" &
kppid=$!
# (the epoch rule tolerates 2 s: the first gateway runs ~6 s, three renewals)
if wait_count "^renewed" "$T/keep.out" 3 9; then
	has "version 2 -> result 1" "$T/gw.log"; fell=$?
	gw_stop
	gw_start $G --max-lifetime 4 --announce-count 0 --log-json
	if wait_count "^restored" "$T/keep.out" 1 12; then
		gw_dump
		[ $fell -eq 0 ] && has "^gateway-restarted" "$T/keep.out" && has '"mappings":1,' "$T/gw.out" \
		    && has '"event":"map",.*"version":2,.*"private_port":6200,.*"result":0,' "$T/gw.log" \
		    && [ "$(grep '"event":"map"' "$T/gw.log" | tail -1 | grep -c '"version":2,')" -eq 1 ] \
			&& ok "keep: after a restart of a NAT-PMP gateway, PCP is tried again and used" \
			|| ko "renegotiation ($(cat "$T/keep.out"); $(head -5 "$T/gw.log"))"
	else
		ko "renegotiation: not restored ($(cat "$T/keep.out" "$T/keep.err"))"
	fi
	kill -TERM $kppid; wait $kppid; kppid=
else
	ko "renegotiation: keep did not map ($(cat "$T/keep.err"))"
	kill $kppid 2>/dev/null; kppid=
fi
gw_stop

# The default is auto: PCP first, one round trip; the address alone
# through a short mapping of the client's own port, deleted at once
# (RFC 6887 section 11.6), so the table is empty after it.
gw_start $G
run $PMPA -g $G --json map 7100
[ $rc -eq 0 ] && has '"protocol":"pcp"' "$T/out" && has '"public_port":7100' "$T/out" \
    && [ "$(count ": map tcp" "$T/gw.log")" -eq 1 ] \
	&& ok "default (auto): PCP, one request" \
	|| ko "auto pcp map (rc=$rc $(cat "$T/out" "$T/err"))"
run $PMPA -g $G --json addr
gw_dump
[ $rc -eq 0 ] && has '"protocol":"pcp"' "$T/out" && has '"public_address":"203.0.113.7"' "$T/out" \
    && [ "$(count "lifetime 30 -> result 0" "$T/gw.log")" -eq 1 ] \
    && [ "$(count ": unmap udp" "$T/gw.log")" -eq 1 ] && has '"mappings":1,' "$T/gw.out" \
	&& ok "addr over PCP: a 30 s mapping of the client's own port, deleted at once" \
	|| ko "auto pcp addr (rc=$rc $(cat "$T/out" "$T/err") $(cat "$T/gw.out"))"
# one-shot map, then one-shot unmap from another process: the recorded
# nonce deletes it (another nonce would get NOT_AUTHORIZED)
run $PMPA -g $G unmap 7100
gw_dump
[ $rc -eq 0 ] && has '"mappings":0,' "$T/gw.out" && ! has "result 2" "$T/gw.log" \
    && ! grep -q " 7100 " "$XDG_RUNTIME_DIR/pmp/nonces" \
	&& ok "one-shot unmap deletes a one-shot PCP map with the recorded nonce, and forgets it" \
	|| ko "pcp unmap with nonce (rc=$rc $(cat "$T/err") $(cat "$T/gw.out"))"
[ "$(stat -c %a "$XDG_RUNTIME_DIR/pmp")" = 700 ] && [ "$(stat -c %a "$XDG_RUNTIME_DIR/pmp/nonces")" = 600 ] \
	&& ok "nonce record: directory 0700, file 0600" || ko "nonce record modes"
rm -f "$XDG_RUNTIME_DIR/pmp/nonces"	# what the runs above recorded
run $PMPA -g $G map -u 7101
run $PMPA -g $G map -u 7102
run $PMPA -g $G --json unmap -u --all
gw_dump
[ $rc -eq 0 ] && has '"deleted":2' "$T/out" && has '"mappings":0,' "$T/gw.out" \
	&& ok "unmap --all over PCP: every recorded mapping, each with its nonce" \
	|| ko "pcp unmap all (rc=$rc $(cat "$T/out" "$T/err"))"
run $PMPA -g $G unmap -u --all
[ $rc -eq 1 ] && has "PCP has no delete-all" "$T/err" \
	&& ok "unmap --all over PCP with nothing recorded: says why, exit 1" \
	|| ko "pcp unmap all, none (rc=$rc $(cat "$T/err"))"
# a mapping made by someone else: refused, and said why
run $PMPA -g $G map 7103
printf '' > "$XDG_RUNTIME_DIR/pmp/nonces"
run $PMPA -g $G unmap 7103
[ $rc -eq 4 ] && has "no nonce of this mapping is recorded" "$T/err" \
	&& ok "unmap of a PCP mapping without its nonce: NOT_AUTHORIZED, explained" \
	|| ko "pcp unmap foreign (rc=$rc $(cat "$T/err"))"
# a corrupt record: one clear message, the mapping still made, no crash
printf 'garbage\n' > "$XDG_RUNTIME_DIR/pmp/nonces"
run $PMPA -g $G map 7104
[ $rc -eq 0 ] && has "line 1 is corrupt" "$T/err" && has "^mapped tcp" "$T/out" \
    && [ "$(cat "$XDG_RUNTIME_DIR/pmp/nonces")" = garbage ] \
	&& ok "corrupt nonce record: reported, left as it was, the mapping made" \
	|| ko "corrupt record (rc=$rc $(cat "$T/err"))"
rm -f "$XDG_RUNTIME_DIR/pmp/nonces"
gw_stop

# A gateway that speaks NAT-PMP and drops PCP unanswered: auto maps
# through NAT-PMP after PCP's first retransmission, not never.
gw_start $G --pcp-silent
run $PMPA -g $G --json map -u 7200
[ $rc -eq 0 ] && has '"protocol":"natpmp"' "$T/out" && has '"public_address":"203.0.113.7"' "$T/out" \
    && [ $dt -ge 2700 ] && [ $dt -lt $((4500 * SLOW)) ] \
	&& ok "auto, gateway silent to PCP: NAT-PMP from the probe at PCP's first retransmission (${dt} ms)" \
	|| ko "pcp silent (rc=$rc dt=$dt $(cat "$T/out" "$T/err"))"
gw_stop

# A PCP-only gateway refuses NAT-PMP in version 2: auto stays with PCP.
gw_start $G --pcp-only
run $PMPA -g $G --json map -u 7300
[ $rc -eq 0 ] && has '"protocol":"pcp"' "$T/out" && [ $dt -lt $((1000 * SLOW)) ] \
	&& ok "auto, PCP-only gateway: PCP" || ko "pcp only auto (rc=$rc $(cat "$T/out" "$T/err"))"
gw_stop

# What only PCP says: PEER (RFC 6887 section 12), PREFER_FAILURE, FILTER,
# THIRD_PARTY (refused by this gateway, as miniupnpd does by default).
gw_start $G
run $PMPA -g $G --json map -u --peer 198.51.100.20:6881 7400
gw_dump
[ $rc -eq 0 ] && has '"peer":"198.51.100.20:6881"' "$T/out" && has '"public_port":7400' "$T/out" \
    && has ": peer udp private 7400 suggested 0 lifetime 7200 -> result 0" "$T/gw.log" \
    && has '"peers":1,' "$T/gw.out" && has '"mappings":0,' "$T/gw.out" \
	&& ok "map --peer: a PEER flow, no suggestion, no inbound mapping" \
	|| ko "pcp peer (rc=$rc $(cat "$T/out" "$T/err"))"
run $PMPA -g $G map --peer '[2001:db8::5]:443' 7401
[ $rc -eq 0 ] && has "^peer tcp 203.0.113.7:7401 -> private port 7401, to \[2001:db8::5\]:443" "$T/out" \
	&& ok "map --peer [IPv6]:port: an IPv6 peer through an IPv4 NAT (NAT64 style)" \
	|| ko "pcp peer v6 (rc=$rc $(cat "$T/out" "$T/err"))"
run $PMPA -g $G map --peer 127.0.0.1:80 7402
[ $rc -eq 4 ] && has "result code 3, malformed request" "$T/err" \
	&& ok "map --peer to a loopback peer: MALFORMED_REQUEST, exit 4" || ko "pcp peer loopback (rc=$rc)"
run $PMPA -g $G map -u 7410 7500
run $PMPA -g $G map --prefer-failure 7411 7500
[ $rc -eq 0 ] && has "^mapped tcp 203.0.113.7:7500" "$T/out" \
	&& ok "--prefer-failure, port free: granted as suggested" || ko "prefer-failure ok (rc=$rc $(cat "$T/err"))"
run $PMPA -g $G map --prefer-failure 7412 7500
[ $rc -eq 4 ] && has "result code 11, cannot provide the suggested external" "$T/err" \
	&& ok "--prefer-failure, port held: CANNOT_PROVIDE_EXTERNAL, nothing else given" \
	|| ko "prefer-failure refused (rc=$rc $(cat "$T/err"))"
run $PMPA -g $G --json map --filter 198.51.100.0/24 --filter '[2001:db8::/32]:443' 7413
[ $rc -eq 0 ] && has ': map tcp private 7413' "$T/gw.log" \
	&& ok "--filter (twice, IPv4 and IPv6 prefixes): accepted" || ko "filter (rc=$rc $(cat "$T/err"))"
run $PMPA -g $G map --third-party 192.168.1.9 7414
[ $rc -eq 4 ] && has "result code 5, unsupported option" "$T/err" \
	&& ok "--third-party: refused by a gateway that does not allow it (UNSUPP_OPTION)" \
	|| ko "third party (rc=$rc $(cat "$T/err"))"
run $PMPA -g $G --protocol natpmp map --peer 198.51.100.20:1 7415
[ $rc -eq 2 ] && has "PCP's" "$T/err" && ok "--peer with --protocol natpmp: usage error, nothing sent" \
	|| ko "peer natpmp (rc=$rc)"
run $PMPA -g $G map --filter 10.0.0.0/33 7416
[ $rc -eq 2 ] && has "prefix length" "$T/err" && ok "--filter with a bad prefix: usage error" || ko "filter bad (rc=$rc)"
gw_stop

# IPv6 gateways: PCP only (NAT-PMP is IPv4's); "-g ::1" reaches ::1 port
# 5351 over IPv6 (nothing listens: port unreachable, exit 3 at once)
run $PMPA -g ::1 -t 5 map 7500
[ $rc -eq 3 ] && has "port unreachable" "$T/err" && [ $dt -lt $((2000 * SLOW)) ] \
	&& ok "-g ::1: PCP over IPv6, ICMPv6 port unreachable ends it at once (${dt} ms)" \
	|| ko "v6 loopback (rc=$rc dt=$dt $(cat "$T/err"))"
run $PMPA -g '[::1]:5351' --protocol natpmp map 7500
[ $rc -eq 2 ] && has "NAT-PMP is IPv4 only" "$T/err" \
	&& ok "--protocol natpmp toward an IPv6 gateway: usage error" || ko "natpmp v6 (rc=$rc)"
run $PMPA -g fe80::1 addr
[ $rc -eq 2 ] && has "with %interface if link-local" "$T/err" \
	&& ok "a link-local gateway without its interface: usage error" || ko "link-local no zone (rc=$rc)"
run $PMPA -6 -g 10.0.0.1 addr
[ $rc -eq 2 ] && has "not an IPv6 address" "$T/err" && ok "-6 with an IPv4 gateway: usage error" || ko "-6 v4 (rc=$rc)"

# pmp-gateway's IPv6 side (--listen6 ::1): PCP MAP opens a pinhole for
# the client's own address, reported as such; the nonce record deletes
# it; PEER and the address (the client's own: no NAT) over IPv6.
gw_start $G --listen6 ::1
run $PMPA -g ::1 map -u 7600
gw_dump
[ $rc -eq 0 ] && has "^opened udp \[::1\]:7600 (firewall pinhole, no translation), lifetime 7200 s$" "$T/out" \
    && has '"pinhole":"::1","protocol":"udp","port":7600' "$T/gw.out" && has '"pinholes":1,' "$T/gw.out" \
    && has '"mappings":0,' "$T/gw.out" \
	&& ok "IPv6 map: a firewall pinhole for [::1]:7600, said so, in the gateway's pinholes" \
	|| ko "v6 pinhole (rc=$rc $(cat "$T/out" "$T/err"))"
run $PMPA -g '[::1]:5351' --json map 7601 8601
[ $rc -eq 0 ] && has '"pinhole":true' "$T/out" && has '"public_port":7601' "$T/out" \
	&& ok "IPv6 --json map: \"pinhole\":true, the port untranslated (suggestion ignored)" \
	|| ko "v6 json (rc=$rc $(cat "$T/out" "$T/err"))"
run $PMPA -g ::1 unmap -u 7600
gw_dump
[ $rc -eq 0 ] && has '"pinholes":1,' "$T/gw.out" && ! has '"port":7600' "$T/gw.out" \
	&& ok "IPv6 unmap: the pinhole closed with the recorded nonce" \
	|| ko "v6 unmap (rc=$rc $(cat "$T/err"))"
run $PMPA -g ::1 --json addr
[ $rc -eq 0 ] && has '"public_address":"::1"' "$T/out" \
	&& ok "IPv6 addr: the host's own address (no NAT), from a pinhole opened and closed" \
	|| ko "v6 addr (rc=$rc $(cat "$T/out" "$T/err"))"
run $PMPA -g ::1 map --peer '[2001:db8::9]:443' 7602
[ $rc -eq 0 ] && has "^peer tcp \[::1\]:7602 -> private port 7602, to \[2001:db8::9\]:443" "$T/out" \
	&& ok "IPv6 PEER: the flow to [2001:db8::9]:443" || ko "v6 peer (rc=$rc $(cat "$T/out" "$T/err"))"
run $PMPA -g 127.77.0.1 map -u 7603
[ $rc -eq 0 ] && has "^mapped udp 203.0.113.7:7603" "$T/out" \
	&& ok "the same gateway on IPv4 still translates" || ko "v4 beside v6 (rc=$rc)"
gw_stop
