#!/bin/bash
# dracut module 99azkv-boot: the probe of the dracut boot test
# (tests/boot/boot.py), added only by --add azkv-boot; never for a real
# image. It adds:
#   - azkv-boot-clock.service: sets the clock to 1970-01-02 before the
#     command line is parsed (systemd moves a clock older than its own build
#     forward at start; the test wants azkv to run at 1970)
#   - the test CA for the pin (a drop-in giving clevis-luks-askpass.service
#     SSL_CERT_FILE, an ordinary azkv setting; Azure's roots are built in)
#   - azkv-boot-result.service: waits for the LUKS2 volume of rd.luks.uuid
#     to be opened, prints one AZKV-BOOT-RESULT line and powers off
check() {
	return 255
}

depends() {
	echo clevis-pin-azkv
	return 0
}

# shellcheck disable=SC2154 # dracut sets initdir, moddir, systemdsystemunitdir
install() {
	local u
	for u in azkv-boot-clock.service azkv-boot-result.service; do
		inst_simple "$moddir/$u" "$systemdsystemunitdir/$u"
		$SYSTEMCTL -q --root "$initdir" add-wants sysinit.target "$u"
	done
	inst_script "$moddir/azkv-boot-result.sh" /usr/bin/azkv-boot-result
	inst_simple /etc/azkv-boot/ca.pem /etc/azkv-boot/ca.pem
	mkdir -p "$initdir$systemdsystemunitdir/clevis-luks-askpass.service.d"
	printf '[Service]\nEnvironment=SSL_CERT_FILE=/etc/azkv-boot/ca.pem\n' \
		> "$initdir$systemdsystemunitdir/clevis-luks-askpass.service.d/azkv-boot.conf"
	inst_multiple date dd sha256sum sleep cut tr sed awk ip poweroff tail journalctl ls cat udevadm
}
