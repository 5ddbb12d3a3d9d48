#!/bin/sh
# bench.sh [--runs N] [--pipeline-only]: azkv vs curl + jq against the fake
# Azure in a private network namespace (tests/netns.sh). A benchmark, not a
# test; the measuring is tests/bench/bench.py. The bench's stand-in vault
# (benchvault.c) needs OpenSSL's headers: libssl-dev is installed here if
# missing (as root), then build/benchvault built; without either bench.py
# falls back to the Python fake.
here=$(cd "$(dirname "$0")" && pwd)
if ! dpkg -s libssl-dev >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends libssl-dev >/dev/null ||
		{ apt-get update -qq && apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
			--no-install-recommends libssl-dev >/dev/null; }
fi
make -s -C "$here/../.." build/benchvault || echo "bench.sh: no build/benchvault; the Python fake serves the vault" >&2
exec "$here/../netns.sh" -- python3 "$here/bench.py" "$@"
