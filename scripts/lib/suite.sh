# SPDX-License-Identifier: Apache-2.0
# Runs test suites and adds up their counts. Source it; call run_suite for each suite, then
# suite_summary, which prints the one "N passed, N failed" line and returns non-zero on failure.

TOTAL_PASSED=0
TOTAL_FAILED=0
SUITE_REPORT=()
SUITE_LOG_DIR=${SUITE_LOG_DIR:-$(mktemp -d)}

# Counts from a log: the last plain "N passed, N failed" line.
counts_plain() {
	grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$1" | tail -n1 |
		sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\2 \3/'
}

# Counts from a vitest JSON report.
counts_vitest_json() {
	[ -s "$1" ] || return 0
	node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTestSuites || 0) +
		(r.success === false && r.numFailedTests === 0 ? 1 : 0))' "$1"
}

# run_suite NAME COUNTER COUNTER_ARG -- command...
# COUNTER is counts_plain (reads the command's output) or counts_vitest_json (reads COUNTER_ARG).
# A suite whose command fails without reporting a failure counts one failure; one that reports
# nothing counts as failed too: a suite that did not run is not a pass.
run_suite() {
	local name=$1 counter=$2 arg=$3 t0=$SECONDS
	shift 4
	local log="$SUITE_LOG_DIR/$name.log" rc=0 counts p f
	echo "=== $name: $*"
	"$@" 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
	if [ "$counter" = counts_plain ]; then counts=$(counts_plain "$log"); else counts=$($counter "$arg"); fi
	read -r p f <<<"${counts:-0 0}"
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
	if [ $((p + f)) = 0 ]; then f=1 && echo "=== $name reported no test results"; fi
	TOTAL_PASSED=$((TOTAL_PASSED + p))
	TOTAL_FAILED=$((TOTAL_FAILED + f))
	SUITE_REPORT+=("$(printf '%-24s %5d passed, %3d failed (exit %d, %d s)' "$name" "$p" "$f" "$rc" \
		$((SECONDS - t0)))")
}

# run_check NAME -- command: one case that passes when the command exits 0.
run_check() {
	local name=$1 log="$SUITE_LOG_DIR/$1.log" rc=0 t0=$SECONDS
	shift 2
	echo "=== $name: $*"
	"$@" >"$log" 2>&1 || rc=$?
	if [ "$rc" = 0 ]; then
		TOTAL_PASSED=$((TOTAL_PASSED + 1))
	else
		cat "$log"
		TOTAL_FAILED=$((TOTAL_FAILED + 1))
	fi
	SUITE_REPORT+=("$(printf '%-24s %5d passed, %3d failed (exit %d, %d s)' "$name" $((rc == 0)) \
		$((rc != 0)) "$rc" $((SECONDS - t0)))")
}

# run_suite_bg NAME COUNTER COUNTER_ARG -- command...: run_suite in the background, for a suite
# that mostly waits on the disk (scripts/test-docker: buildah's vfs copies) while the foreground
# suites use the CPUs. Its output goes to its log; suite_wait prints it and adds its counts.
SUITE_BG_PIDS=()
SUITE_BG_NAMES=()
run_suite_bg() {
	local name=$1
	(
		TOTAL_PASSED=0 TOTAL_FAILED=0 SUITE_REPORT=()
		run_suite "$@" >"$SUITE_LOG_DIR/$name.bg" 2>&1
		printf '%s\n%s\n%s\n' "$TOTAL_PASSED" "$TOTAL_FAILED" "${SUITE_REPORT[0]} in the background" \
			>"$SUITE_LOG_DIR/$name.result"
	) &
	SUITE_BG_PIDS+=("$!")
	SUITE_BG_NAMES+=("$name")
	echo "=== $name: started in the background"
}

# Waits for every background suite and adds it as run_suite would have.
suite_wait() {
	local i name p f line
	for i in "${!SUITE_BG_PIDS[@]}"; do
		name=${SUITE_BG_NAMES[$i]}
		wait "${SUITE_BG_PIDS[$i]}"
		echo "=== $name (ran in the background):"
		cat "$SUITE_LOG_DIR/$name.bg" 2>/dev/null
		if [ -s "$SUITE_LOG_DIR/$name.result" ]; then
			{ read -r p && read -r f && read -r line; } <"$SUITE_LOG_DIR/$name.result"
		else
			p=0 f=1 line="$name: did not finish"
			echo "=== $line"
		fi
		TOTAL_PASSED=$((TOTAL_PASSED + p))
		TOTAL_FAILED=$((TOTAL_FAILED + f))
		SUITE_REPORT+=("$line")
	done
	SUITE_BG_PIDS=()
	SUITE_BG_NAMES=()
}

suite_summary() {
	echo
	printf '%s\n' "${SUITE_REPORT[@]}"
	echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
	[ "$TOTAL_FAILED" = 0 ]
}
