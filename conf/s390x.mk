# s390x (IBM Z): 64-bit, big-endian, the big-endian target. Debian's
# cross gcc (its default -march) over Debian's musl-dev:s390x (the pin
# MUSL_PIN).
# Read by the Makefile (include) and by build.sh and tests/cross/run.sh
# (NAME = value lines, one word or a phrase, no make functions).
OUT = bin/azkv-s390x
CROSS = s390x-linux-gnu-
CROSS_DEPS = gcc-s390x-linux-gnu qemu-user-static
MUSL_PIN = musl-s390x
MUSL_TRIPLE = s390x-linux-musl
LINK_SPEC =
QEMU = qemu-s390x-static
# file(1)'s words for the binary, and its size budget in bytes (256 KiB).
ELF_DESC = ELF 64-bit MSB executable, IBM S/390
BUDGET = 262144
