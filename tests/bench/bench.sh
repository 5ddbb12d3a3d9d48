#!/bin/sh
# bench.sh [--runs N] [--pipeline-only]: azkv vs curl + jq against the fake
# Azure in a private network namespace (tests/netns.sh). A benchmark, not a
# test; the measuring is tests/bench/bench.py.
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../netns.sh" -- python3 "$here/bench.py" "$@"
