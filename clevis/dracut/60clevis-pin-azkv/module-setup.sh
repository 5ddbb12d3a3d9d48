#!/bin/bash
# dracut module 60clevis-pin-azkv: the azkv clevis pin in a dracut initramfs.
# clevis's module (60clevis) brings clevis, jose and the LUKS askpass; this
# one adds clevis-decrypt-azkv and azkv (static) in /usr/bin, side by side,
# and rd.neednet=1 so dracut brings the network up (DHCP unless ip= says
# otherwise; dracut writes resolv.conf). Install: cp -r 60clevis-pin-azkv
# /usr/lib/dracut/modules.d/ and dracut -f. The network module must be
# network-manager (RHEL's; dracut's "network" picks it when NetworkManager is
# installed): network-legacy runs dhclient from dracut's initqueue, which
# the crypt module's job holds until the passphrase comes, so the network
# never comes up for the pin (make test-boot saw it).
# dracut searches only /sbin /bin /usr/sbin /usr/bin; make install's default
# PREFIX is /usr/local
find_bin() { (PATH="$PATH:/usr/local/sbin:/usr/local/bin" && command -v "$1"); }

check() {
	find_bin clevis-decrypt-azkv >/dev/null && find_bin azkv >/dev/null || return 1
	return 0
}

depends() {
	echo clevis network
	return 0
}

# shellcheck disable=SC2154 # dracut sets initdir
install() {
	inst_simple "$(find_bin clevis-decrypt-azkv)" /usr/bin/clevis-decrypt-azkv
	inst_simple "$(find_bin azkv)" /usr/bin/azkv
	mkdir -p "$initdir/etc/cmdline.d"
	echo "rd.neednet=1" > "$initdir/etc/cmdline.d/99clevis-pin-azkv.conf"
}
