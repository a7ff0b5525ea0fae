#!/bin/sh
# How cheap `pmp keep` is while nothing is due: wake-ups (context
# switches) and CPU time over an idle minute, with 3 kept mappings of
# 7200 s against pmp-gateway on loopback.  IDLE_SECONDS changes the minute.
# SPDX-License-Identifier: BSD-2-Clause
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B="$top/${PMP_BUILD:-build}"
GW=127.77.88.2
secs=${IDLE_SECONDS:-60}
log=$(mktemp)
"$B/pmp-gateway" -l $GW 2>"$log" &
gw=$!
until grep -q listening "$log"; do sleep 0.02; done
"$B/pmp" -g $GW keep -u --tcp 5000 6000 >/dev/null &
kp=$!
trap 'kill $kp $gw 2>/dev/null; rm -f "$log"' EXIT INT TERM
sleep 2
hz=$(getconf CLK_TCK)
sample() {
	sw=$(awk '/^(non)?voluntary_ctxt_switches/ {s += $2} END {print s}' /proc/$kp/status)
	cpu=$(awk '{print $14 + $15}' /proc/$kp/stat)
	echo "$sw $cpu"
}
set -- $(sample)
sw0=$1 cpu0=$2
sleep "$secs"
set -- $(sample)
echo "pmp keep, 4 mappings (7200 s), idle for $secs s:"
echo "  wake-ups (context switches): $(($1 - sw0))"
echo "  CPU time: $(( ($2 - cpu0) * 1000 / hz )) ms"
