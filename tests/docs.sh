#!/bin/sh
# docs.sh: the documentation matches the binary. Every long option that
# `azkv --help` lists is in the man page and the README, so is every exit
# code; the man page renders without groff warnings; `make install` puts the
# binary and the page under PREFIX; nothing cites a note outside the
# repository, and the docs/protocols.md sections and source tags cited
# exist; `make check` runs every test in tests/unit/. Ends with "N passed,
# N failed".
cd "$(dirname "$0")/.." || exit 1
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "not ok - $*"; }
help=$(bin/azkv --help) || { echo "0 passed, 1 failed"; exit 1; }
opts=$(printf '%s\n' "$help" | grep -oE -- '--[a-z][a-z-]+' | sort -u)
[ "$(printf '%s\n' "$opts" | wc -l)" -ge 20 ] && ok || bad "--help lists too few options"
for o in $opts; do
	grep -q -- "$(printf '%s' "$o" | sed 's/-/\\\\-/g')" docs/azkv.1 && ok || bad "man page lacks $o"
	grep -q -- "$o" README.md && ok || bad "README lacks $o"
done
for c in 0 1 2 3 4 5 6 7 8; do
	grep -q "^\.B $c\$" docs/azkv.1 && ok || bad "man page lacks exit code $c"
	grep -q "^| $c |" README.md && ok || bad "README lacks exit code $c"
done
w=$(groff -man -Tutf8 -ww -z docs/azkv.1 2>&1)
[ -z "$w" ] && ok || bad "groff warns: $w"
for s in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT "EXIT STATUS" EXAMPLES SECURITY; do
	grep -q "^\.SH $s\$" docs/azkv.1 && ok || bad "man page lacks section $s"
done
# The repository stands alone: nothing cites a note outside it, an issue
# (by number or by title) or a section mark that points nowhere; every "docs/protocols.md N"
# names a section that exists.
cites=$(grep -rIlE --exclude=docs.sh 'PROTOCOLS\.md|KEYS-CERTS\.md|\.\./shared|[Ii]ssue (#?[0-9]|")|§' \
	src tests examples docs vendor/README.md vendor/patches Makefile build.sh README.md 2>/dev/null)
[ -z "$cites" ] && ok || bad "outside notes or issue numbers cited in:" $cites
for s in $(grep -rhoE 'docs/protocols\.md [0-9]+(\.[0-9]+)?' src tests examples README.md \
	| cut -d' ' -f2 | sort -u); do
	case $s in
	*.*) h="### $s " ;;
	*) h="## $s. " ;;
	esac
	grep -q "^$h" docs/protocols.md && ok || bad "docs/protocols.md has no section $s"
done
for t in $(grep -rhoIE --exclude-dir=corpus '\b(DOC|SPEC|PY|GO|MSAL|BLOG|CLI)-[A-Z0-9-]*[A-Z0-9]\b' \
	src tests examples | sort -u); do
	grep -q "^| $t |" docs/protocols.md && ok || bad "source tag $t is not in docs/protocols.md's table"
done
# make check runs every unit and differential test there is.
ran=$(make -n check 2>/dev/null)
for f in tests/unit/test_*.c tests/unit/diff_*.c; do
	t=$(basename "$f" .c)
	printf '%s\n' "$ran" | grep -qE "&& build/unit-asan/$t( |$)" && ok || bad "make check does not run $t"
done
d=$(mktemp -d)
if make -s install PREFIX=/opt/azkv DESTDIR="$d" >/dev/null 2>&1 \
	&& cmp -s bin/azkv "$d/opt/azkv/bin/azkv" && cmp -s docs/azkv.1 "$d/opt/azkv/share/man/man1/azkv.1"
then ok; else bad "make install PREFIX=... DESTDIR=..."; fi
rm -rf "$d"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
