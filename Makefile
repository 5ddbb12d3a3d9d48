# azkv's build and developer entry points.
#   make          bin/azkv (static, musl): BearSSL's library from vendor/
#                 (fetched by ./build.sh --fetch if missing), the generated
#                 trust anchors and build info, the objects, the link
#   make ARCH=aarch64  bin/azkv-aarch64 (Debian's cross gcc and musl; also
#                 ARCH=armhf, ARCH=s390x: conf/ARCH.mk)
#   make DEBUG=1  the same with -g -O1, not stripped
#   make test     install what is missing, build, run every test
#   make test T="SUITE [PATTERN...]"  one suite, or its matching cases
#   make check    unit tests under ASan/UBSan with the host gcc
#   make demo     the tutorial against the bundled fake Azure (private netns)
#   make bench    azkv vs curl + jq on the fake: time, CPU, RSS, size
# build.sh does what a shell script is for: --deps (Debian packages) and
# --fetch (the pinned third-party code, vendor/PINS, with vendor/patches).

ARCH ?= x86_64
HOSTCC ?= gcc
MUSLCC ?= musl-gcc
JOBS ?= 2

# One value from vendor/PINS: $(call pin,NAME,FIELD).
pin = $(shell awk -v n=$(1) -v f=$(2) '$$1 == n && $$2 == f { print $$3 }' vendor/PINS)
BEARSSL_DIR := vendor/$(call pin,bearssl,dir)
BEARSSL_INC := $(BEARSSL_DIR)/inc
JSMN_DIR := vendor/$(call pin,jsmn,dir)
PATCHES := $(sort $(wildcard vendor/patches/*.patch))
FETCHED := $(BEARSSL_DIR)/.azkv-fetched $(JSMN_DIR)/jsmn.h

# The one warning set: the binary, the unit tests (gcc and musl), the
# fuzzers and the test helpers.
WARN = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -g -O1

# ---- bin/azkv -------------------------------------------------------------

# One conf/ARCH.mk per target (OUT, CROSS, MUSL_PIN ...: see each file;
# build.sh and tests/cross/run.sh read the same files).
ARCHES := $(patsubst conf/%.mk,%,$(wildcard conf/*.mk))
ifeq ($(filter $(ARCH),$(ARCHES)),)
$(error ARCH: unknown '$(ARCH)' (one of: $(ARCHES)))
endif
include conf/$(ARCH).mk
ifeq ($(CROSS),)
CC_AZKV = $(MUSLCC)
else
# build/ARCH/musl-gcc: what musl-gcc is to gcc, for the cross gcc over
# vendor/musl-*/ (written by ./build.sh --fetch --arch ARCH).
CC_AZKV = $(CURDIR)/build/$(ARCH)/musl-gcc
FETCHED += vendor/$(call pin,$(MUSL_PIN),dir)/.azkv-fetched build/$(ARCH)/musl-gcc
endif
BR_OUT = build/bearssl-$(if $(CROSS),$(ARCH),musl)

# -fno-pie: the binary is static at a fixed address, not PIE; position-
# independent code would only cost size, and put pointer tables in a
# writable segment. -fno-unwind-tables: nothing unwinds (arm64 gcc emits
# tables by default). The file prefix map keeps the build folder out.
# -fno-inline-small-functions, -fno-jump-tables, -fno-shrink-wrap: at -Oz
# gcc 12 still inlines small functions that are not declared inline, makes
# switch tables and duplicates prologues where calls and compares are
# smaller (functions declared inline still are inlined). SIZE_ARCH: the
# target's own (conf/ARCH.mk).
SIZE_FLAGS = -fno-pie -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -ffile-prefix-map=$(CURDIR)=. \
	-fno-inline-small-functions -fno-jump-tables -fno-shrink-wrap $(SIZE_ARCH)
ifeq ($(DEBUG),1)
OPT = -O1 -g
STRIP =
else
# -Oz -flto: the smallest code (gcc 12), optimised across BearSSL and our
# sources at the link (-flto-partition=one: as one unit, smaller).
OPT = -Oz -flto -flto-partition=one
STRIP = -s
endif
# OWN_FLAGS: our code only (BearSSL's crypto loops keep them): at -Oz gcc 12
# still saves registers around calls, hoists loop invariants into registers
# it must then spill, threads jumps by copying blocks, turns switches into
# tables and splits aggregates into scalars, each larger than the plain code
# in our parsers and glue (together 1.2 KB on x86-64); without gcc's
# mod/ref summaries (-fno-ipa-modref) our code is 112 bytes smaller too.
OWN_FLAGS = -fno-caller-saves -fno-tree-loop-im -fno-move-loop-invariants \
	-fno-tree-dominator-opts -fno-thread-jumps -fno-tree-switch-conversion -fno-ipa-sra -fno-ipa-modref
CFLAGS_AZKV = $(WARN) $(OPT) $(SIZE_FLAGS) $(OWN_FLAGS) -Isrc -Ibuild/gen
# -z norelro: no loader applies RELRO to a static binary (musl's static start
# does not), so it would only cost the padding that page-aligns it, up to
# 64 KiB on arm64.
# -z noseparate-code: one executable segment instead of page-aligned read-only
# ones around it (~8 KiB of padding on x86-64).
# --sort-section=alignment: the client's page-aligned buffers (client.h) come
# first in .bss and the small variables last, together with libc's: resident
# memory is counted in pages, and this layout touches the fewest.
# -z common-page-size=64: the writable segment starts at the same offset in
# its page as the file offset after the code, not at the next page boundary:
# no file padding (up to 4 KiB) between the two; they are still mapped
# separately, the code read-only and executable, the data not executable.
# -T conf/discard.ld: no .comment section (compiler versions, never loaded).
LDFLAGS_AZKV = $(STRIP) -static -no-pie -Wl,--gc-sections -Wl,--build-id=none \
	-Wl,-z,norelro -Wl,-z,noseparate-code -Wl,-z,common-page-size=64 \
	-Wl,--sort-section=alignment -Wl,-T,conf/discard.ld
# BearSSL's own warnings stay visible in its log but never fail the build.
# -Oz -flto: its archive is made with gcc-ar, so the link sees LTO objects.
# BR_USE_URANDOM=0 BR_RDRAND=0: no system seeder; tls.c seeds every engine
# from getrandom (rnd.h), and /dev/urandom is absent from an empty root.
# BR_USE_UNIX_TIME=0: no time() in the X.509 engine; tlschain.c sets its
# clock before every certificate (the clock rule).
BR_CONFIG = -DBR_USE_URANDOM=0 -DBR_RDRAND=0 -DBR_USE_UNIX_TIME=0
BR_CFLAGS = -W -Wall $(if $(filter 1,$(DEBUG)),-Os,-Oz -flto) $(SIZE_FLAGS) $(BR_CONFIG)

# src/ is one folder per layer (README, Layout), main.c on top. Objects are
# linked in module-name order, whatever their folder: the order decides
# LTO's code layout, so a move between folders leaves the binary's bytes.
SRC_ALL := $(wildcard src/*.c src/*/*.c)
SRC := $(foreach n,$(sort $(notdir $(SRC_ALL))),$(filter %/$(n),$(SRC_ALL)))
# $(call mods,NAME...): the sources of these modules, wherever they live.
mods = $(foreach n,$(1),$(filter %/$(n).c,$(SRC_ALL)))
OBJDIR = build/obj-$(ARCH)$(if $(filter 1,$(DEBUG)),-debug)
OBJ = $(SRC:src/%.c=$(OBJDIR)/%.o) $(OBJDIR)/anchors.o
# Third-party headers reach only the folders that use them: BearSSL the
# tls/, pki/ and crypto/ layers, jsmn the JSON module. Anywhere else an
# #include of theirs fails to compile.
$(OBJDIR)/tls/%.o $(OBJDIR)/pki/%.o $(OBJDIR)/crypto/%.o: VENDOR_INC = -I$(BEARSSL_INC)
$(OBJDIR)/codec/json.o: VENDOR_INC = -I$(JSMN_DIR)

.PHONY: all FORCE
all: $(OUT)

$(OUT): $(OBJ) $(BR_OUT)/libbearssl.a conf/discard.ld
	@mkdir -p $(@D)
	$(CC_AZKV) $(OPT) $(LDFLAGS_AZKV) -o $@ $(OBJ) $(BR_OUT)/libbearssl.a

$(OBJDIR)/%.o: src/%.c build/gen/buildinfo.h | $(FETCHED)
	@mkdir -p $(@D)
	$(CC_AZKV) $(CFLAGS_AZKV) $(VENDOR_INC) -MMD -MP -c -o $@ $<

$(OBJDIR)/anchors.o: build/gen/anchors.c | $(FETCHED)
	@mkdir -p $(@D)
	$(CC_AZKV) $(CFLAGS_AZKV) -I$(BEARSSL_INC) -c -o $@ $<

-include $(OBJ:.o=.d)

# The pinned trees (and for a cross ARCH the compiler wrapper): build.sh
# fetches, verifies and patches; nothing is fetched when they are there.
# One run for all of them (&:): with -j2, two runs at once raced on the
# wrapper's files ("unexpected musl-gcc.specs format").
$(FETCHED) &: vendor/PINS $(PATCHES)
	./build.sh --fetch --arch $(ARCH)
	@touch $(FETCHED)

# BearSSL through its own Makefile (MAKEFLAGS= keeps our jobserver out).
# Its objects do not record their flags, nor the patches applied to the
# tree: $(BR_OUT)/.flags names both, and the library starts over when they
# change. Upstream limits checked: RSA to 4096 bits (Microsoft 2017 root),
# EC to P-521.
BR_MAKE = MAKEFLAGS= $(MAKE) -C $(BEARSSL_DIR) -j$(JOBS)
PATCHES_SUM = $(shell for f in $(PATCHES); do printf '%s\n' "$$(basename $$f)"; cat "$$f"; done | sha256sum | cut -d' ' -f1)

$(BR_OUT)/.flags: FORCE | $(FETCHED)
	@f='$(CC_AZKV) $(BR_CFLAGS) patches $(PATCHES_SUM)'; \
	[ "$$(cat $@ 2>/dev/null)" = "$$f" ] || { rm -rf $(BR_OUT); mkdir -p $(BR_OUT); \
		printf '%s\n' "$$f" >$@; }

$(BR_OUT)/libbearssl.a: $(BR_OUT)/.flags $(FETCHED)
	@grep -q '^#define BR_MAX_RSA_SIZE *4096$$' $(BEARSSL_DIR)/src/inner.h || \
		{ echo "$(BEARSSL_DIR)/src/inner.h: BR_MAX_RSA_SIZE is not 4096" >&2; exit 1; }
	@grep -q '^#define BR_MAX_EC_SIZE *528$$' $(BEARSSL_DIR)/src/inner.h || \
		{ echo "$(BEARSSL_DIR)/src/inner.h: BR_MAX_EC_SIZE is not 528" >&2; exit 1; }
	@echo "BearSSL lib: $(BR_OUT) (log: $(BR_OUT).log)"
	@$(BR_MAKE) BUILD=$(CURDIR)/$(BR_OUT) CC=$(CC_AZKV) AR=$(CROSS)gcc-ar ARFLAGS=-rcsD \
		CFLAGS='$(BR_CFLAGS)' lib >$(BR_OUT).log 2>&1 || { tail -n 20 $(BR_OUT).log >&2; exit 1; }
	@touch $@

# brssl runs only here, at build time, to turn certs/ into C.
build/bearssl-host/brssl: $(FETCHED)
	@mkdir -p $(@D)
	@echo "BearSSL tools: $(@D) (log: $(@D).log)"
	@$(BR_MAKE) BUILD=$(CURDIR)/$(@D) CC=$(HOSTCC) LD=$(HOSTCC) LDDLL=$(HOSTCC) \
		tools >$(@D).log 2>&1 || { tail -n 20 $(@D).log >&2; exit 1; }
	@touch $@

build/bearssl-host/libbearssl.a: build/bearssl-host/brssl

# The built-in roots: "brssl ta" over certs/*.pem, its TAs[] / TAs_NUM
# renamed into our two exported symbols, one anchor per file checked.
PEMS := $(sort $(wildcard certs/*.pem))
build/gen/anchors.c: $(PEMS) build/bearssl-host/brssl vendor/PINS
	@mkdir -p $(@D)
	@[ -n "$(PEMS)" ] || { echo "no certs/*.pem" >&2; exit 1; }
	@build/bearssl-host/brssl ta $(PEMS) >$@.raw 2>$@.log || \
		{ echo "brssl ta failed: $$(tail -n 1 $@.log)" >&2; exit 1; }
	@n=$$(grep -c ': 1 trust anchor$$' $@.log || true); \
	[ "$$n" = $(words $(PEMS)) ] || { echo "brssl ta: expected one anchor per PEM file, see $@.log" >&2; exit 1; }; \
	{ printf '/*\n * Generated by make from the PEM files in certs/ with\n'; \
	  printf ' * "brssl ta" (BearSSL %s): do not edit.\n *\n' '$(call pin,bearssl,version)'; \
	  i=0; for f in $(PEMS); do printf ' * %d  %s\n' $$i $$f; i=$$((i + 1)); done; \
	  printf ' */\n#include <stddef.h>\n#include <bearssl.h>\n\n'; \
	  printf 'extern const br_x509_trust_anchor tls_builtin_anchors[];\n'; \
	  printf 'extern const size_t tls_builtin_anchors_num;\n'; \
	  sed -e 's/^static const br_x509_trust_anchor TAs\[\([0-9]*\)\] = {$$/const br_x509_trust_anchor tls_builtin_anchors[\1] = {/' \
	      -e 's/^#define TAs_NUM *\([0-9]*\)$$/const size_t tls_builtin_anchors_num = \1;/' $@.raw; \
	} >$@.tmp; \
	grep -q "^const size_t tls_builtin_anchors_num = $$n;$$" $@.tmp && \
	grep -q "^const br_x509_trust_anchor tls_builtin_anchors\[$$n\] = {$$" $@.tmp && \
	! grep -q 'TAs' $@.tmp || { echo "brssl ta: unexpected output format" >&2; exit 1; }; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi; \
	rm -f $@.raw; echo "anchors: $$n trust anchors -> $@"

# Never the current time: the same tree gives the same binary. The build
# time is SOURCE_DATE_EPOCH, else the time of the last commit that changed
# a build input (a commit touching only README or tests leaves the binary's
# bytes, and README's expected sha256, as they were), else the newest
# certs/ file's. Rewritten only when it changes.
BUILD_INPUTS = src certs conf build.sh Makefile vendor/PINS vendor/patches VERSION
BUILD_TIME = $(or $(SOURCE_DATE_EPOCH),$(shell git -C $(CURDIR) log -1 --format=%ct -- \
	$(BUILD_INPUTS) 2>/dev/null),$(shell stat -c %Y certs/* | sort -n | tail -n 1))
VERSION_STR = $(shell cat VERSION)

build/gen/buildinfo.h: FORCE
	@mkdir -p $(@D)
	@case '$(VERSION_STR)' in '' | *[!0-9A-Za-z.+~-]*) echo "VERSION: bad version '$(VERSION_STR)'" >&2; exit 1 ;; esac
	@case '$(BUILD_TIME)' in '' | *[!0-9]*) echo "build time '$(BUILD_TIME)' is not unix seconds" >&2; exit 1 ;; esac
	@{ printf '/* Generated by make from VERSION: do not edit. */\n'; \
	  printf '#ifndef AZKV_BUILDINFO_H\n#define AZKV_BUILDINFO_H\n'; \
	  printf '#define AZKV_VERSION "%s"\n' '$(VERSION_STR)'; \
	  printf '#define AZKV_BUILD_TIME %s\n' '$(BUILD_TIME)'; \
	  printf '#endif\n'; } >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

print-build-time:
	@echo $(BUILD_TIME)

FORCE:

# ---- tests ----------------------------------------------------------------

# Pure modules: no sockets, tested alone (and fuzzed).
PURE = $(call mods,str date fmt b64 pem err http json azure url ref cloud challenge retry \
	source dns rsa x509 der rc2 pkey jwk tags list)
# The unit tests: tests/unit/test_NAME.c for each. They link the pure
# modules and these, which do file or socket I/O but no TLS.
UNITS = str date fmt b64 pem http json azure url ref cloud challenge retry source dns rsa x509 der rc2 \
	jwk tags out opts err tlserr pkey sys file mem list prune
UNIT_IO = $(call mods,out opts net resolve rnd log clock sys file mem prune)
UNIT_LIB = $(PURE) $(UNIT_IO)
UNIT_HDR = tests/unit/t.h $(wildcard src/*/*.h) build/gen/buildinfo.h
UNIT_INC = -Isrc -Ibuild/gen -I$(JSMN_DIR) -I$(BEARSSL_INC)
# pkey compares explicit EC parameters through BearSSL's SHA-256: the unit
# and fuzz builds of the pure modules link BearSSL (its host build; the musl
# one for the musl units; the target's for the cross ones, below).
BR_HOST = build/bearssl-host/libbearssl.a
BR_MUSL = build/bearssl-musl/libbearssl.a

.PHONY: install fleet check-valgrind test check unit-musl demo bench fetch clean print-units print-build-time layers
fetch:
	./build.sh --fetch --arch $(ARCH)

# tests/run.sh runs the same list.
print-units:
	@echo $(UNITS)

# test_tlserr includes tls/tlserr.c (its tables): BearSSL's headers, no library.
build/unit-asan/test_tlserr build/unit-musl/test_tlserr: UNIT_INC += -I$(BEARSSL_INC)
build/unit-musl/test_tlserr: src/tls/tlserr.c
build/unit-asan/test_tlserr: src/tls/tlserr.c

build/unit-asan/test_%: tests/unit/test_%.c $(UNIT_LIB) $(UNIT_HDR) $(BR_HOST) | $(FETCHED)
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) $(SAN) $(UNIT_INC) -o $@ $< $(UNIT_LIB) $(BR_HOST)

build/unit-musl/test_%: tests/unit/test_%.c $(UNIT_LIB) $(UNIT_HDR) $(BR_MUSL) | $(FETCHED)
	@mkdir -p $(@D)
	$(MUSLCC) $(WARN) -static -Os $(UNIT_INC) -o $@ $< $(UNIT_LIB) $(BR_MUSL)

# rsa_public against BearSSL's constant-time code (the host build of BearSSL
# made for brssl), under ASan/UBSan.
build/unit-asan/diff_rsa: tests/unit/diff_rsa.c src/crypto/rsa.c src/crypto/rsa.h tests/unit/t.h build/bearssl-host/libbearssl.a
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) $(SAN) -Isrc -I$(BEARSSL_INC) -o $@ tests/unit/diff_rsa.c src/crypto/rsa.c \
		build/bearssl-host/libbearssl.a

# The PKCS#12 reader (BearSSL's hashes and ciphers: the host build of
# BearSSL) against OpenSSL's libcrypto (libssl-dev), under ASan/UBSan.
P12_SRC = $(call mods,pkcs12 ec der rc2 pkey x509 date str fmt clock)
build/unit-asan/test_pkcs12: tests/unit/test_pkcs12.c $(P12_SRC) $(UNIT_HDR) build/bearssl-host/libbearssl.a
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) -Wno-deprecated-declarations $(SAN) -Isrc -I$(BEARSSL_INC) -o $@ \
		tests/unit/test_pkcs12.c $(P12_SRC) build/bearssl-host/libbearssl.a -lcrypto

# rsaenc (local wrap) against BearSSL's private-key decryption.
RSAENC_SRC = $(call mods,rsaenc rnd log err fmt clock str sys)
build/unit-asan/diff_rsaenc: tests/unit/diff_rsaenc.c $(RSAENC_SRC) $(UNIT_HDR) build/bearssl-host/libbearssl.a
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) $(SAN) -Isrc -I$(BEARSSL_INC) -o $@ tests/unit/diff_rsaenc.c $(RSAENC_SRC) \
		build/bearssl-host/libbearssl.a

# The --cacert loader (trust.c) against BearSSL's X.509 decoder, which made
# the anchors before it.
TRUST_SRC = $(call mods,trust pem b64 err fmt str x509 date pkey der mem)
build/unit-asan/diff_trust: tests/unit/diff_trust.c $(TRUST_SRC) $(UNIT_HDR) build/bearssl-host/libbearssl.a
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) $(SAN) -Isrc -I$(BEARSSL_INC) -o $@ tests/unit/diff_trust.c $(TRUST_SRC) \
		build/bearssl-host/libbearssl.a

# The program azkv exec starts in the delivery tests (static: it also runs
# alone in the scratch chroot).
build/envdump: tests/e2e/envdump.c
	@mkdir -p $(@D)
	$(MUSLCC) $(WARN) -static -Os -o $@ $<

# make check: every unit and differential test under ASan/UBSan, as
# tests/run.sh runs them (tests/docs.sh fails on a tests/unit/ file this
# list leaves out); each ends with "N passed, N failed", the first failure
# stops it.
CHECKS = $(UNITS:%=test_%) test_pkcs12 diff_rsa diff_rsaenc diff_trust
ARGS_diff_trust = /etc/ssl/certs/ca-certificates.crt $(PEMS)
check: $(CHECKS:%=build/unit-asan/%)
	@$(foreach t,$(CHECKS),echo "== $(t) (asan)" && build/unit-asan/$(t) $(ARGS_$(t)) &&) true

# The unit tests of the other flavour (static musl).
unit-musl: $(UNITS:%=build/unit-musl/test_%)
	@for t in $(UNITS); do echo "== unit $$t (musl)"; build/unit-musl/test_$$t || exit 1; done

# make test T="SUITE [PATTERN...]" runs one suite (tests/run.sh -l lists them).
test:
	tests/run.sh $(T)

# The include stack of src/ (tests/layers.sh; also part of make test).
layers:
	@tests/layers.sh

# As make test: what is missing installed (root), BearSSL and jsmn fetched,
# bin/azkv built, so that it works alone in a fresh clone.
demo:
	./build.sh --deps
	$(MAKE) all
	tests/demo.sh

build/hwm: tests/bench/hwm.c
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) -O2 -o $@ $<

# The bench's stand-in vault (tests/bench/benchvault.c) uses OpenSSL:
# tests/bench/bench.sh installs libssl-dev first if it is missing (bench.py
# falls back to the Python fake without it).
build/benchvault: tests/bench/benchvault.c
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) -O2 -o $@ $< -lssl -lcrypto

bench: all build/hwm
	tests/bench/bench.sh

# 200 azkv processes at once against a vault throttling above 50 requests/s
# (a benchmark: prints the request count and the spread).
fleet: all
	tests/netns.sh -- python3 tests/bench/fleet.py

# The e2e suites with every azkv run under valgrind memcheck (slow).
check-valgrind:
	tests/valgrind.sh

# make install PREFIX=/usr/local [DESTDIR=...]: the binary, the man page and
# the clevis pin (clevis/clevis-{en,de}crypt-azkv, next to azkv on PATH).
PREFIX ?= /usr/local
install: all
	install -D -m 0755 bin/azkv $(DESTDIR)$(PREFIX)/bin/azkv
	install -D -m 0755 clevis/clevis-encrypt-azkv $(DESTDIR)$(PREFIX)/bin/clevis-encrypt-azkv
	install -D -m 0755 clevis/clevis-decrypt-azkv $(DESTDIR)$(PREFIX)/bin/clevis-decrypt-azkv
	install -D -m 0644 docs/azkv.1 $(DESTDIR)$(PREFIX)/share/man/man1/azkv.1

clean:
	rm -rf build bin

# Cross targets (conf/ARCH.mk; Debian's cross gcc and musl, see build.sh):
# make ARCH=aarch64|armhf|s390x builds bin/azkv-ARCH. test-ARCH
# (tests/cross/run.sh ARCH) checks the binary's ELF and size budget and runs
# the unit tests and a core e2e subset with it under qemu-ARCH-static;
# test-arm64 is test-aarch64. unit-cross (with ARCH=...) builds the unit
# tests as static binaries for ARCH in build/unit-ARCH/ (their library
# objects once, in an archive), for qemu; fuzz-cross the same for the fuzz
# corpus replay.
# repro: two builds of HEAD in two fresh folders must give the same sha256.
CROSS_ARCHES := $(filter-out x86_64,$(ARCHES))
.PHONY: arm64 test-arm64 $(CROSS_ARCHES:%=test-%) unit-cross fuzz-cross print-fuzzers repro
arm64:
	$(MAKE) ARCH=aarch64

test-arm64: test-aarch64

$(CROSS_ARCHES:%=test-%):
	tests/cross/run.sh $(@:test-%=%)

# The fuzz harnesses (FUZZERS, set further down), for tests/cross/run.sh.
print-fuzzers:
	@echo $(FUZZERS)

ifneq ($(CROSS),)
UNIT_X = build/unit-$(ARCH)
$(UNIT_X)/obj/%.o: src/%.c $(UNIT_HDR) | $(FETCHED)
	@mkdir -p $(@D)
	$(CC_AZKV) $(WARN) -Os $(UNIT_INC) -c -o $@ $<

$(UNIT_X)/libunit.a: $(UNIT_LIB:src/%.c=$(UNIT_X)/obj/%.o)
	rm -f $@
	$(CROSS)ar rcsD $@ $^

$(UNIT_X)/test_%: tests/unit/test_%.c $(UNIT_X)/libunit.a $(BR_OUT)/libbearssl.a $(UNIT_HDR) | $(FETCHED)
	$(CC_AZKV) $(WARN) -static -Os $(UNIT_INC) -o $@ $< $(UNIT_X)/libunit.a $(BR_OUT)/libbearssl.a

$(UNIT_X)/test_tlserr: UNIT_INC += -I$(BEARSSL_INC)
$(UNIT_X)/test_tlserr: src/tls/tlserr.c

unit-cross: $(UNITS:%=$(UNIT_X)/test_%)

# The fuzz harnesses' replay drivers for ARCH (no sanitizers: their
# invariants and crashes), for the committed corpus under qemu.
$(UNIT_X)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(UNIT_X)/libunit.a $(BR_OUT)/libbearssl.a \
		$(UNIT_HDR) $(wildcard tests/fuzz/*.h) | $(FETCHED)
	$(CC_AZKV) $(WARN) -static -Os -Isrc -I$(JSMN_DIR) -o $@ $< tests/fuzz/replay.c $(UNIT_X)/libunit.a \
		$(BR_OUT)/libbearssl.a

$(UNIT_X)/fuzz_pkcs12: tests/fuzz/fuzz_pkcs12.c tests/fuzz/replay.c $(call mods,pkcs12 ec) \
		$(UNIT_X)/libunit.a $(BR_OUT)/libbearssl.a $(UNIT_HDR) $(wildcard tests/fuzz/*.h)
	$(CC_AZKV) $(WARN) -static -Os -Isrc -I$(BEARSSL_INC) -o $@ $< tests/fuzz/replay.c \
		$(call mods,pkcs12 ec) $(UNIT_X)/libunit.a $(BR_OUT)/libbearssl.a

# (FUZZERS is set further down: named in the recipe, not as prerequisites.)
fuzz-cross:
	@$(MAKE) $(FUZZERS:%=$(UNIT_X)/fuzz_%)
endif

repro:
	tests/repro.sh

# Fuzzing (tests/fuzz/): one libFuzzer harness per parser.
#   make fuzz          build with clang + libFuzzer (installed if missing) and
#                      run each harness FUZZ_SECONDS; work corpus and any
#                      reproducer in tests/fuzz/out/NAME/
#   make fuzz-replay   the committed corpus through the same harnesses built
#                      by the host gcc with ASan/UBSan (part of make test)
# e.g. make fuzz FUZZERS="http json" FUZZ_SECONDS=300
FUZZERS = http chunked json azure ref challenge time dns pem x509 pkcs12 jwk list
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_CFLAGS = $(WARN) -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_HDR = $(wildcard tests/fuzz/*.h) $(wildcard src/*/*.h)

.PHONY: fuzz fuzz-replay
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(PURE) $(FUZZ_HDR) $(BR_HOST) | $(FETCHED)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Isrc -I$(JSMN_DIR) -I$(BEARSSL_INC) -o $@ $< $(PURE) $(BR_HOST)

build/fuzz-replay/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(PURE) $(FUZZ_HDR) $(BR_HOST) | $(FETCHED)
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) $(SAN) -Isrc -I$(JSMN_DIR) -I$(BEARSSL_INC) -o $@ $< tests/fuzz/replay.c $(PURE) \
		$(BR_HOST)

# fuzz_pkcs12 also links BearSSL (host build) for the PKCS#12 crypto.
build/fuzz/fuzz_pkcs12: tests/fuzz/fuzz_pkcs12.c $(P12_SRC) $(FUZZ_HDR) build/bearssl-host/libbearssl.a
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Isrc -I$(BEARSSL_INC) -o $@ $< $(P12_SRC) build/bearssl-host/libbearssl.a

build/fuzz-replay/fuzz_pkcs12: tests/fuzz/fuzz_pkcs12.c tests/fuzz/replay.c $(P12_SRC) $(FUZZ_HDR) build/bearssl-host/libbearssl.a
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) $(SAN) -Isrc -I$(BEARSSL_INC) -o $@ $< tests/fuzz/replay.c $(P12_SRC) \
		build/bearssl-host/libbearssl.a

fuzz: | $(FETCHED)
	@FUZZ_CC=$(FUZZ_CC) tests/fuzz/fuzz.sh --deps
	@$(MAKE) -s $(FUZZERS:%=build/fuzz/fuzz_%)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_CC=$(FUZZ_CC) tests/fuzz/fuzz.sh $(FUZZERS)

fuzz-replay: $(FUZZERS:%=build/fuzz-replay/fuzz_%)
	@tests/fuzz/replay.sh $(FUZZERS)

# Boot test (tests/boot/): a real Debian kernel (the package linux-image-amd64
# depends on, fetched with apt-get download into build/boot/, never installed)
# boots under qemu-system-x86_64 (TCG, -nographic, -no-reboot, console on
# ttyS0) with a busybox initramfs whose /init brings the network up by DHCP,
# sets the clock to 1970, runs examples/initramfs-tools/azkv-keyscript (azkv's
# default IMDS address, the vault over TLS) and powers off; the host checks
# the key's sha256 against the fixture and the fake's log (Metadata: true).
# A second boot unlocks a LUKS2 virtio disk bound with the azkv clevis pin
# (clevis luks bind on the host; Debian's clevis, jose, cryptsetup and their
# libraries in the guest; clevis_luks_unlock_device as its local-top runs it).
# qemu runs inside tests/netns.sh: its user-mode network reaches only the fake.
# Installs qemu-system-x86, busybox-static, clevis, clevis-luks, jose and
# cryptsetup-bin if missing. About 45 s (two boots) once the kernel is
# cached, a minute on the first run; ends with "boot: N passed, N failed". BOOT_NIC=e1000 (default virtio), BOOT_TIMEOUT=120.
.PHONY: test-boot
test-boot: all
	tests/boot/run.sh
