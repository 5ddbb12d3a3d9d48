# x86_64: the host's own target. The compiler is musl-tools' musl-gcc
# (MUSLCC overrides it); BearSSL builds in build/bearssl-musl/.
# Read by the Makefile (include) and by build.sh and tests/cross/run.sh
# (NAME = value lines, one word or a phrase, no make functions).
OUT = bin/azkv
CROSS =
