#!/usr/bin/env python3
"""resolver.py: azkv's own resolver (/etc/hosts, resolv.conf, DNS over UDP)
against tests/fake/dns.py, black-box.

    tests/netns.sh -- python3 tests/e2e/resolver.py [-l] [PATTERN...]
    python3 tests/e2e/resolver.py ...   (re-executes itself through netns.sh)

Runs only inside netns.sh's private namespace (only lo): there /etc/hosts is
netns.sh's, /etc/resolv.conf says "nameserver 127.0.0.1, timeout:1
attempts:1", and this script starts the fake DNS server on 127.0.0.1:53 (and
[::1]:53). Cases that need another resolv.conf or hosts file bind-mount it in
their own `unshare -m`, so the namespace's files stay as they are. The vault
names here are absent from /etc/hosts unless a case says otherwise; the fake
vault (127.0.0.1:443) serves any *.vault.azure.net.

One line per case, "ok - NAME" or "not ok - NAME: why", then "N passed,
N failed"; exit 1 on any failure. Every case checks the exit code; a failure
also leaves stdout empty and stderr one line "azkv: ..." naming the host.
"""
import errno
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT, "tests", "fake"))
import fixtures as fx  # noqa: E402
from proxy import relay as pipe  # noqa: E402  (the proxy fake's byte pump)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402
import sandbox  # noqa: E402

AZKV = H.AZKV
SUFFIX = ".vault.azure.net"
SECRET = "db-password"

# The fake DNS server's zone: every name a case uses.
ZONE = {
    "dnsvault" + SUFFIX: {"A": ["127.0.0.1"]},
    "cnamevault" + SUFFIX: {"CNAME": "data-prod-weu.vault.azure.net"},
    "data-prod-weu.vault.azure.net": {"CNAME": "weu-prod.trafficmanager.example"},
    "weu-prod.trafficmanager.example": {"A": ["127.0.0.1"]},
    "nxvault" + SUFFIX: {"mode": "nxdomain"},
    "sfvault" + SUFFIX: {"mode": "servfail"},
    "refusedvault" + SUFFIX: {"mode": "refused"},
    "silentvault" + SUFFIX: {"mode": "drop"},
    "tcvault" + SUFFIX: {"mode": "truncate"},
    "garbagevault" + SUFFIX: {"mode": "garbage"},
    "badidvault" + SUFFIX: {"A": ["127.0.0.1"], "mode": "badid"},
    "spoofvault" + SUFFIX: {"A": ["127.0.0.1"], "mode": "spoof"},
    "v6vault" + SUFFIX: {"AAAA": ["::1"]},
    "dualvault" + SUFFIX: {"A": ["127.0.0.1"], "AAAA": ["::1"]},
    "noaaaavault" + SUFFIX: {"A": ["127.0.0.1"], "modes": {"AAAA": "drop"}},
    "nodatavault" + SUFFIX: {"TXT": []},
    "loopvault" + SUFFIX: {"CNAME": "loop2" + SUFFIX},
    "loop2" + SUFFIX: {"CNAME": "loopvault" + SUFFIX},
    # /etc/hosts says 127.0.0.1 for this one; DNS would send it nowhere
    "myvault" + SUFFIX: {"A": ["127.0.0.2"]},
}


class Ctx:
    def __init__(self, tmp):
        self.tmp = tmp
        self.dnslog = os.path.join(tmp, "dns.log")
        self.v6 = has_v6_loopback()
        self.relay_conns = []   # peers the [::1]:443 relay accepted


def has_v6_loopback():
    try:
        with open("/proc/net/if_inet6") as f:
            return any(line.split()[0] == "0" * 31 + "1" for line in f)
    except OSError:
        return False


# ---- the fake DNS server and the ::1 relay ------------------------------------

def start_dns(ctx):
    zone = os.path.join(ctx.tmp, "zone.json")
    with open(zone, "w") as f:
        json.dump(ZONE, f)
    listen = "127.0.0.1:53" + (",[::1]:53" if ctx.v6 else "")
    p = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "fake", "dns.py"),
                          "--listen", listen, "--zone", zone, "--log", ctx.dnslog],
                         stdout=subprocess.PIPE, stderr=open(os.path.join(ctx.tmp, "dns.err"), "w"))
    if p.stdout.readline().strip() != b"ready":
        p.kill()
        raise RuntimeError("fake DNS server did not start: %s" %
                           open(os.path.join(ctx.tmp, "dns.err")).read())
    return p


def start_relay(ctx):
    """[::1]:443 -> 127.0.0.1:443, so an AAAA-only vault name reaches the fake."""
    ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("::1", 443))
    ls.listen(16)

    def accept():
        while True:
            c, peer = ls.accept()
            ctx.relay_conns.append(peer[0])
            up = socket.create_connection(("127.0.0.1", 443))
            threading.Thread(target=pipe, args=(c, up), daemon=True).start()
            threading.Thread(target=pipe, args=(up, c), daemon=True).start()
    threading.Thread(target=accept, daemon=True).start()


def dns_queries(ctx, offset, name=None):
    try:
        with open(ctx.dnslog, "rb") as f:
            f.seek(offset)
            lines = f.read().decode().splitlines()
    except FileNotFoundError:
        return []
    q = [json.loads(x) for x in lines if x.strip()]
    q = [e for e in q if e.get("event") == "query"]
    return [e for e in q if name is None or e["name"].lower() == name.lower()]


def log_size(path):
    try:
        return os.path.getsize(path)
    except FileNotFoundError:
        return 0


# ---- running azkv -------------------------------------------------------------

def run_azkv(ctx, args, mounts=(), timeout=30, preexec_fn=None, rc=None):
    """azkv get --cacert CA ARGS (harness.run_azkv); MOUNTS: (file, target)
    bind mounts made in a private mount namespace for this run only;
    preexec_fn as subprocess's. r.queries: the DNS queries meanwhile."""
    prefix = []
    if mounts:
        script = "".join('mount --bind "%s" "%s" || exit 99; ' % m for m in mounts)
        prefix = ["unshare", "-m", "--propagation", "private", "sh", "-c",
                  script + 'exec "$@"', "sh"]
    off = log_size(ctx.dnslog)
    r = H.run_azkv(["get"] + list(args), rc, prefix=prefix, timeout=timeout, preexec_fn=preexec_fn,
                   path=os.environ.get("PATH", "/usr/bin:/bin"))
    r.queries = dns_queries(ctx, off)
    r.types = lambda name: sorted(e["type"] for e in r.queries if e["name"].lower() == name.lower())
    return r


def write(ctx, name, text):
    path = os.path.join(ctx.tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


# ---- checks ------------------------------------------------------------------

def got_secret(r):
    want = fx.expected(SECRET)
    if r.expect(0):
        return "exit %r, stderr %r" % (r.rc, r.text)
    if r.out != want:
        return "stdout %r, want %r" % (r.out[:60], want[:60])
    if r.text:
        return "stderr not empty: %r" % r.text
    return None


def failed_with(r, rc, host, *parts):
    if r.expect(rc):
        return "exit %r, want %d (stderr %r)" % (r.rc, rc, r.text)
    if r.out:
        return "stdout not empty: %r" % r.out[:60]
    lines = r.text.splitlines()
    if len(lines) != 1 or not lines[0].startswith("azkv: "):
        return "stderr is not one 'azkv: ' line: %r" % r.text
    for p in (host,) + parts:
        if p not in lines[0]:
            return "stderr %r lacks %r" % (lines[0], p)
    return None


def first(*reasons):
    for x in reasons:
        if x:
            return x
    return None


def queried(r, name, types):
    got = r.types(name)
    return None if got == sorted(types) else "DNS queries for %s: %r, want %r" % (name, got, sorted(types))


# ---- the cases ----------------------------------------------------------------

def c_dns_only(ctx):
    """A name only in DNS: A and AAAA asked, the A answer used."""
    r = run_azkv(ctx, ["dnsvault/" + SECRET])
    return first(got_secret(r), queried(r, "dnsvault" + SUFFIX, ["A", "AAAA"]))


def c_cname_chain(ctx):
    """Two CNAMEs (compressed names) to the address."""
    r = run_azkv(ctx, ["cnamevault/" + SECRET])
    return first(got_secret(r), queried(r, "cnamevault" + SUFFIX, ["A", "AAAA"]))


def c_nxdomain(ctx):
    r = run_azkv(ctx, ["nxvault/" + SECRET])
    return first(failed_with(r, 6, "resolve nxvault" + SUFFIX, "name not found"),
                 None if r.elapsed < 2 else "took %.1fs" % r.elapsed)


def c_servfail(ctx):
    r = run_azkv(ctx, ["sfvault/" + SECRET])
    return first(failed_with(r, 6, "resolve sfvault" + SUFFIX, "server failure", "127.0.0.1"),
                 None if r.elapsed < 2 else "took %.1fs: SERVFAIL should end the round" % r.elapsed)


def c_refused(ctx):
    r = run_azkv(ctx, ["refusedvault/" + SECRET])
    return failed_with(r, 6, "resolve refusedvault" + SUFFIX, "refused")


def c_silent(ctx):
    """Nothing answers: resolv.conf's 1 s x 1 attempt, well inside --timeout 3."""
    r = run_azkv(ctx, ["--timeout", "3", "silentvault/" + SECRET])
    return first(failed_with(r, 6, "resolve silentvault" + SUFFIX, "timeout", "127.0.0.1"),
                 None if 0.9 < r.elapsed < 2.5 else "took %.1fs, want ~1s" % r.elapsed,
                 queried(r, "silentvault" + SUFFIX, ["A", "AAAA"]))


def c_silent_deadline(ctx):
    """resolv.conf would wait 3 x 5 s; --timeout 2 ends it."""
    conf = write(ctx, "slow.conf", "nameserver 127.0.0.1\noptions timeout:5 attempts:3\n")
    r = run_azkv(ctx, ["--timeout", "2", "silentvault/" + SECRET],
                 mounts=[(conf, "/etc/resolv.conf")])
    return first(failed_with(r, 6, "resolve silentvault" + SUFFIX, "deadline passed"),
                 None if 1.8 < r.elapsed < 3.0 else "took %.1fs, want ~2s" % r.elapsed)


def c_retransmit(ctx):
    """attempts:3 sends each query three times, timeout:1 apart."""
    conf = write(ctx, "retry.conf", "nameserver 127.0.0.1\noptions timeout:1 attempts:3\n")
    r = run_azkv(ctx, ["--timeout", "10", "silentvault/" + SECRET],
                 mounts=[(conf, "/etc/resolv.conf")])
    return first(failed_with(r, 6, "resolve silentvault" + SUFFIX, "timeout", "3 attempt"),
                 None if 2.8 < r.elapsed < 4.5 else "took %.1fs, want ~3s" % r.elapsed,
                 queried(r, "silentvault" + SUFFIX, ["A", "A", "A", "AAAA", "AAAA", "AAAA"]))


def c_truncated(ctx):
    r = run_azkv(ctx, ["tcvault/" + SECRET])
    return failed_with(r, 6, "resolve tcvault" + SUFFIX, "truncated")


def c_garbage(ctx):
    """A malformed reply to our query fails that server's round at once."""
    r = run_azkv(ctx, ["garbagevault/" + SECRET])
    return first(failed_with(r, 6, "resolve garbagevault" + SUFFIX, "127.0.0.1", "malformed"),
                 None if r.elapsed < 2 else "took %.1fs" % r.elapsed)


def c_nodata(ctx):
    r = run_azkv(ctx, ["nodatavault/" + SECRET])
    return failed_with(r, 6, "resolve nodatavault" + SUFFIX, "no address")


def c_cname_loop(ctx):
    r = run_azkv(ctx, ["loopvault/" + SECRET])
    return failed_with(r, 6, "resolve loopvault" + SUFFIX, "CNAME")


def c_bad_id(ctx):
    """A reply with another id (and a wrong address) comes first: ignored."""
    r = run_azkv(ctx, ["badidvault/" + SECRET])
    return got_secret(r)


def c_ids_wait_for_entropy(ctx):
    """getrandom not ready (EAGAIN without waiting): the query ids wait for
    it, as the TLS seed does, instead of coming from the clock."""
    nonblock_fails = sandbox.failing([("getrandom", errno.EAGAIN, os.GRND_NONBLOCK)])
    r = run_azkv(ctx, ["-v", "dnsvault/" + SECRET], preexec_fn=nonblock_fails)
    if r.rc != 0 or r.out != fx.expected(SECRET):
        return "exit %d, stdout %r, stderr %r" % (r.rc, r.out[:60], r.text[-300:])
    if "clock" in r.text:
        return "query ids from the clock: %r" % [x for x in r.text.splitlines() if "clock" in x]
    if "waiting" not in r.text:
        return "no wait for entropy in the trace"
    return queried(r, "dnsvault" + SUFFIX, ["A", "AAAA"])


def c_ids_no_entropy(ctx):
    """No getrandom at all (ENOSYS): no query leaves with a guessable id;
    exit 1 naming getrandom."""
    r = run_azkv(ctx, ["dnsvault/" + SECRET],
                 preexec_fn=sandbox.failing([("getrandom", errno.ENOSYS, None)]))
    return first(failed_with(r, 1, "resolve dnsvault" + SUFFIX, "getrandom"),
                 None if not r.queries else "%d DNS queries sent" % len(r.queries))


def c_spoof(ctx):
    """A forged reply from another source port comes first: ignored."""
    r = run_azkv(ctx, ["spoofvault/" + SECRET])
    return got_secret(r)


def c_hosts_wins(ctx):
    """/etc/hosts has myvault (127.0.0.1); DNS would say 127.0.0.2 and is not asked."""
    r = run_azkv(ctx, ["myvault/" + SECRET])
    return first(got_secret(r), queried(r, "myvault" + SUFFIX, []))


def c_aaaa_only(ctx):
    """An AAAA-only name: azkv connects to ::1 (a relay to the fake vault)."""
    n = len(ctx.relay_conns)
    r = run_azkv(ctx, ["-v", "v6vault/" + SECRET])
    if not ctx.v6:
        return failed_with(r, 6, "v6vault" + SUFFIX, "0:0:0:0:0:0:0:1")
    if r.rc != 0 or r.out != fx.expected(SECRET):
        return "exit %d, stderr %r" % (r.rc, r.text[-300:])
    if len(ctx.relay_conns) != n + 1:
        return "relay on [::1]:443 saw %d connection(s)" % (len(ctx.relay_conns) - n)
    return None if "(0:0:0:0:0:0:0:1)" in r.text else "-v does not show the ::1 connect"


def c_v4_first(ctx):
    """A and AAAA both answered: IPv4 is tried first."""
    n = len(ctx.relay_conns)
    r = run_azkv(ctx, ["-v", "dualvault/" + SECRET])
    if r.rc != 0 or r.out != fx.expected(SECRET):
        return "exit %d, stderr %r" % (r.rc, r.text[-300:])
    if len(ctx.relay_conns) != n:
        return "connected to ::1 first"
    lines = [x for x in r.text.splitlines() if "connect dualvault" in x]
    return None if lines and "(127.0.0.1)" in lines[0] else "first connect line %r" % lines[:1]


def c_aaaa_dropped(ctx):
    """The AAAA query is never answered: the A answer is used after one round."""
    r = run_azkv(ctx, ["--timeout", "10", "noaaaavault/" + SECRET])
    return first(got_secret(r),
                 None if r.elapsed < 2.5 else "took %.1fs, want ~1s (one round)" % r.elapsed)


def c_second_nameserver(ctx):
    """The first nameserver has nothing on port 53: the second answers at once."""
    conf = write(ctx, "two.conf", "nameserver 127.0.0.9\nnameserver 127.0.0.1\n"
                 "options timeout:5 attempts:2\n")
    r = run_azkv(ctx, ["dnsvault/" + SECRET], mounts=[(conf, "/etc/resolv.conf")])
    return first(got_secret(r), None if r.elapsed < 2 else "took %.1fs" % r.elapsed)


def c_v6_nameserver(ctx):
    """nameserver ::1 (IPv6 transport)."""
    if not ctx.v6:
        return None
    conf = write(ctx, "v6.conf", "nameserver ::1\n")
    r = run_azkv(ctx, ["dnsvault/" + SECRET], mounts=[(conf, "/etc/resolv.conf")])
    return first(got_secret(r), queried(r, "dnsvault" + SUFFIX, ["A", "AAAA"]))


def c_refused_port(ctx):
    """Only nameserver has nothing on port 53: fails fast, names it."""
    conf = write(ctx, "dead.conf", "nameserver 127.0.0.9\noptions timeout:5 attempts:2\n")
    r = run_azkv(ctx, ["dnsvault/" + SECRET], mounts=[(conf, "/etc/resolv.conf")])
    return first(failed_with(r, 6, "resolve dnsvault" + SUFFIX, "127.0.0.9", "refused"),
                 None if r.elapsed < 2 else "took %.1fs" % r.elapsed)


def c_empty_resolv_conf(ctx):
    """No nameserver line: 127.0.0.1, as musl."""
    conf = write(ctx, "empty.conf", "# nothing\nsearch example.com\n")
    r = run_azkv(ctx, ["dnsvault/" + SECRET], mounts=[(conf, "/etc/resolv.conf")])
    return got_secret(r)


def c_big_hosts(ctx):
    """A 400 KB /etc/hosts with an over-long line: read in chunks, entry at the end."""
    lines = ["10.%d.%d.%d host%d.example" % (i >> 16 & 255, i >> 8 & 255, i & 255, i)
             for i in range(16000)]
    text = "\n".join(lines) + "\n10.0.0.1 " + "x" * 9000 + " bigvault" + SUFFIX + "\n"
    text += "127.0.0.1\tBigVault" + SUFFIX.upper() + "  # the real one\n"
    hosts = write(ctx, "big.hosts", text)
    r = run_azkv(ctx, ["bigvault/" + SECRET], mounts=[(hosts, "/etc/hosts")])
    return first(got_secret(r), queried(r, "bigvault" + SUFFIX, []),
                 None if len(text) > 300000 else "hosts only %d bytes" % len(text))


def c_no_hosts_entry_no_dns(ctx):
    """Empty /etc/hosts and no server: the name fails as a DNS timeout."""
    hosts = write(ctx, "empty.hosts", "")
    conf = write(ctx, "none.conf", "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
    r = run_azkv(ctx, ["--timeout", "5", "silentvault/" + SECRET],
                 mounts=[(hosts, "/etc/hosts"), (conf, "/etc/resolv.conf")])
    return failed_with(r, 6, "resolve silentvault" + SUFFIX, "timeout")


CASES = [
    ("dns-only-name", c_dns_only),
    ("cname-chain", c_cname_chain),
    ("nxdomain", c_nxdomain),
    ("servfail", c_servfail),
    ("refused", c_refused),
    ("silent-server", c_silent),
    ("silent-server-deadline", c_silent_deadline),
    ("retransmit-per-attempts", c_retransmit),
    ("truncated-answer", c_truncated),
    ("garbage-reply", c_garbage),
    ("nodata", c_nodata),
    ("cname-loop", c_cname_loop),
    ("wrong-id-ignored", c_bad_id),
    ("query-ids-wait-for-entropy", c_ids_wait_for_entropy),
    ("query-ids-need-getrandom", c_ids_no_entropy),
    ("wrong-source-port-ignored", c_spoof),
    ("hosts-wins-over-dns", c_hosts_wins),
    ("aaaa-only-to-v6-loopback", c_aaaa_only),
    ("ipv4-first", c_v4_first),
    ("aaaa-dropped-a-used", c_aaaa_dropped),
    ("second-nameserver", c_second_nameserver),
    ("ipv6-nameserver", c_v6_nameserver),
    ("nameserver-port-closed", c_refused_port),
    ("resolv-conf-without-nameserver", c_empty_resolv_conf),
    ("big-hosts-file", c_big_hosts),
    ("empty-hosts-silent-dns", c_no_hosts_entry_no_dns),
]


CTX = []


def setup():
    tmp = tempfile.mkdtemp(prefix="azkv-dns.")
    ctx = Ctx(tmp)
    CTX.append(ctx)
    ctx.dns = start_dns(ctx)
    if ctx.v6:
        start_relay(ctx)


def teardown():
    for ctx in CTX:
        dns = getattr(ctx, "dns", None)
        if dns:
            dns.kill()
            dns.wait()
            err = open(os.path.join(ctx.tmp, "dns.err")).read()
            if err.strip():
                print("fake DNS server stderr: " + err.strip().replace("\n", "\\n"))
        shutil.rmtree(ctx.tmp, ignore_errors=True)


def cases():
    return [H.Case(name, fn=lambda fn=fn: fn(CTX[0]), doc=(fn.__doc__ or "").strip().split("\n")[0])
            for name, fn in CASES]


def main(argv):
    return H.main(__file__, cases, argv, __doc__, setup=setup, teardown=teardown)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
