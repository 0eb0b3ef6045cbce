# SPDX-License-Identifier: Apache-2.0
# Shared settings for the build and VM scripts. Source it; do not run it.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Downloads and extracted kernels live outside the work tree so clean clones reuse them.
CACHE_DIR=${ETHOSU_CACHE_DIR:-/var/cache/ethos-u-node}
# Not build/: node-gyp owns that folder and "node-gyp rebuild" deletes it.
BUILD_DIR=${ETHOSU_BUILD_DIR:-$REPO_ROOT/out}
ARCH=${ETHOSU_ARCH:-x86_64}

case "$ARCH" in
x86_64) DEB_ARCH=amd64 ;;
aarch64) DEB_ARCH=arm64 ;;
*)
	echo "unsupported ETHOSU_ARCH '$ARCH' (x86_64 or aarch64)" >&2
	exit 2
	;;
esac

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# The Debian kernel ABI (e.g. 6.1.0-56) that the headers meta package points at. Never uname -r:
# the host kernel is not the one the guest boots.
kernel_abi() {
	local dep
	dep=$(apt-cache depends "linux-headers-$DEB_ARCH" 2>/dev/null |
		sed -n "s/.*Depends: linux-headers-\(.*\)-$DEB_ARCH\$/\1/p" | head -n1)
	[ -n "$dep" ] || die "cannot resolve the Debian kernel ABI (run scripts/setup first)"
	echo "$dep"
}

# The Debian package version of that ABI (e.g. 6.1.192-2), so source and headers match.
kernel_pkg_version() {
	apt-cache policy "linux-headers-$(kernel_abi)-$DEB_ARCH" | sed -n 's/.*Candidate: //p'
}
