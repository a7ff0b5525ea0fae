# pmp-gateway's own behaviour and faults on loopback: sourced by run.sh.
# SPDX-License-Identifier: BSD-2-Clause

L=127.77.0.50	# where the announcement listener binds
UDP="python3 $here/udp.py"

# ---------------------------------------- announcements, reboot, address change
python3 "$here/listen.py" --bind $L --count 4 --timeout 15 >"$T/ann" 2>&1 &
lpid=$!
wait_lines "$T/ann" 1
gw_start $G --announce-count 2 --announce-to $L --next-public 198.51.100.77
wait_lines "$T/ann" 3
sleep 2.1
run $PMP -g $G map -u 5000
gw_dump
has '"mappings":1,' "$T/gw.out" && has '"epoch":2,' "$T/gw.out" && ok "gateway epoch counts seconds since start" || ko "epoch counts"
kill -HUP $gwpid
wait_lines "$T/ann" 5
wait $lpid
gw_dump
if has '"mappings":0,' "$T/gw.out" && has '"epoch":0,' "$T/gw.out" \
	&& python3 - "$T/ann" <<'PY'
import sys
lines = [l.split() for l in open(sys.argv[1]) if l[0].isdigit()]
assert len(lines) == 4, lines
t = [float(l[0]) for l in lines]
for l in lines:
    assert l[1] == "127.77.0.1" and l[2] == "5351", l   # from the gateway
    assert l[3][:8] == "00800000" and l[3][16:] == "cb007107", l
assert abs(t[1] - 0.25) < 0.15, t                      # 250 ms apart
assert int(lines[2][3][8:16], 16) == 0, lines[2]       # epoch reset
assert t[2] > 2.0
PY
then ok "announces at start (0, 0.25 s) and after SIGHUP reboot: table cleared, epoch 0"
else ko "announcements and reboot"; cat "$T/ann"; fi

python3 "$here/listen.py" --bind $L --count 1 --timeout 5 >"$T/ann" 2>&1 &
lpid=$!
wait_lines "$T/ann" 1
kill -USR2 $gwpid
wait $lpid
run $PMP -g $G addr
has "c6336" "$T/ann" && has "^public address 198.51.100.77$" "$T/out" \
	&& ok "SIGUSR2: public address changed and announced" || ko "address change"
gw_stop

gw_start $G --change-address-after 1 --next-public 198.51.100.9 --reboot-after 1
run $PMP -g $G map 5000
sleep 1.2
gw_dump
run $PMP -g $G -v addr
has "^public address 198.51.100.9$" "$T/out" && has "epoch [01] s" "$T/out" && has '"mappings":0,' "$T/gw.out" \
	&& ok "--reboot-after and --change-address-after" || ko "timed reboot/change"
gw_stop

# ------------------------------------------------------------------ faults
gw_start $G --drop-rate 0.5 --seed 7
fails=0
for p in 1 2 3 4 5; do
	run $PMP -g $G map -u $((5000 + p))
	[ $rc -eq 0 ] || fails=$((fails + 1))
done
d=$(count "dropped: fault" "$T/gw.log")
[ $fails -eq 0 ] && [ "$d" -ge 2 ] && ok "half the requests lost (seeded): all 5 mappings still made ($d drops)" \
	|| ko "drop-rate (fails=$fails drops=$d)"
gw_stop

gw_start $G --truncate 8
run $PMP -g $G -t 1 map 5000
[ $rc -eq 3 ] && ok "truncated answers are not taken" || ko "truncate"
gw_stop

for w in address port; do
	gw_start $G --wrong-source $w
	run $PMP -g $G -t 0.6 addr
	[ $rc -eq 3 ] && ok "answers only from a wrong $w: not taken" || ko "wrong source $w"
	gw_stop
done

gw_start $G --silent-after 2
run $PMP -g $G map 5000
rc1=$rc
run $PMP -g $G -t 0.6 addr
[ $rc1 -eq 0 ] && [ $rc -eq 3 ] && ok "--silent-after: stops answering" || ko "silent-after"
gw_stop

# PCP (RFC 6887) on the same port: a gateway of both tells them apart by
# the version byte (App. A); MAP answers name the external address
PCPMAP=020100000000003c00000000000000000000ffff7f000001aaaaaaaaaaaaaaaaaaaaaaaa110000001388138800000000000000000000ffff00000000
gw_start $G -P 203.0.113.9
run $UDP $G $PCPMAP 0000 --bind 127.0.0.1
a=$(awk 'NR == 1 {print $3}' "$T/out")
b=$(awk 'NR == 2 {print substr($3, 1, 8)}' "$T/out")
case "$a" in 028100000000003c*aaaaaaaaaaaaaaaaaaaaaaaa1100000013881388*ffffcb007109) pcp_ok=1 ;; *) pcp_ok=0 ;; esac
[ $pcp_ok = 1 ] && [ "$b" = "00800000" ] \
	&& ok "PCP MAP answered with port 5000 and 203.0.113.9 beside NAT-PMP on one port" \
	|| ko "PCP MAP ($(cat "$T/out"))"
gw_stop
gw_start $G --pcp-only
run $UDP $G 0000 --bind 127.0.0.1
[ "$(awk '{print substr($3, 1, 8)}' "$T/out")" = "02800001" ] \
	&& ok "--pcp-only: NAT-PMP gets PCP's unsupported version (version 2)" \
	|| ko "pcp-only ($(cat "$T/out"))"
gw_stop
gw_start $G --natpmp-only
run $UDP $G $PCPMAP --bind 127.0.0.1
[ "$(awk '{print $3}' "$T/out")" = "0080000100000000" ] \
	&& ok "--natpmp-only: PCP gets NAT-PMP's 8-byte unsupported version" \
	|| ko "natpmp-only ($(cat "$T/out"))"
gw_stop

# byte-exact error answers (RFC 6886 §3, §3.5; D-1, D-2)
gw_start $G
run $UDP $G 0100 0003 0081 00
[ "$(awk '{print $3}' "$T/out" | tr '\n' ' ')" = "0080000100000000 0083000500000000 " ] \
	&& has "^127.77.0.1 5351 " "$T/out" \
	&& ok "version 1: 8-byte result 1 (op 128); opcode 3: result 5; response and 1-byte packets dropped" \
	|| ko "error answers"
gw_stop
# (NAT-PMP's forms: version 2 would be PCP's on a gateway of both)
gw_start $G --natpmp-only --version-reply op --opcode-reply echo
run $UDP $G 0201 000700001122334455667788
[ "$(awk '{print $3}' "$T/out" | tr '\n' ' ')" = "0081000100000000 008700051122334455667788 " ] \
	&& ok "--version-reply op (128 + opcode) and --opcode-reply echo" || ko "reply forms: $(cat "$T/out")"
gw_stop

# #10.1: one datagram must not crash the gateway.  An unsupported opcode
# echoed at full length (1100 bytes) used to be copied into a 16-byte
# buffer for the forged copies.  Every fault that builds datagrams is on.
gw_start $G --spoof --garbage --duplicate --opcode-reply echo --version-reply op
big=03$(printf "%02x" $(seq 1 1099) | cut -c1-2196)	# 1099 bytes
run $UDP $G "00$big" "05$big" 0003
sleep 0.2
if kill -0 "$gwpid" 2>/dev/null; then
	run $UDP $G 0000
	has "^127.77.0.1 5351 0080000000" "$T/out" \
		&& ok "1100-byte bad-opcode request with --spoof --garbage and echo: gateway alive, still answers" \
		|| ko "gateway after a long request: $(cat "$T/out")"
else
	ko "gateway died on a 1100-byte request (--spoof, --opcode-reply echo)"
	gwpid=
fi
gw_stop

# --log-json: every line one JSON object
gw_start $G --log-json
run $PMP -g $G map 5000
kill -TERM $gwpid; wait $gwpid; gwpid=
python3 - "$T/gw.log" <<'PY' && ok "--log-json: JSON lines with timestamps" || ko "log-json"
import json, sys
lines = open(sys.argv[1]).read().splitlines()[1:]   # after the banner
evs = [json.loads(l) for l in lines]
assert any(e["event"] == "map" and e["private_port"] == 5000 and e["result"] == 0 for e in evs), evs
assert all("t" in e for e in evs)
PY

# VPN-provider mode, driven the way ProtonVPN users drive it
if command -v natpmpc >/dev/null 2>&1; then
	gw_start $G --vpn
	run natpmpc -g $G -a 1 0 udp 60
	pu=$(sed -n 's/.*Mapped public port \([0-9]*\) protocol UDP to local port 0 .*60.*/\1/p' "$T/out")
	run natpmpc -g $G -a 1 0 tcp 60
	pt=$(sed -n 's/.*Mapped public port \([0-9]*\) protocol TCP to local port 0 .*/\1/p' "$T/out")
	run natpmpc -g $G -a 1 0 udp 3600
	pr=$(sed -n 's/.*Mapped public port \([0-9]*\) protocol UDP to local port 0 .*60$/\1/p' "$T/out")
	[ -n "$pu" ] && [ "$pu" != 1 ] && [ "$pu" = "$pt" ] && [ "$pu" = "$pr" ] \
		&& ok "--vpn: natpmpc -a 1 0 gets port $pu for UDP and TCP, 60 s whatever is asked" \
		|| ko "vpn mode (udp=$pu tcp=$pt renew=$pr)"
	gw_stop
else
	skip "natpmpc not installed: VPN mode"
fi
