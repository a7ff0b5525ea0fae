#!/bin/sh
# make bench: libpmp/pmp against miniupnp's libnatpmp/natpmpc and against
# the physical limit (one UDP round trip per request), on the same work,
# in one run, with the same gateway (pmp-gateway on loopback; the keep
# figures in network namespaces).  Several runs, medians; only ratios
# measured here are claims.  Writes bench/RESULTS.md.
#
#   BENCH_RUNS (5)  BENCH_SEQ (10000)  BENCH_SILENT=0 skips the 128 s
#   silent-gateway timing  IDLE_SECONDS (60)
# SPDX-License-Identifier: BSD-2-Clause
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B="$top/${PMP_BUILD:-build}"
X="$B/bench"
RUNS=${BENCH_RUNS:-5}
SEQ=${BENCH_SEQ:-10000}
GW=127.77.88.1
GW2=127.77.88.2	# --natpmp-only, for row 1a
GW3=127.77.88.3	# --delay 5, for row 1pd
OUT="$top/bench/RESULTS.md"
T=$(mktemp -d)
# pmp map records PCP nonces in $XDG_RUNTIME_DIR, which a real system
# keeps in memory (tmpfs, /run/user/UID): the same here, fresh for the run
# (this machine's /run is on disk, where each rename costs 0.3 ms)
XDG_RUNTIME_DIR=$(mktemp -d /dev/shm/pmp-bench.XXXXXX 2>/dev/null || mktemp -d)
export XDG_RUNTIME_DIR
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for ns in pmpb-gw-$$ pmpb-lan-$$; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$T" "$XDG_RUNTIME_DIR"
}
trap cleanup EXIT INT TERM

command -v natpmpc >/dev/null && [ -e /usr/include/natpmp.h ] ||
	{ echo "bench needs natpmpc and libnatpmp-dev: sh test/deps.sh"; exit 1; }

# Background processes never write to stdout: it is the pipe into tee,
# which would otherwise wait for them to exit.
start_gw() {	# ADDR [options]
	a=$1; shift
	"$B/pmp-gateway" -l "$a" "$@" >/dev/null 2>"$T/gw-$a.log" &
	gwp=$!
	pids="$pids $gwp"
	until grep -q listening "$T/gw-$a.log"; do
		kill -0 $gwp 2>/dev/null || { cat "$T/gw-$a.log" >&2; exit 1; }
		sleep 0.02
	done
}
num() { sed -n "s/^$1 \([0-9.]*\).*/\1/p"; }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# The benchmarks map many ports from one client (10,000 in row 2): lift
# the gateway's per-client quota (1024 by default) for them.
start_gw $GW --max-per-client 65536
# A figure that did not come out is an error, never a 0 in the table.
need() { case "$2" in ""|0|0.0) echo "bench: no figure for $1" >&2; exit 1 ;; esac; }
{
echo "# Benchmark results"
echo
echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -srm), $(nproc) cores,"
echo "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)."
echo "pmp $("$B/pmp" --version | cut -d' ' -f2); libnatpmp/natpmpc $(dpkg-query -W -f='${Version}' libnatpmp1 2>/dev/null || echo '?')."
echo "Gateway: pmp-gateway on $GW (loopback). Medians of $RUNS runs; ratios are"
echo "pmp / other, measured in this run (lower is better)."
echo
echo "| # | work | pmp / libpmp | libnatpmp / natpmpc / other | ratio |"
echo "|---|---|---|---|---|"

# 1. time to first mapping, whole process (NAT-PMP both: both ask for the
# address first)
i=0; : > "$T/a"; : > "$T/b"
while [ $i -lt $RUNS ]; do
	"$X/proc_time" 10 -- "$B/pmp" -g $GW --protocol natpmp map -u 40000 | sed 's/median \([0-9.]*\).*/\1/' >> "$T/a"
	"$X/proc_time" 10 -- natpmpc -g $GW -a 40000 40000 udp 7200 | sed 's/median \([0-9.]*\).*/\1/' >> "$T/b"
	i=$((i + 1))
done
a=$(median < "$T/a"); b=$(median < "$T/b")
echo "| 1 | time to first mapping, whole process | $a ms | natpmpc -a: $b ms | $(ratio "$a" "$b") |"

# 1p. the same over PCP: one round trip (the answer names the address);
# each run maps its own port (a PCP mapping is its nonce's)
i=0; : > "$T/a"; : > "$T/b"
while [ $i -lt $RUNS ]; do
	"$X/proc_time" 10 -p $((46000 + i * 10)) -- "$B/pmp" -g $GW --protocol pcp map -u PORT \
	    | sed 's/median \([0-9.]*\).*/\1/' >> "$T/a"
	"$X/proc_time" 10 -- natpmpc -g $GW -a 40000 40000 udp 7200 | sed 's/median \([0-9.]*\).*/\1/' >> "$T/b"
	i=$((i + 1))
done
a=$(median < "$T/a"); b=$(median < "$T/b")
need "row 1p" "$a"
echo "| 1p | time to first mapping over PCP, whole process | $a ms | natpmpc -a (NAT-PMP): $b ms | $(ratio "$a" "$b") |"

# 1pd. the same with a 5 ms round trip (pmp-gateway answers 5 ms late, as
# a router across Wi-Fi might): round trips, not process start, decide
start_gw $GW3 --delay 5 --max-per-client 65536
i=0; : > "$T/a"; : > "$T/b"
while [ $i -lt $RUNS ]; do
	"$X/proc_time" 10 -p $((47000 + i * 10)) -- "$B/pmp" -g $GW3 map -u PORT \
	    | sed 's/median \([0-9.]*\).*/\1/' >> "$T/a"
	"$X/proc_time" 10 -- natpmpc -g $GW3 -a 40000 40000 udp 7200 | sed 's/median \([0-9.]*\).*/\1/' >> "$T/b"
	i=$((i + 1))
done
kill $gwp
a=$(median < "$T/a"); b=$(median < "$T/b")
need "row 1pd" "$a"
echo "| 1pd | ... with a 5 ms round trip (default: PCP) | $a ms | natpmpc -a (NAT-PMP): $b ms | $(ratio "$a" "$b") |"

# 1a. --protocol auto on a NAT-PMP-only gateway: what negotiation costs
# (goal: at most one round trip more than NAT-PMP asked for directly)
start_gw $GW2 --natpmp-only --max-per-client 65536
i=0; : > "$T/a"; : > "$T/b"; : > "$T/f"
while [ $i -lt $RUNS ]; do
	"$X/proc_time" 20 -- "$B/pmp" -g $GW2 --protocol auto map -u 40000 | sed 's/median \([0-9.]*\).*/\1/' >> "$T/a"
	"$X/proc_time" 20 -- "$B/pmp" -g $GW2 --protocol natpmp map -u 40000 | sed 's/median \([0-9.]*\).*/\1/' >> "$T/b"
	"$X/pmp_bench" floor $GW2 1000 | num floor >> "$T/f"
	i=$((i + 1))
done
kill $gwp
a=$(median < "$T/a"); b=$(median < "$T/b"); f=$(median < "$T/f")
need "row 1a" "$a"
extra=$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%+.3f", a - b}')
rt=$(awk -v f="$f" 'BEGIN {printf "%.3f", f / 1000}')
# the extra time in round trips; below 0 is process-start noise
rr=$(awk -v a="$a" -v b="$b" -v f="$f" 'BEGIN {x = (a - b) * 1000 / f; if (x < 0) printf "<= 0 (noise)"; else printf "%.2f", x}')
echo "| 1a | auto on a NAT-PMP-only gateway: first mapping | $a ms (forced NAT-PMP: $b ms; $extra ms) | one round trip: $rt ms | $rr round trips |"

# 2. sequential mappings in one process, and the floor
i=0; : > "$T/a"; : > "$T/b"; : > "$T/f"
while [ $i -lt $RUNS ]; do
	"$X/pmp_bench" seq $GW "$SEQ" | num seq >> "$T/a"
	"$X/natpmp_bench" seq $GW "$SEQ" | num seq >> "$T/b"
	"$X/pmp_bench" floor $GW "$SEQ" | num floor >> "$T/f"
	i=$((i + 1))
done
a=$(median < "$T/a"); b=$(median < "$T/b"); f=$(median < "$T/f")
need "row 2 (pmp)" "$a"; need "row 2 (libnatpmp)" "$b"; need "row 2 (floor)" "$f"
echo "| 2 | $SEQ sequential maps, one process | $a µs/map ($(awk -v x="$a" 'BEGIN {printf "%.0f", 1e6 / x}')/s) | libnatpmp: $b µs/map | $(ratio "$a" "$b") |"
echo "| 2 | ... against the floor (raw UDP round trip) | $a µs/map | floor: $f µs/map | $(ratio "$a" "$f") |"

# 2p. sequential maps over PCP against the same floor (each run its own
# ports: a PCP mapping is its nonce's)
i=0; : > "$T/a"
while [ $i -lt $RUNS ]; do
	"$X/pmp_bench" pcpseq $GW 2000 $((30000 + i * 2000)) | num seq >> "$T/a"
	i=$((i + 1))
done
a=$(median < "$T/a"); need "row 2p" "$a"
echo "| 2p | 2000 sequential maps over PCP, one process | $a µs/map | floor: $f µs/map | $(ratio "$a" "$f") |"

# 3. 1000 maps at once through the non-blocking API (serialised)
: > "$T/a"; : > "$T/f"; i=0
while [ $i -lt $RUNS ]; do
	"$X/pmp_bench" batch $GW 1000 > "$T/o"
	grep -q "(0 failed)" "$T/o" || { echo "bench: row 3: $(cat "$T/o")" >&2; exit 1; }
	num batch < "$T/o" >> "$T/a"
	# the floor on the same 1000 TCP ports (same gateway table work)
	"$X/pmp_bench" floor $GW 1000 tcp 20000 | num floor >> "$T/f"
	i=$((i + 1))
done
a=$(median < "$T/a")
fl=$(median < "$T/f")	# µs per round trip x 1000 requests = ms
echo "| 3 | 1000 maps submitted at once, all granted | $a ms | 1000 round trips: $fl ms | $(ratio "$a" "$fl") |"

# 3p. the same over PCP: up to 8 on the wire at once, matched by nonce
: > "$T/a"; i=0
while [ $i -lt $RUNS ]; do
	"$X/pmp_bench" pcpbatch $GW 1000 $((50000 + i * 1000)) > "$T/o"
	grep -q "(0 failed)" "$T/o" || { echo "bench: row 3p: $(cat "$T/o")" >&2; exit 1; }
	num batch < "$T/o" >> "$T/a"
	i=$((i + 1))
done
a=$(median < "$T/a")
echo "| 3p | 1000 maps at once over PCP, all granted | $a ms | 1000 round trips: $fl ms | $(ratio "$a" "$fl") |"

# 4. gateway discovery
: > "$T/a"; : > "$T/b"; : > "$T/c"; i=0
while [ $i -lt $RUNS ]; do
	"$X/pmp_bench" gw 1000 | num gw >> "$T/a"
	"$X/natpmp_bench" gw 1000 | num gw >> "$T/b"
	"$X/pmp_bench" popen 100 | num popen >> "$T/c"
	i=$((i + 1))
done
a=$(median < "$T/a"); b=$(median < "$T/b"); c=$(median < "$T/c")
echo "| 4 | gateway discovery | rtnetlink: $a µs | getdefaultgateway(): $b µs | $(ratio "$a" "$b") |"
echo "| 4 | ... | rtnetlink: $a µs | popen(\"ip route\"): $c µs | $(ratio "$a" "$c") |"

# 5. failure detection: nothing listens on the port (ICMP unreachable)
: > "$T/a"; : > "$T/b"; i=0
while [ $i -lt $RUNS ]; do
	"$X/pmp_bench" fail 127.77.88.9 | num fail >> "$T/a"
	"$X/natpmp_bench" fail 127.77.88.9 | num fail >> "$T/b"
	i=$((i + 1))
done
a=$(median < "$T/a"); b=$(median < "$T/b")
echo "| 5 | error when the port is unreachable | $a ms | libnatpmp: $b ms | $(ratio "$a" "$b") |"
if [ "${BENCH_SILENT:-1}" = 1 ]; then
	start_gw 127.77.88.3 --silent
	"$X/pmp_bench" fail 127.77.88.3 > "$T/sa" &
	p1=$!
	"$X/natpmp_bench" fail 127.77.88.3 > "$T/sb" &
	p2=$!
	wait $p1 $p2
	kill $gwp
	a=$(num fail < "$T/sa"); b=$(num fail < "$T/sb")
	echo "| 5 | error when the gateway is silent (RFC: 127.75 s) | $a ms | libnatpmp: $b ms | $(ratio "$a" "$b") |"
fi

# 6. keeping: 100 kept mappings after a gateway restart (namespaces: the
# restart is announced by multicast)
if [ "$(id -u)" -eq 0 ] && ip netns add pmpb-gw-$$ 2>/dev/null; then
	ip netns add pmpb-lan-$$
	ip -n pmpb-gw-$$ link set lo up
	ip -n pmpb-lan-$$ link set lo up
	ip -n pmpb-lan-$$ link add lan0 type veth peer name gw0 netns pmpb-gw-$$
	ip -n pmpb-gw-$$ addr add 10.77.6.1/24 dev gw0
	ip -n pmpb-gw-$$ link set gw0 up
	ip -n pmpb-lan-$$ addr add 10.77.6.2/24 dev lan0
	ip -n pmpb-lan-$$ link set lan0 up
	ip netns exec pmpb-gw-$$ "$B/pmp-gateway" -l 10.77.6.1 --max-per-client 65536 \
	    >/dev/null 2>"$T/kgw.log" &
	kgw=$!
	pids="$pids $kgw"
	until grep -q listening "$T/kgw.log"; do sleep 0.02; done
	kf=$(ip netns exec pmpb-lan-$$ "$X/pmp_bench" floor 10.77.6.1 1000 | num floor)
	: > "$T/k"
	ip netns exec pmpb-lan-$$ "$X/pmp_bench" keep 10.77.6.1 100 > "$T/k" &
	kp=$!
	until grep -q ready "$T/k"; do
		kill -0 $kp 2>/dev/null || { echo "bench: row 6: the keep client ended" >&2; exit 1; }
		sleep 0.05
	done
	sleep 3		# past the 2 s slack of the epoch rule
	kill -HUP $kgw
	wait $kp
	kill $kgw
	ip netns del pmpb-gw-$$
	ip netns del pmpb-lan-$$
	d=$(sed -n 's/.*detect->first \([0-9.]*\) ms.*/\1/p' "$T/k")
	c=$(sed -n 's/.*first->last \([0-9.]*\) ms.*/\1/p' "$T/k")
	kfl=$(awk -v x="$kf" 'BEGIN {printf "%.1f", x * 99 / 1000}')
	echo "| 6 | 100 kept mappings restored after a restart: re-creation | $c ms (after the RFC's random wait: $d ms) | 99 round trips: $kfl ms | $(ratio "$c" "$kfl") |"
fi
sh "$top/bench/idle.sh" > "$T/idle" 2>&1 </dev/null || true

# 1-2 again against a real router: miniupnpd in the interop lab (root).
# Each request costs it milliseconds (it re-reads its nft rules), which
# bounds what any client can do; the comparison is the point.
if [ "$(id -u)" -eq 0 ] && command -v miniupnpd >/dev/null && command -v nft >/dev/null; then
	( . "$top/test/lib.sh"; LAB_PREFIX=pmpbl; . "$top/test/interop/lab.sh"
	  trap lab_down EXIT
	  if lab_up >/dev/null 2>&1; then
		m1=$(in_ns "$NS_LAN" "$X/proc_time" 20 -- "$B/pmp" -g 10.77.0.1 --protocol natpmp map -u 45000 | sed 's/median \([0-9.]*\).*/\1/')
		m2=$(in_ns "$NS_LAN" "$X/proc_time" 20 -- natpmpc -g 10.77.0.1 -a 45000 45000 udp 7200 | sed 's/median \([0-9.]*\).*/\1/')
		echo "| 1m | time to first mapping, miniupnpd router | $m1 ms | natpmpc -a: $m2 ms | $(ratio "$m1" "$m2") |"
		m3=$(in_ns "$NS_LAN" "$X/proc_time" 20 -p 45100 -- "$B/pmp" -g 10.77.0.1 --protocol pcp map -u PORT | sed 's/median \([0-9.]*\).*/\1/')
		echo "| 1mp | time to first mapping over PCP, miniupnpd router | $m3 ms | natpmpc -a (NAT-PMP): $m2 ms | $(ratio "$m3" "$m2") |"
		# each from an empty rule set: miniupnpd's cost grows with it
		in_ns "$NS_LAN" natpmpc -g 10.77.0.1 -a 0 0 udp 0 >/dev/null 2>&1
		s1=$(in_ns "$NS_LAN" "$X/pmp_bench" seq 10.77.0.1 200 | num seq)
		in_ns "$NS_LAN" natpmpc -g 10.77.0.1 -a 0 0 udp 0 >/dev/null 2>&1
		s2=$(in_ns "$NS_LAN" "$X/natpmp_bench" seq 10.77.0.1 200 | num seq)
		echo "| 2m | 200 sequential maps, miniupnpd router | $s1 µs/map | libnatpmp: $s2 µs/map | $(ratio "$s1" "$s2") |"
		# 10m. UPnP-IGD to the same router, whole process, discovery
		# included: pmp (unicast search to the gateway, then its
		# IGD's description) against upnpc (multicast search with its
		# 2 s wait) and against upnpc -u (the URL given: no search);
		# -i: this lab's miniupnpd says its WAN is "not connected".
		# From an empty table again (2m left 200 mappings, which
		# cost miniupnpd ~30 ms per call)
		in_ns "$NS_LAN" natpmpc -g 10.77.0.1 -a 0 0 udp 0 >/dev/null 2>&1
		u1=$(in_ns "$NS_LAN" "$X/proc_time" 20 -p 45200 -- "$B/pmp" -g 10.77.0.1 --protocol upnp map -u PORT | sed 's/median \([0-9.]*\).*/\1/')
		url=$(in_ns "$NS_LAN" upnpc -i -s 2>/dev/null | sed -n 's/^ *desc: *//p' | head -1)
		u2=$(in_ns "$NS_LAN" "$X/proc_time" 5 -p 45300 -- upnpc -i -a 10.77.0.2 PORT PORT UDP 7200 | sed 's/median \([0-9.]*\).*/\1/')
		u3=$(in_ns "$NS_LAN" "$X/proc_time" 20 -p 45400 -- upnpc -i -u "$url" -a 10.77.0.2 PORT PORT UDP 7200 | sed 's/median \([0-9.]*\).*/\1/')
		echo "| 10m | first UPnP-IGD mapping, miniupnpd router (search included) | $u1 ms | upnpc -a (its search): $u2 ms | $(ratio "$u1" "$u2") |"
		echo "| 10m | ... against upnpc given the description's URL (no search) | $u1 ms | upnpc -u: $u3 ms | $(ratio "$u1" "$u3") |"
		# 10a. the router most users have: NAT-PMP/PCP off.  auto
		# (PCP and NAT-PMP with the UPnP-IGD probe beside them)
		# against UPnP-IGD forced: what probing costs
		kill $mpid 2>/dev/null; wait $mpid 2>/dev/null
		sed -i 's/^enable_natpmp=yes/enable_natpmp=no/' "$T/miniupnpd.conf"
		if start_miniupnpd "HTTP listening on port" >/dev/null 2>&1; then
			v1=$(in_ns "$NS_LAN" "$X/proc_time" 20 -p 45500 -- "$B/pmp" -g 10.77.0.1 map -u PORT | sed 's/median \([0-9.]*\).*/\1/')
			v2=$(in_ns "$NS_LAN" "$X/proc_time" 20 -p 45600 -- "$B/pmp" -g 10.77.0.1 --protocol upnp map -u PORT | sed 's/median \([0-9.]*\).*/\1/')
			echo "| 10a | auto on a UPnP-only miniupnpd (NAT-PMP/PCP off) | $v1 ms | --protocol upnp: $v2 ms | $(ratio "$v1" "$v2") |"
		else
			echo "| 10a | UPnP-only miniupnpd | did not start | | |"
		fi
	  else
		echo "| 1m | miniupnpd router | did not start | | |"
		tail -n 5 "$T/miniupnpd.log" "$T/stun.log" >&2 || true
	  fi ) </dev/null
fi
echo "| 6 | pmp keep idle for ${IDLE_SECONDS:-60} s | $(sed -n 's/.*wake-ups (context switches): //p' "$T/idle") wake-ups, $(sed -n 's/.*CPU time: //p' "$T/idle") CPU | natpmpc: no keep mode | |"

# 7. footprint
cp "$(readlink -f "$B/libpmp.so.0")" "$T/so" && strip "$T/so"
so=$(stat -c %s "$T/so")
cp "$(ls /usr/lib/*/libnatpmp.so.1 | head -1)" "$T/nso" && strip "$T/nso"
nso=$(stat -c %s "$T/nso")
echo "| 7 | shared library, stripped | $so bytes | libnatpmp.so.1: $nso bytes | $(ratio "$so" "$nso") |"
r1=$("$X/proc_time" 5 -- "$B/pmp" -g $GW map -u 40000 | sed -n 's/.*peak RSS \([0-9]*\).*/\1/p')
r2=$("$X/proc_time" 5 -- natpmpc -g $GW -a 40000 40000 udp 7200 | sed -n 's/.*peak RSS \([0-9]*\).*/\1/p')
echo "| 7 | peak RSS of one mapping, whole process | $r1 KiB | natpmpc: $r2 KiB | $(ratio "$r1" "$r2") |"
ports=$(seq 30000 30099 | tr '\n' ' ')
r3=$("$X/proc_time" 1 -k 2 -- "$B/pmp" -g $GW keep -u $ports | sed -n 's/.*peak RSS \([0-9]*\).*/\1/p')
echo "| 7 | peak RSS of pmp keep with 100 mappings | $r3 KiB | | |"
g1=$("$X/gw_rate" $GW 1 3 | sed -n 's/.*: *\([0-9]*\) answered.*/\1/p')
g8=$("$X/gw_rate" $GW 8 3 | sed -n 's/.*: *\([0-9]*\) answered.*/\1/p')
echo "| 7 | pmp-gateway answered requests/s, 1 and 8 clients | $g1/s, $g8/s | | |"

# 9. Python: py-natpmp's map_port through the drop-in natpmp (libpmp,
# NAT-PMP), whole process (python3 -c), against natpmpc -a (the same two
# requests from C) and against the interpreter starting and doing nothing
# (python3 -c pass: the floor any Python client pays).  py-natpmp itself
# is not a Debian package, and only Debian's packages are reachable here.
PY=/usr/bin/python3
i=0; : > "$T/a"; : > "$T/b"; : > "$T/f"
while [ $i -lt $RUNS ]; do
	PYTHONPATH="$B/python" "$X/proc_time" 10 -- $PY -c \
	    "import natpmp; natpmp.map_udp_port(40000, 40000, 7200, gateway_ip='$GW')" \
	    | sed 's/median \([0-9.]*\).*/\1/' >> "$T/a"
	"$X/proc_time" 10 -- natpmpc -g $GW -a 40000 40000 udp 7200 | sed 's/median \([0-9.]*\).*/\1/' >> "$T/b"
	"$X/proc_time" 10 -- $PY -c pass | sed 's/median \([0-9.]*\).*/\1/' >> "$T/f"
	i=$((i + 1))
done
a=$(median < "$T/a"); b=$(median < "$T/b"); f=$(median < "$T/f")
need "row 9 (python)" "$a"; need "row 9 (python3 -c pass)" "$f"
echo "| 9 | Python natpmp.map_udp_port, whole process (python3 -c) | $a ms | natpmpc -a: $b ms | $(ratio "$a" "$b") |"
echo "| 9 | ... the same against python3 -c pass (interpreter start) | $a ms | python3 -c pass: $f ms | $(ratio "$a" "$f") |"

# 10. UPnP-IGD: the first mapping, whole process, against miniupnpc's
# upnpc on pmp-gateway's IGD on loopback.  pmp searches (unicast SSDP,
# then 200 ms for other IGDs to answer), reads the description, checks the
# address, maps; upnpc is given the description's URL (-u: no search, as
# it cannot search on loopback) and maps.  Each run its own port.
if command -v upnpc >/dev/null; then
	GWU=127.77.88.6
	start_gw $GWU --upnp --max-per-client 65536
	i=0; : > "$T/a"; : > "$T/b"
	while [ $i -lt $RUNS ]; do
		"$X/proc_time" 10 -p $((48000 + i * 10)) -- "$B/pmp" -g $GWU --protocol upnp map -u PORT \
		    | sed 's/median \([0-9.]*\).*/\1/' >> "$T/a"
		"$X/proc_time" 10 -p $((49000 + i * 10)) -- upnpc -u http://$GWU:5000/rootDesc.xml \
		    -a 127.0.0.1 PORT PORT UDP 7200 | sed 's/median \([0-9.]*\).*/\1/' >> "$T/b"
		i=$((i + 1))
	done
	a=$(median < "$T/a"); b=$(median < "$T/b")
	need "row 10 (pmp upnp)" "$a"; need "row 10 (upnpc)" "$b"
	echo "| 10 | first UPnP-IGD mapping, whole process (pmp: search included) | $a ms | upnpc -u (URL given): $b ms | $(ratio "$a" "$b") |"
	kill $gwp
fi

# 8. pmp-gateway with a full table: the same work against a gateway that
# holds 60,000 mappings (from 120 clients) and one that holds none, each
# fresh; then gw_respond() alone, in-process, the same comparison.
: > "$T/a"; : > "$T/b"; i=0
while [ $i -lt $RUNS ]; do
	start_gw 127.77.88.4
	"$X/gw_rate" 127.77.88.4 1 2 | sed -n 's/.*: *\([0-9]*\) answered.*/\1/p' >> "$T/a"
	kill $gwp
	start_gw 127.77.88.5
	"$X/gw_rate" 127.77.88.5 1 2 60000 | sed -n 's/.*: *\([0-9]*\) answered.*/\1/p' >> "$T/b"
	kill $gwp
	i=$((i + 1))
done
a=$(median < "$T/a"); b=$(median < "$T/b")
need "row 8 (empty)" "$a"; need "row 8 (full)" "$b"
echo "| 8 | pmp-gateway requests/s with 60,000 mappings held | $b/s | empty table: $a/s | $(ratio "$a" "$b") |"
"$X/table_rate" 60000 2000000 > "$T/tr"
te=$(sed -n 's/table empty \([0-9]*\) .*/\1/p' "$T/tr")
tf=$(sed -n 's/.* held \([0-9]*\) requests.*/\1/p' "$T/tr")
echo "| 8 | ... gw_respond() in-process, 60,000 held | $tf/s | empty table: $te/s | $(ratio "$te" "$tf") |"
} | tee "$T/table"

# The block above runs in a pipeline: an error there ends only it.
grep -q '^| 8 | \.\.\. gw_respond' "$T/table" ||
	{ echo "bench: the run did not finish; $OUT not written" >&2; exit 1; }
{ cat "$T/table"; echo; cat "$top/bench/NOTES.md"; } > "$OUT"
echo "written: $OUT"
