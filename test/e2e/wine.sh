#!/bin/sh
# pmp.exe, the Windows build of the command, under Wine against the Linux
# pmp-gateway on loopback (127.79.0.0/24): through Wine's Winsock, the
# Windows system layer (io/win_*.c, tools/os_win.c) end to end.  Each JSON
# answer is compared with the Linux pmp's for the same request.
#
#   sh test/e2e/wine.sh           (make check-windows runs it)
#
# SPDX-License-Identifier: BSD-2-Clause
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
B="$top/${PMP_BUILD:-build}"
WB="$top/${PMP_WIN_BUILD:-build-win}"
T=$(mktemp -d "${TMPDIR:-/tmp}/pmp-wine.XXXXXX")
G=127.79.0.1
gwpid=
kp=
WINEPREFIX="$WB/wine"
WINEDEBUG=-all
export WINEPREFIX WINEDEBUG
# PCP nonces that one-shot maps record: Linux's in a directory of this
# run's own; pmp.exe's in the Wine prefix's %LOCALAPPDATA%\pmp
mkdir -m 700 "$T/xdg"
XDG_RUNTIME_DIR="$T/xdg"
export XDG_RUNTIME_DIR
WINEPATH_T=$(echo "Z:$T" | tr / '\\')
WINE="${WINE:-wine}"
EXE="$WINE $WB/pmp.exe"

NS_GW=pmp-wine-gw-$$
NS_LAN=pmp-wine-lan-$$
cleanup() {
	[ -n "$kp" ] && kill "$kp" 2>/dev/null
	[ -n "$gwpid" ] && kill "$gwpid" 2>/dev/null
	# Wine's servers end with their prefix's last process; wait for them,
	# lest one write into what is being removed
	for p in "$T/prefix" "$WB/wine"; do
		[ -d "$p" ] && WINEPREFIX="$p" wineserver -k 2>/dev/null
	done
	for ns in $NS_LAN $NS_GW; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

. "$top/test/lib.sh"
KO_SHOW="$T/out $T/err"

gw_start() {
	: > "$T/gw.log"
	"$B/pmp-gateway" -l $G --log "$@" >"$T/gw.out" 2>"$T/gw.log" &
	gwpid=$!
	i=0; while ! grep -q listening "$T/gw.log" && [ $i -lt 200 ]; do
		i=$((i + 1)); sleep 0.02; done
}
gw_stop() { [ -n "$gwpid" ] && kill "$gwpid" 2>/dev/null; wait "$gwpid" 2>/dev/null; gwpid=; }
run() {
	t0=$(ms)
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	dt=$(($(ms) - t0))
	tr -d '\r' < "$T/out" > "$T/out.n" && mv "$T/out.n" "$T/out"
}
# The JSON without the values that differ between two runs by nature
# (the gateway's epoch, the time taken).
plain() { sed -e 's/"epoch":[0-9]*/"epoch":E/' -e 's/"ms":[0-9]*/"ms":M/g' "$1"; }

if [ ! -x "$WB/pmp.exe" ] || ! command -v "$WINE" >/dev/null; then
	skip "pmp.exe under Wine: build it (make windows) and install Wine (sh test/deps.sh)"
	summary wine-e2e
	exit $?
fi
# (the prefix is made on the first run: not timed)
$WINE "$WB/pmp.exe" --version >/dev/null 2>&1

gw_start --upnp
run $EXE -g $G addr
[ $rc -eq 0 ] && has "^public address 203.0.113.7$" "$T/out" \
	&& ok "pmp.exe addr through Wine's Winsock (${dt} ms)" || ko "addr ($rc)"
# each asked by pmp.exe then by pmp (a mapping deleted by its own maker:
# a PCP mapping belongs to the nonce that made it)
same_json() {	# ARGS [UNDO-ARGS]
	run $EXE -g $G $1
	plain "$T/out" > "$T/win.json"
	wrc=$rc
	[ -n "${2:-}" ] && $EXE -g $G $2 >/dev/null 2>&1
	run "$B/pmp" -g $G $1
	plain "$T/out" > "$T/linux.json"
	[ -n "${2:-}" ] && "$B/pmp" -g $G $2 >/dev/null 2>&1
	[ $wrc -eq 0 ] && [ $rc -eq 0 ] && [ -s "$T/win.json" ] && cmp -s "$T/win.json" "$T/linux.json" \
		&& ok "pmp.exe $1: the same JSON as Linux's pmp" \
		|| ko "json $1 ($wrc $rc: $(cat "$T/win.json") vs $(cat "$T/linux.json"))"
}
same_json "--json addr"
same_json "--json map -u 6700" "unmap -u 6700"
same_json "--json unmap -u 6700"
same_json "--json --protocol natpmp map 6701" "--protocol natpmp unmap 6701"
same_json "--json --protocol upnp map -u 6702" "--protocol upnp unmap -u 6702"
# a PCP mapping made by one process and deleted by another: the nonce
# record in %LOCALAPPDATA%\pmp, under its lock
run $EXE -g $G map -u 6703
run $EXE -g $G unmap -u 6703
[ $rc -eq 0 ] && has "unmap udp private 6703 .* result 0" "$T/gw.log" \
    && ls "$WINEPREFIX"/drive_c/users/*/AppData/Local/pmp/nonces >/dev/null 2>&1 \
	&& ok "PCP: unmap by another pmp.exe, with the nonce recorded in %LOCALAPPDATA%\\pmp (the gateway took it)" \
	|| ko "nonce record ($rc $(grep 6703 "$T/gw.log"))"
run $EXE -g $G probe
[ $rc -eq 0 ] && has "^PCP       yes" "$T/out" && has "^UPnP-IGD  yes" "$T/out" \
	&& ok "pmp.exe probe: PCP, NAT-PMP and UPnP-IGD asked at once" || ko "probe ($rc)"
gw_stop

gw_start
# (Wine reports the ICMP error from a later send on: here NAT-PMP's,
# resent after 250 ms; PCP's first resend comes after 3 s)
run $EXE -g 127.79.0.9 --protocol natpmp addr
[ $rc -eq 3 ] && has "ICMP port unreachable" "$T/err" && [ $dt -lt 2000 ] \
	&& ok "nothing listening: the ICMP port unreachable seen (WSAPoll, SO_ERROR), exit 3 (${dt} ms)" \
	|| ko "refused ($rc $dt)"
# auto: PCP and NAT-PMP refused at once, the UPnP-IGD search (no error
# queue on Windows) until its window ends
run $EXE -g 127.79.0.9 addr
[ $rc -eq 3 ] && [ $dt -lt 6500 ] \
	&& ok "nothing listening, auto: exit 3 when the SSDP search window ends (${dt} ms; Linux: at once)" \
	|| ko "refused auto ($rc $dt)"

# keep: renewals, the port file, --on-change through cmd.exe with the
# PMP_* environment, Ctrl-C (Wine turns SIGINT into CTRL_C_EVENT)
$EXE -g $G --json keep -l 4 --port-file "$WINEPATH_T\\ports" \
    --on-change "echo %PMP_EVENT% %PMP_PROTOCOL% %PMP_PUBLIC_PORT% %PMP_PUBLIC_ADDRESS%>> $WINEPATH_T\\hook.out" \
    -u 6710 >"$T/keep.out" 2>"$T/keep.err" &
kp=$!
wait_count '"event":"renewed"' "$T/keep.out" 1 8
port_while=$(cat "$T/ports" 2>/dev/null)
kill -USR2 $gwpid	# the gateway's address changes: a second run
wait_count "^address-changed" "$T/hook.out" 1 5
t0=$(ms)
kill -INT $kp
i=0; while kill -0 $kp 2>/dev/null && [ $i -lt 250 ]; do i=$((i + 1)); sleep 0.02; done
wait $kp; rc=$?
dt=$(($(ms) - t0))
kp=
tr -d '\r' < "$T/keep.out" > "$T/out"
has '"event":"mapped","protocol":"pcp","transport":"udp","private_port":6710,"public_port":6710,"lifetime":4' "$T/out" \
    && has '"event":"renewed"' "$T/out" \
	&& ok "pmp.exe keep: mapped, renewed at half the lease" || ko "keep ($(cat "$T/keep.out" "$T/keep.err"))"
[ "$port_while" = 6710 ] && [ "$(cat "$T/ports" 2>/dev/null)" = 0 ] \
	&& ok "--port-file: 6710 while kept, 0 after (replaced by MoveFileEx)" || ko "port file ($port_while)"
has "^mapped udp 6710 203.0.113.7" "$T/hook.out" && [ "$(sed -n 2p "$T/hook.out" | cut -d' ' -f1)" = address-changed ] \
	&& ok "--on-change through cmd.exe, the PMP_* variables set, runs in order (no SIGCHLD: looked for)" \
	|| ko "hook ($(cat "$T/hook.out" 2>/dev/null))"
[ $rc -eq 0 ] && has '"event":"deleted"' "$T/out" && has "unmap udp private 6710 .* result 0" "$T/gw.log" \
	&& ok "Ctrl-C: the mapping deleted, exit 0 (${dt} ms)" || ko "ctrl-c ($rc $(tail -2 "$T/out"))"
# a port file that cannot be written: said in Windows' own words
# (FormatMessage), the mapping kept all the same
$EXE -g $G keep --port-file 'Z:\nonexistent-pmp-dir\ports' -u 6711 >"$T/keep.out" 2>"$T/keep.err" &
kp=$!
wait_lines "$T/keep.out" 1
kill -INT $kp; wait $kp; rc=$?
kp=
# (Wine's text for ERROR_PATH_NOT_FOUND, Windows': "The system cannot
# find the path specified"; strerror's would be "No such file...")
grep -q "^pmp: Z:.*ports: \(Path not found\|The system cannot find the path\)" "$T/keep.err" && [ $rc -eq 0 ] \
	&& ok "an unwritable --port-file: the system's message (FormatMessage), the mapping kept" \
	|| ko "port file error ($rc $(cat "$T/keep.err"))"
gw_stop

# a LAN of our own (two namespaces, a veth pair): discovery without -g
# (GetBestRoute2, or GetBestRoute in Wine) and the gateway's multicast
# announcements heard by pmp.exe watch (224.0.0.1 joined on the LAN
# interface).  Wine's server makes the sockets: a copy of the prefix of
# the namespace's own, so that its server starts there.
if [ "$(id -u)" -eq 0 ] && ip netns add "$NS_GW" 2>/dev/null; then
	lan_join "$NS_GW" "$NS_LAN" 10.79.9
	# (copied once its server has ended and written the registry out:
	# a copy taken meanwhile may hold half of it)
	wineserver -w
	cp -r "$WINEPREFIX" "$T/prefix"
	WINEPREFIX="$T/prefix"
	# a first look, not judged: the first in a new Wine server may meet
	# Wine's network service still starting (once in CI: "system call
	# failed"; never reproduced)
	ip netns exec "$NS_LAN" $EXE gateway >/dev/null 2>&1
	run ip netns exec "$NS_LAN" $EXE gateway
	[ $rc -eq 0 ] && has "^gateway 10.79.9.1 via lan0 (Windows best-route lookup)" "$T/out" \
		&& ok "pmp.exe gateway: the namespace's default gateway and interface, nothing sent" \
		|| ko "discovery ($rc)"
	ip netns exec "$NS_LAN" $EXE -g 10.79.9.1 watch >"$T/watch.out" 2>&1 &
	kp=$!
	sleep 1
	ip netns exec "$NS_GW" "$B/pmp-gateway" -l 10.79.9.1 -P 198.51.100.2 --announce-count 3 \
	    --log >/dev/null 2>"$T/gw.log" &
	gwpid=$!
	wait_count "^announcement public address 198.51.100.2" "$T/watch.out" 3 5
	[ "$(count_matching "^announcement public address 198.51.100.2" "$T/watch.out")" -ge 3 ] \
		&& ok "pmp.exe watch: the gateway's announcements to 224.0.0.1, joined on the LAN interface" \
		|| ko "watch ($(cat "$T/watch.out"))"
	kill -INT $kp; wait $kp 2>/dev/null; kp=
	gw_stop
else
	skip "pmp.exe discovery and announcements: need root for network namespaces"
fi

summary wine-e2e
