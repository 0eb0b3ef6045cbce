#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Guest half of scripts/test-pack (runs as root in the QEMU guest, ethosu.ko and the emulator
# loaded): an inference through the installed package and its ethosu bin, then the udev rule
# and the permission errors a user without access gets.
# Usage: test/pack/guest.sh APP_DIR UDEVADM   (APP_DIR: the temp project with ethos-u installed;
#        UDEVADM "none": the arm64 userland has no udevadm or setpriv, so only the inferences run)
# Expects one emulated subsystem (an Ethos-U55-128 at /dev/ethosu0).
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
. "$REPO/test/pack/cases.sh"
APP=$1
UDEVADM=$2
NET=$REPO/test/fixtures/networks/network-1.tflite
IFM=$REPO/test/fixtures/models/vela/kws_cnn_small_int8_u55-128_input.bin
BIN=$APP/node_modules/.bin/ethosu
OUT=$(mktemp -d)
mkdir "$OUT/member"
chmod 755 "$OUT" && chown 65534:65534 "$OUT/member"
cd "$APP" || exit 1

# --- the library, imported as 'ethos-u'
node inference.mjs "$NET" "$IFM" >"$OUT/lib.log" 2>&1
rc=$?
absorb "$OUT/lib.log"
[ "$rc" = 0 ] || grep -q '^FAIL' "$OUT/lib.log" || fail "inference through the package" "exit $rc"

# --- the installed bin
check "ethosu info lists /dev/ethosu0 as an Ethos-U55" -- \
	sh -c "'$BIN' info | grep -A3 '^/dev/ethosu0\$' | grep -q 'Ethos-U55'"
run_args=(run -n "$NET" -i "$IFM" --pmu 0 NPU_ACTIVE --pmu 1 MAC_ACTIVE --cycles)
"$BIN" "${run_args[@]}" -o "$OUT/ofm" >"$OUT/run.log" 2>&1
expect "ethosu run exits 0" "$?" 0
check "ethosu run: output bytes, PMU and cycle counts as docs/emulator.md defines" -- \
	node "$REPO/test/pack/verify-run.mjs" --ifm "$IFM" --ofm "$OUT/ofm.0" --ofm-sizes 12 \
	--log "$OUT/run.log" --npu U55 --pmu 0:NPU_ACTIVE --pmu 1:MAC_ACTIVE --cycles

if [ "$UDEVADM" = none ]; then
	rm -rf "$OUT"
	summary guest
	exit
fi

# --- udev: apply packaging/udev/60-ethosu.rules to every node with a group "ethosu" that only
# this guest sees (/etc/group is bind-mounted over; the host's is untouched).
gid=999
while getent group "$gid" >/dev/null; do gid=$((gid - 1)); done
cp /etc/group "$OUT/group" && echo "ethosu:x:$gid:" >>"$OUT/group"
mount --bind "$OUT/group" /etc/group
mkdir -p /run/udev/rules.d
cp "$REPO/packaging/udev/60-ethosu.rules" /run/udev/rules.d/
for dev in /dev/ethosu*; do
	"$UDEVADM" test --action=add "/sys/class/ethosu/${dev#/dev/}" >"$OUT/udev.log" 2>&1
	expect "udevadm test applies 60-ethosu.rules to $dev" \
		"$(grep -c '60-ethosu.rules:[0-9]* \(GROUP\|MODE\)' "$OUT/udev.log")" 2
	expect "$dev is root:ethosu, mode 0660" "$(stat -c '%U:%G %a' "$dev")" "root:ethosu 660"
done

# --- permissions: a user outside the group gets EACCES and a hint; a member runs inferences.
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
member=(setpriv --reuid=65534 --regid=65534 "--groups=$gid")
"${nobody[@]}" node --input-type=module -e "
	import { Device } from 'ethos-u';
	try { Device.open(0); console.log('opened'); } catch (e) { console.log(e.code, e.message); }
" >"$OUT/eacces.log" 2>&1
check "Device.open as a non-member: EACCES with a hint about the group and udev" -- \
	grep -q '^EACCES .*Permission denied.*udev rule' "$OUT/eacces.log"
"${nobody[@]}" "$BIN" info >"$OUT/info-nobody.log" 2>&1
expect "ethosu info as a non-member exits 1" "$?" 1
check "ethosu info as a non-member says permission denied" -- \
	grep -q 'Permission denied' "$OUT/info-nobody.log"
# The member reads copies: the checkout may sit in a folder only root can enter (mktemp -d).
cp "$NET" "$IFM" "$OUT/member/" && chmod 644 "$OUT/member/"*
member_args=(run -n "$OUT/member/${NET##*/}" -i "$OUT/member/${IFM##*/}" --pmu 0 NPU_ACTIVE
	--pmu 1 MAC_ACTIVE --cycles)
"${member[@]}" "$BIN" "${member_args[@]}" -o "$OUT/member/ofm" >"$OUT/run-member.log" 2>&1
rc=$?
expect "ethosu run as a member of group ethosu exits 0" "$rc" 0
[ "$rc" = 0 ] || sed 's/^/      /' "$OUT/run-member.log"
check "ethosu run as a member: the same output bytes" -- cmp "$OUT/ofm.0" "$OUT/member/ofm.0"

umount /etc/group
rm -rf "$OUT"
summary guest
