#!/bin/bash
# Build bin/azkv: a static musl binary with BearSSL and jsmn from vendor/.
#   ./build.sh           fetch vendor/ if needed, build BearSSL, generate
#                        build/gen/, compile and link bin/azkv
#   ./build.sh --debug   the same with -g -O1 and no stripping
#   ./build.sh --fetch   only get the pinned third-party code (vendor/PINS)
#   ./build.sh --deps    only install missing Debian packages (root)
#   ./build.sh --clean   remove build/ and bin/ (vendor/ is kept)
#   ./build.sh --build-time  print the time a build embeds (unix seconds)
#   --arch aarch64       with any of the above but --clean: static arm64
#                        bin/azkv-aarch64 (Debian's cross gcc, arm64 musl
#                        from vendor/); --deps adds the cross tools and qemu
# Overrides: MUSLCC, HOSTCC, JOBS, SOURCE_DATE_EPOCH; AZKV_NO_FETCH=1 never
# runs apt (missing vendor/ files are an error).
set -eu -o pipefail
shopt -s inherit_errexit
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")" && pwd)
cd "$ROOT"

MUSLCC=${MUSLCC:-musl-gcc}
HOSTCC=${HOSTCC:-gcc}
JOBS=${JOBS:-2}
PINS=$ROOT/vendor/PINS
APTDIR=$ROOT/vendor/.apt
STAMP=.azkv-fetched
DEPS="musl-tools gcc make xz-utils file openssl python3 iproute2 util-linux
curl jq ca-certificates binutils cryptsetup-bin coreutils patch
nginx-light haproxy gnutls-bin libssl-dev"
# tests/e2e/proxies.py runs azkv through real proxies
DEPS+=" squid tinyproxy"
# tests/fake/fake_keys.py: the fake vault's keys (RSA OAEP, AES key wrap)
DEPS+=" python3-cryptography"
# tests/e2e/clevis.py and the boot test: the clevis pin with real clevis
DEPS+=" clevis clevis-luks jose"
# Only for --arch aarch64: cross compiler (with binutils) and an emulator
# for the tests. The arm64 musl itself is a pin in vendor/, not a package.
DEPS_AARCH64="gcc-aarch64-linux-gnu qemu-user-static"
# BearSSL's own warnings stay visible in its log but never fail the build.
# -fno-pie: the binary is static at a fixed address, not PIE; position-
# independent code would only cost size, and put pointer tables in a
# writable segment.
BR_CFLAGS="-W -Wall -Os -fno-pie -ffunction-sections -fdata-sections"
BR_CFLAGS+=" -fno-asynchronous-unwind-tables -fno-unwind-tables"
BR_CFLAGS+=" -ffile-prefix-map=$ROOT=."

# A failed unpack leaves nothing half-made in vendor/.
trap 'rm -rf "$ROOT"/vendor/.unpack.*' EXIT

say() { printf 'build.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

usage() {
	sed -n '2,15s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

# ---- pins ---------------------------------------------------------------

# pin NAME FIELD: print one value from vendor/PINS; a missing pin is fatal.
pin() {
	local v
	v=$(awk -v n="$1" -v f="$2" '$1 == n && $2 == f { print $3 }' "$PINS")
	[ -n "$v" ] || die "vendor/PINS: no '$2' for '$1'"
	printf '%s\n' "$v"
}

# has_pin NAME FIELD: true when vendor/PINS names that field.
has_pin() {
	awk -v n="$1" -v f="$2" '$1 == n && $2 == f { ok = 1 } END { exit !ok }' "$PINS"
}

# verify FILE SHA256: stop with both hashes if FILE is not what was pinned.
verify() {
	local got
	got=$(sha256sum "$1" | cut -d' ' -f1)
	[ "$got" = "$2" ] && return 0
	say "$1: sha256 mismatch"
	say "  expected $2 (vendor/PINS)"
	say "  got      $got"
	die "$1: refusing to use it; remove or replace the file"
}

# ---- --deps -------------------------------------------------------------

missing_deps() {
	local p s
	for p in $DEPS; do
		s=$(dpkg -s "$p" 2>/dev/null || true)
		grep -qx 'Status: install ok installed' <<<"$s" || printf '%s\n' "$p"
	done
}

install_deps() {
	local missing
	missing=$(missing_deps | tr '\n' ' ')
	if [ -z "$missing" ]; then
		say "deps: all installed"
		return 0
	fi
	[ "$(id -u)" = 0 ] || die "deps: need root to install: $missing"
	say "deps: installing $missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	# shellcheck disable=SC2086 # one word per package
	apt-get install -y --no-install-recommends $missing
}

# ---- --fetch: private apt configuration ---------------------------------

# Keep the Debian-signed deb822 stanzas (or unsigned ones), with sources.
debian_stanzas() {
	awk '
	function flush() { if (buf != "" && keep) printf "%s\n", buf; buf = ""; keep = 1 }
	BEGIN { keep = 1 }
	/^[ \t]*$/ { flush(); next }
	/^Types:/ { $0 = "Types: deb deb-src" }
	/^Signed-By:/ && !/debian-archive/ { keep = 0 }
	{ buf = buf $0 "\n" }
	END { flush() }'
}

# The same for one-line style: each deb line also as deb-src.
debian_lines() {
	awk '/^[ \t]*deb(-src)?[ \t]/ {
		if (/signed-by=/ && !/debian-archive/) next
		sub(/^[ \t]*deb(-src)?/, "")
		if (!seen[$0]++) { print "deb" $0; print "deb-src" $0 }
	}'
}

# Binary packages only: a foreign architecture needs no deb-src lists.
binary_only() {
	sed -e 's/^Types: deb deb-src$/Types: deb/' -e '/^deb-src[ \t]/d'
}

# apt_private_sources DIR [ARCH]: derive the private source list in DIR
# from the machine's own apt sources (binary only when ARCH is given).
apt_private_sources() {
	local dir=$1 parts=$1/sources.list.d filter=cat f
	[ -n "${2:-}" ] && filter=binary_only
	rm -rf "$parts"
	mkdir -p "$parts" "$dir/lists/partial" "$dir/cache/archives/partial"
	: >"$dir/empty.list"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] && debian_stanzas <"$f" | "$filter" >"$parts/${f##*/}"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -e "$f" ] && debian_lines <"$f" | "$filter" >"$parts/${f##*/}"
	done
	grep -qs . "$parts"/* || die "fetch: no Debian entries in /etc/apt sources"
}

# apt_private [ARCH]: set APT to apt-get with a private configuration. A
# foreign ARCH gets its own lists in vendor/.apt/ARCH/ through
# APT::Architectures: the machine's dpkg architectures are not changed.
APT_READY=
apt_private() {
	local arch=${1:-} dir=$APTDIR
	[ -z "${AZKV_NO_FETCH:-}" ] || die "fetch: vendor/ lacks a pinned file and AZKV_NO_FETCH is set"
	[ -n "$arch" ] && dir=$APTDIR/$arch
	APT=(apt-get -q
		-o Dir::Etc::sourcelist="$dir/empty.list"
		-o Dir::Etc::sourceparts="$dir/sources.list.d"
		-o Dir::State::Lists="$dir/lists"
		-o Dir::Cache="$dir/cache"
		-o APT::Get::List-Cleanup=0
		-o APT::Sandbox::User=root)
	[ -n "$arch" ] && APT+=(-o APT::Architectures="$arch")
	[ "$APT_READY" = "ready:$arch" ] && return 0
	apt_private_sources "$dir" "$arch"
	say "fetch: apt-get update (private lists in ${dir#"$ROOT"/}/)"
	"${APT[@]}" update >"$dir/update.log" 2>&1 ||
		{ tail -n 5 "$dir/update.log" >&2; die "fetch: apt-get update failed"; }
	APT_READY=ready:$arch
}

# apt_download NAME: put the verified Debian file for NAME into vendor/.
apt_download() {
	local dl=$APTDIR/dl file cmd what
	file=$(pin "$1" deb_file)
	if has_pin "$1" deb_source; then
		what=$(pin "$1" deb_source) && cmd=(source --download-only "$what")
	else
		what=$(pin "$1" deb_binary) && cmd=(download "$what")
	fi
	if has_pin "$1" deb_arch; then apt_private "$(pin "$1" deb_arch)"; else apt_private; fi
	rm -rf "$dl" && mkdir -p "$dl"
	(cd "$dl" && "${APT[@]}" "${cmd[@]}") >"$APTDIR/download.log" 2>&1 ||
		{ tail -n 5 "$APTDIR/download.log" >&2; die "fetch: apt-get failed for $1"; }
	verify "$dl/$file" "$(pin "$1" deb_sha256)"
	mv "$dl/$file" "vendor/$file"
	rm -rf "$dl"
}

# ---- --fetch: archives and trees ----------------------------------------

# archive_for NAME: set ARCHIVE to a verified archive, preferring the
# drop-in upstream tarball, then a kept Debian file, then apt.
archive_for() {
	local up deb
	up=vendor/$(pin "$1" upstream_file)
	deb=vendor/$(pin "$1" deb_file)
	if [ -e "$up" ]; then
		verify "$up" "$(pin "$1" upstream_sha256)"
		ARCHIVE=$up
		return 0
	fi
	[ -e "$deb" ] || apt_download "$1"
	verify "$deb" "$(pin "$1" deb_sha256)"
	ARCHIVE=$deb
}

# patches_sum: one hash over vendor/patches/*.patch (names and contents, in
# order), or "none": a tree is reused only if it got exactly these patches.
patches_sum() {
	local f
	set -- vendor/patches/*.patch
	[ -e "$1" ] || { echo none; return 0; }
	for f in "$@"; do printf '%s\n' "${f##*/}"; cat "$f"; done | sha256sum | cut -d' ' -f1
}

# bearssl_ok: the tree exists and its stamp names a pinned archive hash and
# the current patch set.
bearssl_ok() {
	local s h p
	s=vendor/$(pin bearssl dir)/$STAMP
	[ -f "$s" ] || return 1
	h=$(awk '{ print $5 }' "$s")
	p=$(awk '$6 == "patches" { print $7 }' "$s")
	[ "$p" = "$(patches_sum)" ] || return 1
	[ "$h" = "$(pin bearssl deb_sha256)" ] || [ "$h" = "$(pin bearssl upstream_sha256)" ]
}

# patch_tree DIR: apply vendor/patches/*.patch in name order to a fresh
# extraction (never to a tree in place: a re-run extracts again, so a patch
# is applied exactly once). Each patch says why in its header.
patch_tree() {
	local f
	for f in vendor/patches/*.patch; do
		[ -e "$f" ] || continue
		patch -d "$1" -p1 --batch --forward --no-backup-if-mismatch -s <"$f" ||
			die "$f does not apply to $1"
		say "fetch: applied ${f#vendor/}"
	done
}

fetch_bearssl() {
	local dir arch tmp
	bearssl_ok && return 0
	dir=vendor/$(pin bearssl dir)
	archive_for bearssl
	arch=$ARCHIVE
	tmp=$(mktemp -d vendor/.unpack.XXXXXX)
	tar --no-same-owner -xf "$arch" -C "$tmp"
	[ -f "$tmp/${dir#vendor/}/inc/bearssl.h" ] || die "$arch: no ${dir#vendor/}/inc/bearssl.h"
	patch_tree "$tmp/${dir#vendor/}"
	rm -rf "$dir"
	mv "$tmp/${dir#vendor/}" "$dir"
	rm -rf "$tmp"
	printf 'bearssl %s %s sha256 %s patches %s\n' "$(pin bearssl version)" "${arch#vendor/}" \
		"$(sha256sum "$arch" | cut -d' ' -f1)" "$(patches_sum)" >"$dir/$STAMP"
	say "fetch: $dir from ${arch#vendor/}"
}

# jsmn_ok: the one header we use is there with its pinned hash.
jsmn_ok() {
	local h
	h=vendor/$(pin jsmn dir)/jsmn.h
	[ -f "$h" ] && [ "$(sha256sum "$h" | cut -d' ' -f1)" = "$(pin jsmn header_sha256)" ]
}

fetch_jsmn() {
	local dir arch tmp hdr
	jsmn_ok && return 0
	dir=vendor/$(pin jsmn dir)
	archive_for jsmn
	arch=$ARCHIVE
	tmp=$(mktemp -d vendor/.unpack.XXXXXX)
	case $arch in
	*.deb) hdr=$tmp/usr/include/jsmn.h ;;
	*) hdr=$tmp/${dir#vendor/}/jsmn.h ;;
	esac
	case $arch in
	*.deb) dpkg-deb -x "$arch" "$tmp" ;;
	*) tar --no-same-owner -xf "$arch" -C "$tmp" ;;
	esac
	[ -f "$hdr" ] || die "$arch: no jsmn.h inside"
	verify "$hdr" "$(pin jsmn header_sha256)"
	mkdir -p "$dir"
	cp "$hdr" "$dir/jsmn.h"
	rm -rf "$tmp"
	say "fetch: $dir/jsmn.h from ${arch#vendor/}"
}

# musl_arm64_ok: the unpacked tree's stamp names the pinned .deb hash.
musl_arm64_ok() {
	local s
	s=vendor/$(pin musl-arm64 dir)/$STAMP
	[ -f "$s" ] && [ "$(awk '{ print $NF }' "$s")" = "$(pin musl-arm64 deb_sha256)" ]
}

# Debian's musl-dev:arm64 (headers, crt*.o, libc.a, musl-gcc.specs),
# unpacked as a whole into vendor/musl-arm64/; never installed with dpkg.
fetch_musl_arm64() {
	local dir deb tmp
	musl_arm64_ok && return 0
	dir=vendor/$(pin musl-arm64 dir)
	deb=vendor/$(pin musl-arm64 deb_file)
	[ -e "$deb" ] || apt_download musl-arm64
	verify "$deb" "$(pin musl-arm64 deb_sha256)"
	tmp=$(mktemp -d vendor/.unpack.XXXXXX)
	dpkg-deb -x "$deb" "$tmp"
	[ -f "$tmp/usr/lib/$MUSL_TRIPLE/libc.a" ] || die "$deb: no $MUSL_TRIPLE libc.a inside"
	[ -f "$tmp/usr/include/$MUSL_TRIPLE/stdio.h" ] || die "$deb: no $MUSL_TRIPLE headers inside"
	chmod 755 "$tmp"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	printf 'musl-arm64 %s %s sha256 %s\n' "$(pin musl-arm64 version)" "${deb#vendor/}" \
		"$(sha256sum "$deb" | cut -d' ' -f1)" >"$dir/$STAMP"
	say "fetch: $dir from ${deb#vendor/}"
}

fetch() {
	fetch_bearssl
	fetch_jsmn
	[ "$ARCH" != aarch64 ] || fetch_musl_arm64
}

# ---- target architecture ------------------------------------------------

# set_arch NAME: compiler, binutils prefix and output names for one target.
# x86_64 is the host's musl-gcc; aarch64 is Debian's cross gcc driven by
# build/aarch64/musl-gcc, a generated musl-gcc over vendor/musl-arm64/.
set_arch() {
	case $1 in
	x86_64 | amd64)
		ARCH=x86_64 CROSS='' BR_OUT=build/bearssl-musl OUT=bin/azkv
		;;
	aarch64 | arm64)
		ARCH=aarch64 CROSS=aarch64-linux-gnu- BR_OUT=build/bearssl-aarch64
		OUT=bin/azkv-aarch64 MUSL_TRIPLE=aarch64-linux-musl
		MUSLCC=$ROOT/build/aarch64/musl-gcc
		DEPS+=" $DEPS_AARCH64"
		;;
	*) die "--arch: unknown '$1' (x86_64 or aarch64)" ;;
	esac
}

# The package's own musl-gcc.specs with its /usr paths moved to the private
# tree, plus the linker's Cortex-A53 erratum 843419 fix that the cross gcc
# would pass (the specs replace its link line).
gen_cross_specs() {
	local musl=$1 in
	in=$musl/usr/lib/$MUSL_TRIPLE/musl-gcc.specs
	sed -e "s|/usr/include/$MUSL_TRIPLE|$musl/usr/include/$MUSL_TRIPLE|g" \
		-e "s|/usr/lib/$MUSL_TRIPLE|$musl/usr/lib/$MUSL_TRIPLE|g" \
		-e 's|^-dynamic-linker .* -nostdlib |&%{!mno-fix-cortex-a53-843419:--fix-cortex-a53-843419} |' \
		"$in"
}

# build/aarch64/musl-gcc: what musl-gcc is to gcc, for the cross gcc.
gen_cross_cc() {
	local musl d=build/aarch64 specs
	musl=$ROOT/vendor/$(pin musl-arm64 dir)
	specs=$ROOT/$d/musl-gcc.specs
	command -v "${CROSS}gcc" >/dev/null ||
		die "no ${CROSS}gcc: run ./build.sh --deps --arch $ARCH"
	mkdir -p "$d"
	gen_cross_specs "$musl" >"$specs.tmp"
	if ! grep -q "^-nostdinc -isystem $musl/usr/include/$MUSL_TRIPLE " "$specs.tmp" ||
		! grep -q -- '--fix-cortex-a53-843419' "$specs.tmp" ||
		grep -Eq "(^| |-L)/usr/(lib|include)/$MUSL_TRIPLE" "$specs.tmp"; then
		die "$d/musl-gcc.specs: unexpected musl-gcc.specs format in vendor/"
	fi
	replace_if_changed "$specs.tmp" "$specs"
	printf '#!/bin/sh\n# Generated by build.sh: %s against %s.\nexec %s "$@" -specs "%s"\n' \
		"${CROSS}gcc" "${musl#"$ROOT"/}" "${CROSS}gcc" "$specs" >"$MUSLCC.tmp"
	chmod 755 "$MUSLCC.tmp"
	replace_if_changed "$MUSLCC.tmp" "$MUSLCC"
}

# ---- BearSSL ------------------------------------------------------------

# Upstream limits: RSA to 4096 bits (Microsoft 2017 root), EC to P-521.
check_bearssl_limits() {
	local h
	h=vendor/$(pin bearssl dir)/src/inner.h
	grep -q '^#define BR_MAX_RSA_SIZE *4096$' "$h" ||
		die "$h: BR_MAX_RSA_SIZE is not 4096"
	grep -q '^#define BR_MAX_EC_SIZE *528$' "$h" ||
		die "$h: BR_MAX_EC_SIZE is not 528"
}

# bearssl_make OUTDIR TARGET MAKE-VARS...: run BearSSL's own Makefile.
bearssl_make() {
	local rel=$1 out=$ROOT/$1 target=$2 log=$ROOT/$1.log
	shift 2
	mkdir -p "$out"
	# MAKEFLAGS= keeps an outer make's jobserver out of this one.
	MAKEFLAGS='' make -C "vendor/$(pin bearssl dir)" -j"$JOBS" BUILD="$out" "$@" \
		"$target" >"$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; die "BearSSL $target failed (log: ${log#"$ROOT"/})"; }
	say "BearSSL $target: $rel ($(grep -c 'warning:' "$log" || true) warnings," \
		"log: ${log#"$ROOT"/})"
}

# The object files do not record their flags (nor the patches applied to
# the tree): start over when they change.
build_bearssl_musl() {
	local out=$BR_OUT flags
	flags="$MUSLCC $BR_CFLAGS patches $(patches_sum)"
	check_bearssl_limits
	[ "$(cat "$out/.flags" 2>/dev/null)" = "$flags" ] || rm -rf "$out"
	bearssl_make "$out" lib CC="$MUSLCC" AR="${CROSS}ar" ARFLAGS=-rcsD CFLAGS="$BR_CFLAGS"
	printf '%s\n' "$flags" >"$out/.flags"
}

# brssl runs only here, at build time, to turn certs/ into C.
build_brssl_host() {
	bearssl_make build/bearssl-host tools CC="$HOSTCC" LD="$HOSTCC" LDDLL="$HOSTCC"
}

# ---- generated sources --------------------------------------------------

anchors_head() {
	local i=0 f
	printf '/*\n * Generated by build.sh from the PEM files in certs/ with\n'
	printf ' * "brssl ta" (BearSSL %s): do not edit.\n *\n' "$(pin bearssl version)"
	for f in "$@"; do
		printf ' * %d  %s\n' "$i" "$f"
		i=$((i + 1))
	done
	printf ' */\n#include <stddef.h>\n#include <bearssl.h>\n\n'
	printf 'extern const br_x509_trust_anchor tls_builtin_anchors[];\n'
	printf 'extern const size_t tls_builtin_anchors_num;\n'
}

# Rename brssl's TAs[] / TAs_NUM into our two exported symbols.
anchors_body() {
	sed -e 's/^static const br_x509_trust_anchor TAs\[\([0-9]*\)\] = {$/const br_x509_trust_anchor tls_builtin_anchors[\1] = {/' \
		-e 's/^#define TAs_NUM *\([0-9]*\)$/const size_t tls_builtin_anchors_num = \1;/'
}

# anchors_check FILE N: both symbols renamed, nothing of brssl's names left.
anchors_check() {
	grep -q "^const size_t tls_builtin_anchors_num = $2;$" "$1" || return 1
	grep -q "^const br_x509_trust_anchor tls_builtin_anchors\[$2\] = {$" "$1" ||
		return 1
	! grep -q 'TAs' "$1"
}

gen_anchors() {
	local out=build/gen/anchors.c pems n
	pems=(certs/*.pem)
	[ -e "${pems[0]}" ] || die "no certs/*.pem"
	mkdir -p build/gen
	build/bearssl-host/brssl ta "${pems[@]}" >"$out.raw" 2>"$out.log" ||
		die "brssl ta failed: $(tail -n 1 "$out.log")"
	n=$(grep -c ': 1 trust anchor$' "$out.log" || true)
	[ "$n" = "${#pems[@]}" ] || die "brssl ta: expected one anchor per PEM file, see $out.log"
	{ anchors_head "${pems[@]}"; anchors_body <"$out.raw"; } >"$out.tmp"
	anchors_check "$out.tmp" "$n" || die "brssl ta: unexpected output format"
	replace_if_changed "$out.tmp" "$out"
	rm -f "$out.raw"
	say "anchors: $n trust anchors -> $out"
}

# replace_if_changed NEW OLD: keep OLD (and its mtime) when nothing changed.
replace_if_changed() {
	if cmp -s "$1" "$2"; then rm -f "$1"; else mv "$1" "$2"; fi
}

# Never the current time: the same tree gives the same binary.
# What the binary is made of: a commit that touches none of these (README,
# tests) leaves the binary's bytes, and so README's expected sha256, as they
# were. vendor/PINS names the third-party code.
BUILD_INPUTS="src certs build.sh vendor/PINS vendor/patches VERSION"

# The build time: SOURCE_DATE_EPOCH, else the time of the last commit that
# changed a build input.
build_time() {
	local t=${SOURCE_DATE_EPOCH:-}
	# shellcheck disable=SC2086 # one path per word
	[ -n "$t" ] || t=$(git -C "$ROOT" log -1 --format=%ct -- $BUILD_INPUTS 2>/dev/null || true)
	[ -n "$t" ] || t=$(stat -c %Y certs/* | sort -n | tail -n 1)
	case $t in '' | *[!0-9]*) die "build time '$t' is not unix seconds" ;; esac
	printf '%s\n' "$t"
}

gen_buildinfo() {
	local out=build/gen/buildinfo.h v t
	v=$(cat VERSION)
	case $v in '' | *[!0-9A-Za-z.+~-]*) die "VERSION: bad version '$v'" ;; esac
	t=$(build_time)
	mkdir -p build/gen
	{
		printf '/* Generated by build.sh from VERSION: do not edit. */\n'
		printf '#ifndef AZKV_BUILDINFO_H\n#define AZKV_BUILDINFO_H\n'
		printf '#define AZKV_VERSION "%s"\n' "$v"
		printf '#define AZKV_BUILD_TIME %s\n' "$t"
		printf '#endif\n'
	} >"$out.tmp"
	replace_if_changed "$out.tmp" "$out"
}

# ---- azkv ---------------------------------------------------------------

# -fno-unwind-tables: nothing unwinds (arm64 gcc emits tables by default).
# -z norelro: no loader applies RELRO to a static binary (musl's static start
# does not), so it would only cost the padding that page-aligns it, up to
# 64 KiB on arm64.
# -z noseparate-code: one executable segment instead of page-aligned read-only
# ones around it (~8 KiB of padding on x86-64).
# --sort-section=alignment: the client's page-aligned buffers (client.h) come
# first in .bss and the small variables last, together with libc's: resident
# memory is counted in pages, and this layout touches the fewest.
link_azkv() {
	local srcs opt
	srcs=(src/*.c)
	[ -e "${srcs[0]}" ] || die "no src/*.c to build"
	opt=(-Os -s)
	[ "$1" = debug ] && opt=(-O1 -g)
	mkdir -p bin
	"$MUSLCC" -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror "${opt[@]}" -fno-pie -no-pie \
		-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables \
		-ffile-prefix-map="$ROOT"=. -Isrc -Ibuild/gen -I"vendor/$(pin jsmn dir)" \
		-I"vendor/$(pin bearssl dir)/inc" -static -Wl,--gc-sections -Wl,--build-id=none \
		-Wl,-z,norelro -Wl,-z,noseparate-code -Wl,--sort-section=alignment \
		-o "$OUT" "${srcs[@]}" build/gen/anchors.c "$BR_OUT/libbearssl.a"
}

report() {
	say "$OUT: $(stat -c %s "$OUT") bytes"
	"${CROSS}size" "$OUT"
	file "$OUT"
}

build() {
	fetch
	[ "$ARCH" = x86_64 ] || gen_cross_cc
	build_bearssl_musl
	build_brssl_host
	gen_anchors
	gen_buildinfo
	link_azkv "$1"
	report
}

main() {
	local action='' arch=x86_64
	while [ $# -gt 0 ]; do
		case $1 in
		--arch) [ $# -ge 2 ] || usage; arch=$2; shift ;;
		--arch=*) arch=${1#--arch=} ;;
		--debug | --fetch | --deps | --clean | --build-time) [ -z "$action" ] || usage; action=$1 ;;
		*) usage ;;
		esac
		shift
	done
	set_arch "$arch"
	case $action in
	'') build release ;;
	--debug) build debug ;;
	--fetch) fetch ;;
	--deps) install_deps ;;
	--clean) rm -rf build bin ;;
	--build-time) build_time ;;
	esac
}

main "$@"
