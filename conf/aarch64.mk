# aarch64 (arm64): 64-bit, little-endian. Debian's cross gcc over
# Debian's musl-dev:arm64, unpacked from the pin MUSL_PIN (vendor/PINS).
# Read by the Makefile (include) and by build.sh and tests/cross/run.sh
# (NAME = value lines, one word or a phrase, no make functions).
OUT = bin/azkv-aarch64
CROSS = aarch64-linux-gnu-
CROSS_DEPS = gcc-aarch64-linux-gnu qemu-user-static
MUSL_PIN = musl-arm64
MUSL_TRIPLE = aarch64-linux-musl
# What the cross gcc would pass its linker and the musl specs' link line
# replaces: the Cortex-A53 erratum 843419 fix.
LINK_SPEC = %{!mno-fix-cortex-a53-843419:--fix-cortex-a53-843419}
QEMU = qemu-aarch64-static
# file(1)'s words for the binary, and its size budget in bytes (200 KiB).
ELF_DESC = ELF 64-bit LSB executable, ARM aarch64
BUDGET = 204800
