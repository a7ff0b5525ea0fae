# Helpers shared by the shell test suites (sourced, POSIX sh).
# SPDX-License-Identifier: BSD-2-Clause

passed=0
failed=0
skipped=0

ok() { passed=$((passed + 1)); echo "PASS $1"; }
ko() {
	failed=$((failed + 1)); echo "FAIL $1"
	for f in ${KO_SHOW:-}; do
		[ -s "$f" ] && sed "s|^|    $(basename "$f"): |" "$f" | head -20
	done
}
skip() { skipped=$((skipped + 1)); echo "SKIP $1"; }

ms() { date +%s%3N; }

has() { grep -q -- "$1" "$2"; }
count() { grep -c -- "$1" "$2"; }

# wait_lines FILE N: until FILE has N lines or 5 s pass.  FILE may not
# exist yet: a background job opens its redirection after the fork.
wait_lines() {
	i=0
	while [ "$(cat "$1" 2>/dev/null | wc -l)" -lt "$2" ] && [ $i -lt 250 ]; do
		i=$((i + 1)); sleep 0.02
	done
}

# wait_count PATTERN FILE N [SECONDS]: until FILE has N lines matching
# PATTERN (5 s by default, times $SLOW).  Returns whether it got them.
# (A file not created yet counts 0: a background job's redirection may
# come after the first look.)
count_matching() { n=$(grep -c -- "$1" "$2" 2>/dev/null) || :; echo "${n:-0}"; }
wait_count() {
	i=0
	lim=$(( ${4:-5} * 50 * ${SLOW:-1} ))
	while [ "$(count_matching "$1" "$2")" -lt "$3" ] && [ $i -lt $lim ]; do
		i=$((i + 1)); sleep 0.02
	done
	[ "$(count_matching "$1" "$2")" -ge "$3" ]
}

# lan_join GW LAN NET: the namespace GW (made already) and a new one, LAN,
# joined by a veth pair: GW at NET.1 on gw0, LAN at NET.2 on lan0 with
# its default route through NET.1; loopback up in both.
lan_join() {
	ip netns add "$2"
	ip -n "$1" link set lo up
	ip -n "$2" link set lo up
	ip -n "$2" link add lan0 type veth peer name gw0 netns "$1"
	ip -n "$1" addr add "$3.1/24" dev gw0
	ip -n "$1" link set gw0 up
	ip -n "$2" addr add "$3.2/24" dev lan0
	ip -n "$2" link set lan0 up
	ip -n "$2" route add default via "$3.1"
}

# summary NAME: the closing line, and the exit status.
summary() {
	echo
	echo "$1: $passed passed, $failed failed, $skipped skipped"
	[ $failed -eq 0 ]
}
