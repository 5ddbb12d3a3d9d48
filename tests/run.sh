#!/usr/bin/env bash
# make test: install what is missing, build, run every suite.
#   tests/run.sh                      everything
#   tests/run.sh SUITE [PATTERN...]   one suite (make test T="SUITE PATTERN...")
#   tests/run.sh -l                   the suite names
# PATTERNs go to the suite: case names for an e2e suite (e2e, keys, ...);
# SUITE[:CASE,...] for a cross target (arm64, armhf, s390x: see
# tests/cross/run.sh); function names for one unit file (unit-http); unit
# names for unit (all unit files, both flavours). Each suite ends with its own
# "N passed, N failed" line; tests/lib/counts.sh adds them up and this
# script ends with the total on one line. A suite that crashes or prints no
# count is counted as one failure.
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tests/lib/counts.sh
. tests/lib/counts.sh

UNITS=$(make -s print-units) || { echo "0 passed, 1 failed"; exit 1; }
E2E="e2e resolver sources delivery rotation listing faults examples keys proxies chains servers certs clevis"
SUITES="unit $(for u in $UNITS; do printf 'unit-%s ' "$u"; done)rsa-vs-bearssl pkcs12-vs-openssl
rsaenc-vs-bearssl trust-vs-bearssl fuzz-replay $E2E docs layers arm64 armhf s390x boot repro"
LOGDIR=build/test-logs

if [ "${1:-}" = -l ]; then
	echo "$SUITES" | tr ' ' '\n'
	exit 0
fi
ONLY=${1:-}
[ $# -gt 0 ] && shift
PATS=("$@")
if [ -n "$ONLY" ] && ! echo "$SUITES" | tr ' ' '\n' | grep -qxF -- "$ONLY"; then
	echo "tests/run.sh: no suite named '$ONLY' (tests/run.sh -l lists them)"
	echo "0 passed, 1 failed"
	exit 1
fi

step() { printf '== %s\n' "$*"; }
die() { echo "0 passed, 1 failed"; exit 1; }

# want NAME: whether NAME is selected (everything when no suite is named).
want() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }

# run_step NAME CMD...: run, show the output, add its closing counts.
run_step() {
	local name=$1 log rc
	shift
	log="$LOGDIR/$name.log"
	step "$name"
	"$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	counts_add "$name" "$rc" <"$log" || true
}

# suite NAME CMD...: run_step if NAME is selected.
suite() { want "$1" && run_step "$@"; }

step "dependencies"
./build.sh --deps || die
step "build"
./build.sh || die
mkdir -p "$LOGDIR"

units=
case $ONLY in
"") units=$UNITS ;;
unit) units=${PATS[*]:-$UNITS} ;;
unit-*) units=${ONLY#unit-} ;;
esac
if [ -n "$units" ]; then
	step "unit test binaries"
	# shellcheck disable=SC2046 # one word per target
	make -s -j2 $(for u in $units; do printf 'build/unit-asan/test_%s build/unit-musl/test_%s ' "$u" "$u"; done) ||
		die
	for u in $units; do
		case $ONLY in unit-*) set -- "${PATS[@]}" ;; *) set -- ;; esac
		run_step "unit-$u-asan" "build/unit-asan/test_$u" "$@"
		run_step "unit-$u-musl" "build/unit-musl/test_$u" "$@"
	done
fi
diff_test() {
	want "$1" || return 0
	make -s "$2" || die
	run_step "$@"
}
diff_test rsa-vs-bearssl build/unit-asan/diff_rsa
diff_test pkcs12-vs-openssl build/unit-asan/test_pkcs12
diff_test rsaenc-vs-bearssl build/unit-asan/diff_rsaenc
diff_test trust-vs-bearssl build/unit-asan/diff_trust /etc/ssl/certs/ca-certificates.crt certs/*.pem
suite fuzz-replay make -s fuzz-replay

for s in $E2E; do
	want "$s" || continue
	case $s in delivery | rotation | listing | examples) make -s build/envdump || die ;; esac
	suite "$s" tests/netns.sh -- python3 "tests/e2e/$s.py" "${PATS[@]}"
done
suite docs tests/docs.sh
suite layers tests/layers.sh
# Portability and boot (each installs what it needs: cross gcc, qemu).
# Each cross target: its unit tests, fuzz corpus and a core e2e subset
# under qemu-user.
suite arm64 tests/cross/run.sh aarch64 "${PATS[@]}"
suite armhf tests/cross/run.sh armhf "${PATS[@]}"
suite s390x tests/cross/run.sh s390x "${PATS[@]}"
suite boot make -s test-boot
suite repro make -s repro

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
