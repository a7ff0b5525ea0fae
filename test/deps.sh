#!/bin/sh
# Install, from Debian's packages, what the build and the tests need.
# Safe to run again: it installs only what is missing.
# SPDX-License-Identifier: BSD-2-Clause
set -eu
pkgs="make gcc libc6-dev pkg-config libcmocka-dev mandoc valgrind natpmpc
iproute2 python3 bsdutils binutils util-linux miniupnpd-nftables nftables
libnatpmp-dev clang libclang-rt-14-dev cppcheck clang-tidy strace
python3-pytest miniupnpc"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	echo "installing:$missing"
	# Never let a package start a daemon on this host (miniupnpd must
	# run only inside the interop lab's namespace).
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
		$SUDO chmod 755 /usr/sbin/policy-rc.d
		trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
	fi
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
echo "test dependencies present"
