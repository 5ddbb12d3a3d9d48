#!/usr/bin/env bash
# The corpus replay behind "make fuzz-replay" (part of make test): every
# committed input of tests/fuzz/corpus/NAME through build/fuzz-replay/fuzz_NAME
# (gcc + ASan/UBSan, no libFuzzer). One line per harness, then the total
# "N passed, N failed" that tests/run.sh adds up.
set -u
cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=tests/lib/counts.sh
. tests/lib/counts.sh
for name in "$@"; do
	out=$("build/fuzz-replay/fuzz_$name" "tests/fuzz/corpus/$name" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -vE '^[0-9]+ passed, [0-9]+ failed$'
	if line=$(counts_line <<<"$out"); then
		echo "fuzz_$name: ${line% *} inputs passed, ${line#* } failed"
	fi
	counts_add "fuzz_$name" "$rc" <<<"$out" || true
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
