#!/bin/bash
# Get what the build needs; make (Makefile) builds bin/azkv from it.
#   ./build.sh           fetch vendor/ if needed, then make: bin/azkv
#   ./build.sh --debug   the same with -g -O1 and no stripping (make DEBUG=1)
#   ./build.sh --fetch   only get the pinned third-party code (vendor/PINS),
#                        verified and patched (vendor/patches)
#   ./build.sh --deps    only install missing Debian packages (root);
#                        --deps --fetch does both
#   ./build.sh --clean   remove build/ and bin/ (vendor/ is kept)
#   ./build.sh --build-time  print the time a build embeds (unix seconds)
#   --arch ARCH          with any of the above but --clean: static
#                        bin/azkv-ARCH for aarch64 (arm64), armhf or s390x
#                        (conf/ARCH.mk: Debian's cross gcc, Debian's musl
#                        for ARCH from vendor/, driven by build/ARCH/musl-gcc
#                        that --fetch writes); --deps adds the cross tools
#                        and qemu
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
# tests/e2e/certs.py: azkv's memory at exit, read from a core gdb writes
DEPS+=" gdb"
# A cross ARCH adds its CROSS_DEPS (conf/ARCH.mk): cross compiler (with
# binutils) and an emulator for the tests. Its musl is a pin in vendor/,
# not a package.

# A failed unpack leaves nothing half-made in vendor/.
trap 'rm -rf "$ROOT"/vendor/.unpack.*' EXIT

say() { printf 'build.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

usage() {
	sed -n '2,18s/^# \{0,1\}//p' "$0" >&2
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

# musl_ok: the unpacked tree's stamp names the pinned .deb hash.
musl_ok() {
	local s
	s=vendor/$(pin "$MUSL_PIN" dir)/$STAMP
	[ -f "$s" ] && [ "$(awk '{ print $NF }' "$s")" = "$(pin "$MUSL_PIN" deb_sha256)" ]
}

# Debian's musl-dev for the target (headers, crt*.o, libc.a,
# musl-gcc.specs), unpacked as a whole into vendor/musl-*/; never installed
# with dpkg.
fetch_musl() {
	local dir deb tmp
	musl_ok && return 0
	dir=vendor/$(pin "$MUSL_PIN" dir)
	deb=vendor/$(pin "$MUSL_PIN" deb_file)
	[ -e "$deb" ] || apt_download "$MUSL_PIN"
	verify "$deb" "$(pin "$MUSL_PIN" deb_sha256)"
	tmp=$(mktemp -d vendor/.unpack.XXXXXX)
	dpkg-deb -x "$deb" "$tmp"
	[ -f "$tmp/usr/lib/$MUSL_TRIPLE/libc.a" ] || die "$deb: no $MUSL_TRIPLE libc.a inside"
	[ -f "$tmp/usr/include/$MUSL_TRIPLE/stdio.h" ] || die "$deb: no $MUSL_TRIPLE headers inside"
	chmod 755 "$tmp"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	printf '%s %s %s sha256 %s\n' "$MUSL_PIN" "$(pin "$MUSL_PIN" version)" "${deb#vendor/}" \
		"$(sha256sum "$deb" | cut -d' ' -f1)" >"$dir/$STAMP"
	say "fetch: $dir from ${deb#vendor/}"
}

fetch() {
	fetch_bearssl
	fetch_jsmn
	[ -n "$CROSS" ] || return 0
	fetch_musl
	gen_cross_cc
}

# ---- target architecture ------------------------------------------------

# conf NAME: one value from conf/$ARCH.mk (a missing NAME is empty).
conf() {
	awk -v n="$1" '$1 == n && $2 == "=" { sub(/^[^=]*= */, ""); print }' "conf/$ARCH.mk"
}

# set_arch NAME: compiler, binutils prefix and output names for one target
# from conf/NAME.mk. x86_64 is the host's musl-gcc; a cross target is
# Debian's cross gcc driven by build/NAME/musl-gcc, a generated musl-gcc
# over vendor/musl-*/.
set_arch() {
	case $1 in
	amd64) ARCH=x86_64 ;;
	arm64) ARCH=aarch64 ;;
	*) ARCH=$1 ;;
	esac
	case $ARCH in
	*/* | .* | '') ARCH=none ;;
	esac
	if [ ! -f "conf/$ARCH.mk" ]; then
		set -- "$1" conf/*.mk
		local names=("${@:2}")
		names=("${names[@]#conf/}")
		die "--arch: unknown '$1' (${names[*]%.mk})"
	fi
	OUT=$(conf OUT) CROSS=$(conf CROSS)
	[ -n "$OUT" ] || die "conf/$ARCH.mk: no OUT"
	[ -n "$CROSS" ] || return 0
	MUSL_PIN=$(conf MUSL_PIN) MUSL_TRIPLE=$(conf MUSL_TRIPLE) LINK_SPEC=$(conf LINK_SPEC)
	[ -n "$MUSL_PIN" ] || die "conf/$ARCH.mk: no MUSL_PIN"
	[ -n "$MUSL_TRIPLE" ] || die "conf/$ARCH.mk: no MUSL_TRIPLE"
	MUSLCC=$ROOT/build/$ARCH/musl-gcc
	DEPS+=" $(conf CROSS_DEPS)"
}

# The package's own musl-gcc.specs with its /usr paths moved to the private
# tree, plus LINK_SPEC (conf/ARCH.mk): what the cross gcc would pass its
# linker and the specs' link line replaces (arm64: the Cortex-A53 erratum
# 843419 fix).
gen_cross_specs() {
	local musl=$1 in
	in=$musl/usr/lib/$MUSL_TRIPLE/musl-gcc.specs
	sed -e "s|/usr/include/$MUSL_TRIPLE|$musl/usr/include/$MUSL_TRIPLE|g" \
		-e "s|/usr/lib/$MUSL_TRIPLE|$musl/usr/lib/$MUSL_TRIPLE|g" \
		-e "s|^-dynamic-linker .* -nostdlib |&${LINK_SPEC:+$LINK_SPEC }|" \
		"$in"
}

# build/ARCH/musl-gcc: what musl-gcc is to gcc, for the cross gcc.
gen_cross_cc() {
	local musl d=build/$ARCH specs
	musl=$ROOT/vendor/$(pin "$MUSL_PIN" dir)
	specs=$ROOT/$d/musl-gcc.specs
	command -v "${CROSS}gcc" >/dev/null ||
		die "no ${CROSS}gcc: run ./build.sh --deps --arch $ARCH"
	mkdir -p "$d"
	gen_cross_specs "$musl" >"$specs.tmp"
	if ! grep -q "^-nostdinc -isystem $musl/usr/include/$MUSL_TRIPLE " "$specs.tmp" ||
		! grep -qF -- "-nostdlib ${LINK_SPEC:+$LINK_SPEC }" "$specs.tmp" ||
		grep -Eq "(^| |-L)/usr/(lib|include)/$MUSL_TRIPLE" "$specs.tmp"; then
		die "$d/musl-gcc.specs: unexpected musl-gcc.specs format in vendor/"
	fi
	replace_if_changed "$specs.tmp" "$specs"
	printf '#!/bin/sh\n# Generated by build.sh: %s against %s.\nexec %s "$@" -specs "%s"\n' \
		"${CROSS}gcc" "${musl#"$ROOT"/}" "${CROSS}gcc" "$specs" >"$MUSLCC.tmp"
	chmod 755 "$MUSLCC.tmp"
	replace_if_changed "$MUSLCC.tmp" "$MUSLCC"
}

# replace_if_changed NEW OLD: keep OLD (and its mtime) when nothing changed.
replace_if_changed() {
	if cmp -s "$1" "$2"; then rm -f "$1"; else mv "$1" "$2"; fi
}

# ---- azkv: make builds it -------------------------------------------------

report() {
	say "$OUT: $(stat -c %s "$OUT") bytes"
	"${CROSS}size" "$OUT"
	file "$OUT"
}

# make (Makefile) builds BearSSL, the generated sources and the binary.
build() {
	local flags=()
	fetch
	[ "$1" = debug ] && flags+=(DEBUG=1)
	[ -n "$CROSS" ] || flags+=(MUSLCC="$MUSLCC")
	make -j"$JOBS" ARCH="$ARCH" HOSTCC="$HOSTCC" "${flags[@]}" "$OUT"
	report
}

main() {
	local action='' arch=x86_64
	while [ $# -gt 0 ]; do
		case $1 in
		--arch) [ $# -ge 2 ] || usage; arch=$2; shift ;;
		--arch=*) arch=${1#--arch=} ;;
		--deps | --fetch) # these two go together: --deps --fetch
			case $action in '' | --deps | --fetch) ;; *) usage ;; esac
			[ "$action" = "$1" ] || action=${action:+--deps-fetch}; action=${action:-$1} ;;
		--debug | --clean | --build-time) [ -z "$action" ] || usage; action=$1 ;;
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
	--deps-fetch) install_deps && fetch ;;
	--clean) rm -rf build bin ;;
	--build-time) make -s print-build-time ;;
	esac
}

main "$@"
