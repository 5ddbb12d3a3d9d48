#!/usr/bin/env python3
"""rotation.py: --every, end to end against the fake Azure: files that follow
the vault (a real nginx reloaded through its pid file, --on-change), exec as
a supervisor (restart on a change, signals forwarded, orphans reaped, PID 1),
failures and signals (rounds that fail keep everything, TERM within 1 s),
steady state over 1,000 rounds, the fleet's pacing, and an empty root.

    tests/netns.sh -- python3 tests/e2e/rotation.py [-l] [PATTERN...]

Cases are functions on harness.py: one line per case, then "N passed, N
failed"; each returns None (pass) or why it failed. azkv runs in the
background here (Agent); once stopped, each run is judged by the harness's
invariants (harness.run_finished). AZKV_TEST_EVERY_MS, the test-only
interval, makes a round every few hundred ms. A new secret version is made
while azkv runs by changing the fake's control (ctl(): "secrets", with a
"version").
"""
import base64
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as H  # noqa: E402
from harness import fx, ROOT, AZKV, ENVDUMP, read_dump  # noqa: E402

FLEET = os.path.join(ROOT, "tests", "bench", "fleet.py")
V2 = "2" * 32   # the version id of a rotated value
ONE, TWO = "rot-value-one-5d2c", "rot-value-two-8f1a"   # a secret before and after
QUIET = {"quiet": "--every: a failed round, --on-change's or --signal's trouble is one line, and azkv goes on"}
STATUS = {"shape": "exec --every exits with its program's status; the program said nothing"}
CONTROLS = []   # every control this suite set: their secrets must not leak


def ctl(c):
    """Set the fake's control (and remember its secrets)."""
    CONTROLS.append(c)
    fx.set_control(c)


def wait_for(cond, timeout=10.0, step=0.02):
    """Poll cond() until it is true; its last value."""
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


def secret(value, version=None):
    s = {"value": value}
    if version:
        s["version"] = version
    return {"secrets": {"rot": s}}


class Agent:
    """azkv with --every in the background: its stderr in a file, the fake's
    log from its start. prefix: argv before the binary (unshare, chroot);
    exe: the binary's path as the prefix sees it; cacert: a path for it."""

    def __init__(self, tmp, args, env=None, control=None, test_ms=300, prefix=(), exe=None,
                 cacert=None):
        ctl(control or {})
        self.controls = len(CONTROLS) - 1
        self.off = fx.log_offset()
        full = {"PATH": "/usr/local/bin:/usr/bin:/bin"}
        if test_ms:
            full["AZKV_TEST_EVERY_MS"] = str(test_ms)
        full.update(env or {})
        self.env = full
        self.args = [args[0], "--cacert", cacert or os.environ["AZKV_TEST_CA"]] + list(args[1:])
        # stdout and stderr to files: a pipe could be held open by what
        # exec's program left behind
        n = len([x for x in os.listdir(tmp) if x.startswith("azkv.")])
        self.errpath = os.path.join(tmp, "azkv.%d.err" % n)
        self.outpath = os.path.join(tmp, "azkv.%d.out" % n)
        self.t0 = time.monotonic()
        with open(self.errpath, "wb") as err, open(self.outpath, "wb") as out:
            self.p = subprocess.Popen(list(prefix) + [exe or AZKV] + self.args, env=full,
                                      stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        self.pid = self.p.pid
        self.judged = False
        LIVE.append(self)

    def err(self):
        with open(self.errpath, "rb") as f:
            return f.read()

    def entries(self):
        return fx.read_log(self.off)

    def rounds(self):
        """Vault requests for a secret or certificate: one a round for one
        secret. (Counted in the raw log, which 1,000 rounds make long.)"""
        try:
            with open(os.environ["FAKE_LOG"], "rb") as f:
                f.seek(self.off)
                data = f.read()
        except FileNotFoundError:
            return 0
        return len(re.findall(rb'"event": "request".*"listener": "vault".*"path": "/(?:secrets|certificates)/',
                              data))

    def after_rounds(self, n, timeout=20.0):
        return wait_for(lambda: self.rounds() >= n, timeout)

    def alive(self):
        return self.p.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=10.0, rc=0, waive=None, pid=None):
        """Send sig (to pid, else azkv's process) and wait: (exit status,
        seconds until it exited), or ("timeout", s). The run is then judged
        as harness runs are, expecting exit rc."""
        t0 = time.monotonic()
        if self.alive():
            if pid:
                os.kill(pid, sig)
            else:
                self.p.send_signal(sig)
        return self.wait(timeout, rc, waive, t0)

    def wait(self, timeout=20.0, rc=0, waive=None, t0=None):
        """Wait for the exit (see stop)."""
        t0 = t0 or time.monotonic()
        try:
            got = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            got = "timeout"
        took = time.monotonic() - t0
        self.record(got, rc, waive)
        return got, took

    def record(self, got, rc, waive):
        if self.judged:
            return
        self.judged = True
        out = read(self.outpath) or b""
        secrets = [v for c in CONTROLS[self.controls:] for v in H._control_secrets(c)]
        H.run_finished(self.args, got, out, self.err(), rc_want=rc, env=self.env,
                       control=CONTROLS[self.controls], elapsed=time.monotonic() - self.t0,
                       entries=self.entries(), pid=self.pid, secrets=secrets, waive=waive)

    def kill(self):
        if self.alive():
            self.p.kill()
            self.p.wait()


LIVE = []   # the agents of the case running now


def in_agent(fn):
    """Run fn(tmp), killing any agent it left running."""
    def run(tmp):
        try:
            return fn(tmp)
        finally:
            while LIVE:
                LIVE.pop().kill()
    run.__doc__ = fn.__doc__
    return run


def temporaries(folder):
    return [n for n in os.listdir(folder) if ".azkv-" in n]


def stat_of(path):
    st = os.stat(path)
    return st.st_ino, st.st_mtime_ns


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def err_lines(a):
    return [l for l in a.err().split(b"\n") if l]


# ---- files ------------------------------------------------------------------

@in_agent
def t_files_follow_the_vault(tmp):
    """get --every --out: rewritten only when the value changes, mode 0600"""
    f = os.path.join(tmp, "db")
    a = Agent(tmp, ["get", "--every", "30s", "--out", f, "myvault/rot"], control=secret(ONE))
    if not wait_for(lambda: read(f) == ONE.encode()):
        return "first round did not write the value: %r" % a.err()[-300:]
    first = stat_of(f)
    n = a.rounds()
    if not a.after_rounds(n + 3):
        return "no further rounds: %r" % a.err()[-300:]
    if stat_of(f) != first:
        return "an unchanged value rewrote the file"
    ctl(secret(TWO, V2))
    if not wait_for(lambda: read(f) == TWO.encode()):
        return "the new version was not written: %r" % a.err()[-300:]
    if os.stat(f).st_mode & 0o777 != 0o600 or temporaries(tmp):
        return "mode %o, temporaries %r" % (os.stat(f).st_mode & 0o777, temporaries(tmp))
    rc, took = a.stop()
    if rc != 0 or err_lines(a):
        return "exit %r, stderr %r" % (rc, a.err()[-300:])
    return None


@in_agent
def t_files_one_identity_request_one_connection(tmp):
    """10 rounds: one IMDS token request and one TLS connection to the vault"""
    d = os.path.join(tmp, "d")
    os.mkdir(d)
    a = Agent(tmp, ["get", "--every", "1m", "--out-dir", d, "myvault/db-password", "myvault/quotes"],
              test_ms=100)
    if not a.after_rounds(20):
        return "fewer than 10 rounds: %r" % a.err()[-300:]
    rc, _ = a.stop()
    ent = a.entries()
    imds = fx.requests(ent, "imds")
    conns = [e for e in ent if e["event"] == "connect" and e["listener"] == "vault"]
    if rc != 0:
        return "exit %r: %r" % (rc, a.err()[-300:])
    if len(imds) != 1:
        return "%d identity requests over %d rounds" % (len(imds), a.rounds() // 2)
    if len(conns) != 1:
        return "%d vault connections over %d rounds" % (len(conns), a.rounds() // 2)
    return None if read(os.path.join(d, "quotes")) == fx.expected("quotes") else "quotes differs"


@in_agent
def t_files_token_renewed_before_expiry(tmp):
    """a token within 5 minutes of its expiry is renewed: one a round when it lives 300 s, one in all when 3600 s"""
    counts = []
    for life in (300, 3600):
        f = os.path.join(tmp, "db%d" % life)
        a = Agent(tmp, ["get", "--every", "1m", "--out", f, "myvault/db-password"], test_ms=100,
                  env={"IDENTITY_ENDPOINT": "http://localhost:41601/MSI/token",
                       "IDENTITY_HEADER": fx.DATA["sources"]["identity_header"]},
                  control={"expires": "in-num", "expires_life": life})
        if not a.after_rounds(6):
            return "life %d: fewer than 6 rounds: %r" % (life, a.err()[-300:])
        a.stop()
        counts.append((len(fx.requests(a.entries(), "appsvc")), a.rounds()))
    (short, rs), (long_, _) = counts
    if short < rs - 1:
        return "a 300 s token: %d token requests over %d rounds" % (short, rs)
    return None if long_ == 1 else "a 3600 s token: %d token requests" % long_


@in_agent
def t_files_server_closes_idle_connection(tmp):
    """the vault closes the idle connection between rounds: the next round reconnects at once, with no failed attempt"""
    f = os.path.join(tmp, "db")
    # The fake closes a connection idle for 0.2 s. Rounds after the second
    # are 0.9-1.1 intervals apart (1 s here), so each finds its connection
    # closed. The second comes 0.1-1.1 intervals after the first (a fleet's
    # first rounds spread out, retry.h): it may come before the close and
    # then rightly reuses the connection.
    a = Agent(tmp, ["get", "-v", "--every", "1m", "--out", f, "myvault/db-password"],
              test_ms=1000, control={"vault_idle": 0.2})
    if not a.after_rounds(4, timeout=20):
        return "fewer than 4 rounds: %r" % a.err()[-300:]
    a.stop()
    ent = a.entries()
    conns = [e for e in ent if e["event"] == "connect" and e["listener"] == "vault"]
    if b"attempt failed" in a.err():
        return "a round failed an attempt on the closed connection: %r" % [
            l for l in err_lines(a) if b"attempt failed" in l][:2]
    seqs = [e["seq"] for e in fx.requests(ent, "vault")]
    if len(seqs) < 4 or seqs[0] != 1 or seqs[1] not in (1, 2) or any(q != 1 for q in seqs[2:]) \
            or len(conns) != len(seqs) - (seqs[1] == 2):
        return "%d connections for %d requests (seq %r)" % (len(conns), len(seqs), seqs)
    return None


@in_agent
def t_files_hup_is_a_round_now(tmp):
    """SIGHUP: a round now, not at the next interval (30 s here)"""
    f = os.path.join(tmp, "db")
    a = Agent(tmp, ["get", "--every", "30s", "--out", f, "myvault/rot"], control=secret(ONE),
              test_ms=None)
    if not wait_for(lambda: read(f) == ONE.encode()):
        return "first round: %r" % a.err()[-300:]
    ctl(secret(TWO, V2))
    time.sleep(0.3)
    if read(f) != ONE.encode():
        return "a second round before HUP"
    a.p.send_signal(signal.SIGHUP)
    if not wait_for(lambda: read(f) == TWO.encode(), timeout=3):
        return "no round after HUP: %r" % a.err()[-300:]
    rc, took = a.stop()
    return None if rc == 0 and took <= 1.0 else "exit %r after %.2f s" % (rc, took)


@in_agent
def t_on_change_runs_without_shell(tmp):
    """--on-change PROG ARGS after a round that changed a file only, no shell, without identity variables"""
    f, dump = os.path.join(tmp, "db"), os.path.join(tmp, "dump")
    args = ["get", "--every", "30s", "--out", f, "myvault/rot",
            "--on-change", ENVDUMP, dump, "$HOME;x", "*"]
    a = Agent(tmp, args, control=secret(ONE), env={"IDENTITY_HEADER": "h", "KEEP": "k"})
    if not wait_for(lambda: os.path.exists(dump)):
        return "--on-change did not run after the first round: %r" % a.err()[-300:]
    d = read_dump(dump)
    os.unlink(dump)
    if d["argv"] != [ENVDUMP.encode(), dump.encode(), b"$HOME;x", b"*"]:
        return "argv %r" % d["argv"]
    if "IDENTITY_HEADER" in d["env"] or d["env"].get("KEEP") != b"k":
        return "environment %r" % sorted(d["env"])
    n = a.rounds()
    a.after_rounds(n + 3)
    if os.path.exists(dump):
        return "--on-change ran after a round that changed nothing"
    ctl(secret(TWO, V2))
    if not wait_for(lambda: os.path.exists(dump)):
        return "--on-change did not run after a change"
    rc, _ = a.stop()
    return None if rc == 0 and not err_lines(a) else "exit %r: %r" % (rc, a.err()[-300:])


@in_agent
def t_on_change_deadline_and_status(tmp):
    """--on-change that hangs is killed at --timeout; one that fails is one stderr line; azkv keeps running"""
    f = os.path.join(tmp, "db")
    a = Agent(tmp, ["get", "--timeout", "1", "--every", "30s", "--out", f, "myvault/rot",
                    "--on-change", "/bin/sh", "-c", "sleep 30"], control=secret(ONE))
    if not wait_for(lambda: b"killed at --timeout" in a.err(), timeout=5):
        return "not killed: %r" % a.err()[-300:]
    b = Agent(tmp, ["get", "--every", "30s", "--out", f + "2", "myvault/rot",
                    "--on-change", "/bin/sh", "-c", "exit 3"], control=secret(ONE))
    if not wait_for(lambda: b"exit status 3" in b.err(), timeout=5):
        return "no status line: %r" % b.err()[-300:]
    if not (a.alive() and b.alive()):
        return "azkv ended"
    lines = err_lines(a) + err_lines(b)
    if a.stop(waive=QUIET)[0] != 0 or b.stop(waive=QUIET)[0] != 0:
        return "exit %r, %r" % (a.p.returncode, b.p.returncode)
    return None if len(lines) == 2 and all(l.startswith(b"azkv: --on-change ") for l in lines) \
        else "stderr %r" % lines


# ---- nginx ------------------------------------------------------------------

def make_cert(d, name):
    """A self-signed EC certificate for localhost: (PEM bundle key+cert, base64 DER, sha256 fingerprint)."""
    k, c = os.path.join(d, name + ".key"), os.path.join(d, name + ".crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", k, "-out", c, "-subj", "/CN=localhost " + name, "-days", "2",
                    "-addext", "subjectAltName=DNS:localhost"], check=True, capture_output=True)
    der = subprocess.run(["openssl", "x509", "-in", c, "-outform", "DER"], check=True,
                         capture_output=True).stdout
    fp = subprocess.run(["openssl", "x509", "-in", c, "-noout", "-fingerprint", "-sha256"],
                        check=True, capture_output=True).stdout.strip().split(b"=")[1]
    return read(k).decode() + read(c).decode(), base64.b64encode(der).decode(), fp


def served_fingerprint(port):
    p = subprocess.run("openssl s_client -connect 127.0.0.1:%d -servername localhost </dev/null 2>/dev/null"
                       " | openssl x509 -noout -fingerprint -sha256" % port, shell=True,
                       capture_output=True, timeout=10)
    return p.stdout.strip().split(b"=")[1] if b"=" in p.stdout else None


def reloads(tmp):
    return (read(os.path.join(tmp, "logs", "error.log")) or b"").count(b"(SIGHUP) received")


@in_agent
def t_nginx_reloaded_through_pid_file(tmp):
    """nginx serves the key and chain azkv writes with --every; a new certificate version: HUP through nginx.pid, s_client sees the new leaf; no change, no HUP"""
    port = 8453
    one, der1, fp1 = make_cert(tmp, "one")
    two, der2, fp2 = make_cert(tmp, "two")
    cert = {"contentType": "application/x-pem-file"}
    ctl1 = {"secrets": {"web": dict(cert, value=one, cer=der1)}}
    ctl2 = {"secrets": {"web": dict(cert, value=two, cer=der2, version=V2)}}
    k, c = os.path.join(tmp, "key.pem"), os.path.join(tmp, "chain.pem")
    pidfile = os.path.join(tmp, "nginx.pid")
    ctl(ctl1)
    r = H.run_azkv(["get", "--pem-key", k, "--pem-certs", c, "myvault/certificates/web"], 0,
                   control=ctl1)
    if r.rc != 0:
        return "one-shot get: %r" % r.err
    conf = H.nginx_conf(tmp, c, k, port, log="notice")   # (notice: its HUPs)
    p = subprocess.run(["nginx", "-p", tmp, "-c", conf], capture_output=True)
    if p.returncode != 0:
        return "nginx: %r" % p.stderr[-300:]
    try:
        if wait_for(lambda: served_fingerprint(port), timeout=5) != fp1:
            return "nginx does not serve the first certificate"
        a = Agent(tmp, ["get", "--every", "30s", "--pem-key", k, "--pem-certs", c,
                        "--signal", "HUP", "--pid-file", pidfile, "myvault/certificates/web"],
                  control=ctl1)
        if not a.after_rounds(8):   # a certificate round: the bundle, then its secret
            return "fewer than 4 rounds: %r" % a.err()[-300:]
        if reloads(tmp) != 0:
            return "nginx was signalled %d times with no change" % reloads(tmp)
        ctl(ctl2)
        if wait_for(lambda: served_fingerprint(port) == fp2, timeout=10) is not True:
            return "s_client still sees the old leaf; reloads %d, azkv %r" % (reloads(tmp), a.err()[-300:])
        n = a.rounds()
        a.after_rounds(n + 6)
        if reloads(tmp) != 1:
            return "%d reloads for one change" % reloads(tmp)
        rc, _ = a.stop()
        return None if rc == 0 and not err_lines(a) else "exit %r: %r" % (rc, a.err()[-300:])
    finally:
        subprocess.run(["nginx", "-p", tmp, "-c", conf, "-s", "stop"], capture_output=True)


@in_agent
def t_signal_pid_file_problems(tmp):
    """--pid-file missing or not a pid: one stderr line each, the files still written, azkv keeps running"""
    f, pf = os.path.join(tmp, "db"), os.path.join(tmp, "pid")
    a = Agent(tmp, ["get", "--every", "30s", "--out", f, "--signal", "USR1", "--pid-file", pf,
                    "myvault/rot"], control=secret(ONE))
    if not wait_for(lambda: b"No such file" in a.err()):
        return "missing pid file: %r" % a.err()
    with open(pf, "w") as fp:
        fp.write("0\n")
    ctl(secret(TWO, V2))
    if not wait_for(lambda: b"no process id" in a.err()):
        return "pid 0: %r" % a.err()
    if read(f) != TWO.encode() or not a.alive():
        return "file %r, alive %r" % (read(f), a.alive())
    rc, _ = a.stop(waive=QUIET)
    return None if rc == 0 and len(err_lines(a)) == 2 else "exit %r, stderr %r" % (rc, a.err())


@in_agent
def t_files_prune_follows_selection(tmp):
    """get --every --out-dir --prune VAULT/PREFIX*: each round writes what the listing selects then and removes the file of a secret no longer listed, never a file azkv did not write; --on-change runs for a round that only pruned"""
    d = os.path.join(tmp, "out")
    os.mkdir(d)
    mark = os.path.join(tmp, "changed")
    with open(os.path.join(d, "mine"), "w") as f:
        f.write("not azkv's")
    want = fx.selected("app-db-")
    gone = want[-1]
    a = Agent(tmp, ["get", "--every", "30s", "--out-dir", d, "--prune", "lister/app-db-*",
                    "--on-change", "/bin/sh", "-c", 'echo x >> "$0"', mark], control={})
    if not wait_for(lambda: all(os.path.exists(os.path.join(d, n)) for n in want)):
        return "files not written: %r %r" % (sorted(os.listdir(d)), a.err()[-300:])
    if not wait_for(lambda: read(mark) == b"x\n"):
        return "--on-change after the first round: %r" % read(mark)
    a.after_rounds(a.rounds() + 6)
    ctl({"list_hide": [gone]})
    if not wait_for(lambda: not os.path.exists(os.path.join(d, gone))):
        return "%s not pruned: %r" % (gone, sorted(os.listdir(d)))
    if not wait_for(lambda: read(mark) == b"x\nx\n"):
        return "--on-change after the pruning round: %r" % read(mark)
    with open(os.path.join(d, ".azkv-manifest")) as f:
        names = f.read().splitlines()[1:]
    if names != [n for n in want if n != gone]:
        return "manifest %r" % names
    a.after_rounds(a.rounds() + 6)
    if read(mark) != b"x\nx\n":
        return "--on-change with nothing changed: %r" % read(mark)
    ctl({})
    if not wait_for(lambda: os.path.exists(os.path.join(d, gone))):
        return "%s not written again once listed" % gone
    if read(os.path.join(d, "mine")) != b"not azkv's":
        return "a file azkv did not write was touched"
    rc, _ = a.stop()
    return None if rc == 0 and not err_lines(a) else "exit %r, stderr %r" % (rc, a.err()[-300:])


# ---- exec -------------------------------------------------------------------

PROG = ('echo "start $$ $DB" >> "$OUT"; trap \'echo "term $$" >> "$OUT"; exit 42\' TERM; '
        'while :; do sleep 0.05; done')


def starts(out):
    return [l.split(" ", 2) for l in (read(out) or b"").decode().splitlines() if l.startswith("start")]


@in_agent
def t_exec_restart_on_change(tmp):
    """exec --every: the program sees the value, then after a change is TERMed and started again with the new one; azkv stays its parent"""
    out = os.path.join(tmp, "out")
    a = Agent(tmp, ["exec", "--every", "30s", "--", "/bin/sh", "-c", PROG],
              env={"DB": "akv://myvault/rot", "OUT": out}, control=secret(ONE))
    if not wait_for(lambda: starts(out)):
        return "the program did not start: %r" % a.err()[-300:]
    first = starts(out)[0]
    if first[2] != ONE or int(first[1]) == a.pid:
        return "first start %r (azkv pid %d)" % (first, a.pid)
    n = a.rounds()
    a.after_rounds(n + 3)
    if len(starts(out)) != 1:
        return "restarted with no change: %r" % read(out)
    ctl(secret(TWO, V2))
    if not wait_for(lambda: len(starts(out)) == 2):
        return "not restarted after the change: %r" % read(out)
    lines = read(out).decode().splitlines()
    if lines[1] != "term %s" % first[1] or starts(out)[1][2] != TWO:
        return "sequence %r" % lines
    rc, _ = a.stop(rc=42, waive=STATUS)
    if rc != 42:
        return "azkv exit %r, want the program's 42" % rc
    return None if not err_lines(a) else "stderr %r" % a.err()[-300:]


ENV_PROG = ('echo "start $$ ${DB_USER-unset} ${DB_HOST-unset}" >> "$OUT"; '
            'trap \'echo "term $$" >> "$OUT"; exit 42\' TERM; while :; do sleep 0.05; done')


@in_agent
def t_exec_env_from_follows_selection(tmp):
    """exec --every --env-from: each round lists the selection again; a secret no longer listed is a change: the program restarts without its variable"""
    out = os.path.join(tmp, "out")
    user, host = fx.listed("app-db-user")["value"], fx.listed("app-db-host")["value"]
    a = Agent(tmp, ["exec", "--every", "30s", "--env-from", "lister/app-db-*", "--env-prefix", "DB_",
                    "--", "/bin/sh", "-c", ENV_PROG], env={"OUT": out}, control={})
    if not wait_for(lambda: starts(out)):
        return "the program did not start: %r" % a.err()[-300:]
    if starts(out)[0][2] != "%s %s" % (user, host):
        return "first start %r" % starts(out)[0][2:]
    a.after_rounds(a.rounds() + 6)
    if len(starts(out)) != 1:
        return "restarted with no change: %r" % read(out)
    ctl({"list_hide": ["app-db-user"]})
    if not wait_for(lambda: len(starts(out)) == 2):
        return "not restarted after the selection changed: %r" % read(out)
    if starts(out)[1][2] != "unset %s" % host:
        return "second start %r" % starts(out)[1][2:]
    rc, _ = a.stop(rc=42, waive=STATUS)
    return None if rc == 42 and not err_lines(a) else "exit %r, stderr %r" % (rc, a.err()[-300:])


@in_agent
def t_exec_term_forwarded_status(tmp):
    """INT, HUP, USR1, USR2, QUIT, WINCH and TERM reach the program; azkv exits with its status, 128+N when killed by signal N"""
    out = os.path.join(tmp, "out")
    prog = ('echo "start $$" >> "$OUT"; for s in INT HUP USR1 USR2 QUIT WINCH; do '
            'trap "echo $s >> $OUT" $s; done; trap "exit 7" TERM; while :; do sleep 0.05; done')
    a = Agent(tmp, ["exec", "--every", "30s", "--", "/bin/sh", "-c", prog],
              env={"DB": "akv://myvault/db-password", "OUT": out})
    if not wait_for(lambda: read(out)):
        return "no start"
    sent = ["INT", "HUP", "USR1", "USR2", "QUIT", "WINCH"]
    for s in sent:
        a.p.send_signal(getattr(signal, "SIG" + s))
        if not wait_for(lambda: (read(out) or b"").decode().splitlines()[-1] == s, timeout=3):
            return "%s not forwarded: %r" % (s, read(out))
    rc, took = a.stop(rc=7, waive=STATUS)
    if rc != 7:
        return "exit %r, want 7" % rc
    b = Agent(tmp, ["exec", "--every", "30s", "--", "/bin/sh", "-c", 'echo "start $$" >> "$OUT"; exec sleep 60'],
              env={"DB": "akv://myvault/db-password", "OUT": out + "2"})
    if not wait_for(lambda: read(out + "2")):
        return "no start"
    rc, took = b.stop(rc=143, waive=STATUS)
    return None if rc == 128 + signal.SIGTERM else "killed by TERM: exit %r, want 143" % rc


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def state(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


@in_agent
def t_exec_pid1_orphans_reaped(tmp):
    """azkv exec --every as PID 1 (a new PID namespace): an orphaned grandchild becomes its child and is reaped (no zombie); TERM to PID 1 reaches the program"""
    out = os.path.join(tmp, "out")
    prog = ('sh -c "sleep 1 &"; echo "start $$" >> "$OUT"; trap "exit 5" TERM; '
            'while :; do sleep 0.05; done')
    a = Agent(tmp, ["exec", "--every", "30s", "--", "/bin/sh", "-c", prog],
              env={"DB": "akv://myvault/db-password", "OUT": out},
              prefix=["unshare", "--pid", "--fork", "--kill-child"])
    if not wait_for(lambda: read(out) and children(a.pid)):
        return "no start: %r" % a.err()[-300:]
    azkv = children(a.pid)[0]
    with open("/proc/%d/status" % azkv) as f:
        if not re.search(r"^NSpid:\s+%d\s+1$" % azkv, f.read(), re.M):
            return "azkv is not PID 1 in its namespace"
    if not wait_for(lambda: len(children(azkv)) == 2, timeout=2):
        return "the orphan did not become azkv's child: %r" % children(azkv)
    orphan = [c for c in children(azkv) if b"sleep\x001" in (read("/proc/%d/cmdline" % c) or b"")]
    if not orphan:
        return "no orphaned sleep among azkv's children"
    if not wait_for(lambda: state(orphan[0]) is None, timeout=3):
        return "the orphan is left as %s" % state(orphan[0])
    zombies = [c for c in children(azkv) if state(c) == "Z"]
    if zombies:
        return "zombies %r" % zombies
    # to azkv: unshare itself ignores TERM while it waits, then exits with azkv's status
    rc, _ = a.stop(pid=azkv, rc=5, waive=STATUS)
    return None if rc == 5 else "exit %r, want 5: %r" % (rc, a.err()[-300:])


@in_agent
def t_exec_grace_then_kill(tmp):
    """a program that ignores TERM is KILLed after --grace, then started again"""
    out = os.path.join(tmp, "out")
    prog = ('trap "" TERM; trap "exit 9" USR1; echo "start $$ $DB" >> "$OUT"; '
            'while :; do sleep 0.05; done')
    a = Agent(tmp, ["exec", "-v", "--grace", "1", "--every", "30s", "--", "/bin/sh", "-c", prog],
              env={"DB": "akv://myvault/rot", "OUT": out}, control=secret(ONE))
    if not wait_for(lambda: starts(out)):
        return "no start"
    ctl(secret(TWO, V2))
    if not wait_for(lambda: len(starts(out)) == 2, timeout=6):
        return "not restarted: %r" % a.err()[-400:]
    t = {}
    for l in err_lines(a):
        m = re.match(rb"azkv: \+(\d+)ms (exec: new values: restart|exec: --grace over: KILL)", l)
        if m:
            t[m.group(2)] = int(m.group(1))
    if len(t) != 2:
        return "no restart and KILL lines: %r" % a.err()[-400:]
    took = t[b"exec: --grace over: KILL"] - t[b"exec: new values: restart"]
    if not 950 <= took < 2000:
        return "KILL %d ms after TERM, want --grace 1 s" % took
    old = int(starts(out)[0][1])
    if state(old) is not None:
        return "the old program is still there (%s)" % state(old)
    if starts(out)[1][2] != TWO:
        return "the new program has %r" % starts(out)[1]
    rc, _ = a.stop(signal.SIGUSR1, rc=9, waive=STATUS)   # (it ignores TERM)
    return None if rc == 9 else "exit %r, want 9" % rc


@in_agent
def t_exec_first_round_fails_closed(tmp):
    """exec --every whose first round fails: nothing runs, the error and exit code of exec"""
    out = os.path.join(tmp, "out")
    a = Agent(tmp, ["exec", "--every", "30s", "--", "/bin/sh", "-c", 'echo run >> "$OUT"'],
              env={"DB": "akv://myvault/no-such-secret", "OUT": out})
    rc, _ = a.wait(rc=5)
    if rc != 5 or read(out) is not None:
        return "exit %r, program output %r" % (rc, read(out))
    b = Agent(tmp, ["exec", "--every", "30s", "--", "/nonexistent/prog"],
              env={"DB": "akv://myvault/db-password"})
    rc, _ = b.wait(rc=2)
    lines = err_lines(b)
    return None if rc == 2 and len(lines) == 1 and b"/nonexistent/prog" in lines[0] \
        else "missing program: exit %r, %r" % (rc, lines)


# ---- failures ---------------------------------------------------------------

@in_agent
def t_fail_vault_unreachable_keeps_files(tmp):
    """the vault unreachable for 3 rounds, then 403 for one: the file stays as it was, one line a round; the next good round recovers"""
    f = os.path.join(tmp, "db")
    a = Agent(tmp, ["get", "--every", "30s", "--out", f, "myvault/rot"], control=secret(ONE))
    if not wait_for(lambda: read(f) == ONE.encode()):
        return "first round: %r" % a.err()[-300:]
    first = stat_of(f)
    ctl({"vault": "unavailable"})
    if not wait_for(lambda: len(err_lines(a)) >= 3, timeout=20):
        return "fewer than 3 failed rounds: %r" % a.err()
    ctl(dict(secret(TWO, V2), **{"vault:rot": "403"}))
    if not wait_for(lambda: b"HTTP 403" in a.err(), timeout=10):
        return "no 403 round: %r" % a.err()[-300:]
    if stat_of(f) != first or read(f) != ONE.encode() or temporaries(tmp):
        return "the file changed during failed rounds"
    lines = err_lines(a)
    if not all(l.startswith(b"azkv: ") and b"; next try in " in l for l in lines):
        return "stderr %r" % lines
    ctl(secret(TWO, V2))
    if not wait_for(lambda: read(f) == TWO.encode(), timeout=10):
        return "no recovery: %r" % a.err()[-300:]
    rc, _ = a.stop(waive=QUIET)
    return None if rc == 0 else "exit %r" % rc


@in_agent
def t_fail_vault_unreachable_keeps_program(tmp):
    """exec --every: failed rounds leave the program running as it is; the next good round with a new value restarts it"""
    out = os.path.join(tmp, "out")
    a = Agent(tmp, ["exec", "--every", "30s", "--", "/bin/sh", "-c", PROG],
              env={"DB": "akv://myvault/rot", "OUT": out}, control=secret(ONE))
    if not wait_for(lambda: starts(out)):
        return "no start"
    ctl({"vault": "unavailable"})
    if not wait_for(lambda: len(err_lines(a)) >= 3, timeout=20):
        return "fewer than 3 failed rounds: %r" % a.err()
    if len(starts(out)) != 1 or b"term" in read(out):
        return "the program was touched by failed rounds: %r" % read(out)
    ctl(secret(TWO, V2))
    if not wait_for(lambda: len(starts(out)) == 2, timeout=10):
        return "no restart after recovery: %r" % a.err()[-300:]
    rc, _ = a.stop(rc=42, waive=dict(QUIET, **STATUS))
    return None if rc == 42 else "exit %r" % rc


@in_agent
def t_term_during_sleep(tmp):
    """TERM while azkv sleeps between rounds (--every 30s): exit 0 within 1 s"""
    f = os.path.join(tmp, "db")
    a = Agent(tmp, ["get", "--every", "30s", "--out", f, "myvault/db-password"], test_ms=None)
    if not wait_for(lambda: read(f)):
        return "first round: %r" % a.err()[-300:]
    time.sleep(0.3)
    rc, took = a.stop()
    if rc != 0 or took > 1.0:
        return "exit %r after %.2f s" % (rc, took)
    left = [n for n in os.listdir(tmp) if not n.startswith("azkv.")]
    return None if not err_lines(a) and left == ["db"] else "stderr %r, folder %r" % (a.err(), left)


@in_agent
def t_term_mid_request(tmp):
    """TERM while a request waits on a stalled vault, in the first round and in a later one, and INT during a retry's sleep: exit 0 within 1 s, no temporary, the file kept"""
    f = os.path.join(tmp, "db")
    a = Agent(tmp, ["get", "--every", "30s", "--out", f, "myvault/db-password"],
              control={"vault:db-password": "stall"})
    if not wait_for(lambda: a.rounds() == 1):
        return "no stalled request"
    rc, took = a.stop()
    if rc != 0 or took > 1.0 or read(f) is not None:
        return "first round: exit %r after %.2f s" % (rc, took)
    b = Agent(tmp, ["get", "--every", "30s", "--out", f, "myvault/db-password"])
    if not wait_for(lambda: read(f)):
        return "no first round"
    ctl({"vault:db-password": "stall"})
    if not wait_for(lambda: any(e.get("status") is None for e in fx.requests(b.entries(), "vault"))):
        return "no stalled request in a later round"
    rc, took = b.stop()
    if rc != 0 or took > 1.0:
        return "later round: exit %r after %.2f s" % (rc, took)
    c = Agent(tmp, ["get", "--every", "30s", "--out", f, "myvault/db-password"])
    if not wait_for(lambda: c.rounds() >= 1):
        return "no first round"
    n = c.rounds()
    ctl({"vault:db-password": {"fault": "status", "arg": 503, "headers": {"Retry-After": "20"}}})
    if not wait_for(lambda: c.rounds() > n):
        return "no 503"
    time.sleep(0.2)
    rc, took = c.stop(signal.SIGINT)
    if rc != 0 or took > 1.0:
        return "retry sleep: exit %r after %.2f s" % (rc, took)
    if read(f) != fx.expected("db-password") or temporaries(tmp):
        return "file %r, temporaries %r" % (read(f), temporaries(tmp))
    return None if not (err_lines(a) or err_lines(b) or err_lines(c)) else \
        "stderr %r" % (a.err() + b.err() + c.err())


def t_usage_errors(tmp):
    """--every under 30 s, to stdout, with token; --signal without --pid-file: exit 2 before anything is sent"""
    cases = [["get", "--every", "10s", "--out", "f", "myvault/db-password"],
             ["get", "--every", "1m", "myvault/db-password"],
             ["token", "--every", "1m"],
             ["get", "--every", "1m", "--out", "f", "--signal", "HUP", "myvault/db-password"],
             ["get", "--out", "f", "--on-change", "/bin/true", "myvault/db-password"],
             ["exec", "--every", "1m", "--on-change", "/bin/true", "--", "/bin/true"]]
    for args in cases:
        r = H.run_azkv(args, 2, cwd=tmp, cacert=False)
        if r.rc != 2 or r.reqs() or os.listdir(tmp):
            return "%r: exit %r, %d requests, folder %r" % (args, r.rc, len(r.reqs()), os.listdir(tmp))
    return None


# ---- steady state, fleet, empty root ---------------------------------------

def vm(pid):
    """(RSS in KiB, open descriptors) between rounds: the rounds follow each
    other closely, and a round holds a folder open while it syncs a file, so
    the fewest descriptors over 50 looks, and the RSS then."""
    best = None
    for _ in range(50):
        with open("/proc/%d/status" % pid) as f:
            rss = int(re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M).group(1))
        try:
            fds = sorted(os.readlink("/proc/%d/fd/%s" % (pid, n)).split(":")[0]
                         for n in os.listdir("/proc/%d/fd" % pid))
        except FileNotFoundError:   # closed while we looked
            continue
        if best is None or len(fds) < len(best[1]):
            best = (rss, fds)
        time.sleep(0.002)
    return best


@in_agent
def t_steady_state_1000_rounds(tmp):
    """1,000 rounds (two secrets to a folder): RSS and open fds as after 10"""
    d = os.path.join(tmp, "d")
    os.mkdir(d)
    a = Agent(tmp, ["get", "--every", "30s", "--out-dir", d, "myvault/db-password", "myvault/multiline"],
              test_ms=1)
    if not a.after_rounds(20):
        return "fewer than 10 rounds"
    at10 = vm(a.pid)
    if not a.after_rounds(2000, timeout=120):
        return "fewer than 1,000 rounds in 120 s (%d)" % (a.rounds() // 2)
    at1000 = vm(a.pid)
    rc, _ = a.stop()
    figures = (at10[0], len(at10[1]), at1000[0], len(at1000[1]))
    print("# steady state: RSS %d KiB, %d fds after 10 rounds; RSS %d KiB, %d fds after 1,000"
          % figures + " (%s)" % ", ".join(at1000[1]))
    if rc != 0:
        return "exit %r: %r" % (rc, a.err()[-300:])
    if at1000[1] != at10[1] or at1000[0] > at10[0]:
        return "after 10 rounds RSS %d KiB, %d fds; after 1,000: %d KiB, %d fds" % figures
    return None


def t_fleet_ratios(tmp):
    """make fleet: 200 processes, a vault throttling above 50/s: requests <= 2x the minimal, the last done within 1.5x the floor"""
    p = H.run_cmd([sys.executable, FLEET], 0, env=dict(os.environ), timeout=300)
    out = p.out.decode()
    m = re.search(r"ratios: requests ([\d.]+)x .* last ([\d.]+)x", out)
    print("\n".join("# " + l for l in out.splitlines()))
    if p.rc != 0 or not m:
        return "fleet.py exit %r: %r" % (p.rc, (out + p.err.decode())[-400:])
    req, last = float(m.group(1)), float(m.group(2))
    return None if req <= 2.0 and last <= 1.5 else "requests %.2fx, last %.2fx" % (req, last)


def t_empty_root(tmp):
    """get --every and exec --every in an empty root (chroot): only azkv, the CA, what it writes"""
    root = os.path.join(tmp, "root")
    os.mkdir(root)
    for src, dst in ((AZKV, "azkv"), (ENVDUMP, "envdump"), (os.environ["AZKV_TEST_CA"], "ca.pem")):
        shutil.copy(src, os.path.join(root, dst))
    chroot = shutil.which("chroot") or "/usr/sbin/chroot"
    common = ["--resolve", "myvault.vault.azure.net:443:127.0.0.1", "--every", "30s"]
    a = Agent(tmp, ["get"] + common + ["--out", "/db", "myvault/db-password"], prefix=[chroot, root],
              exe="/azkv", cacert="/ca.pem")
    try:
        if not a.after_rounds(3):
            return "fewer than 3 rounds in the chroot: %r" % a.err()[-300:]
        rc, took = a.stop()
    finally:
        a.kill()
    if rc != 0 or took > 1.0 or read(os.path.join(root, "db")) != fx.expected("db-password"):
        return "get: exit %r after %.2f s, %r" % (rc, took, a.err()[-300:])
    b = Agent(tmp, ["exec"] + common + ["--", "/envdump", "/dump"], env={"DB": "akv://myvault/db-password"},
              prefix=[chroot, root], exe="/azkv", cacert="/ca.pem")
    try:
        rc, _ = b.wait()
    finally:
        b.kill()
    d = read_dump(os.path.join(root, "dump")) if os.path.exists(os.path.join(root, "dump")) else {}
    if rc != 0 or d.get("env", {}).get("DB") != fx.expected("db-password"):
        return "exec: exit %r, %r" % (rc, b.err()[-300:])
    left = sorted(os.listdir(root))
    return None if left == ["azkv", "ca.pem", "db", "dump", "envdump"] else "the root holds %r" % left


def setup():
    """build/envdump, and nginx (installed if missing, as certs.py does)."""
    if not shutil.which("nginx"):
        subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=900", "install", "-y", "-q",
                        "--no-install-recommends", "nginx-light"],
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"), check=False)
    return H.ensure_envdump() or (None if shutil.which("nginx") else "no nginx")


CASES = H.fn_cases(globals(), tmp="azkv-rot.")


def main(argv):
    return H.main(__file__, CASES, argv, __doc__, setup=setup)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
