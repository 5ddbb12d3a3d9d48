#!/usr/bin/env bash
# make test: install what is missing, build, run every suite.
# Each suite ends with its own "N passed, N failed" line; this script adds
# them up and ends with the total on one line. A suite that crashes or
# prints no count is counted as one failure.
set -u
cd "$(dirname "$0")/.." || exit 1

UNITS=$(make -s print-units) || { echo "0 passed, 1 failed"; exit 1; }
LOGDIR=build/test-logs
passed=0
failed=0

step() { printf '== %s\n' "$*"; }

# suite NAME CMD...: run, show the output, add its closing counts.
suite() {
	local name=$1 log counts p f
	shift
	log="$LOGDIR/$name.log"
	step "$name"
	"$@" >"$log" 2>&1
	local rc=$?
	cat "$log"
	counts=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$counts" ]; then
		echo "!! $name: no count line (exit $rc)"
		failed=$((failed + 1))
		return
	fi
	p=$(echo "$counts" | sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\2/')
	f=$(echo "$counts" | sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\3/')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "!! $name: exit $rc with no failure counted"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

step "dependencies"
./build.sh --deps || { echo "0 passed, 1 failed"; exit 1; }
step "build"
./build.sh || { echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$LOGDIR"

step "unit test binaries"
make -s -j2 $(for u in $UNITS; do printf 'build/unit-asan/test_%s build/unit-musl/test_%s ' "$u" "$u"; done) \
	|| { echo "0 passed, 1 failed"; exit 1; }
for u in $UNITS; do
	suite "unit-$u-asan" "build/unit-asan/test_$u"
	suite "unit-$u-musl" "build/unit-musl/test_$u"
done
make -s build/unit-asan/diff_rsa || { echo "0 passed, 1 failed"; exit 1; }
suite rsa-vs-bearssl build/unit-asan/diff_rsa
make -s build/unit-asan/test_pkcs12 || { echo "0 passed, 1 failed"; exit 1; }
suite pkcs12-vs-openssl build/unit-asan/test_pkcs12
make -s build/unit-asan/diff_rsaenc || { echo "0 passed, 1 failed"; exit 1; }
suite rsaenc-vs-bearssl build/unit-asan/diff_rsaenc
make -s build/unit-asan/diff_trust || { echo "0 passed, 1 failed"; exit 1; }
suite trust-vs-bearssl build/unit-asan/diff_trust /etc/ssl/certs/ca-certificates.crt certs/*.pem
suite fuzz-replay make -s fuzz-replay

suite e2e tests/netns.sh -- python3 tests/e2e/e2e.py
suite resolver tests/netns.sh -- python3 tests/e2e/resolver.py
suite sources tests/netns.sh -- python3 tests/e2e/sources.py
make -s build/envdump || { echo "0 passed, 1 failed"; exit 1; }
suite delivery tests/netns.sh -- python3 tests/e2e/delivery.py
suite listing tests/netns.sh -- python3 tests/e2e/listing.py
suite faults tests/netns.sh -- python3 tests/e2e/faults.py
suite examples tests/netns.sh -- python3 tests/e2e/examples.py
suite keys tests/netns.sh -- python3 tests/e2e/keys.py
suite proxies tests/netns.sh -- python3 tests/e2e/proxies.py
suite chains tests/netns.sh -- python3 tests/e2e/chains.py
suite servers tests/netns.sh -- python3 tests/e2e/servers.py
suite certs tests/netns.sh -- python3 tests/e2e/certs.py
suite clevis tests/netns.sh -- python3 tests/e2e/clevis.py
suite docs tests/docs.sh
suite layers tests/layers.sh
# Portability and boot (each installs what it needs: cross gcc, qemu).
suite arm64 make -s test-arm64
suite boot make -s test-boot
suite repro make -s repro

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
