# pmp against pmp-gateway on loopback: sourced by run.sh.
# SPDX-License-Identifier: BSD-2-Clause

G=127.77.0.1

# ---------------------------------------------------------------- success
gw_start $G
run $PMP -g $G addr
[ $rc -eq 0 ] && has "^public address 203.0.113.7$" "$T/out" && ok "addr prints the public address" || ko "addr"

run $PMP -g $G map -u 5000
[ $rc -eq 0 ] && has "^mapped udp 203.0.113.7:5000 -> private port 5000, lifetime 7200 s$" "$T/out" \
	&& ! has "map tcp" "$T/gw.log" \
	&& has "map udp private 5000 suggested 5000 lifetime 7200" "$T/gw.log" \
	&& ok "map -u: UDP only, RFC default lifetime 7200, suggests the private port" || ko "map -u"

run $PMP -u -l 600 -g $G 6000 6001
[ $rc -eq 0 ] && has "^mapped udp 203.0.113.7:6000 -> private port 6001, lifetime 600 s$" "$T/out" \
	&& ok "seed form: -u -l 600 PUBLIC PRIVATE" || ko "seed form -u -l"

run $PMP -g $G 7000 7001
[ $rc -eq 0 ] && has "^mapped tcp 203.0.113.7:7000 -> private port 7001, lifetime 3600 s$" "$T/out" \
	&& ok "seed form defaults: TCP, 3600 s" || ko "seed form defaults"

run $PMP -g $G --json map 8080 9090
if [ $rc -eq 0 ] && python3 - "$T/out" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
o = json.loads(lines[0])
assert o["ok"] is True and o["op"] == "map" and o["transport"] == "tcp"
assert o["protocol"] == "natpmp"
assert o["public_address"] == "203.0.113.7" and o["public_port"] == 9090
assert o["private_port"] == 8080 and o["lifetime"] == 7200
assert o["gateway"] == "127.77.0.1"
EOF
then ok "--json map: one JSON object with what the gateway granted"; else ko "--json map"; fi

run $PMP -g $G --json addr
[ $rc -eq 0 ] && python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["public_address"]=="203.0.113.7"' "$T/out" \
	&& ok "--json addr" || ko "--json addr"

gw_dump
has '"protocol":"udp","private_port":5000,"public_port":5000' "$T/gw.out" && ok "mapping is in the gateway's table" || ko "table has mapping"
run $PMP -g $G unmap -u 5000
[ $rc -eq 0 ] && has "^unmapped udp private port 5000$" "$T/out" \
	&& has "unmap udp private 5000 suggested 0 -> result 0" "$T/gw.log" \
	&& ok "unmap sends lifetime 0 and suggested port 0 (RFC 6886 3.4)" || ko "unmap"
gw_dump
! has '"private_port":5000,' "$T/gw.out" && ok "unmap removed it from the table" || ko "unmap removed"

run $PMP -g $G unmap --all
[ $rc -eq 0 ] && has "^unmapped all tcp mappings$" "$T/out" \
	&& has "unmap-all tcp private 0 suggested 0 -> result 0" "$T/gw.log" \
	&& ok "unmap --all: internal port 0" || ko "unmap --all"
gw_dump
! has '"protocol":"tcp"' "$T/gw.out" && has '"protocol":"udp","private_port":6001' "$T/gw.out" \
	&& ok "unmap --all removed every TCP mapping, kept UDP" || ko "unmap --all table"

# natpmpc (miniupnp's client, Debian package) against our gateway
if command -v natpmpc >/dev/null 2>&1; then
	run natpmpc -g $G
	has "Public IP address : 203.0.113.7" "$T/out" && ok "natpmpc: public address" || ko "natpmpc address"
	run natpmpc -g $G -a 4000 4001 udp 900
	has "Mapped public port 4000 protocol UDP to local port 4001" "$T/out" && ok "natpmpc: map UDP" || ko "natpmpc map udp"
	run natpmpc -g $G -a 4000 4001 tcp 900
	has "Mapped public port 4000 protocol TCP to local port 4001" "$T/out" && ok "natpmpc: map TCP" || ko "natpmpc map tcp"
	run natpmpc -g $G -a 0 4001 udp 0
	has "lifetime 0" "$T/out" || has "liftime 0" "$T/out"
	[ $? -eq 0 ] && ok "natpmpc: delete" || ko "natpmpc delete"
else
	skip "natpmpc not installed"
fi
gw_stop

# --------------------------------------------------- what the gateway chose
gw_start $G --port-offset 7 --max-lifetime 60
run $PMP -g $G map 5000
[ $rc -eq 0 ] && has "^mapped tcp 203.0.113.7:5007 -> private port 5000, lifetime 60 s$" "$T/out" \
	&& ok "reports the port and lifetime the gateway assigned, not the ones asked" || ko "assigned port differs"
gw_stop

# ------------------------------------------------------------ result codes
for code in 1 2 3 4 5 6 255; do
	gw_start $G --result $code
	run $PMP -g $G map -u 5000
	[ $rc -eq 4 ] && has "result code $code" "$T/err" && [ "$(wc -l < "$T/out")" -eq 0 ] \
		&& ok "result code $code: exit 4 with the code" || ko "result code $code"
	gw_stop
done
gw_start $G --result 2
run $PMP -g $G --json unmap 5000
[ $rc -eq 4 ] && python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["ok"] is False and o["result_code"]==2' "$T/out" \
	&& ok "--json error carries the result code" || ko "--json error"
gw_stop

gw_start $G --zero-address
run $PMP -g $G addr
[ $rc -eq 4 ] && has "no public address" "$T/err" && ok "public address 0.0.0.0 is an error" || ko "zero address"
# #10.6: map asks for the address once, then maps; one request per step
run $PMP -g $G map -u 5000
[ $rc -eq 0 ] && [ "$(count "address ->" "$T/gw.log")" -eq 2 ] && [ "$(count ": map udp" "$T/gw.log")" -eq 1 ] \
	&& has "^mapped udp ?:5000" "$T/out" && has "reported no public address" "$T/err" \
	&& ok "map with address 0.0.0.0: one address request, one map, mapped with a warning" \
	|| ko "map after 0.0.0.0 ($(count "address ->" "$T/gw.log") address requests)"
gw_stop
# ... and when the address step gets no answer, the result is the map's
gw_start $G --silent
run $PMP -g $G -t 0.6 --json map -u 5001
[ $rc -eq 3 ] && [ $dt -lt $((1000 * SLOW)) ] && [ "$(count "address ->" "$T/gw.log")" -eq 2 ] \
	&& ! has ": map" "$T/gw.log" && has '"op":"map"' "$T/out" \
	&& ok "silent gateway: -t 0.6 bounds the whole map (${dt} ms), one address request (2 sends), no map sent" \
	|| ko "map against silence (rc=$rc dt=$dt)"
gw_stop

gw_start $G --grant-lifetime 0
run $PMP -g $G map 5000
[ $rc -eq 4 ] && has "created no mapping" "$T/err" && ok "success with lifetime 0 is 'not granted'" || ko "not granted"
gw_stop

gw_start $G -P 100.64.1.2
run $PMP -g $G map 5000
[ $rc -eq 0 ] && has "100.64.1.2:5000" "$T/out" && has "carrier-grade NAT" "$T/err" \
	&& ok "shared (CGN) public address: maps anyway and warns" || ko "double NAT warning"
gw_stop

# ------------------------------------------------ loss, delay, hostile data
gw_start $G --drop-first 3
run $PMP -g $G addr
n=$(count "address ->" "$T/gw.log")
[ $rc -eq 0 ] && [ "$n" -eq 4 ] && [ $dt -ge 1700 ] && [ $dt -lt $((2500 * SLOW)) ] \
	&& ok "three lost requests: answered on the 4th send at 1.75 s (${dt} ms)" || ko "retransmission after drops (n=$n dt=$dt)"
gw_stop

gw_start $G --delay 400 --duplicate
run $PMP -g $G map -u 5000
[ $rc -eq 0 ] && has ":5000 -> private port 5000" "$T/out" && ok "slow gateway answering twice" || ko "delay+duplicate"
gw_stop

gw_start $G --spoof
run $PMP -g $G map -u 5000
[ $rc -eq 0 ] && has "203.0.113.7:5000 ->" "$T/out" && ! has 6666 "$T/out" && ! has 6.6.6.6 "$T/out" \
	&& ok "forged answers from another address and port are ignored" || ko "spoof"
gw_stop

gw_start $G --garbage
run $PMP -g $G map -u 5000 5001
[ $rc -eq 0 ] && has "203.0.113.7:5001 -> private port 5000" "$T/out" \
	&& ok "malformed answers (short, long, wrong version/opcode/port) are ignored" || ko "garbage"
gw_stop

gw_start $G --garbage --spoof --duplicate --drop-first 1
run $PMP -g $G 7100 7000
[ $rc -eq 0 ] && has "203.0.113.7:7100 -> private port 7000" "$T/out" && ok "all hostile faults together" || ko "hostile combined"
gw_stop

# ---------------------------------------------------------------- no answer
run $PMP -g 127.77.0.9 addr
[ $rc -eq 3 ] && [ $dt -lt $((500 * SLOW)) ] && has "no port mapping service" "$T/err" \
	&& ok "port unreachable: exit 3 in ${dt} ms, not 127 s" || ko "port unreachable (rc=$rc dt=$dt)"

gw_start $G --silent
run $PMP -g $G -t 1 -v addr
[ $rc -eq 3 ] && [ $dt -ge 950 ] && [ $dt -lt $((1500 * SLOW)) ] && has "attempt 3 of 9" "$T/err" \
	&& has "before the deadline" "$T/err" && ok "silent gateway, -t 1: exit 3 after ${dt} ms" || ko "silent -t 1 (rc=$rc dt=$dt)"
run $PMP -g $G -t 1 map 5000
[ $rc -eq 3 ] && [ $dt -lt $((1500 * SLOW)) ] && ok "-t bounds the whole map command (address + map): ${dt} ms" \
	|| ko "-t bounds map (rc=$rc dt=$dt)"
if command -v script >/dev/null 2>&1; then
	run script -qec "$B/pmp --protocol natpmp -g $G -t 0.9 addr" /dev/null
	has "no answer from $G yet, attempt 3 of 9" "$T/out" && ok "progress shown on a terminal" || ko "progress on tty"
else
	skip "script(1) missing: progress on a terminal"
fi
run $PMP -g $G -t 0.9 addr
! has "attempt" "$T/err" && ok "no progress noise when stderr is not a terminal" || ko "progress off tty"
gw_stop

# ---------------------------------------------------------------- bad input
gw_start $G
for args in "map 0" "map 70000" "map -l -1 5000" "map -l abc 5000" "map -l 0 5000" \
	"map 5000 65536" "unmap" "unmap 5000 6000" "unmap -l 5 5000" "addr 1" "frobnicate" \
	"-t 0 addr" "-t x addr" "map -u --tcp 5000" "--bogus addr" "1 2 3" "70000 5" "map --all 5"; do
	run $PMP -g $G $args
	[ $rc -eq 2 ] && [ "$(wc -l < "$T/err")" -eq 1 ] && [ ! -s "$T/out" ] && ok "usage error, one line: pmp $args" \
		|| ko "usage error: pmp $args (rc=$rc)"
done
# #10.13: -t is decimal seconds only; errors name the option at fault
for t in " 5" "0x10" "1e2" "inf" "nan" "5." ".5" "+5" "-5"; do
	run $PMP -g $G -t "$t" addr
	[ $rc -eq 2 ] && has "timeout '$t' is not" "$T/err" || { ko "-t '$t' accepted (rc=$rc)"; continue; }
	ok "-t '$t': usage error"
done
run $PMP -g $G -ux addr
[ $rc -eq 2 ] && has "unknown option '-x'" "$T/err" && ok "-ux: names -x" || ko "-ux: $(cat "$T/err")"
run $PMP -ug
[ $rc -eq 2 ] && has "option '-g' needs a value" "$T/err" && ok "-ug: names -g" || ko "-ug: $(cat "$T/err")"
run $PMP -g $G --json=1 addr
[ $rc -eq 2 ] && has "option '--json' takes no value" "$T/err" && ok "--json=1: takes no value" || ko "--json=1: $(cat "$T/err")"
run $PMP -g 10.1 addr
[ $rc -eq 2 ] && has "gateway .10.1. is not an address" "$T/err" && ok "bad gateway: one clear line" || ko "bad gateway"
run $PMP -g $G gateway
[ $rc -eq 2 ] && ok "gateway lookup refuses -g" || ko "gateway -g"
[ "$(count '127.0.0.1:' "$T/gw.log")" -eq 0 ] && ok "bad input sent nothing" || ko "bad input sent nothing"
run $PMP -g $G -t 0.5 addr
[ $rc -eq 0 ] && ok "-t 0.5 accepted" || ko "-t 0.5 (rc=$rc)"
run $PMP --version
[ $rc -eq 0 ] && has "^pmp 0.2.0$" "$T/out" && ok "--version" || ko "--version"
run $PMP -h
[ $rc -eq 0 ] && has "exit status" "$T/out" && ok "-h" || ko "-h"
gw_stop

