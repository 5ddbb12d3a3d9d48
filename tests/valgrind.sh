#!/bin/sh
# valgrind.sh (make check-valgrind): the end-to-end suites with every azkv run
# under valgrind's memcheck. Any memcheck error makes that run exit 99, which
# fails its case (each case checks the exact exit code and stderr). Slow
# (about 20x), hence not part of make test. Args: suite files (default e2e.py
# and faults.py).
cd "$(dirname "$0")/.." || exit 1
command -v valgrind >/dev/null || apt-get install -y -qq valgrind >/dev/null || exit 1
[ -x bin/azkv ] || ./build.sh || exit 1
mkdir -p build
w="$PWD/build/azkv-valgrind"
printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=no --track-origins=yes %s "$@"\n' \
	"$PWD/bin/azkv" >"$w"
chmod +x "$w"
rc=0
for s in ${*:-e2e.py faults.py}; do
	echo "== valgrind: $s"
	AZKV="$w" tests/netns.sh -- python3 "tests/e2e/$s" || rc=1
done
exit $rc
