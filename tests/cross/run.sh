#!/usr/bin/env bash
# tests/cross/run.sh ARCH [SUITE[:PATTERN,...]...]: `make test-ARCH` for a
# cross target of conf/ (aarch64, armhf, s390x; arm64 is aarch64).
#   1. install the cross tools if missing, build bin/azkv-ARCH
#   2. check it: file(1) says conf/ARCH.mk's ELF_DESC, statically linked,
#      and it is within conf/ARCH.mk's BUDGET
#   3. the unit tests and the fuzz corpus replay built for ARCH (make
#      ARCH=ARCH unit-cross fuzz-cross) under conf/ARCH.mk's QEMU: the
#      parsers on a 32-bit size_t, or big-endian
#   4. a core subset of the e2e suites (CORE below) with the binary under
#      QEMU, called explicitly (binfmt_misc may be absent), in one
#      tests/netns.sh private network namespace: the script runs itself
#      there as run.sh ARCH --in-netns SUITE:PATTERN,...
# SUITE is one of CORE's suites, "unit" or "fuzz"; PATTERNs select its
# cases (all of them when none is given); with no SUITE, everything runs.
# Ends with "ARCH: N passed, N failed", the checks of step 2 included.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)

# get, token, exec, files, DNS, TLS (the chains, the clock), PKCS#12, keys
CORE="e2e: token-imds token-vm-extension get-url get-big get-unicode get-chunked get-vm-extension
	get-three get-two-vaults get-version-old get-not-found get-forbidden cacert-bundle
	fault-tls-untrusted fault-tls-wrong-name fault-tls-bad-signature fault-tls-expired
	fault-vault-bad-chunk tls-valid-until-2050 fault-tls-valid-from-2040 bad-ref-http version
resolver: dns-only-name cname-chain aaaa-only-to-v6-loopback truncated-answer wrong-id-ignored
delivery: exec-values exec-two-vaults out-default-mode out-dir pem-split json-bundle decode-base64
chains: chain-
certs: p12-legacy p12-ec cert-get-url
keys: wrap-2048-RSA-OAEP-256 wrap-hsm-A256KW json"

arch=${1:-}
[ "$arch" = arm64 ] && arch=aarch64
case $arch in
'' | */* | .* | x86_64) echo "usage: tests/cross/run.sh ARCH [SUITE[:PATTERN,...]...]" >&2; exit 2 ;;
esac
shift
CONF=conf/$arch.mk

passed=0
failed=0
# shellcheck source=tests/lib/counts.sh
. tests/lib/counts.sh
ok() { echo "ok - $1"; passed=$((passed + 1)); }
notok() { echo "not ok - $1: $2"; failed=$((failed + 1)); }
finish() {
	echo "$arch: $(($(date +%s) - t0)) s"
	echo "$arch: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
t0=$(date +%s)
[ -f "$CONF" ] || { notok conf "no $CONF"; finish; }

# conf NAME: one value from conf/ARCH.mk.
conf() {
	awk -v n="$1" '$1 == n && $2 == "=" { sub(/^[^=]*= */, ""); print }' "$CONF"
}
BIN=$(conf OUT) QEMU=$(conf QEMU) ELF=$(conf ELF_DESC) BUDGET=$(conf BUDGET)
WRAP=build/azkv-$arch-qemu
LOGS=build/test-logs
mkdir -p "$LOGS"

# add LOG WHAT RC: add LOG's last count line (tests/lib/counts.sh).
add() { counts_add "$2" "$3" <"$1" || true; }

# built WHAT MAKE-TARGET LIST-TARGET PREFIX CORPUS [NAME...]: make ARCH=...
# MAKE-TARGET, then each build/unit-ARCH/PREFIX<name> (the names make -s
# LIST-TARGET prints, or those given) under qemu, with CORPUS/<name> as its
# argument when CORPUS is set; each ends with its own count line.
built() {
	local what=$1 target=$2 list=$3 prefix=$4 corpus=$5 n log rc
	shift 5
	make -s -j2 ARCH="$arch" "$target" >"$LOGS/$target-$arch.log" 2>&1 ||
		{ notok "$what ($arch)" "make ARCH=$arch $target failed (log: $LOGS/$target-$arch.log)"; return; }
	for n in $(make -s "$list"); do
		[ $# -eq 0 ] || [[ " $* " == *" $n "* ]] || continue
		log=$LOGS/$prefix$n-$arch.log
		"$qemu" "build/unit-$arch/$prefix$n" ${corpus:+"$corpus/$n"} >"$log" 2>&1
		rc=$?
		echo "== $what $n ($arch): $(tail -n 1 "$log")"
		grep -v '^[0-9]* passed, [0-9]* failed$' "$log"
		add "$log" "$what $n" "$rc"
	done
}

# The unit tests; the committed fuzz corpus through the harnesses (their
# invariants; no sanitizers here).
units() { built "unit" unit-cross print-units test_ "" "$@"; }
fuzz() { built "fuzz replay" fuzz-cross print-fuzzers fuzz_ tests/fuzz/corpus "$@"; }

# e2e SUITE PATTERN...: the cases of tests/e2e/SUITE.py with the wrapper
# (inside tests/netns.sh: the suites share its fake Azure).
e2e() {
	local suite=$1 log rc
	shift
	log=$LOGS/$suite-$arch.log
	echo "== $suite ($arch)"
	python3 "tests/e2e/$suite.py" "$@" >"$log" 2>&1
	rc=$?
	grep -v '^ok - ' "$log"
	add "$log" "$suite" "$rc"
}

# pick SEL...: run each SUITE[:PATTERN,...]: "unit" and "fuzz" here, the
# e2e suites inside one tests/netns.sh (one fake, started once).
pick() {
	local sel suite pats e2es=() log rc
	for sel in "$@"; do
		suite=${sel%%:*} pats=
		[ "$sel" = "$suite" ] || pats=${sel#*:}
		# shellcheck disable=SC2086 # one word per pattern
		case $suite in
		unit) units ${pats//,/ } ;;
		fuzz) fuzz ${pats//,/ } ;;
		*) e2es+=("$sel") ;;
		esac
	done
	[ ${#e2es[@]} -gt 0 ] || return 0
	log=$LOGS/netns-$arch.log
	AZKV=$ROOT/$WRAP tests/netns.sh -- "$ROOT/tests/cross/run.sh" "$arch" --in-netns "${e2es[@]}" 2>&1 |
		tee "$log"
	rc=${PIPESTATUS[0]}
	add "$log" "e2e suites" "$rc"
}

# Inside tests/netns.sh (pick): the e2e suites, one count line at the end.
if [ "${1:-}" = --in-netns ]; then
	shift
	for sel in "$@"; do
		pats=
		[ "$sel" = "${sel%%:*}" ] || pats=${sel#*:}
		# shellcheck disable=SC2086 # one word per pattern
		e2e "${sel%%:*}" ${pats//,/ }
	done
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
fi

./build.sh --deps --arch "$arch" || { notok deps "./build.sh --deps --arch $arch"; finish; }
./build.sh --arch "$arch" || { notok build "./build.sh --arch $arch"; finish; }
make -s build/envdump || { notok build "make build/envdump"; finish; }

desc=$(file -b "$BIN")
case $desc in
"$ELF"*"statically linked"*) ok "$ELF, static" ;;
*) notok "$ELF, static" "file says: $desc" ;;
esac
size=$(stat -c %s "$BIN")
if [ "$size" -le "$BUDGET" ]; then
	ok "size $size bytes <= $BUDGET"
else
	notok size "$size bytes > $BUDGET"
fi

# The e2e suites run AZKV as one executable with a clean environment: give
# them a wrapper with both paths absolute.
qemu=$(command -v "$QEMU") || { notok qemu "no $QEMU"; finish; }
printf '#!/bin/sh\nexec %s %s "$@"\n' "$qemu" "$ROOT/$BIN" >"$WRAP.tmp"
chmod 755 "$WRAP.tmp" && mv "$WRAP.tmp" "$WRAP"
if v=$("$WRAP" --version 2>&1) && [ -n "$v" ]; then
	ok "runs under $QEMU: $v"
else
	notok "runs under $QEMU" "$v"
fi

if [ $# -gt 0 ]; then
	pick "$@"
else
	# CORE as SUITE:PATTERN,... words.
	# shellcheck disable=SC2046 # one word per suite
	pick unit fuzz $(printf '%s\n' "$CORE" | awk '
		/^[a-z0-9]+:/ { if (l) print l; sub(/:/, ""); l = $1 ":" $2; for (i = 3; i <= NF; i++) l = l "," $i; next }
		{ for (i = 1; i <= NF; i++) l = l "," $i }
		END { print l }')
fi
finish
