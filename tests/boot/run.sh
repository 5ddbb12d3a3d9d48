#!/usr/bin/env bash
# tests/boot/run.sh: `make test-boot`. Boots a real Debian kernel under
# qemu-system-x86_64 (TCG) with a tiny initramfs whose /init fetches a LUKS
# key from the fake Azure with examples/initramfs-tools/azkv-keyscript, and
# checks the key byte for byte; then boots again to unlock a LUKS2 disk bound
# with the azkv clevis pin (Debian's clevis, jose, cryptsetup in the guest);
# then a third time with an initramfs made by Debian's dracut 059.
#   1. install qemu-system-x86, busybox-static, clevis, clevis-luks, jose and
#      cryptsetup-bin if missing (needs root)
#   2. build bin/azkv if missing (make test-boot builds it first)
#   3. the kernel: the package linux-image-amd64 depends on, fetched with
#      `apt-get download` into build/boot/ (never installed into /boot) and
#      reduced by `boot.py prepare` to build/boot/kernel-PKG/ (vmlinuz, config,
#      the NIC and virtio disk modules, and the dracut boot's module tree with
#      dm-crypt): kept between runs, fetched again when the package changes
#   4. for the clevis boot: initramfs-tools-core, klibc-utils, libklibc and
#      clevis-initramfs, fetched the same way and unpacked into build/boot/itools/
#   5. for the dracut boot: a Debian chroot with dracut, dracut-network and
#      clevis-dracut, made once by mmdebstrap (installed if missing) into
#      build/boot/dracut/root
#   6. tests/boot/boot.py run, inside tests/netns.sh: qemu runs in the private
#      network namespace, its user-mode network reaches only the fake
# Ends with "boot: N passed, N failed". Environment: see tests/boot/boot.py.
set -u
cd "$(dirname "$0")/../.." || exit 1

fail() {
	echo "not ok - $1: $2"
	echo "boot: 0 passed, 1 failed"
	exit 1
}

[ "$(id -u)" = 0 ] || fail setup "needs root (apt-get, unshare)"

t0=$(date +%s.%N)
missing=
command -v qemu-system-x86_64 >/dev/null || missing="$missing qemu-system-x86"
# the clevis boot: Debian's clevis, jose and cryptsetup, on the host and copied into the guest
for p in busybox-static clevis clevis-luks jose cryptsetup-bin; do
	[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "# installing$missing"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/dev/null ||
		{ apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends $missing >/dev/null; } ||
		fail setup "apt-get install$missing"
fi

[ -x bin/azkv ] || ./build.sh || fail setup "./build.sh"

kpkg() { apt-cache depends linux-image-amd64 2>/dev/null | awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }'; }
pkg=$(kpkg)
if [ -z "$pkg" ]; then
	apt-get update >/dev/null || fail kernel "apt-get update"
	pkg=$(kpkg)
fi
[ -n "$pkg" ] || fail kernel "apt-cache: linux-image-amd64 depends on no linux-image-* package"
kdir=build/boot/kernel-$pkg
# a cache from before the dracut boot lacks its module tree: prepare again
if [ ! -f "$kdir/kernel.json" ] || ! grep -q '"dracut"' "$kdir/kernel.json"; then
	mkdir -p build/boot/deb
	rm -f build/boot/deb/*.deb
	echo "# fetching $pkg (apt-get download, not installed)"
	(cd build/boot/deb && apt-get download -o APT::Sandbox::User=root "$pkg" >/dev/null) ||
		fail kernel "apt-get download $pkg"
	python3 tests/boot/boot.py prepare build/boot/deb/"$pkg"_*.deb "$kdir" ||
		fail kernel "boot.py prepare $pkg"
	rm -f build/boot/deb/*.deb
	# older kernels' caches
	for d in build/boot/kernel-*; do [ "$d" = "$kdir" ] || rm -rf "$d"; done
fi
# The clevis boot's initramfs-tools pieces: scripts/functions, klibc's
# ipconfig and Debian's clevis local-top, fetched with `apt-get download`
# (never installed) into build/boot/itools/
ipkgs="initramfs-tools-core klibc-utils libklibc clevis-initramfs"
idir=build/boot/itools
if [ ! -f "$idir/x/usr/share/initramfs-tools/scripts/functions" ] ||
	[ ! -f "$idir/x/usr/share/initramfs-tools/scripts/local-top/clevis" ]; then
	mkdir -p build/boot/deb
	rm -f build/boot/deb/*.deb
	echo "# fetching $ipkgs (apt-get download, not installed)"
	# shellcheck disable=SC2086
	(cd build/boot/deb && apt-get download -o APT::Sandbox::User=root $ipkgs >/dev/null) ||
		fail itools "apt-get download $ipkgs"
	rm -rf "$idir" && mkdir -p "$idir/x"
	for d in build/boot/deb/*.deb; do dpkg-deb -x "$d" "$idir/x" || fail itools "dpkg-deb -x $d"; done
	rm -f build/boot/deb/*.deb
fi
# The dracut boot: Debian's dracut 059, dracut-network and clevis-dracut in a
# chroot that mmdebstrap makes through apt from the machine's Debian sources
# (build/boot/dracut/root, kept between runs): the dracut package conflicts
# with initramfs-tools, so it is never installed on this machine.
dpkgs="dracut dracut-network clevis-dracut cryptsetup-bin systemd systemd-sysv udev kmod network-manager procps netbase"
ddir=build/boot/dracut
if [ ! -x "$ddir/root/usr/bin/dracut" ] || [ "$(cat "$ddir/packages" 2>/dev/null)" != "$dpkgs" ]; then
	if ! command -v mmdebstrap >/dev/null; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends mmdebstrap >/dev/null ||
			{ apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive \
				apt-get install -y --no-install-recommends mmdebstrap >/dev/null; } ||
			fail dracut "apt-get install mmdebstrap"
	fi
	# shellcheck disable=SC1091
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	srcs=
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		grep -qs '/debian' "$f" && srcs="$srcs $f"
	done
	rm -rf "$ddir" && mkdir -p "$ddir"
	echo "# making the dracut chroot: mmdebstrap $suite ($dpkgs)"
	# shellcheck disable=SC2086 # one word per file
	mmdebstrap --mode=root --variant=apt --include="$(echo "$dpkgs" | tr ' ' ,)" "$suite" \
		"$ddir/root" $srcs >"$ddir/mmdebstrap.log" 2>&1 ||
		fail dracut "mmdebstrap: $(tail -n 1 "$ddir/mmdebstrap.log") ($ddir/mmdebstrap.log)"
	echo "$dpkgs" >"$ddir/packages"
fi
t1=$(date +%s.%N)

tests/netns.sh -- python3 tests/boot/boot.py run "$kdir"
rc=$?
t2=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v c="$t2" \
	'BEGIN { printf "# time: %.1f s setup (packages, kernel), %.1f s boot test, %.1f s total\n", b - a, c - b, c - a }'
exit $rc
