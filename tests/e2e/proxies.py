#!/usr/bin/env python3
"""proxies.py: azkv through REAL proxies (squid and tinyproxy), end to end.

    tests/netns.sh -- python3 tests/e2e/proxies.py [-l] [PATTERN...]

Starts squid and tinyproxy (Debian packages; build.sh --deps installs them)
inside the private namespace, on loopback addresses, with configurations
generated here, and runs azkv through them to the fake vault:

  squid  127.0.0.1:3129  "http_access deny CONNECT": 403 and an HTML page
  squid  127.0.0.1:3130  Basic authentication (basic_ncsa_auth, htpasswd file
                         written with openssl passwd -apr1)
  squid  127.0.0.1:3131  open: every CONNECT allowed (and logged)
  tinyproxy 127.0.0.1:8888  BasicAuth, ConnectPort 443
  tinyproxy 127.0.0.1:8889  ConnectPort 8443 only: CONNECT to 443 refused (403)

Refusals are run several times: a proxy's header and its error page arrive
in one read or several, differently from run to run. Function cases on
harness.py (every run gets its invariants; the proxy passwords count as
secrets): one line per case, then "N passed, N failed".
"""
import hashlib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as H  # noqa: E402

D = H  # azkv runs, v, ok_shape, failure_shape: once delivery.py's, now the harness's
fx = H.fx
USER, PASSWORD = "azkv-test", "pr0xy p@ss:w%rd"  # every awkward byte for the URL
ENC = "pr0xy%20p%40ss%3Aw%25rd"                   # PASSWORD percent-encoded
TINY_PW = "t1ny.pr0xy-pw"  # tinyproxy's BasicAuth takes [-a-z0-9._] only
SQUID_DENY, SQUID_AUTH, SQUID_OPEN = 3129, 3130, 3131
TINY_AUTH, TINY_DENY = 8888, 8889
REPEAT = 5  # runs of each refusal
TARGET = "myvault.vault.azure.net:443"
SECRET = "myvault/db-password"


def purl(port, user=None, pw=None):
    auth = "%s:%s@" % (user, pw) if user is not None else ""
    return "http://%s127.0.0.1:%d" % (auth, port)


def wait_port(port, proc, what, seconds=20):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError("%s exited %s" % (what, proc.returncode))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("%s not listening on %d" % (what, port))


class Proxies:
    """squid and tinyproxy, configured in dir, run by an unprivileged user
    (squid refuses to stay root) that owns dir."""

    def __init__(self, d):
        self.d = d
        self.user = "proxy" if self._has_user("proxy") else "nobody"
        pw = pwd.getpwnam(self.user)
        os.chmod(d, 0o755)
        self.htpasswd = os.path.join(d, "htpasswd")
        h = subprocess.run(["openssl", "passwd", "-apr1", PASSWORD], check=True,
                           capture_output=True, text=True).stdout.strip()
        with open(self.htpasswd, "w") as f:
            f.write("%s:%s\n" % (USER, h))
        self.squid_log = os.path.join(d, "squid-access.log")
        self.tiny_log = os.path.join(d, "tinyproxy.log")
        self._write_confs()
        for n in os.listdir(d):
            os.chown(os.path.join(d, n), pw.pw_uid, pw.pw_gid)
        os.chown(d, pw.pw_uid, pw.pw_gid)
        self.procs = []
        self.procs.append(("squid", subprocess.Popen(
            ["squid", "-N", "-f", os.path.join(d, "squid.conf")],
            stdout=open(os.path.join(d, "squid.out"), "w"), stderr=subprocess.STDOUT)))
        for name in ("tiny-auth", "tiny-deny"):
            self.procs.append((name, subprocess.Popen(
                ["tinyproxy", "-d", "-c", os.path.join(d, name + ".conf")],
                stdout=open(os.path.join(d, name + ".out"), "w"), stderr=subprocess.STDOUT)))
        try:
            wait_port(SQUID_DENY, self.procs[0][1], "squid")
            wait_port(SQUID_AUTH, self.procs[0][1], "squid")
            wait_port(SQUID_OPEN, self.procs[0][1], "squid")
            wait_port(TINY_AUTH, self.procs[1][1], "tinyproxy")
            wait_port(TINY_DENY, self.procs[2][1], "tinyproxy")
        except Exception:
            self.stop()
            raise

    @staticmethod
    def _has_user(name):
        try:
            pwd.getpwnam(name)
            return True
        except KeyError:
            return False

    def _write_confs(self):
        d = self.d
        with open(os.path.join(d, "squid.conf"), "w") as f:
            f.write("""\
http_port 127.0.0.1:%(deny)d name=deny
http_port 127.0.0.1:%(auth)d name=auth
http_port 127.0.0.1:%(open)d name=open
visible_hostname azkv-test
cache_effective_user %(user)s
pid_filename %(d)s/squid.pid
cache_log %(d)s/squid-cache.log
access_log stdio:%(log)s
cache deny all
cache_mem 1 MB
coredump_dir %(d)s
netdb_filename none
shutdown_lifetime 0 seconds
dns_nameservers 127.0.0.1
auth_param basic program /usr/lib/squid/basic_ncsa_auth %(d)s/htpasswd
auth_param basic realm azkv-test
acl CONNECT method CONNECT
acl denyport myportname deny
acl authport myportname auth
acl openport myportname open
acl authed proxy_auth REQUIRED
http_access deny denyport CONNECT
http_access allow authport authed
http_access allow openport
http_access deny all
""" % {"deny": SQUID_DENY, "auth": SQUID_AUTH, "open": SQUID_OPEN, "user": self.user, "d": d,
                "log": self.squid_log})
        for name, port, cport, auth in (("tiny-auth", TINY_AUTH, 443, True),
                                        ("tiny-deny", TINY_DENY, 8443, False)):
            with open(os.path.join(d, name + ".conf"), "w") as f:
                f.write("""\
User %(user)s
Group %(group)s
Port %(port)d
Listen 127.0.0.1
Timeout 30
LogFile "%(log)s"
LogLevel Info
PidFile "%(d)s/%(name)s.pid"
MaxClients 20
Allow 127.0.0.1
ConnectPort %(cport)d
%(auth)s
""" % {"user": self.user, "group": self._group(), "port": port, "d": d, "name": name,
                    "log": self.tiny_log if auth else os.path.join(d, name + ".log"),
                    "cport": cport,
                    "auth": "BasicAuth %s %s" % (USER, TINY_PW) if auth else ""})

    def _group(self):
        import grp
        return grp.getgrgid(pwd.getpwnam(self.user).pw_gid).gr_name

    def stop(self):
        for _, p in self.procs:
            if p.poll() is None:
                p.terminate()
        for _, p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def squid_connects(self, seconds=3.0):
        """CONNECT lines of squid's access log (written when a tunnel ends)."""
        return self._lines(self.squid_log, "CONNECT", seconds)

    def tiny_connects(self, seconds=3.0):
        return self._lines(self.tiny_log, "CONNECT", seconds)

    @staticmethod
    def _lines(path, word, seconds):
        end = time.monotonic() + seconds
        while True:
            try:
                lines = [l for l in open(path, errors="replace") if word in l]
            except OSError:
                lines = []
            if lines or time.monotonic() >= end:
                return lines
            time.sleep(0.1)

    def truncate_logs(self):
        for p in (self.squid_log, self.tiny_log):
            if os.path.exists(p):
                open(p, "r+").truncate(0)


PX = None  # the running proxies


def azkv(args, env=None, rc=None):
    """harness.run_azkv; the proxies' passwords are secrets too."""
    return H.run_azkv(args, rc, env=env, timeout=90, secrets=(PASSWORD, ENC, TINY_PW))


def refusal(env, args, rc, line):
    """REPEAT runs, each: exit rc, empty stdout, stderr exactly line."""
    for i in range(REPEAT):
        r = azkv(args, env=env)
        why = D.failure_shape(r, rc)
        if why:
            return "run %d: %s" % (i + 1, why)
        if r.err != (line + "\n").encode():
            return "run %d: stderr %r, want %r" % (i + 1, r.err, line)
    return None


def t_squid_deny_connect(tmp):
    """squid's 403 page for CONNECT: exit 6, 'refused CONNECT: HTTP 403 Forbidden'"""
    return refusal({"HTTPS_PROXY": purl(SQUID_DENY)}, ["get", SECRET], 6,
                   "azkv: proxy 127.0.0.1:%d refused CONNECT: HTTP 403 Forbidden" % SQUID_DENY)


def t_tinyproxy_deny_port(tmp):
    """tinyproxy refusing CONNECT to port 443 (ConnectPort 8443): exit 6, 403"""
    return refusal({"HTTPS_PROXY": purl(TINY_DENY)}, ["get", SECRET], 6,
                   "azkv: proxy 127.0.0.1:%d refused CONNECT: HTTP 403 Access violation" % TINY_DENY)


def t_squid_407_no_credentials(tmp):
    """squid wants credentials, none given: the message says how to give them"""
    return refusal({"HTTPS_PROXY": purl(SQUID_AUTH)}, ["get", SECRET], 6,
                   "azkv: proxy 127.0.0.1:%d wants authentication (407): give USER:PASSWORD in the proxy URL"
                   % SQUID_AUTH)


def t_tinyproxy_407_no_credentials(tmp):
    """tinyproxy wants credentials (its 407 header and page split variously)"""
    return refusal({"https_proxy": purl(TINY_AUTH)}, ["get", SECRET], 6,
                   "azkv: proxy 127.0.0.1:%d wants authentication (407): give USER:PASSWORD in the proxy URL"
                   % TINY_AUTH)


def t_squid_407_wrong_password(tmp):
    """squid refuses a wrong password: said so, the password never shown"""
    return refusal({"HTTPS_PROXY": purl(SQUID_AUTH, USER, "wrong-pw")}, ["get", SECRET], 6,
                   "azkv: proxy 127.0.0.1:%d refused the credentials in the proxy URL (407)" % SQUID_AUTH)


def t_tinyproxy_401_wrong_password(tmp):
    """tinyproxy refuses a wrong password (given with --proxy) with a 401"""
    return refusal({}, ["get", "--proxy", purl(TINY_AUTH, USER, "wrong-pw"), SECRET], 6,
                   "azkv: proxy 127.0.0.1:%d refused the credentials in the proxy URL (401)" % TINY_AUTH)


def through(env, args, connects):
    PX.truncate_logs()
    r = azkv(args, env=env)
    why = D.ok_shape(r, D.v("db-password"))
    if why:
        return why, r
    lines = connects()
    if not any(TARGET in l for l in lines):
        return "the proxy's log shows no CONNECT %s: %r" % (TARGET, lines), r
    if any(p.encode() in r.err for p in (ENC, PASSWORD, TINY_PW)):
        return "the password is in stderr", r
    return None, r


def t_squid_basic_auth(tmp):
    """right credentials (percent-encoded in HTTPS_PROXY) through squid: the
    value, and squid's log shows the CONNECT by that user"""
    why, r = through({"HTTPS_PROXY": purl(SQUID_AUTH, USER, ENC)}, ["get", SECRET], PX.squid_connects)
    if why:
        return why
    lines = PX.squid_connects()
    return None if any(USER in l for l in lines) else "squid logged no user: %r" % lines


def t_tinyproxy_basic_auth(tmp):
    """right credentials through tinyproxy (https_proxy, lower case)"""
    return through({"https_proxy": purl(TINY_AUTH, USER, TINY_PW)}, ["get", SECRET], PX.tiny_connects)[0]


def t_password_never_in_verbose(tmp):
    """-v through squid and tinyproxy, success and refusal: no trace of the
    password (decoded or encoded) or of its Basic form on stderr"""
    basic = __import__("base64").b64encode(("%s:%s" % (USER, PASSWORD)).encode())
    runs = [({"HTTPS_PROXY": purl(SQUID_AUTH, USER, ENC)}, 0),
            ({"HTTPS_PROXY": purl(TINY_AUTH, USER, TINY_PW)}, 0),
            ({"HTTPS_PROXY": purl(TINY_AUTH, USER, TINY_PW + "x")}, 6),
            ({"HTTPS_PROXY": purl(SQUID_AUTH, "nobody", ENC)}, 6),
            ({"HTTPS_PROXY": purl(SQUID_AUTH, USER, ENC) + "/bad-path"}, 2)]
    for env, rc in runs:
        r = azkv(["get", "-v", SECRET], env=env, rc=rc)
        if r.rc != rc:
            return "exit %r, want %d: %r" % (r.rc, rc, r.err[-300:])
        for bad in (PASSWORD.encode(), ENC.encode(), basic, b"pr0xy", TINY_PW.encode()):
            if bad in r.err:
                return "%r in stderr (exit %d)" % (bad, rc)
        if rc == 0 and b"with Basic credentials" not in r.err:
            return "-v does not say credentials are used"
    return None


def t_bad_proxy_url_not_echoed(tmp):
    """a proxy URL azkv cannot use is named by its source, never echoed"""
    for env, args, src in (({"HTTPS_PROXY": "https://%s:%s@127.0.0.1:%d" % (USER, ENC, SQUID_AUTH)}, [], "HTTPS_PROXY"),
                           ({}, ["--proxy", "http://%s:p%%zz%s@127.0.0.1:1" % (USER, ENC)], "--proxy")):
        r = azkv(["get"] + args + [SECRET], env=env)
        why = D.failure_shape(r, 2, "proxy URL (%s)" % src)
        if why:
            return why
        if b"pr0xy" in r.err or USER.encode() in r.err:
            return "the URL's userinfo is in stderr: %r" % r.err
    return None


def t_service_fabric_never_proxied(tmp):
    """Service Fabric's https identity endpoint is reached directly with
    HTTPS_PROXY set; only the vault goes through the proxy"""
    PX.truncate_logs()
    env = H.env_sf(H.thumbprint("sf"))
    env["HTTPS_PROXY"] = purl(SQUID_OPEN)
    r = azkv(["get", "--source", "service-fabric", SECRET], env=env)
    why = D.ok_shape(r, D.v("db-password"))
    if why:
        return why
    lines = PX.squid_connects()
    if any(":2377" in l for l in lines):
        return "the Service Fabric endpoint went through the proxy: %r" % lines
    if not any(TARGET in l for l in lines):
        return "the vault did not go through the proxy: %r" % lines
    return None


CASES = H.fn_cases(globals(), tmp="azkv-proxies-case.")
TMP = []


def setup():
    global PX
    for tool in ("squid", "tinyproxy", "openssl"):
        if not shutil.which(tool):
            return "%s missing (./build.sh --deps installs it)" % tool
    TMP.append(tempfile.mkdtemp(prefix="azkv-proxies."))
    d = TMP[0]
    try:
        PX = Proxies(d)
    except Exception as ex:
        logs = ["%s: %s" % (n, open(os.path.join(d, n), errors="replace").read()[-600:])
                for n in os.listdir(d) if n.endswith((".out", "cache.log"))]
        return "%s %s" % (ex, " ".join(logs))
    return None


def teardown():
    if PX:
        PX.stop()
    for d in TMP:
        shutil.rmtree(d, ignore_errors=True)


def main(argv):
    return H.main(__file__, CASES, argv, __doc__, setup=setup, teardown=teardown)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
