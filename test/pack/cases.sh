# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Test cases for the package checks: one "ok"/"FAIL" line each, and a closing
# "N passed, N failed" line. Source it; do not run it.

PASSED=0
FAILED=0

pass() {
	PASSED=$((PASSED + 1))
	echo "ok    $1"
}

fail() {
	FAILED=$((FAILED + 1))
	echo "FAIL  $1${2:+: $2}"
}

# check NAME -- command...: passes when the command exits 0; its output is shown on failure.
check() {
	local name=$1 out rc=0
	shift 2
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" = 0 ]; then
		pass "$name"
	else
		fail "$name" "exit $rc"
		printf '%s\n' "$out" | tail -n 25 | sed 's/^/      /'
	fi
}

# expect NAME ACTUAL WANTED: passes when the two strings are equal.
expect() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', expected '$3'"; fi
}

# absorb FILE: shows the ok/FAIL lines another program wrote to FILE and counts them.
absorb() {
	local line
	while IFS= read -r line; do
		case "$line" in
		"ok "*) PASSED=$((PASSED + 1)) ;;
		"FAIL "*) FAILED=$((FAILED + 1)) ;;
		esac
		printf '%s\n' "$line"
	done <"$1"
}

# summary [NAME]: the closing count line, prefixed with "NAME: " when given.
summary() {
	local name=${1:-}
	echo "${name:+$name: }$PASSED passed, $FAILED failed"
	[ "$FAILED" = 0 ]
}
