# PCP (RFC 6887) from the pmp command to pmp-gateway on loopback:
# --protocol pcp maps in one round trip with the external address in the
# answer, refusals name PCP's result codes, --protocol auto falls back to
# NAT-PMP on a NAT-PMP-only gateway at once, and pmp keep renews and
# deletes with its mapping's nonce.  Sourced by run.sh.
# SPDX-License-Identifier: BSD-2-Clause

gw_start $G
run $PMP -g $G --protocol pcp --json map -u -l 600 5000
gw_dump
[ $rc -eq 0 ] && has '"method":"pcp"' "$T/out" && has '"public_address":"203.0.113.7"' "$T/out" \
    && has '"public_port":5000' "$T/out" && [ "$(count ": map udp" "$T/gw.log")" -eq 1 ] \
    && [ "$(count "address ->" "$T/gw.log")" -eq 0 ] && has '"mappings":1,' "$T/gw.out" \
	&& ok "--protocol pcp: mapped in one round trip, the address from the MAP answer" \
	|| ko "pcp map (rc=$rc $(cat "$T/out" "$T/err"))"
gw_stop

gw_start $G --result 8
run $PMP -g $G --protocol pcp --json map -u 5000
[ $rc -eq 4 ] && has '"result_code":8' "$T/out" && has '"method":"pcp"' "$T/out" \
    && has '"result":"no resources' "$T/out" && has "refused (PCP): result code 8, no resources" "$T/err" \
	&& ok "PCP refusal: exit 4, PCP's result code and its text (not NAT-PMP's 8)" \
	|| ko "pcp refusal (rc=$rc $(cat "$T/out" "$T/err"))"
gw_stop

gw_start $G --natpmp-only
run $PMP -g $G --protocol auto --json map -u 5001
gw_dump
[ $rc -eq 0 ] && has '"method":"natpmp"' "$T/out" && has '"public_address":"203.0.113.7"' "$T/out" \
    && [ "$(count "version 2 -> result 1" "$T/gw.log")" -eq 1 ] && [ $dt -lt $((2000 * SLOW)) ] \
	&& ok "--protocol auto, NAT-PMP-only gateway: one PCP request, then NAT-PMP at once (${dt} ms)" \
	|| ko "auto fallback (rc=$rc dt=$dt $(cat "$T/out" "$T/err"); $(grep -c . "$T/gw.log"))"
run $PMP -g $G --protocol pcp map -u 5002
[ $rc -eq 4 ] && has "unsupported version" "$T/err" \
	&& ok "--protocol pcp, NAT-PMP-only gateway: refused as unsupported version, no fall back" \
	|| ko "pcp only on natpmp-only (rc=$rc $(cat "$T/err"))"
gw_stop

# pmp keep over PCP: renewed within [1/2, 5/8] of 4 s with the same nonce
# (the gateway refuses another), deleted with it on SIGTERM
gw_start $G --max-lifetime 4
: > "$T/keep.out"
$PMP -g $G --protocol pcp keep -u 6000 >"$T/keep.out" 2>"$T/keep.err" &
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
