#!/bin/bash
# dracut module 90azkv: fetch LUKS keys from Azure Key Vault before
# systemd-cryptsetup runs. /etc/azkv/cryptkeys lists "VOLUME REFERENCE [azkv
# options]" per line; each key lands in /run/cryptsetup-keys.d/VOLUME.key
# (mode 0400, atomic), where systemd-cryptsetup looks when crypttab's key
# field is "none". Install: cp -r 90azkv /usr/lib/dracut/modules.d/ and
# dracut -f --add azkv.
check() {
	require_binaries azkv || return 1
	return 255
}

depends() {
	echo network systemd crypt
}

install() {
	inst_simple "$(command -v azkv)" /usr/bin/azkv
	inst_simple "$moddir/azkv-cryptkeys" /usr/bin/azkv-cryptkeys
	inst_simple "$moddir/azkv-cryptkeys.service" "$systemdsystemunitdir/azkv-cryptkeys.service"
	inst_simple /etc/azkv/cryptkeys
	$SYSTEMCTL -q --root "$initdir" add-wants cryptsetup-pre.target azkv-cryptkeys.service
}
