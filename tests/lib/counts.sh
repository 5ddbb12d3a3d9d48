# shellcheck shell=bash
# tests/lib/counts.sh: the one reader of the "N passed, N failed" lines
# every test step ends with (sourced by tests/run.sh, tests/arm64/run.sh,
# tests/fuzz/replay.sh). Keeps the running totals in $passed and $failed.
#
#   counts_line <LOG         the last count line ("NAME: " prefix allowed),
#                            as "P F"; status 1 when there is none
#   counts_add NAME RC <LOG  add that line to $passed/$failed; a step that
#                            printed no count, or exited non-zero with no
#                            failure counted, is one failure (said on stdout)

passed=${passed:-0}
failed=${failed:-0}

counts_line() {
	sed -nE 's/^([A-Za-z0-9_-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\2 \3/p' | tail -n 1 | grep .
}

counts_add() {
	local name=$1 rc=$2 line p f
	if ! line=$(counts_line); then
		echo "!! $name: no count line (exit $rc)"
		failed=$((failed + 1))
		return 1
	fi
	read -r p f <<<"$line"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "!! $name: exit $rc with no failure counted"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -eq 0 ]
}
