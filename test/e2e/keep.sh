# pmp keep and pmp watch: sourced by run.sh.  On loopback for the VPN
# recipe; in network namespaces made here for everything that needs
# multicast announcements.
# SPDX-License-Identifier: BSD-2-Clause

# kp_start ARGS...: pmp keep in the background, output in $T/keep.out
kp_start() {
	: > "$T/keep.out"
	$PMP "$@" >"$T/keep.out" 2>"$T/keep.err" &
	kppid=$!
}
# ---------------------------------------------- VPN provider, on loopback
gw_start $G --vpn --max-lifetime 4
kp_start -g $G keep --udp --tcp -l 60 --port-file "$T/port" 0
if wait_count "^mapped" "$T/keep.out" 2; then
	pu=$(sed -n 's/^mapped udp 203.0.113.7:\([0-9]*\) -> private port 0, lifetime 4 s$/\1/p' "$T/keep.out")
	pt=$(sed -n 's/^mapped tcp 203.0.113.7:\([0-9]*\) -> private port 0, lifetime 4 s$/\1/p' "$T/keep.out")
	[ -n "$pu" ] && [ "$pu" = "$pt" ] && [ "$(cat "$T/port" | tr '\n' ' ')" = "$pu $pu " ] \
		&& ok "VPN recipe: keep --udp --tcp -l 60 0 gets the provider's port $pu for both, in the port file" \
		|| ko "VPN recipe mapping (udp=$pu tcp=$pt file=$(cat "$T/port"))"
else
	ko "VPN recipe: no mapping"
fi
wait_count "^renewed" "$T/keep.out" 4 6 && ! has "^lost\|port-changed" "$T/keep.out" \
	&& ok "renewed at half the granted 4 s, port kept" || ko "VPN renewals"
# #10.3: another program of this host holds UDP 7000; stopping the keep
# of private port 0 must not send the delete of internal port 0 (which is
# "delete all") and so must leave 7000 alone
run $PMP -g $G map -u -l 3600 7000
kill -TERM $kppid; wait $kppid; rc=$?
gw_dump
[ $rc -eq 0 ] && [ "$(grep -c '^not deleted .* private port 0 (public port [0-9]*): left to expire' "$T/keep.out")" -eq 2 ] \
	&& has '"private_port":7000' "$T/gw.out" && has '"mappings":3,' "$T/gw.out" && ! has "unmap" "$T/gw.log" \
	&& [ "$(tr '\n' ' ' < "$T/port")" = "0 0 " ] \
	&& ok "SIGTERM, private port 0: no delete-all sent, the host's other mapping kept, left to expire, port file 0" \
	|| ko "keep 0 SIGTERM (rc=$rc): $(tail -2 "$T/keep.out")"
gw_stop
# ... and a refused keep of port 0 (a standard gateway) deletes nothing
gw_start $G
run $PMP -g $G map -u -l 3600 7000
kp_start -g $G keep -u 0
wait_count "^retrying" "$T/keep.out" 1
kill -TERM $kppid; wait $kppid; rc=$?
gw_dump
[ $rc -eq 0 ] && has '"private_port":7000' "$T/gw.out" && ! has "unmap" "$T/gw.log" \
	&& ok "refused keep of port 0: stop sends no delete" || ko "refused keep 0 stop (rc=$rc)"
gw_stop

# #10.5: SIGHUP ends keep like SIGTERM: deleted, port file 0, exit 0
gw_start $G
kp_start -g $G keep -u --port-file "$T/port" 5000
wait_count "^mapped" "$T/keep.out" 1
kill -HUP $kppid; wait $kppid; rc=$?
gw_dump
[ $rc -eq 0 ] && has "^deleted udp private port 5000$" "$T/keep.out" && has '"mappings":0,' "$T/gw.out" \
	&& [ "$(cat "$T/port")" = 0 ] && ok "SIGHUP: mappings deleted, port file 0, exit 0" || ko "SIGHUP (rc=$rc)"
gw_stop

# #10.4: the gateway restarts (seen from the epoch of its next answer),
# then refuses the re-creation: when the old lease runs out, one "lost",
# the hook, and the port file back to 0.  The first gateway runs 5 s so
# that the second one's epoch is clearly a restart (RFC 6886 §3.6).
gw_start $G --max-lifetime 8
sleep 5
: > "$T/hook"
kp_start -g $G keep -u --port-file "$T/port" --on-change "echo \$PMP_EVENT \$PMP_PUBLIC_PORT >> $T/hook" 5000
wait_count "^mapped" "$T/keep.out" 1
gw_stop
gw_start $G --result 2 --max-lifetime 8
if wait_count "^gateway-restarted" "$T/keep.out" 1 6 && ! has "^lost" "$T/keep.out" \
	&& wait_count "^lost" "$T/keep.out" 1 6; then
	sleep 1
	[ "$(count "^lost" "$T/keep.out")" -eq 1 ] && [ "$(cat "$T/port")" = 0 ] \
		&& wait_count "^lost 0" "$T/hook" 1 \
		&& ok "restart then refusals: one lost event when the lease ran out, hook run, port file 0" \
		|| ko "lost after restart: $(cat "$T/hook" | tr '\n' ' ') port=$(cat "$T/port")"
else
	ko "no restart, or no lost event after a restart and refusals: $(tr '\n' '|' < "$T/keep.out")"
fi
kill -TERM $kppid; wait $kppid
gw_stop

# #10.2: the port file is replaced through a fresh temporary file: a
# symlink or a FIFO at the old predictable name (PATH.PID.tmp) is never
# opened, another user's file is never overwritten; mode 0644 under umask
# 022, 0600 under 077
gw_start $G
echo precious > "$T/victim"
mkdir -p "$T/shared"
: > "$T/keep.out"
sh -c 'ln -s "$0" "$1.$$.tmp"; shift; exec "$@"' "$T/victim" "$T/shared/port" \
	$PMP -g $G keep -u --port-file "$T/shared/port" 5000 >"$T/keep.out" 2>"$T/keep.err" &
kppid=$!
wait_count "^mapped" "$T/keep.out" 1
kill -TERM $kppid; wait $kppid; rc=$?
[ $rc -eq 0 ] && [ "$(cat "$T/victim")" = precious ] && [ "$(cat "$T/shared/port")" = 0 ] \
	&& [ "$(stat -c %a "$T/shared/port")" = 644 ] \
	&& ok "port file: a symlink at the old temporary name is not followed; mode 644" \
	|| ko "port file symlink (rc=$rc victim=$(cat "$T/victim"))"
rm -f "$T/shared"/*
: > "$T/keep.out"
(umask 077; exec sh -c 'mkfifo "$0.$$.tmp"; exec "$@"' "$T/shared/port" \
	$PMP -g $G keep -u --port-file "$T/shared/port" 5000 >"$T/keep.out" 2>"$T/keep.err") &
kppid=$!
if wait_count "^mapped" "$T/keep.out" 1 && [ "$(cat "$T/shared/port" 2>/dev/null)" = 5000 ]; then
	kill -TERM $kppid; wait $kppid; rc=$?
	[ $rc -eq 0 ] && [ "$(stat -c %a "$T/shared/port")" = 600 ] && [ -z "$(find "$T/shared" -name 'port.??????')" ] \
		&& ok "port file: a FIFO at the old temporary name does not block; mode 600 under umask 077; no temporary left" \
		|| ko "port file FIFO (rc=$rc mode=$(stat -c %a "$T/shared/port"))"
else
	ko "port file FIFO: blocked"
	kill -KILL $kppid 2>/dev/null
fi
rm -rf "$T/shared"

# #10.11: hooks run one at a time, in event order, and a slow one is
# stopped after --hook-timeout
kp_start -g $G keep -u --tcp --on-change "echo start \$PMP_PROTOCOL \$PMP_PRIVATE_PORT >> $T/hook; sleep 0.3; echo end >> $T/hook" 5001 5002
: > "$T/hook"
wait_count "^end" "$T/hook" 4 8
want=$(sed -n 's/^mapped \([a-z]*\) .* private port \([0-9]*\),.*/start \1 \2/p' "$T/keep.out" | sed 's/$/|end/' | tr '\n' '|')
got=$(tr '\n' '|' < "$T/hook")
[ "$got" = "$(echo "$want" | tr -s '|')" ] && [ "$(count "^start" "$T/hook")" -eq 4 ] \
	&& ok "--on-change: 4 runs, one at a time, in the order of the events" || ko "hook order: $got / $want"
kill -TERM $kppid; wait $kppid
gw_stop
gw_start $G
: > "$T/hook"
t0=$(ms)
kp_start -g $G keep -u --hook-timeout 1 --on-change "echo \$PMP_PRIVATE_PORT >> $T/hook; exec sleep 30" 5003 5004
wait_count "^5004" "$T/hook" 1 4
dt=$(($(ms) - t0))
[ "$(cat "$T/hook" | tr '\n' ' ')" = "5003 5004 " ] && [ $dt -ge 900 ] && [ $dt -lt $((3000 * SLOW)) ] \
	&& wait_count "still running after 1.0 s: stopped" "$T/keep.err" 1 \
	&& ok "--hook-timeout 1: a run that hangs is stopped, the next starts (${dt} ms)" \
	|| ko "hook timeout ($(cat "$T/hook" | tr '\n' ' ') dt=$dt)"
kill -TERM $kppid; wait $kppid
gw_stop

# the gateway is gone when we stop: a bounded wait, still exit 0
gw_start $G
kp_start -g $G keep 7000
wait_count "^mapped" "$T/keep.out" 1
gw_stop
t0=$(ms); kill -TERM $kppid; wait $kppid; rc=$?; dt=$(($(ms) - t0))
[ $rc -eq 0 ] && [ $dt -lt 4500 ] && ok "SIGTERM with the gateway gone: exit 0 after ${dt} ms" || ko "bounded exit (rc=$rc dt=$dt)"

# ... or silent (stopped): the deletes give up after 3 s
gw_start $G
kp_start -g $G keep 7000
wait_count "^mapped" "$T/keep.out" 1
kill -STOP $gwpid
t0=$(ms); kill -TERM $kppid; wait $kppid; rc=$?; dt=$(($(ms) - t0))
kill -CONT $gwpid
gw_stop
[ $rc -eq 0 ] && [ $dt -ge 2900 ] && [ $dt -lt $((4500 * SLOW)) ] \
	&& ok "SIGTERM with a silent gateway: exit 0 after ${dt} ms (bounded)" || ko "bounded exit, silent (rc=$rc dt=$dt)"

# #10.8: every descriptor pmp makes is close-on-exec from its creation
# (a fork and exec in another thread cannot inherit it): seen with strace
# on a blocking map (socket, wake pipe) and a keep (listeners, signal
# pipe, timer, port file), whose hook stops it.
if command -v strace >/dev/null 2>&1; then
	gw_start $G
	strace -qq -e trace=socket,pipe,pipe2,timerfd_create,openat -o "$T/st1" "$B/pmp" -g $G map 5000 >/dev/null 2>&1
	strace -qq -e trace=socket,pipe,pipe2,timerfd_create,openat -o "$T/st2" "$B/pmp" -g $G keep -u \
	    --port-file "$T/port" --on-change 'kill -TERM $PPID' 5000 >/dev/null 2>&1
	cat "$T/st1" "$T/st2" > "$T/st"
	bad=$(grep -E '^(socket|pipe2?|timerfd_create)\(' "$T/st" | grep -vE 'SOCK_CLOEXEC|O_CLOEXEC|TFD_CLOEXEC')
	bad="$bad$(grep -F "$T/port." "$T/st" | grep -v O_CLOEXEC)"
	[ -z "$bad" ] && [ "$(grep -c '^socket(' "$T/st")" -ge 3 ] && grep -q '^pipe2(' "$T/st1" && grep -q '^pipe2(' "$T/st2" \
		&& grep -q "^openat(.*$T/port\." "$T/st2" \
		&& ok "sockets, pipes, timer and port file are close-on-exec from creation" \
		|| ko "close-on-exec: ${bad:-missing calls} $(grep -E '^(socket|pipe)' "$T/st" | head -5)"
	gw_stop
else
	skip "strace not installed: close-on-exec check"
fi

run $PMP -g $G keep --port-file "$T/port" --json
[ $rc -eq 2 ] && ok "keep without a mapping: usage error" || ko "keep usage"
run $PMP -g $G --port-file /tmp/x addr
[ $rc -eq 2 ] && ok "--port-file outside keep: usage error" || ko "port-file usage"

# ------------------------------------------------- in network namespaces
K_GW=pmp-e2e-kgw-$$
K_LAN=pmp-e2e-klan-$$
if [ "$(id -u)" -eq 0 ] && ip netns add "$K_GW" 2>/dev/null; then
	NS_EXTRA="$K_GW $K_LAN"
	lan_join "$K_GW" "$K_LAN" 10.77.8
	ip -n "$K_GW" addr add 10.77.8.3/24 dev gw0	# a rogue neighbour
	kgw_start() {
		: > "$T/gw.log"
		ip netns exec "$K_GW" $GWD -l 10.77.8.1 -P 198.51.100.2 --next-public 198.51.100.77 \
		    --max-lifetime 10 --log "$@" >"$T/gw.out" 2>"$T/gw.log" &
		gwpid=$!
		i=0; while ! grep -q listening "$T/gw.log"; do i=$((i+1)); [ $i -gt 200 ] && break; sleep 0.02; done
	}
	kgw_start
	: > "$T/hook"
	ip netns exec "$K_LAN" $PMP watch >"$T/watch.out" 2>&1 &
	wpid=$!
	kp_start_ns() {
		: > "$T/keep.out"
		ip netns exec "$K_LAN" $PMP "$@" >"$T/keep.out" 2>"$T/keep.err" &
		kppid=$!
	}
	kp_start_ns keep -u --tcp -l 3600 --port-file "$T/port" \
	    --on-change "echo \$PMP_EVENT \$PMP_PROTOCOL \$PMP_PRIVATE_PORT \$PMP_PUBLIC_PORT \$PMP_PUBLIC_ADDRESS >> $T/hook" \
	    5000 6000:6100
	wait_count "^mapped" "$T/keep.out" 4 && [ "$(tr '\n' ' ' < "$T/port")" = "5000 5000 6100 6100 " ] \
		&& ok "keep without -g: 4 mappings (2 ports x UDP, TCP), port file written" \
		|| ko "keep start ($(tr '\n' ' ' < "$T/port"))"
	wait_count "^mapped" "$T/hook" 4 && ok "--on-change ran for each mapping" || ko "on-change hook"

	# a gateway reboot: table lost, epoch 0, announced by multicast.  A
	# few seconds in, so that an epoch of 0 is beyond the 2 s slack of
	# the RFC 6886 §3.6 rule.
	sleep 4
	t0=$(ms)
	kill -HUP $gwpid
	if wait_count "^restored" "$T/keep.out" 4 8; then
		dt=$(($(ms) - t0))
		gw_dump
		[ $dt -le $((6500 * SLOW)) ] && has '"mappings":4,' "$T/gw.out" && has "^gateway-restarted" "$T/keep.out" \
			&& ok "gateway reboot: all 4 mappings restored ${dt} ms after it (RFC 0-5 s + 1 s)" \
			|| ko "reboot restore (dt=$dt)"
		echo "    measured: reboot -> all restored in ${dt} ms" >&2
	else
		ko "reboot: not restored"
	fi
	has "^announcement public address 198.51.100.2, epoch 0$" "$T/watch.out" \
		&& ok "pmp watch prints the gateway's announcements" || ko "watch"

	# forged announcements from a neighbour are ignored (A-14)
	ip netns exec "$K_GW" python3 "$here/announce.py" --from 10.77.8.3 --address 6.6.6.6
	sleep 0.5
	! has "6.6.6.6" "$T/watch.out" && ! has "6.6.6.6" "$T/keep.out" \
		&& ok "an announcement from another host is ignored" || ko "rogue announcement"

	# the epoch in announcements from the gateway's address: a jump
	# forward is no restart; a fall far below 7/8 of the time is (§3.6).
	# The forward jump is judged on what pmp watch makes of that very
	# packet: the gateway's own later packets, with their true lower
	# epoch, then rightly look like a restart.
	sleep 3
	n0=$(grep -c "^gateway-restarted" "$T/keep.out")
	ip netns exec "$K_GW" python3 "$here/announce.py" --from 10.77.8.1 --sport 0 \
	    --epoch 100000 --address 198.51.100.2
	wait_count "epoch 100000$" "$T/watch.out" 1 2
	after=$(awk '/epoch 100000$/ {if ((getline n) > 0) print n}' "$T/watch.out")
	has "epoch 100000$" "$T/watch.out" && case "$after" in gateway-restarted*) false ;; *) true ;; esac \
		&& ok "announced epoch jumping forward: no restart" || ko "epoch forward ($after)"
	ip netns exec "$K_GW" python3 "$here/announce.py" --from 10.77.8.1 --sport 0 \
	    --epoch 3 --address 198.51.100.2
	n1=$(grep -c "^restored" "$T/keep.out")
	wait_count "^gateway-restarted" "$T/keep.out" $((n0 + 1)) 2 \
		&& wait_count "^restored" "$T/keep.out" $((n1 + 4)) 7 \
		&& ok "announced epoch falling back: restart, all 4 re-created" || ko "epoch backwards"

	# a public address change: reported, hook run, port file rewritten
	before=$(stat -c %Y.%N "$T/port" 2>/dev/null || echo 0)
	sleep 1.1
	kill -USR2 $gwpid
	wait_count "^address-changed 198.51.100.77 (was 198.51.100.2)$" "$T/keep.out" 1 \
		&& wait_count "^address-changed 0 0 198.51.100.77$" "$T/hook" 1 \
		&& [ "$(stat -c %Y.%N "$T/port")" != "$before" ] \
		&& ok "address change: reported, hook run, port file rewritten" \
		|| ko "address change ($(tail -2 "$T/hook"))"
	wait_count "^restored.*198.51.100.77" "$T/keep.out" 4 \
		&& ok "address change: every mapping re-checked under the new address" || ko "re-check after address change"

	# the gateway disappears for 30 s and comes back
	gw_stop
	sleep 30
	n0=$(grep -c "^restored" "$T/keep.out")
	kgw_start
	t0=$(ms)
	if wait_count "^restored" "$T/keep.out" $((n0 + 4)) 10; then
		dt=$(($(ms) - t0))
		gw_dump
		has '"mappings":4,' "$T/gw.out" && has "^retrying" "$T/keep.out" \
			&& ok "gateway gone 30 s: retried meanwhile, all 4 back ${dt} ms after it returned" \
			|| ko "gateway back (dt=$dt)"
	else
		ko "gateway back: not restored"
	fi

	# SIGTERM: every mapping deleted, gateway table empty, exit 0
	kill -TERM $kppid; wait $kppid; rc=$?
	gw_dump
	[ $rc -eq 0 ] && has '"mappings":0,' "$T/gw.out" && [ "$(grep -c '^deleted' "$T/keep.out")" -eq 4 ] \
		&& ok "SIGTERM: all deleted on the gateway, exit 0" || ko "keep SIGTERM in netns (rc=$rc)"
	kill -TERM $wpid; wait $wpid
	[ $? -eq 0 ] && ok "watch stops on SIGTERM with exit 0" || ko "watch exit"
	gw_stop
	ip netns del "$K_GW"
	ip netns del "$K_LAN"
	NS_EXTRA=
else
	skip "network namespaces need root: keep with announcements"
fi
