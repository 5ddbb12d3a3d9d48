# armhf: ARMv7-A, hard-float, Thumb-2 (Debian's armhf defaults), 32-bit
# size_t and pointers, little-endian; musl 1.2 gives it a 64-bit time_t.
# Debian's cross gcc over Debian's musl-dev:armhf (the pin MUSL_PIN).
# Read by the Makefile (include) and by build.sh and tests/cross/run.sh
# (NAME = value lines, one word or a phrase, no make functions).
OUT = bin/azkv-armhf
CROSS = arm-linux-gnueabihf-
CROSS_DEPS = gcc-arm-linux-gnueabihf qemu-user-static
MUSL_PIN = musl-armhf
MUSL_TRIPLE = arm-linux-musleabihf
LINK_SPEC =
QEMU = qemu-arm-static
# file(1)'s words for the binary, and its size budget in bytes (176 KiB).
ELF_DESC = ELF 32-bit LSB executable, ARM, EABI5
BUDGET = 180224
