#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# /init of the rig's initramfs (busybox). Mounts the host's userland over 9p, loads the project's
# modules, runs the command in a chroot at the host's paths and reports its exit status on the
# console as "ETHOSU_VM_RC=<n>". Settings come from /rig.env, written by scripts/vm/run.
export PATH=/bin
. /rig.env

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

# The debug kernel has no ACPI to power off with: it reboots, and QEMU runs with -no-reboot.
leave() {
	if [ "${RIG_DEBUG:-0}" = 1 ]; then reboot -f; else poweroff -f; fi
}

fail() {
	echo "rig: $*"
	echo "ETHOSU_VM_RC=125"
	leave
}

while read -r ko; do
	insmod "$ko" || fail "cannot load $ko"
done </modules.list

# cache=loose: nothing on the host changes these files while the guest runs, and without a page
# cache every page fault of node's binary and modules is a 9p round trip (node -e 1: 22 s -> 3 s).
opts=trans=virtio,version=9p2000.L,msize=512000,cache=loose
mkdir -p /host
mount -t 9p -o "$opts,ro" hostroot /host || fail "cannot mount the host root"
mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount -t debugfs debugfs /host/sys/kernel/debug
mount -t devtmpfs dev /host/dev
# devtmpfs lacks the links udev would make; bash process substitution needs /dev/fd.
ln -sf /proc/self/fd /host/dev/fd
ln -sf /proc/self/fd/0 /host/dev/stdin
ln -sf /proc/self/fd/1 /host/dev/stdout
ln -sf /proc/self/fd/2 /host/dev/stderr
mkdir -p /host/dev/pts /host/dev/shm 2>/dev/null
mount -t devpts devpts /host/dev/pts
mount -t tmpfs tmp /host/dev/shm
# The host's /tmp, read-write: a clone under /tmp (as CI makes) and what lies beside it stay visible.
mount -t 9p -o "$opts" hosttmp /host/tmp || fail "cannot mount the host's /tmp"
mount -t tmpfs run /host/run
mount -t 9p -o "$opts" repo "/host$RIG_REPO" || fail "cannot mount the repo"
mkdir -p "/host$RIG_RUNDIR"
mount -t 9p -o "$opts" rundir "/host$RIG_RUNDIR" || fail "cannot mount the run folder"

if [ "$RIG_LOAD_MODULES" = 1 ]; then
	for ko in $RIG_PROJECT_MODULES; do
		# shellcheck disable=SC2086 # the emulator's arguments are separate words on purpose
		case "$ko" in
		*/ethosu_emu.ko) insmod "/host$ko" $RIG_EMU_ARGS ;;
		*) insmod "/host$ko" ;;
		esac || fail "cannot load $ko"
	done
fi

# The driver probes asynchronously: wait (up to 10 s) until every emulated subsystem has its node.
if [ "$RIG_LOAD_MODULES" = 1 ]; then
	want=1
	for arg in $RIG_EMU_ARGS; do
		case "$arg" in subsystems=*) want=${arg#subsystems=} ;; esac
	done
	tries=0
	while [ "$(ls /host/dev | grep -c '^ethosu[0-9]')" -lt "$want" ] && [ $tries -lt 100 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
fi

chroot /host /bin/sh "$RIG_RUNDIR/cmd.sh"
rc=$?

# Debug kernel: unload the project's modules (their remove paths run, and what they leak is no
# longer referenced), then kmemleak scans. kmemleak skips objects younger than 5 s (wait first)
# and objects whose contents changed since the previous scan: the first scan only records them,
# so a leak shows after the second.
# The kernel log and the scan go to the run folder for scripts/lib/kernel-reports on the host.
if [ "${RIG_DEBUG:-0}" = 1 ]; then
	mods=
	for ko in $RIG_PROJECT_MODULES; do mods="${ko##*/} $mods"; done
	for m in $mods; do
		m=${m%.ko}
		[ -d "/sys/module/$m" ] || continue
		rmmod "$m" 2>/dev/null || echo "rig: cannot unload $m: still in use after the command" >/dev/kmsg
	done
	if [ -e /host/sys/kernel/debug/kmemleak ]; then
		sleep 6
		echo scan >/host/sys/kernel/debug/kmemleak
		echo scan >/host/sys/kernel/debug/kmemleak
		cat /host/sys/kernel/debug/kmemleak >"/host$RIG_RUNDIR/kmemleak.log"
	fi
	dmesg >"/host$RIG_RUNDIR/dmesg.log"
fi
sync
# On a line of its own: progress spinners may have left the cursor mid-line.
echo
echo "ETHOSU_VM_RC=$rc"
leave
