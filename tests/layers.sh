#!/bin/sh
# layers.sh: src/ is a stack of folders, each allowed to include only its
# own headers and those of the folders below it (README, Layout):
#   base codec crypto pki net tls http azure vault cli, then src/main.c.
# Fails on an include that points up the stack (which is also the only way
# two folders could form a cycle), on a folder that is not in the stack, on
# a third-party header outside the folders given its include path, and on a
# folder the README's Layout table does not name. Prints every include edge
# between folders (-v). Ends with "layers: N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
LAYERS="base codec crypto pki net tls http azure vault cli"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "not ok - $*"; }
rank() {
	i=0
	for l in $LAYERS; do [ "$l" = "$1" ] && { echo $i; return; }; i=$((i + 1)); done
	echo 99
}
for d in src/*/; do
	d=${d#src/}; d=${d%/}
	[ "$(rank "$d")" -lt 99 ] && ok || bad "src/$d/ is not a layer of the stack ($LAYERS)"
	grep -q "^| \`src/$d/\` |" README.md && ok || bad "README's Layout table has no row for src/$d/"
done
for f in src/*/*.[ch] src/*.c; do
	case $f in src/*/*) d=${f#src/}; d=${d%%/*} ;; *) d=top ;; esac
	r=$(rank "$d"); [ "$d" = top ] && r=98
	for inc in $(sed -n 's|^#include "\([^"]*\)".*|\1|p' "$f"); do
		case $inc in
		buildinfo.h) ok; continue ;;
		*/*) to=${inc%%/*} ;;
		*) bad "$f: #include \"$inc\" does not name its folder"; continue ;;
		esac
		[ -n "${V:-}" ] && [ "$to" != "$d" ] && echo "$d -> $to ($f)"
		t=$(rank "$to")
		if [ "$t" -eq 99 ]; then bad "$f: #include \"$inc\": no such layer"
		elif [ "$t" -le "$r" ]; then ok
		else bad "$f: #include \"$inc\" points up the stack ($to/ is above $d/)"; fi
	done
	if grep -qE '^#include [<"](bearssl|jsmn)' "$f"; then
		case $f in
		src/tls/* | src/pki/* | src/crypto/*) grep -q '^#include [<"]jsmn' "$f" && bad "$f includes jsmn" || ok ;;
		src/codec/json.c) grep -q '^#include [<"]bearssl' "$f" && bad "$f includes BearSSL" || ok ;;
		*) bad "$f includes a third-party header outside tls/, pki/, crypto/ and codec/json.c" ;;
		esac
	fi
done
echo "layers: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
