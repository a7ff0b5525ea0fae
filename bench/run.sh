#!/bin/sh
# Benchmarks against pmp-gateway on a loopback address.  Prints figures
# and ratios measured in the same run.
# SPDX-License-Identifier: BSD-2-Clause
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B="$top/${PMP_BUILD:-build}"
GW=127.77.88.1
log=$(mktemp)
"$B/pmp-gateway" -l $GW 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT INT TERM
until grep -q listening "$log"; do sleep 0.02; done
echo "machine: $(uname -srm), $(nproc) cores; $(date -u +%Y-%m-%d)"
"$B/seq_map" $GW "${BENCH_N:-1000}" "${BENCH_RUNS:-5}"
echo "pmp-gateway, requests answered per second (mapping requests, one"
echo "outstanding per client, each client its own socket):"
"$B/gw_rate" $GW 1 "${BENCH_SECONDS:-3}"
"$B/gw_rate" $GW 8 "${BENCH_SECONDS:-3}"
