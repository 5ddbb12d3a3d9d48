#!/usr/bin/env bash
# The corpus replay behind "make fuzz-replay" (part of make test): every
# committed input of tests/fuzz/corpus/NAME through build/fuzz-replay/fuzz_NAME
# (gcc + ASan/UBSan, no libFuzzer). One line per harness, then the total
# "N passed, N failed" that tests/run.sh adds up.
set -u
cd "$(dirname "$0")/../.." || exit 1

passed=0
failed=0
for name in "$@"; do
	out=$("build/fuzz-replay/fuzz_$name" "tests/fuzz/corpus/$name" 2>&1)
	rc=$?
	counts=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	printf '%s\n' "$out" | grep -vE '^[0-9]+ passed, [0-9]+ failed$'
	if [ -z "$counts" ]; then
		echo "fuzz_$name: replay printed no count (exit $rc)"
		failed=$((failed + 1))
		continue
	fi
	p=${counts%% passed*}
	f=${counts#*passed, }
	f=${f%% failed*}
	echo "fuzz_$name: $p inputs passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
