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

# run_lane_bg NAME command...: runs the command (a function that calls run_suite and run_check,
# or one run_suite) in the background, beside the foreground suites. A TCG guest keeps about 1.2
# of the 2 cores busy, and buildah's vfs copies mostly wait on the disk: a second lane uses the
# rest. Its output goes to NAME's log; suite_wait prints it and adds its suites' counts and lines.
SUITE_BG_PIDS=()
SUITE_BG_NAMES=()
run_lane_bg() {
	local name=$1
	shift
	(
		TOTAL_PASSED=0 TOTAL_FAILED=0 SUITE_REPORT=()
		"$@" >"$SUITE_LOG_DIR/$name.bg" 2>&1
		{
			echo "$TOTAL_PASSED"
			echo "$TOTAL_FAILED"
			printf '%s in the background\n' "${SUITE_REPORT[@]}"
		} >"$SUITE_LOG_DIR/$name.result"
	) &
	SUITE_BG_PIDS+=("$!")
	SUITE_BG_NAMES+=("$name")
	echo "=== $name: started in the background"
}

# run_suite_bg NAME COUNTER COUNTER_ARG -- command...: one run_suite in a lane of its own.
run_suite_bg() {
	run_lane_bg "$1" run_suite "$@"
}

# Waits for every background lane and adds its suites as run_suite would have. A lane that ends
# without its result file (killed) counts one failure.
suite_wait() {
	local i name p f lines
	for i in "${!SUITE_BG_PIDS[@]}"; do
		name=${SUITE_BG_NAMES[$i]}
		wait "${SUITE_BG_PIDS[$i]}"
		echo "=== $name (ran in the background):"
		cat "$SUITE_LOG_DIR/$name.bg" 2>/dev/null
		if [ -s "$SUITE_LOG_DIR/$name.result" ]; then
			{ read -r p && read -r f && mapfile -t lines; } <"$SUITE_LOG_DIR/$name.result"
		else
			p=0 f=1 lines=("$name: did not finish")
			echo "=== ${lines[0]}"
		fi
		TOTAL_PASSED=$((TOTAL_PASSED + p))
		TOTAL_FAILED=$((TOTAL_FAILED + f))
		SUITE_REPORT+=("${lines[@]}")
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
