#!/bin/sh
# The demo: the main job of pmp on a machine without a NAT-PMP router.
# Starts the bundled pmp-gateway on a loopback address, asks it for the
# public address, a UDP and a TCP mapping, deletes them, and stops it.
# Every packet stays on 127.0.0.0/8.
# SPDX-License-Identifier: BSD-2-Clause
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B="$top/${PMP_BUILD:-build}"
GW=127.77.77.1

"$B/pmp-gateway" -l $GW -P 203.0.113.7 --max-lifetime 3600 --log 2>"${TMPDIR:-/tmp}/pmp-demo-gateway.log" &
gwpid=$!
trap 'kill $gwpid 2>/dev/null; wait $gwpid 2>/dev/null || true' EXIT INT TERM
i=0
until grep -q listening "${TMPDIR:-/tmp}/pmp-demo-gateway.log" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 200 ] || { echo "pmp-gateway did not start" >&2; exit 1; }
	sleep 0.02
done

say() { printf '\n$ %s\n' "$*"; "$@"; }
echo "pmp-gateway (the bundled test gateway) listens on $GW:5351"
say "$B/pmp" -g $GW addr
say "$B/pmp" -g $GW map -u 51413
say "$B/pmp" -g $GW map -l 7200 8080 18080
say "$B/pmp" -g $GW --json map 25565
say "$B/pmp" -g $GW unmap -u 51413
say "$B/pmp" -g $GW unmap --all
echo
echo "What the gateway saw:"
kill $gwpid; wait $gwpid 2>/dev/null || true
trap - EXIT
sed 's/^/  /' "${TMPDIR:-/tmp}/pmp-demo-gateway.log"
rm -f "${TMPDIR:-/tmp}/pmp-demo-gateway.log"
