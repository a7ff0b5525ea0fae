#!/bin/sh
# Install, from Debian's packages, what the build and the tests need.
# Safe to run again: it installs only what is missing.
# SPDX-License-Identifier: BSD-2-Clause
set -eu
pkgs="make gcc libc6-dev pkg-config libcmocka-dev mandoc valgrind natpmpc
iproute2 python3 bsdutils binutils util-linux miniupnpd-nftables nftables
libnatpmp-dev clang libclang-rt-14-dev cppcheck clang-tidy strace
python3-pytest miniupnpc gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 wine
wine64"
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
# cmocka for the Windows unit tests: Debian ships it built for Linux only,
# so its source comes from Debian's archive (apt-get source, through a
# source list of our own: the system's apt configuration is untouched,
# and apt checks the files against the archive's signed index) and
# make check-windows builds it with MinGW.
CMOCKA=cmocka-1.1.5
if [ ! -f /usr/local/src/$CMOCKA/src/cmocka.c ]; then
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	t=$(mktemp -d)
	chmod 755 "$t"	# (apt downloads as its own user)
	mkdir -p "$t/lists/partial"
	echo "deb-src http://deb.debian.org/debian bookworm main" > "$t/src.list"
	apt_src="-o Dir::Etc::SourceList=$t/src.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$t/lists"
	apt-get $apt_src update -qq
	(cd "$t" && apt-get $apt_src source --download-only -qq cmocka=1.1.5-2.1 >/dev/null 2>&1)
	$SUDO mkdir -p /usr/local/src
	$SUDO tar -C /usr/local/src -xJf "$t/cmocka_1.1.5.orig.tar.xz"
	rm -rf "$t"
fi
echo "test dependencies present"
