# SPDX-License-Identifier: Apache-2.0
# Shared settings for the build and VM scripts. Source it; do not run it.
# Target: ETHOSU_ARCH (x86_64 or aarch64, also spelled arm64) and ETHOSU_KERNEL (6.1 or 6.12,
# Debian 12's two kernel series); scripts that take --arch/--kernel set these first.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Downloads and extracted kernels live outside the work tree so clean clones reuse them.
CACHE_DIR=${ETHOSU_CACHE_DIR:-/var/cache/ethos-u-node}
# Not build/: node-gyp owns that folder and "node-gyp rebuild" deletes it.
BUILD_DIR=${ETHOSU_BUILD_DIR:-$REPO_ROOT/out}

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# Sets ARCH, DEB_ARCH and KERNEL from the arguments (or ETHOSU_ARCH / ETHOSU_KERNEL) and exports
# them, so child scripts build and boot the same target.
set_target() {
	ARCH=${1:-${ETHOSU_ARCH:-x86_64}}
	KERNEL=${2:-${ETHOSU_KERNEL:-6.1}}
	case "$ARCH" in
	x86_64 | amd64) ARCH=x86_64 DEB_ARCH=amd64 ;;
	aarch64 | arm64) ARCH=aarch64 DEB_ARCH=arm64 ;;
	*) die "unsupported architecture '$ARCH' (x86_64 or arm64)" ;;
	esac
	case "$KERNEL" in
	6.1 | 6.12) ;;
	# The debug guest kernels (scripts/build-debug-kernel): 6.12 source, x86_64 only.
	debug | debug-kcsan) [ "$ARCH" = x86_64 ] || die "the $KERNEL kernel is x86_64 only" ;;
	*) die "unsupported kernel '$KERNEL' (6.1 or 6.12: Debian 12's kernel series; debug or debug-kcsan)" ;;
	esac
	export ETHOSU_ARCH=$ARCH ETHOSU_KERNEL=$KERNEL
}
set_target

# The Debian kernel ABI (e.g. 6.1.0-57, 6.12.117+deb12) and package version (6.1.192-3) of each
# series, from what its headers meta package depends on (linux-headers-amd64 for 6.1,
# linux-headers-6.12-amd64). Never uname -r: the host kernel is not the one the guest boots.
# Both architectures share them. apt-cache takes seconds here: one call, exported to children.
kernel_resolve() {
	[ -n "${ETHOSU_KABI_6_12:-}" ] && return
	local series abi ver
	while read -r series abi ver; do
		case "$series" in
		6.1) export ETHOSU_KABI_6_1=$abi ETHOSU_KVER_6_1=$ver ;;
		6.12) export ETHOSU_KABI_6_12=$abi ETHOSU_KVER_6_12=$ver ;;
		esac
	done < <(apt-cache show --no-all-versions linux-headers-amd64 linux-headers-6.12-amd64 2>/dev/null |
		sed -n 's/^Depends: linux-headers-\(\([0-9]*\.[0-9]*\)[^ ]*\)-amd64 (= \([^)]*\))$/\2 \1 \3/p')
	[ -n "${ETHOSU_KABI_6_1:-}" ] && [ -n "${ETHOSU_KABI_6_12:-}" ] ||
		die "cannot resolve the Debian kernel ABIs from linux-headers-amd64 and linux-headers-6.12-amd64 (run scripts/setup first)"
}

kernel_abi() {
	kernel_resolve
	local v=ETHOSU_KABI_${KERNEL/./_}
	echo "${!v}"
}

kernel_pkg_version() {
	kernel_resolve
	local v=ETHOSU_KVER_${KERNEL/./_}
	echo "${!v}"
}

# Paths of the target kernel, all keyed by ABI and package version (a Debian point release can
# keep the ABI and change the code):
#   KREL     the release (uname -r in the guest), e.g. 6.1.0-57-amd64
#   KDEV     unpacked headers of both architectures with the host's kbuild tools
#   KDIR     the headers tree to build against
#   KROOT    the unpacked guest kernel image and its modules
#   KSRC     the parts of linux-source the rig needs (drivers/rpmsg, checkpatch, ...)
#   OUT      this target's build output
kernel_paths() {
	kernel_resolve
	case "$KERNEL" in debug*)
		debug_kernel_paths
		return
		;;
	esac
	KABI=$(kernel_abi)
	KVER=$(kernel_pkg_version)
	KREL=$KABI-$DEB_ARCH
	KDEV=$CACHE_DIR/kdev-$KABI-$KVER
	KDIR=$KDEV/usr/src/linux-headers-$KREL
	KROOT=$CACHE_DIR/kernel-$KREL-$KVER
	KSRC=$CACHE_DIR/linux-source-$KVER
	OUT=$BUILD_DIR/$ARCH-$KERNEL
}

# The debug kernels, built by scripts/build-debug-kernel from linux-source-6.12 (tinyconfig +
# kernel/debug/*.config): keyed by the package version and a hash of the fragments and the build
# script. KDIR is the O= build folder, KROOT has boot/ and lib/modules/ as the Debian images do.
debug_kernel_key() {
	local f=("$REPO_ROOT/scripts/build-debug-kernel" "$REPO_ROOT/kernel/debug/debug.config")
	[ "$KERNEL" = debug-kcsan ] && f+=("$REPO_ROOT/kernel/debug/kcsan.config")
	cat "${f[@]}" | sha256sum | cut -c1-12
}
debug_kernel_paths() {
	KVER=$ETHOSU_KVER_6_12
	# LOCALVERSION in the fragments: -ethosu-debug, -ethosu-debug-kcsan.
	KREL=${KVER%%-*}-ethosu-$KERNEL
	KABI=$KREL
	DEBUG_KERNEL=$CACHE_DIR/kernel-$KERNEL-$KVER-$(debug_kernel_key)
	KDEV=$DEBUG_KERNEL
	KDIR=$DEBUG_KERNEL/build
	KROOT=$DEBUG_KERNEL/root
	KSRC=$CACHE_DIR/linux-source-$KVER
	OUT=$BUILD_DIR/$ARCH-$KERNEL
}

# The arm64 guest cannot run the host's userland: it chroots into this one (scripts/setup-kernels
# unpacks it). The list is the cache key; dependencies are listed by hand (dpkg -x resolves none).
# bsdutils: script(1), the pseudo-terminal of the CLI's progress-bar test.
ARM64_ROOT_PKGS=(busybox-static bash libtinfo6 libc6 libgcc-s1 libstdc++6 coreutils libacl1 libattr1 libgmp10
	libselinux1 libpcre2-8-0 grep sed bsdutils)
ARM64_ROOT=$CACHE_DIR/arm64-root-$(echo "${ARM64_ROOT_PKGS[*]}" | sha256sum | cut -c1-12)

# dt-validate and dt-doc-validate (the dtschema package), version-pinned in a venv (scripts/setup).
DTSCHEMA_VERSION=2026.9
DTSCHEMA_VENV=$CACHE_DIR/dtschema-$DTSCHEMA_VERSION

# Cross compiler prefix for make, empty for a native build.
kernel_make_args() {
	case "$ARCH" in
	aarch64) echo "ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" ;;
	esac
}

# Where scripts/setup unpacks udevadm: the udev package of the installed systemd's version
# (installing udev itself would upgrade systemd on the host).
udev_root() {
	echo "$CACHE_DIR/udev-$(dpkg-query -W -f='${Version}' systemd)"
}
