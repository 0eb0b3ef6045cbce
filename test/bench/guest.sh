#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `npm run bench`, the guest half (scripts/bench boots the guest and builds what this runs).
# Counts syscalls per inference for each path with strace -c (the difference between two runs of
# N1 and N2 sequential inferences, so start-up cancels out), then runs the timed table.
set -euo pipefail
# Usage: test/bench/guest.sh FLOOR_BINARY [bench.js options...]
repo=$(cd "$(dirname "$0")/../.." && pwd)
floor=$1
shift
# --expose-gc: the soak reads RSS before and after a full collection.
bench=(node --expose-gc "$repo/build/bench/test/bench/bench.js" --repo "$repo" --floor "$floor" ${ETHOSU_BENCH_ADDON:+--addon "$ETHOSU_BENCH_ADDON"})
work=$(mktemp -d)
for k in /sys/kernel/debug/ethosu_emu/*/latency_us; do echo 0 >"$k"; done
N1=${ETHOSU_BENCH_SYSCALL_N1:-200}
N2=${ETHOSU_BENCH_SYSCALL_N2:-1200}

# "total" and "ioctl" call counts from an strace -c summary.
counts() { awk '$NF == "total" { t = $4 } $NF == "ioctl" { i = $4 } END { print t + 0, i + 0 }' "$1"; }

per_inference() {
	local name=$1 t1 i1 t2 i2
	shift
	strace -f -c -o "$work/$name.1" "$@" "$N1" >/dev/null
	strace -f -c -o "$work/$name.2" "$@" "$N2" >/dev/null
	read -r t1 i1 < <(counts "$work/$name.1")
	read -r t2 i2 < <(counts "$work/$name.2")
	awk -v n="$name" -v t1="$t1" -v t2="$t2" -v i1="$i1" -v i2="$i2" -v d="$((N2 - N1))" \
		'BEGIN { printf "\"%s\": {\"total\": %.2f, \"ioctl\": %.2f}", n, (t2 - t1) / d, (i2 - i1) / d }'
}

if command -v strace >/dev/null; then
	{
		echo '{'
		# floor's last argument is the in-flight count: 1.
		per_inference floor sh -c "exec $floor /dev/ethosu0 3 \"\$0\" 1"
		for p in addon worker inference run; do
			echo ','
			per_inference "$p" "${bench[@]}" --only "$p" --count
		done
		echo '}'
	} >"$work/syscalls.json"
	bench+=(--syscalls "$work/syscalls.json")
else
	echo "(no strace in the guest: syscall counts left out)"
fi
"${bench[@]}" "$@"
