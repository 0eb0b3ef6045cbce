#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# docker/install-fvp against stand-in archives laid out like Arm's FVP_Corstone_1000 tarball
# (an installer script that takes --i-agree-to-the-contained-eula --no-interactive -d DEST and
# leaves models/<toolchain>/FVP_Corstone-1000). The stand-in model is a real dynamic executable
# (coreutils' env, which answers --version). The real archive is not available to the team.
# Prints one "ok"/"FAIL" line per case. Usage: install-fvp-standin.sh REPO
set -uo pipefail
repo=$1
. "$repo/test/pack/cases.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# standin NAME MODEL_SOURCE: an archive whose installer installs MODEL_SOURCE as the model.
standin() {
	local d=$tmp/$1
	mkdir -p "$d/src"
	cat >"$d/src/FVP_Corstone_1000.sh" <<SH
#!/bin/sh
[ "\$1 \$2 \$3" = "--i-agree-to-the-contained-eula --no-interactive -d" ] || { echo "installer: bad args \$*"; exit 2; }
mkdir -p "\$4/models/Linux64_GCC-9.3" && cp "$2" "\$4/models/Linux64_GCC-9.3/FVP_Corstone-1000"
SH
	tar -czf "$d/FVP_Corstone_1000_11.99_99_Linux64.tgz" -C "$d/src" .
	echo "$d/FVP_Corstone_1000_11.99_99_Linux64.tgz"
}

good=$(standin good /usr/bin/env)
out=$("$repo/docker/install-fvp" "$good" "$tmp/opt-good" 2>&1)
expect "install-fvp installs the stand-in and runs its --version" "$?:$(echo "$out" | tail -n1)" \
	"0:install-fvp: env (GNU coreutils) $(env --version | head -n1 | awk '{print $NF}')"
expect "install-fvp links DEST/bin/FVP_Corstone-1000 to the model" \
	"$(readlink "$tmp/opt-good/bin/FVP_Corstone-1000")" "$tmp/opt-good/models/Linux64_GCC-9.3/FVP_Corstone-1000"

mkdir -p "$tmp/empty" && tar -czf "$tmp/empty.tgz" -C "$tmp/empty" .
out=$("$repo/docker/install-fvp" "$tmp/empty.tgz" "$tmp/opt-empty" 2>&1)
expect "an archive without an installer: exit 1, named" "$?:$out" \
	"1:install-fvp: $tmp/empty.tgz has no FVP_Corstone*1000*.sh installer"
out=$("$repo/docker/install-fvp" "$tmp/nothing.tgz" "$tmp/opt-none" 2>&1)
expect "a missing archive: exit 1, with the build argument to pass" "$?:$out" \
	"1:install-fvp: no archive at '$tmp/nothing.tgz' (pass it with --build-arg FVP_ARCHIVE=...)"
