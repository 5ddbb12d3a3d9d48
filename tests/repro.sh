#!/usr/bin/env bash
# tests/repro.sh [--worktree] [--arch ARCH]: `make repro`.
# Builds azkv twice from the same sources in two fresh folders under /tmp
# (different path lengths, TZ and umask) with one SOURCE_DATE_EPOCH, and
# compares the sha256 of the two binaries. Prints both and "reproducible: yes"
# (exit 0), or "reproducible: NO" (exit 1). The result is kept in
# build/repro.txt.
#   sources  HEAD (git archive) by default; --worktree: the files of the
#            working tree that git tracks or would add (not ignored)
#   time     SOURCE_DATE_EPOCH if set, else ./build.sh --build-time (the
#            last commit that changed a build input)
#   README   states the x86-64 sha256 for HEAD's sources and the toolchain it
#            was made with; with that toolchain, a different hash fails
#   vendor/  the verified downloads kept in vendor/ are copied in (for a
#            tree without one, the tree itself); the builds run with
#            AZKV_NO_FETCH=1, so nothing is fetched twice
#   size     the binary must be within conf/ARCH.mk's BUDGET (for x86-64,
#            the size cap), checked on the clean build, not on the tree's
# KEEP=1 keeps the two folders.
set -eu -o pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."

say() { printf 'repro: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

worktree=0
arch=x86_64
while [ $# -gt 0 ]; do
	case $1 in
	--worktree) worktree=1 ;;
	--arch) [ $# -ge 2 ] || die "--arch needs a value"; arch=$2; shift ;;
	*) sed -n '2,16s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
	shift
done
# conffield NAME: one value from conf/$arch.mk (ARCH as make takes it).
conffield() {
	awk -v n="$1" '$1 == n && $2 == "=" { sub(/^[^=]*= */, ""); print }' "conf/$arch.mk"
}
case $arch in
*/* | .* | '') die "--arch: bad name '$arch'" ;;
esac
[ -f "conf/$arch.mk" ] || die "--arch: no conf/$arch.mk"
out=$(conffield OUT)
cross=$(conffield CROSS)
names="bearssl jsmn $(conffield MUSL_PIN)"

commit=$(git rev-parse HEAD)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(./build.sh --build-time)}
tmp=$(mktemp -d /tmp/azkv-repro.XXXXXX)
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$tmp"' EXIT
A=$tmp/a
B=$tmp/b-in-a-longer/path-than-a

# pinfield NAME FIELD: one value from vendor/PINS, or nothing.
pinfield() {
	awk -v n="$1" -v f="$2" '$1 == n && $2 == f { print $3 }' vendor/PINS
}

# Sources into DIR: HEAD, or the working tree's (untracked, not ignored
# included; files deleted but not yet committed skipped).
sources() {
	mkdir -p "$1"
	if [ "$worktree" = 1 ]; then
		git ls-files -z -co --exclude-standard |
			tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$1"
	else
		git archive HEAD | tar -xf - -C "$1"
	fi
}

# The pinned third-party code into DIR/vendor/, from what this tree kept.
vendor() {
	local n f d copied
	for n in $names; do
		copied=0
		for f in $(pinfield "$n" deb_file) $(pinfield "$n" upstream_file); do
			[ -f "vendor/$f" ] || continue
			cp -p "vendor/$f" "$1/vendor/$f"
			copied=1
		done
		d=$(pinfield "$n" dir)
		if [ "$copied" = 0 ]; then
			[ -d "vendor/$d" ] || die "vendor/$d: missing; run ./build.sh --fetch --arch $arch"
			cp -a "vendor/$d" "$1/vendor/$d"
		fi
	done
}

# build DIR TZ UMASK: one offline build, its log in the parent folder.
build() {
	local log=$1.log
	say "building in $1 (TZ=$2, umask $3)"
	local opt=()
	[ "$arch" = x86_64 ] || opt=(--arch "$arch")
	(cd "$1" && umask "$3" && TZ=$2 AZKV_NO_FETCH=1 ./build.sh "${opt[@]}") >"$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; die "build in $1 failed (log: $log)"; }
}

# toolchain: the Debian packages that made the binary, with versions.
toolchain() {
	local pkgs=(musl-tools gcc-12 binutils) musl
	[ -n "$cross" ] && pkgs=("gcc-12-${cross%-}" "binutils-${cross%-}")
	dpkg-query -W -f '${Package} ${Version}, ' "${pkgs[@]}"
	[ -n "$cross" ] && musl=$(pinfield "$(conffield MUSL_PIN)" deb_binary) && printf '%s, ' "$musl"
	printf 'BearSSL %s, jsmn %s\n' "$(pinfield bearssl version)" "$(pinfield jsmn version)"
}

./build.sh --fetch --arch "$arch" # no network when vendor/ has everything
what=HEAD
[ "$worktree" = 1 ] && what="the working tree (HEAD $commit)"
say "sources: $what; SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH; $arch"
for d in "$A" "$B"; do
	sources "$d"
	vendor "$d"
done
start=$(date +%s)
build "$A" UTC 022
build "$B" Pacific/Kiritimati 077
ha=$(sha256sum "$A/$out" | cut -d' ' -f1)
hb=$(sha256sum "$B/$out" | cut -d' ' -f1)
mkdir -p build
{
	printf '%s  %s\n' "$ha" "$A/$out" "$hb" "$B/$out"
	printf 'sources: %s\n' "$what"
	printf 'commit: %s\nSOURCE_DATE_EPOCH: %s\n' "$commit" "$SOURCE_DATE_EPOCH"
	printf 'size: %s bytes\n' "$(stat -c %s "$A/$out")"
	printf 'toolchain: %s\n' "$(toolchain)"
} >build/repro.txt.tmp
if [ "$ha" = "$hb" ]; then
	printf 'reproducible: yes\n' >>build/repro.txt.tmp
else
	printf 'reproducible: NO\n' >>build/repro.txt.tmp
fi
mv build/repro.txt.tmp build/repro.txt
cat build/repro.txt
say "$(($(date +%s) - start)) s for two builds"
[ "$ha" = "$hb" ] || { say "differing builds kept in $tmp"; echo "repro: 0 passed, 1 failed"; trap - EXIT; exit 1; }
pass=1 fail=0

# The size budget, on the clean build (a stale tree can differ).
size=$(stat -c %s "$A/$out")
budget=$(conffield BUDGET)
if [ -z "$budget" ]; then
	say "conf/$arch.mk: no BUDGET"
	fail=$((fail + 1))
elif [ "$size" -le "$budget" ]; then
	say "size $size bytes <= budget $budget ($((budget - size)) left)"
	pass=$((pass + 1))
else
	say "size $size bytes > budget $budget ($((size - budget)) over)"
	fail=$((fail + 1))
fi

# README's "expected-sha256: HASH (x86-64; toolchain: ...)" line.
if [ "$arch" = x86_64 ] && [ "$worktree" = 0 ]; then
	line=$(grep -m1 '^expected-sha256: ' README.md || true)
	want=$(printf '%s\n' "$line" | sed -n 's/^expected-sha256: \([0-9a-f]\{64\}\) (x86-64; toolchain: \(.*\))$/\1/p')
	wantchain=$(printf '%s\n' "$line" | sed -n 's/^expected-sha256: [0-9a-f]\{64\} (x86-64; toolchain: \(.*\))$/\1/p')
	if [ -z "$want" ]; then
		say "README.md: no 'expected-sha256: HASH (x86-64; toolchain: ...)' line"
		fail=$((fail + 1))
	elif [ "$wantchain" != "$(toolchain)" ]; then
		say "README's hash is for another toolchain ($wantchain); not compared"
	elif [ "$want" != "$ha" ]; then
		say "README.md states sha256 $want for these sources, the build gave $ha:"
		say "update its expected-sha256 line (the sources changed, or the build is not what README says)"
		fail=$((fail + 1))
	else
		say "README's expected sha256 matches"
		pass=$((pass + 1))
	fi
fi
echo "repro: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
