#!/usr/bin/env python3
"""fleet.py: a fleet booting at once (a benchmark, not a test).

    tests/netns.sh -- python3 tests/bench/fleet.py [N] [RATE]     (make fleet)

Starts N azkv processes (default 200) at the same moment against the fake
vault throttling above RATE requests per second (default 50) with 429 and
Retry-After: 1, and reports: how many succeeded, the total number of vault
requests and 429s, and the spread of completion times. Every process must
print its secret exactly; the script exits 1 otherwise.

Then the two ratios (tests/e2e/rotation.py holds them to 2 and 1.5): vault
requests to the minimal, one per process; and the last process's end to
the floor, N / RATE seconds (the vault cannot answer them all sooner).
Since all N start in the same instant and none may wait before its first
request, N - RATE of them are throttled once: 1.75x (for 200 at 50/s) is
the least any client can do.
"""
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
ROOT = os.path.dirname(TESTS)
sys.path.insert(0, os.path.join(TESTS, "fake"))
import fixtures as fx  # noqa: E402

AZKV = os.path.join(ROOT, "bin", "azkv")


def main(argv):
    n = int(argv[0]) if argv else 200
    rate = int(argv[1]) if len(argv) > 1 else 50
    fx.set_control({"vault": {"fault": "throttle", "arg": rate}})
    off = fx.log_offset()
    want = fx.expected("db-password")
    env = {"PATH": "/usr/bin:/bin"}
    argv0 = [AZKV, "get", "--cacert", os.environ["AZKV_TEST_CA"], "--wait", "120",
             "myvault/db-password"]
    t0 = time.monotonic()
    procs = [subprocess.Popen(argv0, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(n)]
    done, ok, fails = [], 0, []
    for p in procs:
        out, err = p.communicate(timeout=300)
        done.append(time.monotonic() - t0)
        if p.returncode == 0 and out == want:
            ok += 1
        else:
            fails.append((p.returncode, err[:200]))
    entries = fx.read_log(off)
    vault = fx.requests(entries, "vault")
    throttled = [e for e in vault if e.get("status") == 429]
    imds = fx.requests(entries, "imds")
    fx.set_control({})
    print("fleet: %d processes at once, vault throttling above %d requests/s" % (n, rate))
    print("succeeded: %d of %d" % (ok, n))
    print("requests: vault %d (%d answered 429), IMDS %d" % (len(vault), len(throttled), len(imds)))
    q = statistics.quantiles(done, n=20)
    print("finished after: first %.2f s, median %.2f s, p95 %.2f s, last %.2f s" % (
        min(done), statistics.median(done), q[18], max(done)))
    print("ratios: requests %.2fx the minimal (%d), last %.2fx the floor (%.2f s)" % (
        len(vault) / n, n, max(done) / (n / rate), n / rate))
    for rc, err in fails[:5]:
        print("failure: exit %s: %r" % (rc, err))
    return 0 if ok == n else 1


if __name__ == "__main__":
    if os.environ.get("AZKV_FAKE_UP") != "1":
        os.execv(os.path.join(TESTS, "netns.sh"),
                 [os.path.join(TESTS, "netns.sh"), "--", sys.executable, os.path.abspath(__file__)] + sys.argv[1:])
    sys.exit(main(sys.argv[1:]))
