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
WARN = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -g -O1

# Pure modules: no sockets, tested alone.
PURE = src/str.c src/fmt.c src/b64.c src/err.c src/http.c src/json.c src/azure.c src/url.c \
	src/ref.c src/cloud.c src/retry.c
UNITS = str fmt b64 http json azure url cloud retry
UNIT_SRC = $(UNITS:%=tests/unit/test_%.c)
UNIT_HDR = tests/unit/t.h $(wildcard src/*.h)

.PHONY: all test check unit-musl demo bench fetch clean
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

# Run every unit binary of one flavour; each ends with "N passed, N failed".
check: fetch $(UNITS:%=build/unit-asan/test_%)
	@for t in $(UNITS); do echo "== unit $$t (asan)"; build/unit-asan/test_$$t || exit 1; done

unit-musl: fetch $(UNITS:%=build/unit-musl/test_%)
	@for t in $(UNITS); do echo "== unit $$t (musl)"; build/unit-musl/test_$$t || exit 1; done

test:
	tests/run.sh

demo:
	tests/demo.sh

bench:
	tests/bench.sh

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
