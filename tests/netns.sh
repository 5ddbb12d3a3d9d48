#!/bin/sh
# netns.sh [--no-fake] -- CMD ARGS...
# Run CMD inside a fresh private network + mount namespace with the fake Azure
# up, so nothing can reach the real 169.254.169.254 or any other network.
#   1. re-exec under `unshare -n -m --propagation private` (needs root)
#   2. prove isolation: /proc/net/dev (per namespace) must list only lo
#   3. lo up, 169.254.169.254/32 on lo, private /etc/hosts and /etc/resolv.conf
#      (bind mounts; resolv.conf points at 127.0.0.1 where nothing listens);
#      the Entra ID authority hosts map to 127.0.0.2 (the fake's token endpoint);
#      a tmpfs on /var/opt holds an empty /var/opt/azcmagent/tokens, Arc's
#      key-file folder (private to this mount namespace)
#   4. test PKI (tests/fake/mkcerts.sh), start tests/fake/fake_azure.py, wait for "ready"
#   5. run CMD with, exported:
#        AZKV_TEST_CA   CA that signed the vault certificate (pass to --cacert)
#        FAKE_LOG       request log, one JSON line per request (see fake_azure.py)
#        FAKE_CONTROL   control file (see fake_azure.py; fixtures.set_control)
#        FAKE_CERTDIR   all generated certificates
#        FAKE_IMDS_ALT  http://127.0.0.1:8081, a second IMDS address
#                       (for AZURE_POD_IDENTITY_AUTHORITY_HOST)
#        FAKE_ARC_DIR   /var/opt/azcmagent/tokens (the tmpfs one)
#        the other identity sources listen on fixed addresses: see fake_azure.py
#        AZKV_NETNS=1 AZKV_FAKE_UP=1
#   6. stop the fake, remove the temp dir, exit with CMD's status.
# Inside an existing netns.sh (AZKV_FAKE_UP=1) CMD is just run.
set -u

# Proof of isolation. /sys/class/net is not per namespace here; /proc/net/dev is.
isolated() {
	ifaces=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | tr '\n' ' ')
	[ "$ifaces" = "lo " ] && return 0
	echo "netns.sh: refusing to run: this network namespace has interfaces other than lo: $ifaces" >&2
	return 1
}

if [ "${AZKV_FAKE_UP:-}" = 1 ]; then
	isolated || exit 1
	[ "${1:-}" = --no-fake ] && shift
	[ "${1:-}" = -- ] && shift
	exec "$@"
fi

if [ "${AZKV_NETNS:-}" != 1 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "netns.sh: needs root for unshare -n -m (a private network namespace)" >&2
		exit 1
	fi
	AZKV_NETNS=1 exec unshare -n -m --propagation private "$0" "$@"
	echo "netns.sh: unshare failed" >&2
	exit 1
fi

isolated || exit 1

fake=1
if [ "${1:-}" = --no-fake ]; then fake=0; shift; fi
[ "${1:-}" = -- ] && shift
if [ $# -eq 0 ]; then
	echo "usage: tests/netns.sh [--no-fake] -- CMD ARGS..." >&2
	exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/azkv-netns.XXXXXX) || exit 1
fakepid=
cleanup() {
	if [ -n "$fakepid" ]; then
		kill "$fakepid" 2>/dev/null
		# a fake stuck in shutdown must not hang the suite: 5 s, then KILL
		i=0
		while kill -0 "$fakepid" 2>/dev/null && [ $i -lt 50 ] &&
			[ "$(awk '{ print $3 }' "/proc/$fakepid/stat" 2>/dev/null)" != Z ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -9 "$fakepid" 2>/dev/null
		wait "$fakepid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ip link set lo up || exit 1
ip addr add 169.254.169.254/32 dev lo || exit 1

cat > "$tmp/hosts" <<EOF
127.0.0.1 localhost
127.0.0.1 myvault.vault.azure.net other.vault.azure.net evil.vault.azure.net lister.vault.azure.net
127.0.0.1 stall.vault.azure.net kv-test-01.vault.azure.net
127.0.0.1 kv.vault.contoso.test kv.contoso.test
127.0.0.1 kv.vault.azure.cn kv.vault.usgovcloudapi.net
127.0.0.1 myhsm.managedhsm.azure.net
127.0.0.2 login.microsoftonline.com login.chinacloudapi.cn login.microsoftonline.us
EOF
mount --bind "$tmp/hosts" /etc/hosts || exit 1
# DNS for other names fails fast and stays on lo (nothing listens on :53)
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > "$tmp/resolv.conf"
mount --bind "$tmp/resolv.conf" /etc/resolv.conf || exit 1
# Arc's key files: the real folder, on a tmpfs only this namespace sees
arcdir=/var/opt/azcmagent/tokens
if [ -d /var/opt ]; then
	mount -t tmpfs -o mode=0755,size=1m azkv-var-opt /var/opt || exit 1
	mkdir -p -m 0700 "$arcdir" || exit 1
fi

if [ "$fake" = 1 ]; then
	"$here/fake/mkcerts.sh" "$tmp/certs" || exit 1
	: > "$tmp/fake.log"
	echo '{}' > "$tmp/control.json"
	ext=127.0.0.1:50342
	# if ::1 exists, "localhost" may resolve to it first
	[ -f /proc/net/if_inet6 ] && grep -q '^0*1 ' /proc/net/if_inet6 && ext="$ext,[::1]:50342"
	python3 "$here/fake/fake_azure.py" \
		--imds 169.254.169.254:80,127.0.0.1:8081 --ext "$ext" --vault 127.0.0.1:443 \
		--appsvc 127.0.0.1:41601 --arc 127.0.0.1:40342 --sf 127.0.0.1:2377 \
		--ml 127.0.0.1:46808 --cloudshell 127.0.0.1:50343 --entra 127.0.0.2:443 \
		--arc-dir "$arcdir" \
		--certdir "$tmp/certs" --log "$tmp/fake.log" --control "$tmp/control.json" \
		> "$tmp/fake.out" 2> "$tmp/fake.err" &
	fakepid=$!
	i=0
	until grep -q '^ready$' "$tmp/fake.out" 2>/dev/null; do
		if ! kill -0 "$fakepid" 2>/dev/null || [ $i -ge 200 ]; then
			echo "netns.sh: fake Azure did not start:" >&2
			cat "$tmp/fake.err" >&2
			exit 1
		fi
		i=$((i + 1))
		sleep 0.05
	done
	export AZKV_TEST_CA="$tmp/certs/ca.pem" FAKE_LOG="$tmp/fake.log" \
		FAKE_CONTROL="$tmp/control.json" FAKE_CERTDIR="$tmp/certs" \
		FAKE_IMDS_ALT=http://127.0.0.1:8081 FAKE_ARC_DIR="$arcdir" AZKV_FAKE_UP=1
fi

"$@"
rc=$?
if [ "$fake" = 1 ] && [ -s "$tmp/fake.err" ]; then
	echo "netns.sh: fake Azure wrote to stderr:" >&2
	cat "$tmp/fake.err" >&2
fi
exit $rc
