#!/usr/bin/env bash
# The jobs behind "make fuzz" (the Makefile builds build/fuzz/fuzz_NAME).
#   fuzz.sh --deps      install clang's libFuzzer if it is missing (root,
#                       apt-get; Debian 12: libclang-rt-14-dev)
#   fuzz.sh NAME...     run each harness for FUZZ_SECONDS (default 60)
# The work corpus is tests/fuzz/out/NAME/corpus, seeded from the committed
# tests/fuzz/corpus/NAME (read, never written); crash, timeout and leak
# reproducers land in tests/fuzz/out/NAME/ with libFuzzer's log beside them.
# One line per harness: exec count, time, corpus size, ok or the reproducer.
# Exit status 1 if any harness failed. Extra libFuzzer flags: FUZZ_ARGS.
set -u -o pipefail
cd "$(dirname "$0")/../.." || exit 1

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_ARGS=${FUZZ_ARGS:-}
CLANG=${FUZZ_CC:-clang}

say() { printf 'fuzz.sh: %s\n' "$*" >&2; }

# Inputs longer than the default 4096 matter where the limits are larger.
max_len() {
	case $1 in
	http) echo 20000 ;;   # header block limit is 16384
	chunked) echo 8192 ;;
	json | azure) echo 16384 ;;
	*) echo 4096 ;;       # references, challenges, times are short
	esac
}

dict_of() {
	case $1 in
	http | chunked) echo tests/fuzz/dict/http.dict ;;
	json | azure) echo tests/fuzz/dict/json.dict ;;
	*) echo "tests/fuzz/dict/$1.dict" ;;
	esac
}

# Can clang link a libFuzzer harness?
have_libfuzzer() {
	local tmp rc
	command -v "$CLANG" >/dev/null 2>&1 || return 1
	tmp=$(mktemp -d) || return 1
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
		'{ (void)d; (void)n; return 0; }' >"$tmp/t.c"
	"$CLANG" -fsanitize=fuzzer,address,undefined -o "$tmp/t" "$tmp/t.c" \
		>/dev/null 2>&1
	rc=$?
	rm -rf "$tmp"
	return $rc
}

deps() {
	local v pkgs
	have_libfuzzer && return 0
	v=$("$CLANG" --version 2>/dev/null | sed -nE 's/.*clang version ([0-9]+).*/\1/p' | head -n 1)
	pkgs=(clang "libclang-rt-${v:-14}-dev")
	if [ "$(id -u)" -ne 0 ]; then
		say "libFuzzer missing; as root run: apt-get install -y ${pkgs[*]}"
		exit 1
	fi
	say "installing ${pkgs[*]}"
	apt-get install -y --no-install-recommends "${pkgs[@]}" >&2 ||
		{ apt-get update >&2 && apt-get install -y --no-install-recommends "${pkgs[@]}" >&2; } ||
		{ say "apt-get failed"; exit 1; }
	have_libfuzzer || { say "clang still cannot link -fsanitize=fuzzer"; exit 1; }
}

# run NAME: one harness; prints its line, returns 1 on a finding.
run() {
	local name=$1 bin=build/fuzz/fuzz_$1 out=tests/fuzz/out/$1 dict args
	local log execs secs files rc repro
	[ -x "$bin" ] || { say "$bin: not built"; return 1; }
	mkdir -p "$out/corpus"
	log=$out/fuzz.log
	args=(-max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048
		-max_len="$(max_len "$name")" -print_final_stats=1
		-artifact_prefix="$out/")
	dict=$(dict_of "$name")
	[ -f "$dict" ] && args+=(-dict="$dict")
	# shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
	"$bin" "${args[@]}" $FUZZ_ARGS "$out/corpus" "tests/fuzz/corpus/$name" \
		>"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
	secs=$(sed -nE 's/^Done [0-9]+ runs in ([0-9]+) second.*/\1/p' "$log" | tail -n 1)
	files=$(find "$out/corpus" -type f | wc -l)
	if [ "$rc" -eq 0 ]; then
		printf 'fuzz_%s: %s execs in %s s, %s corpus files: ok\n' \
			"$name" "${execs:-?}" "${secs:-$FUZZ_SECONDS}" "$files"
		return 0
	fi
	repro=$(sed -nE 's/.*Test unit written to (.*)$/\1/p' "$log" | tail -n 1)
	printf 'fuzz_%s: %s execs: FAILED (exit %d), reproducer %s, log %s\n' \
		"$name" "${execs:-?}" "$rc" "${repro:-none}" "$log"
	grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz: |.*runtime error)' "$log" | head -n 5 | sed 's/^/    /'
	return 1
}

case ${1:-} in
--deps) deps; exit ;;
"" | -*) sed -n '2,10s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac

bad=0
for name in "$@"; do
	run "$name" || bad=$((bad + 1))
done
[ "$bad" -eq 0 ] || { say "$bad harness(es) failed"; exit 1; }
