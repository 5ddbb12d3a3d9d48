#!/bin/sh
# azkv-boot-result (tests/boot/dracut/99azkv-boot): wait up to 240 s for
# systemd-cryptsetup to open the LUKS2 volume that rd.luks.uuid names (the
# passphrase comes from clevis's askpass through the azkv pin), then print
#   AZKV-BOOT-RESULT rc=... sha256=... dns=... neednet=... clock=... uptime=...
# on the console (sha256: the first 4 KiB of the opened volume, which the
# test computes from the volume key) and power off. rc=-1: never opened.
uuid=$(sed -n 's/.*rd\.luks\.uuid=\([^ ]*\).*/\1/p' /proc/cmdline)
dev=/dev/mapper/luks-${uuid#luks-}
up() { cut -d. -f1 /proc/uptime; }
end=$(($(up) + 240))
rc=0
until [ -b "$dev" ]; do
	[ "$(up)" -ge $end ] && rc=-1 && break
	sleep 0.5
done
sum=-
[ $rc = 0 ] && sum=$(dd if="$dev" bs=4096 count=1 2>/dev/null | sha256sum | cut -d' ' -f1)
dns=$(awk '$1 == "nameserver" { printf "%s%s", sep, $2; sep = "," }' /etc/resolv.conf 2>/dev/null)
neednet=$(tr -d ' \n' </etc/cmdline.d/99clevis-pin-azkv.conf 2>/dev/null)
# never opened: the journal's last lines, the network, dracut's queue and
# the processes, into build/boot/run/dracut/console.log
if [ $rc != 0 ]; then
	journalctl -b --no-pager -o short-monotonic 2>&1 | tail -n 150
	ip link
	ip route
	ls /tmp /lib/dracut/hooks/initqueue /lib/dracut/hooks/initqueue/finished
	udevadm settle --timeout=0 && echo udev settled
	for p in /proc/[0-9]*; do
		echo "${p#/proc/}: $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null | cut -c1-120)"
	done
fi >/dev/console 2>&1
echo "azkv-boot: network: $(ip -4 -o addr show scope global | awk '{print $2, $4}' | tr '\n' ' ')" >/dev/console
echo "AZKV-BOOT-RESULT rc=$rc sha256=$sum dns=${dns:--} neednet=${neednet:--} clock=$(date -u +%s) uptime=$(cut -d' ' -f1 /proc/uptime)" >/dev/console
sleep 1
poweroff -f
