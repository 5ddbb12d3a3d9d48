#!/usr/bin/env python3
"""bench.py: azkv vs the tutorial curl + jq pipeline, on the fake Azure.

A benchmark, never a test: it reports numbers and fails only if a run gives
the wrong output. Run through tests/bench/bench.sh (private netns, the fake).

    bench.py [--runs N] [--pipeline-only] [--curves-only]

(a) bin/azkv get --cacert CA https://myvault.vault.azure.net/secrets/db-password
(b) sh -c 'TOKEN=$(curl IMDS | jq -r .access_token); curl vault | jq -r .value'
alternating, N runs each (default 15, at least 10). Per run: wall time,
user+sys CPU of all child processes (getrusage(RUSAGE_CHILDREN) deltas), and
peak RSS: the largest process of the run's tree, from an extra run of the same
command under GNU time (/usr/bin/time -f %M). ru_maxrss of a child forked from
this Python process would report Python's own RSS (Linux keeps the pre-exec
high-water mark), so without /usr/bin/time the RSS column is only an upper bound.
Then azkv with 1 secret vs 10 secrets in one run (wall ratio), azkv's address
space (VmPeak at exit, build/hwm) for both, and the size of bin/azkv. Medians; the fake's own CPU is not counted.

The vault: the Python fake's time per request would be most of what an
extra secret costs and hide azkv's own share (README's bench section has the
figures). So the bench first records the Python fake's answers for its
secrets (over TLS, as any client gets them), closes the fake's vault
listener, and serves the same bytes from build/benchvault
(tests/bench/benchvault.c, OpenSSL, the same certificate) for every
measured run, azkv's and the pipeline's alike. The 1-vs-10 line is repeated
against the Python fake at the end, for comparison with earlier figures.
Without build/benchvault, every run uses the Python fake.

Curves by vault certificate (also alone with --curves-only): build/benchvault
(OpenSSL, the client's curve order) with an RSA 2048, an ECDSA P-256 and an
ECDSA P-384 certificate made here by the test CA; for each, azkv's
connections (benchvault counts them), the curve -v reports and its
instructions (callgrind). OpenSSL takes an ECDSA certificate only if its
curve is in the client's supported_groups, so a client offering x25519
alone needs a second connection there. AZKV=old/binary shows an older one.
"""
import os
import json
import resource
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
ROOT = os.path.dirname(TESTS)
sys.dont_write_bytecode = True  # keep tests/ free of __pycache__
sys.path.insert(0, os.path.join(TESTS, "fake"))
import fixtures as fx  # noqa: E402

AZKV = os.path.abspath(os.environ.get("AZKV", os.path.join(ROOT, "bin", "azkv")))
URL = "https://myvault.vault.azure.net/secrets/db-password"
PIPELINE = (
    'TOKEN=$(curl -s "http://169.254.169.254/metadata/identity/oauth2/token'
    '?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net" -H Metadata:true'
    ' | jq -r .access_token) && '
    'curl -s --cacert "$CA" -H "Authorization: Bearer $TOKEN" '
    '"https://myvault.vault.azure.net/secrets/db-password?api-version=7.5" | jq -r .value')
TEN = ["db-password", "api-key", "conn-string", "empty", "multiline", "quotes",
       "unicode", "html-escaped", "chunked-secret", "rotated"]


GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
HWM = os.path.join(ROOT, "build", "hwm")  # tests/bench/hwm.c: VmHWM at the exit stop
BENCHVAULT = os.path.join(ROOT, "build", "benchvault")  # tests/bench/benchvault.c
IMDS = ("http://169.254.169.254/metadata/identity/oauth2/token"
        "?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net")


def record(ca, outdir):
    """The Python fake's whole response (head and body) to GET /secrets/NAME
    for each bench secret, saved as outdir/NAME, minus the Connection: close
    this recording asked for (so the replay keeps connections alive)."""
    req = urllib.request.Request(IMDS, headers={"Metadata": "true"})
    token = json.load(urllib.request.urlopen(req, timeout=5))["access_token"]
    ctx = ssl.create_default_context(cafile=ca)
    for name in TEN:  # db-password, URL's secret, is one of them
        with socket.create_connection(("127.0.0.1", 443), timeout=5) as raw, \
                ctx.wrap_socket(raw, server_hostname="myvault.vault.azure.net") as s:
            s.sendall(("GET /secrets/%s?api-version=7.5 HTTP/1.1\r\n"
                       "Host: myvault.vault.azure.net\r\nAuthorization: Bearer %s\r\n"
                       "Connection: close\r\n\r\n" % (name, token)).encode())
            got = b""
            while True:
                try:
                    b = s.recv(65536)
                except ssl.SSLError:  # EOF without close_notify
                    break
                if not b:
                    break
                got += b
        head, sep, body = got.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200") or not sep:
            sys.exit("bench: recording %s: %r" % (name, got[:80]))
        lines = [l for l in head.split(b"\r\n") if not l.lower().startswith(b"connection:")]
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(b"\r\n".join(lines) + sep + body)


def start_benchvault(ca, tmp, cert=None, connlog=None):
    """Record (once), close the fake's vault, start build/benchvault on its
    address with the fake's certificate or cert (.pem and .key)."""
    rec = os.path.join(tmp, "responses")
    if not os.path.isdir(rec):
        os.mkdir(rec)
        record(ca, rec)
    certs = os.environ["FAKE_CERTDIR"]
    cert = cert or os.path.join(certs, "vault")
    fx.set_control({"vault": "unavailable"})
    env = dict(os.environ, BENCHVAULT_CONNLOG=connlog) if connlog else None
    p = subprocess.Popen([BENCHVAULT, "127.0.0.1", "443", cert + ".pem", cert + ".key", rec],
                         stdout=subprocess.PIPE, env=env)
    if p.stdout.readline() != b"ready\n":
        sys.exit("bench: build/benchvault did not start")
    return p


def stop_benchvault(p):
    p.kill()
    p.wait()
    fx.set_control({})  # the Python fake's vault listens again


def rss_parts(argv, env):
    """Where azkv's resident memory is at exit: build/hwm's HWM_SMAPS dump,
    summed by kind of mapping."""
    if not os.access(HWM, os.X_OK):
        return "(no build/hwm)"
    p = subprocess.run([HWM] + argv, env=dict(env, HWM_SMAPS="1"), stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, check=True)
    parts, kind = {}, None
    for line in p.stderr.decode().splitlines():
        f = line.split()
        if f and "-" in f[0] and len(f) >= 5:
            name = f[5] if len(f) > 5 else ""
            kind = ("text" if "x" in f[1] and name.startswith("/") else
                    "data" if name.startswith("/") else
                    name.strip("[]") if name else "bss")
        elif f[:1] == ["Rss:"] and kind:
            parts[kind] = parts.get(kind, 0) + int(f[1])
    return ", ".join("%s %d KiB" % (k, v) for k, v in parts.items() if v)


def vm_peak(argv, env):
    """Peak address space (VmPeak, KiB) of one run of a single program, at
    its exit (build/hwm); None without build/hwm."""
    if not os.access(HWM, os.X_OK):
        return None
    p = subprocess.run([HWM] + argv, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, check=True)
    return int(p.stderr.decode().rsplit("vmpeak:", 1)[1].split()[0])


def peak_rss(argv, env):
    """Peak RSS (KiB) of one run. A single program: its own VmHWM at exit
    (build/hwm). A shell pipeline: the largest process, via GNU time, whose
    figure for each process includes the memory it had before exec."""
    if argv[0] != "sh" and os.access(HWM, os.X_OK):
        p = subprocess.run([HWM] + argv, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, check=True)
        return int(p.stderr.decode().rsplit("hwm:", 1)[1].split()[0])
    f = "/tmp/azkv-bench-rss.%d" % os.getpid()
    subprocess.run([GNU_TIME, "-f", "%M", "-o", f] + argv, env=env,
                   stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, check=True)
    with open(f) as fh:
        kib = int(fh.read().split()[-1])
    os.unlink(f)
    return kib


def measure(argv, env=None):
    """(wall s, user+sys s, peak RSS KiB, stdout bytes, exit status) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env)
    out = p.stdout.read()
    p.stdout.close()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)  # already reaped
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rss = peak_rss(argv, env) if GNU_TIME else ru.ru_maxrss
    return wall, cpu, rss, out, p.returncode


class Series:
    def __init__(self, name):
        self.name, self.wall, self.cpu, self.rss = name, [], [], []

    def add(self, m):
        self.wall.append(m[0])
        self.cpu.append(m[1])
        self.rss.append(m[2])

    def row(self):
        return "%-28s %9.1f ms %9.2f ms %9d KiB" % (
            self.name, 1000 * statistics.median(self.wall),
            1000 * statistics.median(self.cpu), max(self.rss))


def instructions(argv, env):
    """Instructions executed (callgrind, children followed and summed)."""
    d = "/tmp/azkv-bench-cg.%d" % os.getpid()
    os.makedirs(d, exist_ok=True)
    subprocess.run(["valgrind", "--tool=callgrind", "--trace-children=yes",
                    "--callgrind-out-file=%s/cg.%%p" % d] + argv, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    total = 0
    for f in os.listdir(d):
        with open(os.path.join(d, f)) as fh:
            for line in fh:
                if line.startswith("summary:") or line.startswith("totals:"):
                    total += int(line.split()[1])
                    break
        os.unlink(os.path.join(d, f))
    os.rmdir(d)
    return total


def tls_params(ca, env):
    p = subprocess.run([AZKV, "get", "-v", "--cacert", ca, URL], env=env,
                       capture_output=True)
    for line in p.stderr.decode().splitlines():
        if " TLS1." in line:
            return line.split(": ", 1)[-1].split("ms ", 1)[-1]
    return "?"


def make_leaf(tmp, name, newkey):
    """tmp/NAME.pem and .key: a vault leaf of key type newkey (openssl req
    -newkey arguments) issued by the fake's test CA."""
    ca, base = os.environ["FAKE_CERTDIR"], os.path.join(tmp, name)
    run = lambda *a: subprocess.run(["openssl"] + list(a), check=True,  # noqa: E731
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(base + ".ext", "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,"
                "keyEncipherment\nextendedKeyUsage=serverAuth\n"
                "subjectAltName=DNS:*.vault.azure.net\n")
    run("req", "-new", "-nodes", "-newkey", *newkey, "-keyout", base + ".key",
        "-out", base + ".csr", "-subj", "/CN=*.vault.azure.net")
    run("x509", "-req", "-in", base + ".csr", "-CA", os.path.join(ca, "ca.pem"),
        "-CAkey", os.path.join(ca, "ca.key"), "-CAcreateserial", "-CAserial",
        os.path.join(tmp, "ca.srl"), "-days", "2", "-sha256", "-extfile", base + ".ext",
        "-out", base + ".pem")
    return base


def curves_by_cert(ca, env, tmp):
    """azkv against benchvault with RSA, ECDSA P-256 and P-384 certificates:
    connections per run, the curve, instructions."""
    print("curves by vault certificate (benchvault, client's curve order), %s:" % AZKV)
    print("%-12s %12s %-8s %14s" % ("certificate", "connections", "curve", "instructions"))
    for name, newkey in (("RSA 2048", ["rsa:2048"]),
                         ("ECDSA P-256", ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]),
                         ("ECDSA P-384", ["ec", "-pkeyopt", "ec_paramgen_curve:P-384"])):
        base = make_leaf(tmp, name.replace(" ", "-"), newkey)
        connlog = base + ".conns"
        vault = start_benchvault(ca, tmp, base, connlog)
        try:
            open(connlog, "w").close()
            p = subprocess.run([AZKV, "get", "-v", "--cacert", ca, URL], env=env,
                               capture_output=True)
            conns = len(open(connlog).read().splitlines())
            curve = "?"
            for line in p.stderr.decode().splitlines():
                if " curve " in line:
                    curve = line.rsplit(" curve ", 1)[1]
            if p.returncode != 0:
                curve = "exit %d" % p.returncode
            ins = instructions([AZKV, "get", "--cacert", ca, URL], env) \
                if os.access("/usr/bin/valgrind", os.X_OK) else 0
            print("%-12s %12d %-8s %14d" % (name, conns, curve, ins))
        finally:
            stop_benchvault(vault)


def check(m, want, what):
    if m[4] != 0 or m[3] != want:
        sys.exit("bench: %s gave exit %s and %r, want %r" % (what, m[4], m[3][:80], want[:80]))


def one_vs_ten(ca, env, runs, label):
    """azkv with 1 secret and with 10 in one run, alternating; prints both
    rows, the wall ratio and the cost of each extra secret."""
    one, ten = Series("azkv get, 1 secret"), Series("azkv get, 10 secrets")
    refs = ["myvault/" + n for n in TEN]
    want10 = b"".join(fx.expected(n) for n in TEN)
    for i in range(runs):
        m = measure([AZKV, "get", "--cacert", ca, refs[0]], env)
        check(m, fx.expected(TEN[0]), "azkv 1 secret")
        one.add(m)
        m = measure([AZKV, "get", "--cacert", ca] + refs, env)
        check(m, want10, "azkv 10 secrets")
        ten.add(m)
    print(one.row())
    print(ten.row())
    print("ratio 10 secrets / 1 secret (%s): wall %.2f" % (
        label, statistics.median(ten.wall) / statistics.median(one.wall)))
    print("each extra secret: +%.0f us wall, of which azkv's own CPU +%.0f us" % (
        (statistics.median(ten.wall) - statistics.median(one.wall)) / 9 * 1e6,
        (statistics.median(ten.cpu) - statistics.median(one.cpu)) / 9 * 1e6))


def main(argv):
    runs = 15
    pipeline_only = "--pipeline-only" in argv
    curves_only = "--curves-only" in argv
    if "--runs" in argv:
        runs = max(10, int(argv[argv.index("--runs") + 1]))
    ca = os.environ["AZKV_TEST_CA"]
    have_azkv = os.path.isfile(AZKV) and os.access(AZKV, os.X_OK)
    if not have_azkv and not pipeline_only:
        print("bench: no azkv at %s; measuring the pipeline only" % AZKV)
        pipeline_only = True
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "CA": ca}
    fx.set_control({})
    with tempfile.TemporaryDirectory(prefix="azkv-bench.") as tmp:
        if curves_only or (have_azkv and not pipeline_only and os.access(BENCHVAULT, os.X_OK)):
            curves_by_cert(ca, env, tmp)
        if curves_only:
            return 0
        vault = None
        if os.access(BENCHVAULT, os.X_OK):
            vault = start_benchvault(ca, tmp)
        try:
            measure_all(ca, env, runs, pipeline_only, vault is not None)
        finally:
            if vault:
                stop_benchvault(vault)
        if vault and not pipeline_only:
            print("for comparison, the vault answered by the Python fake:")
            one_vs_ten(ca, env, runs, "Python fake vault")
    return 0


def measure_all(ca, env, runs, pipeline_only, compiled):
    value = fx.expected("db-password")
    a, b = Series("azkv get (1 secret)"), Series("curl+jq pipeline")
    for i in range(runs):
        if not pipeline_only:
            m = measure([AZKV, "get", "--cacert", ca, URL], env)
            check(m, value, "azkv")
            a.add(m)
        m = measure(["sh", "-c", PIPELINE], env)
        check(m, value + b"\n", "pipeline")
        b.add(m)
    print("vault: %s" % ("build/benchvault, replaying the Python fake's recorded answers"
                         if compiled else "the Python fake (no build/benchvault)"))
    print("%d runs each, medians; peak RSS = largest process of any run%s" % (
        runs, "" if GNU_TIME else " (UPPER BOUND: no /usr/bin/time)"))
    print("%-28s %12s %12s %13s" % ("", "wall", "user+sys", "peak RSS"))
    if not pipeline_only:
        print(a.row())
    print(b.row())
    if pipeline_only:
        return
    print("ratio azkv/pipeline: wall %.2f, cpu %.2f, peak RSS %.2f" % (
        statistics.median(a.wall) / statistics.median(b.wall),
        statistics.median(a.cpu) / max(statistics.median(b.cpu), 1e-9),
        max(a.rss) / max(b.rss)))
    one_vs_ten(ca, env, runs, "benchvault" if compiled else "Python fake vault")
    print("azkv's peak RSS by mapping: %s" % rss_parts([AZKV, "get", "--cacert", ca, URL], env))
    print("azkv's VmPeak (address space, VmPeak at exit): 1 secret %s KiB, 10 secrets %s KiB" % (
        vm_peak([AZKV, "get", "--cacert", ca, URL], env),
        vm_peak([AZKV, "get", "--cacert", ca] + ["myvault/" + n for n in TEN], env)))
    if os.access("/usr/bin/valgrind", os.X_OK):
        ia = instructions([AZKV, "get", "--cacert", ca, URL], env)
        ib = instructions(["sh", "-c", PIPELINE], env)
        print("instructions (callgrind): azkv %d, pipeline %d, ratio %.3f" % (
            ia, ib, ia / max(ib, 1)))
    print("negotiated: %s" % tls_params(ca, env))
    print("size of bin/azkv: %d bytes (%.1f KiB)" % (os.stat(AZKV).st_size,
                                                    os.stat(AZKV).st_size / 1024))


if __name__ == "__main__":
    if os.environ.get("AZKV_FAKE_UP") != "1":
        sys.exit("bench.py: run it through tests/bench/bench.sh")
    sys.exit(main(sys.argv[1:]))
