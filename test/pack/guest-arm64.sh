#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# arm64 half of scripts/test-pack (runs as root in the arm64 QEMU guest, ethosu.ko and the
# emulator loaded): the official arm64 Node and npm install the packed tarball offline on a
# machine with no compiler at all, and the installed package runs inferences through its
# linux-arm64 prebuild (test/pack/guest.sh without the udev part).
# Usage: test/pack/guest-arm64.sh APP_DIR TARBALL NPM_CACHE
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
. "$REPO/test/pack/cases.sh"
APP=$1
TGZ=$2
CACHE=$3
# The rig points arm64 guests at prebuilds/ (PREBUILDS_ONLY) for the work tree; the installed
# package must find its prebuild without that.
unset PREBUILDS_ONLY

expect "the guest is arm64 and has no C/C++ compiler or make" \
	"$(uname -m) $(command -v cc gcc g++ c++ clang make | wc -l)" "aarch64 0"
check "npm install --offline of the tarball with the arm64 Node $(node --version)" -- \
	npm install --offline --cache "$CACHE" --no-audit --no-fund --prefix "$APP" "$TGZ"
check "the installed package has no build/ (nothing compiled)" -- \
	test ! -e "$APP/node_modules/ethos-u/build"
"$REPO/test/pack/guest.sh" "$APP" none
