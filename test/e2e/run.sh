#!/bin/sh
# End-to-end tests: the real `pmp` binary against `pmp-gateway` (and
# natpmpc against pmp-gateway).  Every packet stays on loopback
# (127.77.0.0/24, port 5351) or inside network namespaces this script
# creates and removes.  Never the machine's real gateway: every loopback
# run passes -g; runs without -g happen only inside our own namespace.
#
#   sh test/e2e/run.sh            plain
#   VALGRIND=1 sh test/e2e/run.sh every pmp and pmp-gateway under valgrind
#
# SPDX-License-Identifier: BSD-2-Clause
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
B="$top/${PMP_BUILD:-build}"
T=$(mktemp -d "${TMPDIR:-/tmp}/pmp-e2e.XXXXXX")
gwpid=
NS_GW=pmp-e2e-gw-$$
NS_LAN=pmp-e2e-lan-$$

if [ "${VALGRIND:-0}" = 1 ]; then
	VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all --show-leak-kinds=all"
	SLOW=4	# valgrind is slower: widen timing bounds
else
	VG=
	SLOW=1
fi
# The suites written for NAT-PMP's own rules (its schedule, its
# announcements, its delete-all) force it; PMPA is the default, auto (PCP
# first, NAT-PMP on a NAT-PMP gateway's answer or silence to PCP).
PMP="$VG $B/pmp --protocol natpmp"
PMPA="$VG $B/pmp"
# PCP nonces that one-shot maps record: this run's own directory
XDG_RUNTIME_DIR="$T/xdg"
export XDG_RUNTIME_DIR
mkdir -m 700 "$XDG_RUNTIME_DIR"
GWD="$VG $B/pmp-gateway"

lpid=
mcpids=
kppid=
wpid=
NS_EXTRA=
cleanup() {
	[ -n "$kppid" ] && kill "$kppid" 2>/dev/null
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null
	for ns in $NS_EXTRA; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "$mcpids" ] && kill $mcpids 2>/dev/null
	[ -n "$gwpid" ] && kill "$gwpid" 2>/dev/null
	[ -n "$lpid" ] && kill "$lpid" 2>/dev/null
	ip netns pids "$NS_GW" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$NS_GW" 2>/dev/null
	ip netns del "$NS_LAN" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

. "$top/test/lib.sh"
KO_SHOW="$T/out $T/err $T/gw.log"

# gw_start ADDR [pmp-gateway options]: start and wait until it listens.
gw_start() {
	addr=$1; shift
	: > "$T/gw.log"
	$GWD -l "$addr" --log "$@" >"$T/gw.out" 2>"$T/gw.log" &
	gwpid=$!
	i=0
	while ! grep -q listening "$T/gw.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 200 ] && { echo "gateway did not start"; cat "$T/gw.log"; return 1; }
		sleep 0.02
	done
}
gw_stop() {
	[ -n "$gwpid" ] || return 0
	kill -TERM "$gwpid" 2>/dev/null
	wait "$gwpid"
	rc=$?
	gwpid=
	# 99: valgrind found an error in the gateway
	[ $rc -ne 99 ] || { echo "valgrind error in pmp-gateway"; cat "$T/gw.log"; failed=$((failed + 1)); }
}
gw_dump() {
	: > "$T/gw.out"
	kill -USR1 "$gwpid"
	i=0
	while ! grep -q '"mappings"' "$T/gw.out"; do
		i=$((i + 1)); [ $i -gt 200 ] && break; sleep 0.02
	done
}

# run CMD...: stdout to $T/out, stderr to $T/err, exit status in $rc,
# wall time in $dt (ms).
run() {
	t0=$(ms)
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	dt=$(($(ms) - t0))
	if [ $rc -eq 99 ]; then echo "    valgrind reported an error:"; cat "$T/err"; fi
}


here=$(dirname "$0")
G=127.77.0.1
# E2E_ONLY="gateway netns" runs only those parts (client gateway hostile
# netns keep loop pcp upnp).
for part in ${E2E_ONLY:-client gateway hostile netns keep loop pcp upnp}; do
	. "$here/$part.sh"
done

summary "e2e${VG:+-valgrind}"
