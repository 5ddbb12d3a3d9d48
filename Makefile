# azkv developer entry points. build.sh does the real build (vendor fetch,
# BearSSL, static link); this file names the jobs around it.
#   make          build bin/azkv (static, musl)
#   make test     install what is missing, build, run every test
#   make check    unit tests under ASan/UBSan with the host gcc
#   make demo     the tutorial against the bundled fake Azure (private netns)
#   make bench    azkv vs curl + jq on the fake: time, CPU, RSS, size

HOSTCC ?= gcc
MUSLCC ?= musl-gcc
JSMN_DIR ?= vendor/jsmn-1.1.0
BEARSSL_INC ?= vendor/bearssl-0.6/inc
WARN = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -g -O1

# Pure modules: no sockets, tested alone.
PURE = src/str.c src/fmt.c src/b64.c src/pem.c src/err.c src/http.c src/json.c src/azure.c src/url.c \
	src/ref.c src/cloud.c src/retry.c src/source.c src/dns.c src/rsa.c src/x509.c src/der.c src/rc2.c src/pkey.c \
	src/jwk.c src/tags.c
UNITS = str fmt b64 pem http json azure url ref cloud retry source dns rsa x509 der rc2 jwk
UNIT_SRC = $(UNITS:%=tests/unit/test_%.c)
UNIT_HDR = tests/unit/t.h $(wildcard src/*.h)

.PHONY: all install fleet check-valgrind test check unit-musl demo bench fetch clean
all:
	./build.sh

fetch:
	./build.sh --fetch

build/unit-asan/test_%: tests/unit/test_%.c $(PURE) $(UNIT_HDR)
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) $(SAN) -Isrc -I$(JSMN_DIR) -o $@ $< $(PURE)

build/unit-musl/test_%: tests/unit/test_%.c $(PURE) $(UNIT_HDR)
	@mkdir -p $(@D)
	$(MUSLCC) $(WARN) -static -Os -Isrc -I$(JSMN_DIR) -o $@ $< $(PURE)

# rsa_public against BearSSL's constant-time code (the host build of BearSSL
# that build.sh makes for brssl), under ASan/UBSan.
build/unit-asan/diff_rsa: tests/unit/diff_rsa.c src/rsa.c src/rsa.h tests/unit/t.h build/bearssl-host/libbearssl.a
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) $(SAN) -Isrc -I$(BEARSSL_INC) -o $@ tests/unit/diff_rsa.c src/rsa.c \
		build/bearssl-host/libbearssl.a

# The PKCS#12 reader (BearSSL's hashes and ciphers: the host build of
# BearSSL) against OpenSSL's libcrypto (libssl-dev), under ASan/UBSan.
P12_SRC = src/pkcs12.c src/der.c src/rc2.c src/pkey.c src/x509.c src/str.c src/fmt.c
build/unit-asan/test_pkcs12: tests/unit/test_pkcs12.c $(P12_SRC) $(UNIT_HDR) build/bearssl-host/libbearssl.a
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) -Wno-deprecated-declarations $(SAN) -Isrc -I$(BEARSSL_INC) -o $@ \
		tests/unit/test_pkcs12.c $(P12_SRC) build/bearssl-host/libbearssl.a -lcrypto

# rsaenc (local wrap) against BearSSL's private-key decryption.
build/unit-asan/diff_rsaenc: tests/unit/diff_rsaenc.c src/rsaenc.c src/rsaenc.h tests/unit/t.h build/bearssl-host/libbearssl.a
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) $(SAN) -Isrc -I$(BEARSSL_INC) -o $@ tests/unit/diff_rsaenc.c src/rsaenc.c \
		build/bearssl-host/libbearssl.a

# The program azkv exec starts in the delivery tests (static: it also runs
# alone in the scratch chroot).
build/envdump: tests/e2e/envdump.c
	@mkdir -p $(@D)
	$(MUSLCC) -static -Os -Wall -Wextra -Werror -o $@ $<

# Run every unit binary of one flavour; each ends with "N passed, N failed".
check: fetch $(UNITS:%=build/unit-asan/test_%)
	@for t in $(UNITS); do echo "== unit $$t (asan)"; build/unit-asan/test_$$t || exit 1; done

unit-musl: fetch $(UNITS:%=build/unit-musl/test_%)
	@for t in $(UNITS); do echo "== unit $$t (musl)"; build/unit-musl/test_$$t || exit 1; done

test:
	tests/run.sh

# As make test: what is missing installed (root), BearSSL and jsmn fetched,
# bin/azkv built, so that it works alone in a fresh clone.
demo:
	./build.sh --deps
	./build.sh
	tests/demo.sh

build/hwm: tests/bench/hwm.c
	@mkdir -p $(@D)
	$(HOSTCC) -O2 -Wall -Wextra -Werror -o $@ $<

# The bench's stand-in vault (tests/bench/benchvault.c) uses OpenSSL: libssl-dev is
# installed here if missing (bench.py falls back to the Python fake without it).
build/benchvault: tests/bench/benchvault.c
	@mkdir -p $(@D)
	@dpkg -s libssl-dev >/dev/null 2>&1 || { export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -qq --no-install-recommends libssl-dev >/dev/null || \
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends libssl-dev >/dev/null; }; }
	$(HOSTCC) -std=c11 -O2 -Wall -Wextra -Werror -Wshadow -o $@ $< -lssl -lcrypto

bench: all build/hwm build/benchvault
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

# arm64: bin/azkv-aarch64 (cross gcc + Debian's arm64 musl, see build.sh);
# test-arm64 runs a core e2e subset with it under qemu-aarch64-static.
# repro: two builds of HEAD in two fresh folders must give the same sha256.
.PHONY: arm64 test-arm64 repro
arm64:
	./build.sh --arch aarch64

test-arm64:
	tests/arm64/run.sh

repro:
	tests/repro.sh

# Fuzzing (tests/fuzz/): one libFuzzer harness per parser.
#   make fuzz          build with clang + libFuzzer (installed if missing) and
#                      run each harness FUZZ_SECONDS; work corpus and any
#                      reproducer in tests/fuzz/out/NAME/
#   make fuzz-replay   the committed corpus through the same harnesses built
#                      by the host gcc with ASan/UBSan (part of make test)
# e.g. make fuzz FUZZERS="http json" FUZZ_SECONDS=300
FUZZERS = http chunked json azure ref challenge time dns pem x509 pkcs12 jwk
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_HDR = $(wildcard tests/fuzz/*.h) $(wildcard src/*.h)

.PHONY: fuzz fuzz-replay
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(PURE) $(FUZZ_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Isrc -I$(JSMN_DIR) -o $@ $< $(PURE)

build/fuzz-replay/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(PURE) $(FUZZ_HDR)
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) $(SAN) -Isrc -I$(JSMN_DIR) -o $@ $< tests/fuzz/replay.c $(PURE)

# fuzz_pkcs12 also links BearSSL (host build) for the PKCS#12 crypto.
build/fuzz/fuzz_pkcs12: tests/fuzz/fuzz_pkcs12.c $(P12_SRC) $(FUZZ_HDR) build/bearssl-host/libbearssl.a
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Isrc -I$(BEARSSL_INC) -o $@ $< $(P12_SRC) build/bearssl-host/libbearssl.a

build/fuzz-replay/fuzz_pkcs12: tests/fuzz/fuzz_pkcs12.c tests/fuzz/replay.c $(P12_SRC) $(FUZZ_HDR) build/bearssl-host/libbearssl.a
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) $(SAN) -Isrc -I$(BEARSSL_INC) -o $@ $< tests/fuzz/replay.c $(P12_SRC) \
		build/bearssl-host/libbearssl.a

fuzz: fetch
	@FUZZ_CC=$(FUZZ_CC) tests/fuzz/fuzz.sh --deps
	@$(MAKE) -s $(FUZZERS:%=build/fuzz/fuzz_%)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_CC=$(FUZZ_CC) tests/fuzz/fuzz.sh $(FUZZERS)

fuzz-replay: fetch $(FUZZERS:%=build/fuzz-replay/fuzz_%)
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
