"""harness.py: the one runner of the Python e2e suites (tests/e2e/*.py).

    tests/netns.sh -- python3 tests/e2e/SUITE.py [-l] [PATTERN...]
    python3 tests/e2e/SUITE.py ...      (re-executes itself through netns.sh)

A suite is a list of Case and a call to main(). PATTERN selects cases by
substring or shell glob of their name; -l lists them ("NAME  # doc").
Output: "ok - NAME" or "not ok - NAME: why" per case, then one line
"N passed, N failed"; exit 1 on any failure (or when nothing passed).

A Case is either data (argv, expected exit code and stdout, stderr needles,
checks on the fake's request log; judged by judge()) or a function fn()
returning None (pass) or the reason it failed. Either way every run of the
binary goes through run_azkv(), which checks these invariants (INVARIANTS):
  exit     the exit code is the one the run expects: rc= given to run_azkv,
           or declared after the run by r.expect(rc) (the shape helpers
           failure_shape/ok_shape do); undeclared means 0
  shape    on failure stdout is empty and stderr is exactly one line
           "azkv: ..." (with -v: stderr's last line is)
  quiet    on success stderr is empty (-v exempt)
  secrets  no token the fake issued, no secret value or credential of the
           fake's fixture (tests/fake/secrets.json), of the case's control
           or environment, and no input given on stdin appears on stderr
  wire     IMDS, VM-extension and vault requests the fake logged keep the
           protocol rules (method, path, Metadata header, api-versions,
           Host = SNI, no token to a foreign resource's host)
Programs that run azkv themselves (clevis pins, boot scripts) are run with
run_cmd(): "secrets" and "wire" apply to them. An invariant is skipped only
by name with a reason: run_azkv(..., waive={"quiet": "why"}) or
Case(..., waive={...}). A violation fails the case that made the run.
"""
import atexit
import base64
import fnmatch
import hashlib
import inspect
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep tests/ free of __pycache__
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "fake"))
import fixtures as fx  # noqa: E402

AZKV = os.path.abspath(os.environ.get("AZKV", os.path.join(ROOT, "bin", "azkv")))
ENVDUMP = os.path.join(ROOT, "build", "envdump")
VAULT = "https://myvault.vault.azure.net"
KV_RES = "https://vault.azure.net"
U1, U2 = fx.USER_IDS[0], fx.USER_IDS[1]
OLD = fx.version_of("rotated", old=True)
LATEST = fx.version_of("rotated")
KV_API_OK = {"7.4", "7.5", "7.6", "2025-07-01"}
IMDS_TOKEN_PATH = "/metadata/identity/oauth2/token"
TAGS_PATH = "/metadata/instance/compute/tagsList"
SELECTORS = ("client_id", "object_id", "msi_res_id")
PATH = "/usr/local/bin:/usr/bin:/bin"
SF = "https://localhost:2377/metadata/identity/oauth2/token"

INVARIANTS = ("exit", "shape", "quiet", "secrets", "wire")
KEEP = object()  # control=KEEP: leave the fake's control as the case set it
CREDENTIAL_VARS = ("IDENTITY_HEADER", "MSI_SECRET")


def v(name, version=None):
    """The bytes azkv must print for a secret of the fixture."""
    return fx.expected(name, version)


# ---- the result of one run ------------------------------------------------------

class Run:
    """What one execution produced, plus the fake's log entries meanwhile."""

    def __init__(self, rc, out, err, elapsed=0.0, entries=(), pid=None, argv=(), rc_want=None):
        self.rc, self.out, self.err, self.elapsed = rc, out, err, elapsed
        self.entries, self.pid, self.argv = list(entries), pid, list(argv)
        self.rc_want = rc_want   # expected exit code(s); None: not declared (means 0)
        self.waive = {}
        self.why = []            # invariant violations found so far

    # subprocess.CompletedProcess's names, for cases written against it
    returncode = property(lambda self: self.rc)
    stdout = property(lambda self: self.out)
    stderr = property(lambda self: self.err)

    @property
    def text(self):
        """stderr as text."""
        return self.err.decode("utf-8", "replace")

    def reqs(self, listener=None):
        return fx.requests(self.entries, listener)

    def connects(self, listener):
        return [e for e in self.entries if e["event"] == "connect" and e["listener"] == listener]

    def posts(self):
        return [e for e in self.reqs("vault") if e["method"] == "POST"]

    def tokens(self):
        return [e["token"] for e in self.reqs() if e.get("token")]

    def expect(self, rc):
        """Declare the exit code this run must have (an int or a tuple).
        Returns the reason it differs, or None."""
        want = rc if isinstance(rc, tuple) else (rc,)
        if self.rc_want is not None and set(self.rc_want) != set(want):
            raise ValueError("run declared exit %r, then %r" % (self.rc_want, want))
        self.rc_want = want
        if self.rc in want:
            return None
        return "exit %r, want %s; stderr %r" % (self.rc, "/".join(map(str, want)), redact(self.err)[:300])


# ---- the case running now: its runs, to judge at its end -------------------------

_RUNS = []


def _record(r):
    _RUNS.append(r)


def _judge_runs(runs):
    """The invariant violations of a case's runs (exit codes judged last,
    as a case may declare them after the run)."""
    why = []
    for r in runs:
        w = list(r.why)
        if "exit" not in r.waive:
            want = r.rc_want if r.rc_want is not None else (0,)
            if r.rc not in want:
                w.insert(0, "exit %r, want %s (declare it: run_azkv(rc=...) or r.expect(rc)); "
                            "stderr %r" % (r.rc, "/".join(map(str, want)), redact(r.err)[:300]))
        why += ["%s: %s" % (_short(r.argv), x) for x in w]
    return why


def _short(argv):
    words = [os.path.basename(a) if a == AZKV else a for a in argv]
    s = " ".join(words)
    return s if len(s) <= 80 else s[:77] + "..."


def _check_waive(waive):
    for k, reason in (waive or {}).items():
        if k not in INVARIANTS:
            raise ValueError("unknown invariant %r (known: %s)" % (k, ", ".join(INVARIANTS)))
        if not (isinstance(reason, str) and reason.strip()):
            raise ValueError("waiving %r needs a reason" % k)
    return dict(waive or {})


# ---- what the fake knows is secret ----------------------------------------------

_TOKENS = set()
_LOG_SEEN = [0]


def _fake_up():
    return bool(os.environ.get("FAKE_LOG"))


def _issued_tokens():
    """Every token the fake issued so far (the log read incrementally)."""
    if _fake_up():
        size = fx.log_offset()
        if size > _LOG_SEEN[0]:
            for e in fx.read_log(_LOG_SEEN[0]):
                if e.get("token"):
                    _TOKENS.add(e["token"])
            _LOG_SEEN[0] = size
    return _TOKENS


def _fixture_secrets():
    vals = [fx.DATA["sources"][k] for k in ("identity_header", "msi_secret", "ml_secret")]
    for s in fx.SECRETS.values():
        if "value" in s or "repeat" in s:
            vals.append(fx.value_of(s))
        vals += [fx.value_of(x) for x in s.get("versions", {}).values()]
    vals += [s["value"] for s in fx.LISTING]   # the listed vault's
    return [x.encode() for x in vals]


FIXTURE_SECRETS = _fixture_secrets()


def _control_secrets(control):
    out = []
    if isinstance(control, dict):
        for s in (control.get("secrets") or {}).values():
            if isinstance(s, dict) and isinstance(s.get("value"), str):
                out.append(s["value"].encode())
    return out


def _secrets(extra=()):
    cand = list(FIXTURE_SECRETS) + [t.encode() for t in _issued_tokens()]
    cand += [x.encode() if isinstance(x, str) else x for x in extra]
    return [c for c in cand if len(c) >= 8]


def leaks(err, extra=()):
    """The secrets (shortened) that appear in err."""
    return sorted({c[:6].decode("utf-8", "replace") + "..." for c in _secrets(extra) if c in err})


def redact(data, extra=()):
    """data with every secret known here replaced by <secret> (for messages)."""
    for c in sorted(_secrets(extra), key=len, reverse=True):
        data = data.replace(c, b"<secret>")
    return data


# ---- the invariants ------------------------------------------------------------

def wire_violations(entries):
    """The protocol rules every request the fake logged must keep."""
    why = []
    for e in fx.requests(entries, "imds"):
        h, q = e["headers"], e["query"]
        if e["path"] == TAGS_PATH:
            if e["method"] != "GET" or q.get("api-version") != "2021-02-01":
                why.append("IMDS tag list %s %r" % (e["method"], q))
        elif e["method"] != "GET" or e["path"] != IMDS_TOKEN_PATH:
            why.append("IMDS %s %s" % (e["method"], e["path"]))
        elif q.get("api-version") != "2018-02-01":
            why.append("IMDS api-version %r" % q.get("api-version"))
        if h.get("metadata") != "true":
            why.append("IMDS Metadata header %r" % h.get("metadata"))
        if sum(k in q for k in SELECTORS) > 1:
            why.append("IMDS got two selectors")
        if "x-forwarded-for" in h:
            why.append("IMDS got X-Forwarded-For")
    for e in fx.requests(entries, "ext"):
        h = e["headers"]
        if e["method"] != "POST" or e["path"] != "/oauth2/token":
            why.append("VM extension %s %s" % (e["method"], e["path"]))
        if h.get("metadata") != "true":
            why.append("VM extension Metadata header %r" % h.get("metadata"))
        if not (h.get("content-type") or "").startswith("application/x-www-form-urlencoded"):
            why.append("VM extension Content-Type %r" % h.get("content-type"))
    for e in fx.requests(entries, "vault"):
        h = e["headers"]
        if e["query"].get("api-version") not in KV_API_OK:
            why.append("vault api-version %r" % e["query"].get("api-version"))
        host = re.sub(r":443$", "", h.get("host", ""))
        if e["tls"]["sni"] != host:
            why.append("vault Host %r but SNI %r" % (h.get("host"), e["tls"]["sni"]))
        if host == "kv.contoso.test" and "authorization" in h:
            why.append("Authorization header sent to kv.contoso.test")
        if e.get("body") and h.get("content-type") != "application/json":
            why.append("a vault request body without Content-Type: application/json")
    return why


def _verbose(args):
    return any(a in ("-v", "--verbose") for a in args)


def _shape_violations(r, verbose):
    why = []
    if r.rc == 0:
        if r.err and not verbose and "quiet" not in r.waive:
            why.append("stderr not empty on success: %r" % redact(r.err)[:300])
        return why
    if "shape" in r.waive:
        return why
    if r.out:
        why.append("stdout not empty on failure: %r" % redact(r.out)[:100])
    lines = r.err.split(b"\n")
    if not r.err.endswith(b"\n"):
        why.append("stderr does not end in a newline: %r" % redact(r.err)[-200:])
    elif verbose:
        if not lines[-2].startswith(b"azkv: "):
            why.append("-v: stderr's last line is not 'azkv: ...': %r" % redact(lines[-2])[:200])
    elif len(lines) != 2 or not r.err.startswith(b"azkv: "):
        why.append("stderr must be exactly one line starting 'azkv: ', got %r" % redact(r.err)[:400])
    return why


def _finish(r, args, env, stdin, control, secrets, verbose, is_azkv):
    if is_azkv:
        r.why += _shape_violations(r, verbose)
    if "secrets" not in r.waive:
        extra = list(secrets) + _control_secrets(control)
        extra += [env[k] for k in CREDENTIAL_VARS if env.get(k)]
        if stdin:
            extra.append(stdin)
        bad = leaks(r.err, extra)
        if bad:
            r.why.append("stderr leaks a token or secret (%s)" % ", ".join(bad))
    if "wire" not in r.waive:
        r.why += wire_violations(r.entries)
    _record(r)
    return r


# ---- running the binary -----------------------------------------------------------

def _set_control(control):
    if control is KEEP or not _fake_up():
        return
    fx.set_control(control or {})


def _execute(argv, env, stdin, timeout, cwd, preexec_fn, restore_signals):
    """(rc, out, err, elapsed, pid); rc "timeout(Ns)" when killed."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, env=env, cwd=cwd, preexec_fn=preexec_fn,
                         restore_signals=restore_signals,
                         stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = p.communicate(stdin, timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        rc = "timeout(%ds)" % timeout
    return rc, out, err, time.monotonic() - t0, p.pid


def run_azkv(args, rc=None, *, env=None, control=None, cacert=True, timeout=60, stdin=None,
             cwd=None, prefix=(), exe=None, preexec_fn=None, restore_signals=True,
             secrets=(), waive=None, path=PATH):
    """Run azkv ARGS with a clean environment (PATH plus env) and return a Run.

    rc: the exit code(s) expected (int or tuple; None: declare it later with
    r.expect, else 0). control: the fake's control for this run ({} when
    None; KEEP leaves it). cacert: True puts --cacert $AZKV_TEST_CA after
    the subcommand (get, token, exec, wrap, ...), a path puts that one,
    False none. prefix: argv before the binary (unshare, chroot, qemu); exe:
    the binary's path as the prefix sees it. secrets: more values that must
    not reach stderr. waive: {invariant: reason}. path: the child's PATH
    (None: none)."""
    waive = _check_waive(waive)
    _set_control(control)
    off = fx.log_offset() if _fake_up() else 0
    argv = list(args)
    if cacert and argv and not argv[0].startswith("-"):
        ca = os.environ["AZKV_TEST_CA"] if cacert is True else cacert
        argv[1:1] = ["--cacert", ca]
    full = {"PATH": path} if path else {}
    full.update(env or {})
    cmd = list(prefix) + [exe or AZKV] + argv
    res, out, err, elapsed, pid = _execute(cmd, full, stdin, timeout, cwd, preexec_fn, restore_signals)
    time.sleep(0.05)   # let the fake log a connection azkv opened at the very end
    entries = fx.read_log(off) if _fake_up() else []
    want = None if rc is None else (rc if isinstance(rc, tuple) else (rc,))
    r = Run(res, out, err, elapsed, entries, pid, [exe or AZKV] + argv, want)
    r.waive = waive
    return _finish(r, argv, full, stdin, control, secrets, _verbose(argv), True)


def run_cmd(argv, rc=None, *, env=None, control=None, stdin=None, timeout=120, cwd=None,
            secrets=(), waive=None):
    """Run a program that runs azkv itself (a clevis pin, a boot script):
    env is its whole environment. The "secrets" and "wire" invariants apply,
    and "exit" when rc is given or declared. Returns a Run."""
    waive = _check_waive(waive)
    if rc is None:
        waive.setdefault("exit", "run_cmd: the case checks the program's exit code")
    _set_control(control)
    off = fx.log_offset() if _fake_up() else 0
    res, out, err, elapsed, pid = _execute(list(argv), env, stdin, timeout, cwd, None, True)
    time.sleep(0.05)
    entries = fx.read_log(off) if _fake_up() else []
    want = None if rc is None else (rc if isinstance(rc, tuple) else (rc,))
    r = Run(res, out, err, elapsed, entries, pid, argv, want)
    r.waive = waive
    return _finish(r, argv, env or {}, stdin, control, secrets, False, False)


def run_finished(argv, rc, out, err, *, rc_want=None, env=None, control=None, elapsed=0.0,
                 entries=(), pid=None, secrets=(), waive=None):
    """A Run for an azkv that ran outside run_azkv (rotation.py's --every
    agents run in the background and are stopped by a signal), judged by
    the same invariants. argv: what followed the binary; rc_want: the exit
    code(s) expected; secrets: more values that must not reach stderr."""
    want = None if rc_want is None else (rc_want if isinstance(rc_want, tuple) else (rc_want,))
    r = Run(rc, out, err, elapsed, entries, pid, [AZKV] + list(argv), want)
    r.waive = _check_waive(waive)
    return _finish(r, list(argv), env or {}, None, control, secrets, _verbose(argv), True)


# ---- azkv run by scripts: a recording stand-in ------------------------------------

def azkv_shim(path, argv_log=None):
    """Write at path a stand-in for azkv that scripts (clevis pins, boot
    scripts) run instead: it runs the real one, records argv, exit code,
    stdout and stderr under path + ".runs/", then passes them on (stdout
    first). shim_runs(path) judges what it recorded. argv_log: also append
    "azkv ARGS" there (a case reads it)."""
    runs = path + ".runs"
    os.makedirs(runs, exist_ok=True)
    log = 'printf "%%s\\n" "azkv $*" >> "%s"\n' % argv_log if argv_log else ""
    with open(path, "w") as f:
        f.write('#!/bin/sh\n%sd=$(mktemp -d "%s/run.XXXXXX") || exit 125\n'
                'printf "%%s\\0" "$@" > "$d/argv"\n'
                '"%s" "$@" > "$d/out" 2> "$d/err"\nrc=$?\n'
                'echo "$rc" > "$d/rc"\ncat "$d/out"\ncat "$d/err" >&2\nexit "$rc"\n'
                % (log, runs, AZKV))
    os.chmod(path, 0o755)
    return path


def shim_runs(path, waive=None):
    """The runs azkv_shim(path) recorded since the last call, as Runs with
    the invariants applied (exit waived unless waive says otherwise: the
    script decides what an exit code means, and the case checks the
    script's)."""
    runs = path + ".runs"
    out = []
    for d in sorted(os.listdir(runs)) if os.path.isdir(runs) else []:
        full = os.path.join(runs, d)
        try:
            with open(os.path.join(full, "rc")) as f:
                rc = int(f.read().strip() or -1)
        except (OSError, ValueError):
            rc = "no exit code (killed?)"
        parts = {}
        for k in ("argv", "out", "err"):
            with open(os.path.join(full, k), "rb") as f:
                parts[k] = f.read()
        argv = [AZKV] + [a.decode("utf-8", "replace") for a in parts["argv"].split(b"\0")[:-1]]
        r = Run(rc, parts["out"], parts["err"], argv=argv)
        r.waive = _check_waive(waive or {"exit": "run by a script, whose exit code the case checks"})
        shutil.rmtree(full, ignore_errors=True)
        out.append(_finish(r, argv[1:], {}, None, None, (), _verbose(argv[1:]), True))
    return out


# ---- real servers ---------------------------------------------------------------

def nginx_conf(tmp, certs, key, port, log=""):
    """An nginx.conf in tmp (its logs, temporaries and pid file there too)
    serving TLS on 127.0.0.1:port with the chain and key files azkv wrote.
    log: error_log's level ("notice" logs the signals it gets)."""
    for sub in ("logs", "tmp"):
        os.makedirs(os.path.join(tmp, sub), exist_ok=True)
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write("""worker_processes 1;
error_log %(t)s/logs/error.log%(log)s;
pid %(t)s/nginx.pid;
events { worker_connections 16; }
http {
    access_log off;
    client_body_temp_path %(t)s/tmp/body;
    proxy_temp_path %(t)s/tmp/proxy;
    fastcgi_temp_path %(t)s/tmp/fastcgi;
    uwsgi_temp_path %(t)s/tmp/uwsgi;
    scgi_temp_path %(t)s/tmp/scgi;
    server {
        listen 127.0.0.1:%(port)d ssl;
        ssl_certificate %(certs)s;
        ssl_certificate_key %(key)s;
        location / { return 200 "served by nginx\\n"; }
    }
}
""" % {"t": tmp, "certs": certs, "key": key, "port": port, "log": " " + log if log else ""})
    return conf


# ---- shape helpers for function-style cases --------------------------------------

def failure_shape(r, rc, needle=None):
    """Exit rc, stdout empty, stderr one 'azkv: ' line (containing needle)."""
    why = r.expect(rc)
    if why:
        return why
    if r.out:
        return "stdout not empty on failure: %r" % r.out[:100]
    if not _verbose(r.argv) and not (r.err.startswith(b"azkv: ") and r.err.count(b"\n") == 1
                                     and r.err.endswith(b"\n")):
        return "stderr must be one 'azkv: ' line, got %r" % redact(r.err)[:300]
    if needle and needle.encode() not in r.err:
        return "stderr lacks %r: %r" % (needle, redact(r.err)[:300])
    return None


def ok_shape(r, out=None):
    """Exit 0 (and stdout out, if given)."""
    why = r.expect(0)
    if why:
        return why
    if out is not None and r.out != out:
        return "stdout %r, want %r" % (r.out[:100], out[:100])
    return None


# ---- shared fixtures ------------------------------------------------------------

def thumbprint(name):
    """SHA-1 of a fake certificate's DER, upper-case hex ("" when listing)."""
    d = os.environ.get("FAKE_CERTDIR")
    if not d:
        return ""
    with open(os.path.join(d, name + ".pem")) as f:
        return hashlib.sha1(ssl.PEM_cert_to_DER_cert(f.read())).hexdigest().upper()


def env_sf(tp):
    """The environment of a Service Fabric node whose certificate has thumbprint tp."""
    return {"IDENTITY_ENDPOINT": SF, "IDENTITY_HEADER": fx.DATA["sources"]["identity_header"],
            "IDENTITY_SERVER_THUMBPRINT": tp}


def read_dump(path):
    """build/envdump's record: pid, argv list, env dict (bytes)."""
    d = {"pid": None, "argv": None, "env": {}}
    with open(path) as f:
        for line in f:
            tag, _, val = line.rstrip("\n").partition(" ")
            if tag == "pid":
                d["pid"] = int(val)
            elif tag == "argv":
                d["argv"] = bytes.fromhex(val).split(b"\0")[:-1]
            elif tag == "env":
                k, _, x = bytes.fromhex(val).partition(b"=")
                d["env"][k.decode()] = x
    return d


def ensure_envdump():
    """Setup of the suites whose exec child is build/envdump: None, or why not."""
    if not os.access(ENVDUMP, os.X_OK):
        subprocess.run(["make", "-s", "-C", ROOT, "build/envdump"], check=False)
    return None if os.access(ENVDUMP, os.X_OK) else "no %s (make build/envdump)" % ENVDUMP


def in_tmp(prefix, fn):
    """A thunk running fn(tmp) in a fresh temporary folder, removed after."""
    def run():
        tmp = tempfile.mkdtemp(prefix=prefix)
        try:
            return fn(tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return run


CA_DIR = []


def ca_variant(kind):
    """A CA file made from the test CA (written once, in a temporary folder):
    bundle: the built-in roots, a private key block, text and the test CA,
    with CR LF line ends; nocert: text only; badb64: the test CA with a
    character that is not base64; open: the test CA without its END line;
    many: 257 copies of the test CA (the limit is 256); bigcert: the test CA
    after a CERTIFICATE block of 20,000 bytes (the limit is 16 KiB); bignames:
    the test CA after 150 copies of a CA whose name is ~1.3 KB (192 KiB of
    names and keys in all is the limit); notx509: a CERTIFICATE block holding
    a DER INTEGER; ed25519: the test CA, then a self-signed Ed25519
    certificate (keys are RSA or EC P-256/384/521); bigkey: the test CA,
    then a self-signed RSA-4096 certificate with a 9-byte exponent (modulus
    and exponent over 520 bytes); dir: a folder (open works, read fails)."""
    if not CA_DIR:
        CA_DIR.append(tempfile.mkdtemp(prefix="azkv-ca."))
        atexit.register(shutil.rmtree, CA_DIR[0], True)
    path = os.path.join(CA_DIR[0], kind + ".pem")
    if kind == "dir":
        os.makedirs(path, exist_ok=True)
        return path
    with open(os.environ["AZKV_TEST_CA"]) as f:
        ca = f.read()
    lines = ca.splitlines()
    if kind == "bundle":
        roots = "".join(open(os.path.join(ROOT, "certs", n)).read()
                        for n in sorted(os.listdir(os.path.join(ROOT, "certs"))) if n.endswith(".pem"))
        text = ("# a bundle as distributions ship them\n" + roots +
                "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"
                "Subject: the test CA\n" + ca).replace("\n", "\r\n")
    elif kind == "nocert":
        text = "no certificate in here\n"
    elif kind == "many":
        text = ca * 257
    elif kind == "bigcert":
        body = base64.b64encode(b"\x30" * 20000).decode()
        text = ("-----BEGIN CERTIFICATE-----\n" +
                "\n".join(body[i:i + 64] for i in range(0, len(body), 64)) +
                "\n-----END CERTIFICATE-----\n" + ca)
    elif kind == "bignames":
        subj = "/O=azkv tests" + "".join("/OU=%02d%s" % (i, "n" * 60) for i in range(20)) + "/CN=big"
        big = os.path.join(CA_DIR[0], "bignames-one.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-keyout", big + ".key", "-out", big, "-subj", subj],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        text = open(big).read() * 150 + ca
    elif kind == "notx509":
        text = "-----BEGIN CERTIFICATE-----\nAgEA\n-----END CERTIFICATE-----\n" + ca
    elif kind == "ed25519":
        ed = os.path.join(CA_DIR[0], "ed25519-one.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ed25519", "-nodes", "-days", "2",
                        "-keyout", ed + ".key", "-out", ed, "-subj", "/CN=ed25519"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        text = ca + open(ed).read()
    elif kind == "bigkey":
        bk = os.path.join(CA_DIR[0], "bigkey-one.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096",
                        "-pkeyopt", "rsa_keygen_pubexp:0x100000000000000001", "-out", bk + ".key"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["openssl", "req", "-x509", "-key", bk + ".key", "-days", "2",
                        "-out", bk, "-subj", "/CN=big exponent"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        text = ca + open(bk).read()
    elif kind == "badb64":
        text = "\n".join(lines[:2] + ["*" + lines[2][1:]] + lines[3:]) + "\n"
    else:
        text = "\n".join(lines[:-1]) + "\n"
    with open(path, "w") as f:
        f.write(text)
    return path


# ---- cases ---------------------------------------------------------------------

class Case:
    """A data case (args ... checks; judged by judge()) or, with fn, a
    function returning None or why it failed. setup() runs first."""

    def __init__(self, name, args=None, rc=0, out=None, env=None, control=None,
                 err=None, checks=(), cacert=True, timeout=60, stderr_ok=False, doc="",
                 fn=None, setup=None, waive=None, stdin=None):
        self.name, self.args, self.rc, self.out = name, args, rc, out
        self.env, self.control, self.err = env or {}, control or {}, err
        self.checks, self.cacert, self.timeout = list(checks), cacert, timeout
        self.doc, self.fn, self.setup, self.stdin = doc, fn, setup, stdin
        self.waive = _check_waive(waive)
        if stderr_ok:   # the older spelling of waiving "quiet"
            self.waive.setdefault("quiet", "stderr_ok: this case prints on stderr when it succeeds")

    def run(self):
        if self.setup:
            self.setup()
        if self.fn:
            return self.fn()
        return judge(self, run_case(self))


def run_case(case):
    """Run a data case's argv (the @ca:KIND arguments are e2e.py's)."""
    argv = [ca_variant(a[4:]) if a.startswith("@ca:") else a for a in case.args]
    cacert = case.cacert and bool(argv) and argv[0] in ("get", "token")
    return run_azkv(argv, case.rc, env=case.env, control=case.control, cacert=cacert,
                    timeout=case.timeout, stdin=case.stdin, waive=case.waive)


def judge(case, r):
    """None if r is what the data case expects (the invariants are
    run_azkv's), else why."""
    why = r.expect(case.rc)
    if why:
        return why
    want = case.out(r) if callable(case.out) else case.out
    if callable(case.out) and want is None:
        return "could not find the issued token in the fake's log"
    if want is not None and r.out != want:
        return "stdout %r, want %r" % (r.out[:120], want[:120])
    if case.err is not None:
        for needle in ([case.err] if isinstance(case.err, str) else case.err):
            if needle.encode() not in r.err:
                return "stderr lacks %r: %r" % (needle, redact(r.err)[:300])
    why = [w for w in (chk(r) for chk in case.checks) if w]
    return "; ".join(why) or None


def fn_cases(glb, tmp=None, prefix="t_"):
    """A function-style suite's cases: one Case per PREFIX function in glb,
    sorted, named without the prefix, underscores as dashes, doc from the
    docstring's first line. With tmp, each runs as fn(a fresh folder)."""
    out = []
    for n, f in sorted(glb.items()):
        if n.startswith(prefix) and callable(f):
            out.append(fn_case(n[len(prefix):].replace("_", "-"), f, tmp))
    return out


def fn_case(name, f, tmp=None, doc=None):
    """One function as a Case (with tmp: called as f(a fresh folder))."""
    if doc is None:
        doc = (f.__doc__ or "").strip().split("\n")[0]
    takes_arg = bool(inspect.signature(f).parameters)
    fn = in_tmp(tmp or "azkv-case.", f) if takes_arg else f
    return Case(name, fn=fn, doc=doc)


# ---- selection, report, main ----------------------------------------------------

def select(all_cases, argv):
    """The cases argv's patterns name (all if none), and whether -l asked
    for a listing (then printed here)."""
    listing = bool(argv) and argv[0] == "-l"
    pats = argv[1:] if listing else argv
    sel = [c for c in all_cases if not pats or any(p in c.name or fnmatch.fnmatch(c.name, p) for p in pats)]
    if listing:
        for c in sel:
            print(c.name + ("  # " + c.doc if c.doc else ""))
    return sel, listing


def run_one(case):
    """None if the case and every run it made pass, else why."""
    del _RUNS[:]
    try:
        why = case.run()
    except Exception as ex:  # a harness problem is a failure of that case
        why = "harness error: %r" % ex
    runs = list(_RUNS)
    del _RUNS[:]
    reasons = ([str(why)] if why else []) + _judge_runs(runs)
    return "; ".join(reasons) or None


def report(cases):
    """Run each case; print "ok - NAME" or "not ok - NAME: why" and the
    closing count. Returns the exit status. Old callers may pass (name, fn)
    pairs."""
    passed = failed = 0
    for c in cases:
        if isinstance(c, tuple):
            c = Case(c[0], fn=c[1])
        why = run_one(c)
        if why:
            failed += 1
            print("not ok - %s: %s" % (c.name, why.replace("\n", "\\n")))
        else:
            passed += 1
            print("ok - %s" % c.name)
        sys.stdout.flush()
    if _fake_up():
        fx.set_control({})
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


def reexec_in_netns(script, argv):
    """Outside tests/netns.sh, run script again inside it (never returns)."""
    if os.environ.get("AZKV_FAKE_UP") != "1":
        netns = os.path.join(ROOT, "tests", "netns.sh")
        os.execv(netns, [netns, "--", sys.executable, os.path.abspath(script)] + argv)


def fail_setup(why):
    """A suite that cannot start reports one failed case, "setup"."""
    print("not ok - setup: %s" % str(why).replace("\n", "\\n"))
    print("0 passed, 1 failed")
    return 1


def main(script, cases, argv, doc=None, setup=None, teardown=None):
    """A suite's main: -h, -l, selection, the binary's presence, the
    namespace, setup() (returning a reason fails the suite), the cases,
    teardown()."""
    if argv and argv[0] in ("-h", "--help"):
        print(doc or __doc__)
        return 0
    sel, listing = select(cases() if callable(cases) else cases, argv)
    if listing:
        return 0
    if not (os.path.isfile(AZKV) and os.access(AZKV, os.X_OK)):
        return fail_setup("no azkv binary at %s (build it with `make`, or set AZKV=path)" % AZKV)
    reexec_in_netns(script, argv)
    try:
        if setup:
            try:
                why = setup()
            except Exception as ex:
                why = "%r" % ex
            if why:
                return fail_setup(why)
        return report(sel)
    finally:
        if teardown:
            teardown()

