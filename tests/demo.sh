#!/bin/bash
# demo.sh: the azkv tutorial, run against the bundled fake Azure inside a
# private network namespace (tests/netns.sh). Each command is echoed, then
# run; the fake's tokens are cut to 24 characters for display. Exits non-zero
# if any step does not end as shown.
set -u -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ "${AZKV_FAKE_UP:-}" != 1 ]; then
	exec "$here/netns.sh" -- "$here/demo.sh" "$@"
fi
bin=$(cd "$here/.." && pwd)/bin
if [ ! -x "$bin/azkv" ]; then
	echo "demo.sh: no $bin/azkv; build it with make" >&2
	exit 1
fi
export PATH="$bin:$PATH"

# step WANT_EXIT 'command line': show it like a shell transcript, run it.
step() {
	want=$1 cmd=$2
	printf '\n$ %s\n' "$cmd"
	bash -o pipefail -c "$cmd" 2>&1
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "demo.sh: step exited $rc, expected $want" >&2
		exit 1
	fi
	[ "$want" = 0 ] || echo "(exit $rc)"
}

echo "# A VM's managed identity, faked: IMDS on 169.254.169.254, the legacy VM"
echo "# extension on localhost:50342, Key Vault myvault.vault.azure.net over TLS."
step 0 'azkv token --source vm-extension -n | cut -c1-24'
step 0 'azkv token -n | cut -c1-24'
step 0 'azkv token -n --resource https://management.azure.com | cut -c1-24'
step 0 'azkv get --cacert "$AZKV_TEST_CA" https://myvault.vault.azure.net/secrets/db-password -n'
step 0 'azkv get --cacert "$AZKV_TEST_CA" myvault/db-password myvault/api-key -n'
step 0 'azkv get -v --cacert "$AZKV_TEST_CA" myvault/db-password -n'
step 5 'azkv get --cacert "$AZKV_TEST_CA" myvault/no-such-secret'
echo
echo "# done"
