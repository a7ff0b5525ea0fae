#!/bin/sh
# Install, from Debian's packages, what the build and the tests need.
# Safe to run again: it installs only what is missing.
# SPDX-License-Identifier: BSD-2-Clause
set -eu
pkgs="make gcc libc6-dev pkg-config libcmocka-dev mandoc valgrind natpmpc
iproute2 python3 bsdutils binutils"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	echo "installing:$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
echo "test dependencies present"
