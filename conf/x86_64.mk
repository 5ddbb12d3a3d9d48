# x86_64: the host's own target. The compiler is musl-tools' musl-gcc
# (MUSLCC overrides it); BearSSL builds in build/bearssl-musl/.
# Read by the Makefile (include) and by build.sh and tests/cross/run.sh
# (NAME = value lines, one word or a phrase, no make functions).
OUT = bin/azkv
# The size cap in bytes (168 KiB), checked by make repro on a clean build.
BUDGET = 172032
CROSS =
# Code-generation flags of this target only (the Makefile's SIZE_FLAGS, so
# also BearSSL's): -malign-data=abi aligns arrays as the ABI asks, not to
# 32 bytes as gcc does by default for vector loads that -Oz never emits
# (1 KB of padding in .rodata and .data).
SIZE_ARCH = -malign-data=abi
