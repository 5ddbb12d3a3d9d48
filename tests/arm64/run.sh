#!/usr/bin/env bash
# tests/arm64/run.sh [PATTERN...]: `make test-arm64`.
#   1. install the cross tools if missing, build bin/azkv-aarch64
#   2. check it: static arm64 ELF, within the size budget
#   3. run a core subset of tests/e2e/e2e.py (or the PATTERNs given) with it,
#      under qemu-aarch64-static called explicitly (binfmt_misc may be absent),
#      in tests/netns.sh's private network namespace
# Ends with "arm64: N passed, N failed", the checks of step 2 included.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)

BIN=bin/azkv-aarch64
WRAP=build/azkv-arm64-qemu
BUDGET=204800 # 200 KiB, as on x86-64
# identity (IMDS, VM extension), values, several secrets and vaults,
# versions, vault errors, TLS verification, usage
CORE="token-imds token-vm-extension get-url get-big get-unicode get-chunked
get-vm-extension get-three get-two-vaults get-version-old get-not-found
get-forbidden fault-tls-untrusted fault-tls-wrong-name bad-ref-http version"

# shellcheck source=tests/lib/counts.sh
. tests/lib/counts.sh
ok() { echo "ok - $1"; passed=$((passed + 1)); }
notok() { echo "not ok - $1: $2"; failed=$((failed + 1)); }
finish() {
	echo "arm64: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

t0=$(date +%s)
./build.sh --deps --arch aarch64 || { notok deps "./build.sh --deps --arch aarch64"; finish; }
./build.sh --arch aarch64 || { notok build "./build.sh --arch aarch64"; finish; }

desc=$(file -b "$BIN")
case $desc in
*"ARM aarch64"*"statically linked"*) ok "static arm64 ELF" ;;
*) notok "static arm64 ELF" "file says: $desc" ;;
esac
size=$(stat -c %s "$BIN")
if [ "$size" -le "$BUDGET" ]; then
	ok "size $size bytes <= $BUDGET"
else
	notok size "$size bytes > $BUDGET"
fi

# e2e.py runs AZKV as one executable with a clean environment: give it a
# wrapper with both paths absolute.
qemu=$(command -v qemu-aarch64-static) || { notok qemu "no qemu-aarch64-static"; finish; }
mkdir -p build
printf '#!/bin/sh\nexec %s %s "$@"\n' "$qemu" "$ROOT/$BIN" >"$WRAP.tmp"
chmod 755 "$WRAP.tmp" && mv "$WRAP.tmp" "$WRAP"
if v=$("$WRAP" --version 2>&1) && [ -n "$v" ]; then
	ok "runs under qemu: $v"
else
	notok "runs under qemu" "$v"
fi

# shellcheck disable=SC2086 # one word per pattern
[ $# -gt 0 ] || set -- $CORE
log=build/test-logs/e2e-arm64.log
mkdir -p build/test-logs
AZKV=$ROOT/$WRAP tests/netns.sh -- python3 tests/e2e/e2e.py "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
counts_add "e2e under qemu (log: $log)" "$rc" <"$log" || true
echo "arm64: $(($(date +%s) - t0)) s"
finish
