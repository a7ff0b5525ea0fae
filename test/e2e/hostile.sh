# Hostile networks: sourced by run.sh.  Forged answers that carry the
# gateway's own address (so the kernel delivers them), a gateway that
# answers every second time.
# SPDX-License-Identifier: BSD-2-Clause

# datagrams that reached a UDP socket (kept, or dropped for a full buffer)
udp_in() { awk '/^Udp: [0-9]/ {print $2 + $6}' /proc/net/snmp; }

if [ "$(id -u)" -eq 0 ]; then
	gw_start $G --delay 1500
	$PMP -g $G map -u 5000 >"$T/out" 2>"$T/err" &
	ppid=$!
	wait_count "map udp private 5000" "$T/gw.log" 1 5
	port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\): map udp private 5000.*/\1/p' "$T/gw.log" | head -1)
	in0=$(udp_in)
	python3 "$here/forge.py" --src $G --sport 5351 --dst 127.0.0.1 --dport "${port:-1}" \
	    --count 500 --internal 5000 >/dev/null
	in1=$(udp_in)
	wait $ppid; rc=$?
	[ $rc -eq 0 ] && has "^mapped udp 203.0.113.7:5000 -> private port 5000, lifetime 7200 s$" "$T/out" \
		&& [ $((in1 - in0)) -ge 500 ] \
		&& ok "500 forged answers from the gateway's own address and port, delivered: none taken" \
		|| ko "forged flood (rc=$rc port=$port delivered=$((in1 - in0)))"
	gw_stop
else
	skip "raw sockets need root: forged answers"
fi

gw_start $G --answer-every 2
run $PMP -g $G map -u 5000
[ $rc -eq 0 ] && has "^mapped udp 203.0.113.7:5000" "$T/out" && [ "$(count 'dropped: fault' "$T/gw.log")" -eq 2 ] \
	&& ok "a gateway that answers every second time: mapped after retransmissions (${dt} ms)" \
	|| ko "answer-every 2"
gw_stop
