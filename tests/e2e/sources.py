#!/usr/bin/env python3
"""sources.py: black-box runs of bin/azkv against every identity source of the
fake Azure (App Service 2019 and 2017, Arc, Service Fabric, Azure ML, Cloud
Shell, workload identity through Entra ID; IMDS as the fallback).

    tests/netns.sh -- python3 tests/e2e/sources.py [-l] [PATTERN...]
    python3 tests/e2e/sources.py ...     (re-executes itself through netns.sh)

Data cases on harness.py (its Case, run_case and judge; every run gets the
harness's invariants), plus on every case:
  * each request to a source listener has that source's method, path,
    api-version, secret header and selector spelling, and nothing of another
    source's protocol (appsvc 2019 vs 2017, Arc's two legs, Entra's form)
  * no IDENTITY_HEADER, MSI_SECRET, Arc key file content or federated token
    appears in stderr (-v included)
Cases that need files (federated tokens, Arc key files) make them in a
temporary folder, or in /var/opt/azcmagent/tokens, which netns.sh mounts as a
tmpfs private to the namespace. One case runs azkv twice (token rotation).
"""
import base64
import hashlib
import json
import os
import re
import shutil
import ssl
import sys
import tempfile
import time
from urllib.parse import parse_qs

sys.dont_write_bytecode = True  # keep tests/ free of __pycache__
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as H  # noqa: E402
import e2e  # noqa: E402  (its checks; importing runs nothing)
from harness import Case, fx, thumbprint, env_sf  # noqa: E402,F401  (env_sf: proxies.py's old import)
from e2e import no_traffic, elapsed_below  # noqa: E402

SRC = fx.DATA["sources"]
WI = SRC["workload"]
HDR, MSI2017, MLSEC = SRC["identity_header"], SRC["msi_secret"], SRC["ml_secret"]
ML_DEFAULT = SRC["ml_default_client_id"]
U1, U2 = fx.USER_IDS[0], fx.USER_IDS[1]
KV_RES = "https://vault.azure.net"
ARC_DIR = os.environ.get("FAKE_ARC_DIR", "/var/opt/azcmagent/tokens")
# made in main(), inside the namespace (the pid survives netns.sh's exec)
TMP = os.path.join(tempfile.gettempdir(), "azkv-sources.%d" % os.getpid())
TOKEN_FILE = os.path.join(TMP, "azure-identity-token")
SECRET_VARS = ("IDENTITY_HEADER", "MSI_SECRET")

APPSVC = "http://localhost:41601/MSI/token"
ARC = "http://localhost:40342/metadata/identity/oauth2/token"
SF = "https://localhost:2377/metadata/identity/oauth2/token"
ML = "http://localhost:46808/MSI/auth"
CS = "http://localhost:50343/oauth2/token"

ENV_APPSVC = {"IDENTITY_ENDPOINT": APPSVC, "IDENTITY_HEADER": HDR}
ENV_2017 = {"MSI_ENDPOINT": APPSVC, "MSI_SECRET": MSI2017}
ENV_ARC = {"IDENTITY_ENDPOINT": ARC, "IMDS_ENDPOINT": "http://localhost:40342"}
ENV_ML = {"MSI_ENDPOINT": ML, "MSI_SECRET": MLSEC, "DEFAULT_IDENTITY_CLIENT_ID": ML_DEFAULT}
ENV_CS = {"MSI_ENDPOINT": CS}
ENV_WI = {"AZURE_FEDERATED_TOKEN_FILE": TOKEN_FILE, "AZURE_TENANT_ID": WI["tenant"],
          "AZURE_CLIENT_ID": WI["client_id"]}


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def assertion(sub=None, exp=3600, iss=None):
    """A projected service-account token as kubelet writes it (the fake checks
    iss/sub/aud/exp, not the signature)."""
    now = int(time.time())
    claims = {"aud": WI["audience"], "exp": now + exp, "iat": now, "nbf": now,
              "iss": iss or WI["issuer"], "sub": sub or WI["subject"],
              "jti": b64u(os.urandom(12)),
              "kubernetes.io": {"namespace": "default", "serviceaccount": {"name": "azkv"}}}
    return "%s.%s.%s" % (b64u(json.dumps({"alg": "RS256", "kid": b64u(os.urandom(8))}).encode()),
                         b64u(json.dumps(claims).encode()), b64u(os.urandom(256)))


def write(path, data, mode=0o600):
    if os.path.lexists(path):
        os.remove(path)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "w") as f:
        f.write(data)


def token_file(text=None, **kw):
    """Setup: the federated token file holds text (default: a fresh valid one)."""
    return lambda: write(TOKEN_FILE, assertion(**kw) + "\n" if text is None else text)


# ---- checks -----------------------------------------------------------------

def reqs_of(r, listener, n=None):
    e = r.reqs(listener)
    if n is not None and len(e) != n:
        raise AssertionError("want %d %s request(s), log has %d" % (n, listener, len(e)))
    return e


def only(listener, n=1, query=None, form=None, headers=None):
    """Exactly n requests, all on listener (no other token endpoint), the
    last one's query/form containing the given pairs, absent when None."""
    def f(r):
        try:
            e = reqs_of(r, listener, n)
        except AssertionError as ex:
            return str(ex)
        others = [x["listener"] for x in r.reqs() if x["listener"] not in (listener, "vault")]
        if others:
            return "requests to other identity endpoints: %r" % others
        last = e[-1]
        for want, got in ((query, last["query"]), (form, form_of(last))):
            for k, v in (want or {}).items():
                if got.get(k) != v:
                    return "%s %s=%r, want %r" % (listener, k, got.get(k), v)
        for k, v in (headers or {}).items():
            if last["headers"].get(k) != v:
                return "%s header %s=%r, want %r" % (listener, k, last["headers"].get(k), v)
        return None
    return f


def no_param(listener, *names):
    def f(r):
        for e in r.reqs(listener):
            got = [k for k in names if k in e["query"] or k in form_of(e)]
            if got:
                return "%s request carries %r" % (listener, got)
        return None
    return f


def form_of(e):
    return {k: v[0] for k, v in parse_qs(e.get("body") or "", keep_blank_values=True).items()}


def stderr_has(*needles):
    def f(r):
        miss = [n for n in needles if n.encode() not in r.err]
        return "stderr lacks %r" % miss if miss else None
    return f


def stderr_matches(pattern):
    return lambda r: None if re.search(pattern.encode(), r.err) else "stderr !~ %r: %r" % (
        pattern, r.err[-300:])


def lifetime(lo, hi):
    """-v reports a token valid for lo..hi seconds."""
    def f(r):
        m = re.search(rb"valid for (-?\d+)s", r.err)
        if not m:
            return "no 'valid for' line in -v output"
        n = int(m.group(1))
        return None if lo <= n <= hi else "token valid for %ds, want %d..%d" % (n, lo, hi)
    return f


def entra_assertion_is(path_text):
    """The Entra request carried exactly the file's token (newline trimmed)."""
    def f(r):
        e = r.reqs("entra")
        if not e:
            return "no Entra request"
        got = form_of(e[-1]).get("client_assertion")
        want = path_text().strip()
        return None if got == want else "client_assertion is not the token file's content"
    return f


def source_invariants(r):
    """Protocol rules of every source request (see the module doc)."""
    why = []
    for e in r.reqs("appsvc"):
        h, q = e["headers"], e["query"]
        if e["method"] != "GET":
            why.append("appsvc %s" % e["method"])
        if q.get("api-version") == "2019-08-01":
            if "x-identity-header" not in h or "secret" in h:
                why.append("appsvc 2019 headers %r" % sorted(h))
            if set(q) - {"resource", "api-version", "client_id", "principal_id", "mi_res_id"}:
                why.append("appsvc 2019 query %r" % sorted(q))
        elif q.get("api-version") == "2017-09-01":
            if "secret" not in h or "x-identity-header" in h:
                why.append("appsvc 2017 headers %r" % sorted(h))
            if set(q) - {"resource", "api-version", "clientid"}:
                why.append("appsvc 2017 query %r" % sorted(q))
        else:
            why.append("appsvc api-version %r" % q.get("api-version"))
    arc = r.reqs("arc")
    for i, e in enumerate(arc):
        if e["method"] != "GET" or e["headers"].get("metadata") != "true" \
                or e["query"].get("api-version") != "2020-06-01":
            why.append("arc request %s %r" % (e["method"], e["query"]))
        if "authorization" in e["headers"] and (i == 0 or arc[i - 1]["status"] != 401):
            why.append("arc Authorization sent without a challenge before it")
    for e in r.reqs("sf"):
        if e["method"] != "GET" or e["query"].get("api-version") != "2019-07-01-preview" \
                or "secret" not in e["headers"]:
            why.append("sf request %s %r %r" % (e["method"], e["query"], sorted(e["headers"])))
    for e in r.reqs("ml"):
        if e["method"] != "GET" or e["query"].get("api-version") != "2017-09-01" \
                or "secret" not in e["headers"] or not e["query"].get("clientid"):
            why.append("ml request %s %r" % (e["method"], e["query"]))
    for e in r.reqs("cloudshell"):
        if e["method"] != "POST" or e["headers"].get("metadata") != "true" \
                or set(form_of(e)) != {"resource"} or e["query"]:
            why.append("cloudshell request %s %r" % (e["method"], e.get("body")))
    for e in r.reqs("entra"):
        f = form_of(e)
        if e["method"] != "POST" or "//" in e["path"] or set(f) != {
                "client_id", "grant_type", "client_assertion_type", "client_assertion", "scope"} \
                or not f.get("scope", "").endswith("/.default"):
            why.append("entra request %s %s %r" % (e["method"], e["path"], sorted(f)))
        if e["headers"].get("host") != e["tls"]["sni"]:
            why.append("entra Host %r but SNI %r" % (e["headers"].get("host"), e["tls"]["sni"]))
    return "; ".join(why) or None


def secrets_of(r, case):
    """Every credential the run could have leaked."""
    s = [HDR, MSI2017, MLSEC] + [case.env[k] for k in SECRET_VARS if case.env.get(k)]
    for e in r.reqs("arc"):
        a = e["headers"].get("authorization") or ""
        if a.startswith("Basic ") and len(a) > 10:
            s.append(a[6:])
    for e in r.reqs("entra"):
        s.append(form_of(e).get("client_assertion") or "")
    try:
        with open(TOKEN_FILE) as f:
            s.append(f.read().strip())
    except OSError:
        pass
    return [x for x in s if len(x) >= 8]


class SCase(Case):
    """A Case with a setup step (run before azkv) and the source checks."""

    def __init__(self, name, args, setup=None, **kw):
        super().__init__(name, args, setup=setup, **kw)
        self.checks.insert(0, source_invariants)
        self.checks.append(lambda r, c=self: leak_check(r, c))


def leak_check(r, case):
    leaked = [s[:6] + "..." for s in secrets_of(r, case) if s.encode() in r.err]
    return "stderr leaks a credential (%s)" % ", ".join(leaked) if leaked else None


def rotation():
    """Workload identity across a token rotation: two runs, each must send the
    token file's content of its time."""
    def run_all():
        first, second = assertion(), assertion()
        for text in (first, second):
            c = SCase("wi-token-file-rotated", ["token"], env=ENV_WI, out=e2e.token_out(listener="entra"),
                      setup=lambda t=text: write(TOKEN_FILE, t + "\n"),
                      checks=[only("entra", form={"client_assertion": text})])
            why = c.run()
            if why:
                return why
        return None
    return Case("wi-token-file-rotated", fn=run_all,
                doc="the federated token file is read on every run: kubelet rotates it")


# ---- the cases ----------------------------------------------------------------

def cases():
    v = fx.expected("db-password")
    tp_sf, tp_ec, tp_big = thumbprint("sf"), thumbprint("sf-ec"), thumbprint("sf-big")
    C = []
    add = C.append
    tok = lambda listener: e2e.token_out(listener=listener)  # noqa: E731
    verbose = dict(stderr_ok=True)

    # detection by environment alone: -v names the source and why
    add(SCase("detect-app-service", ["token", "-v"], env=ENV_APPSVC, out=tok("appsvc"), **verbose,
              checks=[only("appsvc", query={"resource": KV_RES, "api-version": "2019-08-01"},
                           headers={"x-identity-header": HDR}),
                      stderr_has("source app-service (auto: IDENTITY_ENDPOINT and IDENTITY_HEADER"),
                      lifetime(3590, 3600)]))
    add(SCase("detect-app-service-over-2017", ["token", "-v"], env=dict(ENV_APPSVC, **ENV_2017),
              out=tok("appsvc"), **verbose,
              checks=[only("appsvc", query={"api-version": "2019-08-01"})],
              doc="App Service sets both pairs: 2019-08-01 wins"))
    add(SCase("detect-service-fabric", ["token", "-v"], env=env_sf(tp_sf), out=tok("sf"), **verbose,
              checks=[only("sf", query={"resource": KV_RES}, headers={"secret": HDR}),
                      stderr_has("source service-fabric (auto: IDENTITY_ENDPOINT, IDENTITY_HEADER "
                                 "and IDENTITY_SERVER_THUMBPRINT"), lifetime(3590, 3600)]))
    add(SCase("detect-arc", ["token", "-v"], env=ENV_ARC, out=tok("arc"), **verbose,
              checks=[only("arc", 2), stderr_has("source arc (auto: IDENTITY_ENDPOINT and IMDS_ENDPOINT"),
                      lifetime(3590, 3600)]))
    add(SCase("detect-azure-ml", ["token", "-v"], env=ENV_ML, out=tok("ml"), **verbose,
              checks=[only("ml", query={"clientid": ML_DEFAULT}, headers={"secret": MLSEC}),
                      stderr_has("source azure-ml (auto: MSI_ENDPOINT and MSI_SECRET"),
                      lifetime(3590, 3600)]))
    add(SCase("detect-cloud-shell", ["token", "-v"], env=ENV_CS, out=tok("cloudshell"), **verbose,
              checks=[only("cloudshell", form={"resource": KV_RES}),
                      stderr_has("source cloud-shell (auto: MSI_ENDPOINT"), lifetime(3590, 3600)]))
    add(SCase("detect-workload-identity", ["token", "-v"], env=ENV_WI, out=tok("entra"), **verbose,
              setup=token_file(),
              checks=[only("entra", form={"client_id": WI["client_id"],
                                          "scope": KV_RES + "/.default",
                                          "grant_type": "client_credentials"}),
                      stderr_has("source workload-identity (auto: AZURE_FEDERATED_TOKEN_FILE",
                                 "authority https://login.microsoftonline.com"),
                      lifetime(3590, 3600)]))
    add(SCase("detect-imds", ["token", "-v"], out=tok("imds"), **verbose,
              checks=[only("imds"), stderr_has("source imds (auto: no other source")]))
    add(SCase("detect-order-all-set", ["token", "-v"],
              env=dict(env_sf(tp_sf), **ENV_ML, IMDS_ENDPOINT="http://localhost:40342",
                       **{k: v for k, v in ENV_WI.items()}), setup=token_file(),
              out=tok("sf"), **verbose, checks=[only("sf")],
              doc="every variable set: Service Fabric comes first"))
    add(SCase("detect-arc-before-ml", ["token"], env=dict(ENV_ARC, **ENV_ML), out=tok("arc"),
              checks=[only("arc", 2)]))
    add(SCase("detect-ml-before-wi", ["token"], env=dict(ENV_ML, **ENV_WI), setup=token_file(),
              out=tok("ml"), checks=[only("ml", query={"clientid": WI["client_id"]})],
              doc="AZURE_CLIENT_ID is the ML selector then"))
    add(SCase("detect-wi-needs-client-id", ["token"],
              env={k: v for k, v in ENV_WI.items() if k != "AZURE_CLIENT_ID"}, setup=token_file(),
              out=tok("imds"), checks=[only("imds")]))
    add(SCase("detect-wi-client-id-option", ["token", "--client-id", WI["client_id"]],
              env={k: v for k, v in ENV_WI.items() if k != "AZURE_CLIENT_ID"}, setup=token_file(),
              out=tok("entra"), checks=[only("entra")]))
    add(SCase("detect-identity-endpoint-alone", ["token"], env={"IDENTITY_ENDPOINT": APPSVC},
              out=tok("imds"), checks=[only("imds")]))
    add(SCase("detect-empty-vars-unset", ["token"],
              env={"IDENTITY_ENDPOINT": APPSVC, "IDENTITY_HEADER": ""}, out=tok("imds"),
              checks=[only("imds")], doc="an empty variable counts as unset"))
    add(SCase("source-imds-overrides", ["token", "--source", "imds"], env=ENV_APPSVC,
              out=tok("imds"), checks=[only("imds")]))

    # a secret through each source, end to end
    for name, env, listener, n, setup in (
            ("app-service", ENV_APPSVC, "appsvc", 1, None),
            ("arc", ENV_ARC, "arc", 2, None),
            ("service-fabric", env_sf(tp_sf), "sf", 1, None),
            ("azure-ml", ENV_ML, "ml", 1, None),
            ("cloud-shell", ENV_CS, "cloudshell", 1, None),
            ("workload-identity", ENV_WI, "entra", 1, token_file())):
        add(SCase("get-" + name, ["get", "myvault/db-password"], env=env, out=v, setup=setup,
                  checks=[only(listener, n), e2e.no_challenge_round]))
    add(SCase("get-app-service-2017", ["get", "--source", "app-service-2017", "myvault/db-password"],
              env=ENV_2017, out=v, checks=[only("appsvc", query={"api-version": "2017-09-01"},
                                                headers={"secret": MSI2017})]))

    # App Service: endpoint forms, selectors, errors
    add(SCase("appsvc-endpoint-trailing-slash", ["token"],
              env=dict(ENV_APPSVC, IDENTITY_ENDPOINT=APPSVC + "/"), out=tok("appsvc"),
              checks=[lambda r: None if r.reqs("appsvc")[0]["path"] == "/MSI/token/" else "path"]))
    add(SCase("appsvc-endpoint-ip", ["token"],
              env=dict(ENV_APPSVC, IDENTITY_ENDPOINT="http://127.0.0.1:41601/MSI/token"),
              out=tok("appsvc")))
    add(SCase("appsvc-client-id", ["token", "--client-id", U1["client_id"]], env=ENV_APPSVC,
              out=tok("appsvc"), checks=[only("appsvc", query={"client_id": U1["client_id"]}),
                                         no_param("appsvc", "object_id", "msi_res_id", "clientid")]))
    add(SCase("appsvc-object-id", ["token", "--object-id", U1["object_id"]], env=ENV_APPSVC,
              out=tok("appsvc"), checks=[only("appsvc", query={"principal_id": U1["object_id"]}),
                                         no_param("appsvc", "object_id", "client_id")]))
    add(SCase("appsvc-resource-id", ["token", "--resource-id", U2["msi_res_id"]], env=ENV_APPSVC,
              out=tok("appsvc"), checks=[only("appsvc", query={"mi_res_id": U2["msi_res_id"]}),
                                         no_param("appsvc", "msi_res_id")]))
    add(SCase("appsvc-env-client-id", ["token"], env=dict(ENV_APPSVC, AZURE_CLIENT_ID=U2["client_id"]),
              out=tok("appsvc"), checks=[only("appsvc", query={"client_id": U2["client_id"]})]))
    add(SCase("appsvc-unknown-identity", ["token", "--client-id", "99999999-9999-9999-9999-999999999999"],
              env=ENV_APPSVC, rc=3, err="Unable to load the requested managed identity",
              checks=[only("appsvc")]))
    add(SCase("appsvc-500-body", ["token", "--timeout", "3"], env=ENV_APPSVC,
              control={"appsvc": "500"}, rc=3, checks=[elapsed_below(8)],
              err="HTTP 500: 500: An unexpected error occured while fetching the AAD Token.",
              doc="App Service's statusCode/message body, after the retries the deadline allows"))
    add(SCase("appsvc-404-retried", ["token"], env=ENV_APPSVC, control={"appsvc": ["404", "ok"]},
              out=tok("appsvc"), checks=[only("appsvc", 2)]))
    add(SCase("appsvc-wrong-header", ["token"], env=dict(ENV_APPSVC, IDENTITY_HEADER="wrong-header-0123"),
              rc=3, err="X-IDENTITY-HEADER is invalid", checks=[only("appsvc")],
              doc="401 is not retried"))
    add(SCase("appsvc-https-endpoint", ["token"],
              env=dict(ENV_APPSVC, IDENTITY_ENDPOINT="https://localhost:41601/MSI/token"),
              rc=2, err="IDENTITY_ENDPOINT: want an http:// URL", checks=[no_traffic]))
    add(SCase("appsvc-bad-endpoint", ["token"],
              env=dict(ENV_APPSVC, IDENTITY_ENDPOINT="localhost:41601/MSI/token"),
              rc=2, err="IDENTITY_ENDPOINT", checks=[no_traffic]))
    add(SCase("appsvc-source-missing-env", ["token", "--source", "app-service"], rc=2,
              err="--source app-service: IDENTITY_ENDPOINT and IDENTITY_HEADER must be set",
              checks=[no_traffic]))
    add(SCase("appsvc-2017-client-id", ["token", "--source", "app-service-2017", "--client-id",
                                        U1["client_id"]], env=ENV_2017, out=tok("appsvc"),
              checks=[only("appsvc", query={"clientid": U1["client_id"], "api-version": "2017-09-01"}),
                      no_param("appsvc", "client_id")]))
    add(SCase("appsvc-2017-object-id", ["token", "--source", "app-service-2017", "--object-id",
                                        U1["object_id"]], env=ENV_2017, rc=2,
              err="--object-id: the app-service-2017 source cannot select", checks=[no_traffic]))
    add(SCase("appsvc-2017-missing-env", ["token", "--source", "app-service-2017"], env=ENV_APPSVC,
              rc=2, err="MSI_ENDPOINT and MSI_SECRET must be set", checks=[no_traffic]))

    # Arc: the challenge and its key file
    def arc_file(name, data="k3y-" + "x" * 40, target=None, kind="file"):
        path = os.path.join(ARC_DIR, name)

        def setup():
            if os.path.isdir(path) and not os.path.islink(path):
                os.rmdir(path)
            elif os.path.lexists(path):
                os.remove(path)
            if kind == "symlink":
                write(target, data)
                os.symlink(target, path)
            elif kind == "fifo":
                os.mkfifo(path, 0o600)
            elif kind == "dir":
                os.mkdir(path, 0o700)
            else:
                write(path, data)
        return path, setup

    def arc_refused(name, path, setup, why, doc=""):
        add(SCase(name, ["token"], env=ENV_ARC, control={"arc_realm": path}, setup=setup, rc=3,
                  err=why, checks=[only("arc", 1)], doc=doc or "refused: no second request"))

    p, s = arc_file("ok.key")
    add(SCase("arc-key-in-folder", ["token"], env=ENV_ARC, control={"arc_realm": p}, setup=s,
              out=tok("arc"), checks=[only("arc", 2, headers={"authorization": "Basic k3y-" + "x" * 40})],
              doc="the content goes verbatim (not base64) into Authorization: Basic"))
    p, s = arc_file("max.key", data="m" * 4096)
    add(SCase("arc-key-4096-bytes", ["token"], env=ENV_ARC, control={"arc_realm": p}, setup=s,
              out=tok("arc"), checks=[only("arc", 2)]))
    outside = os.path.join(TMP, "outside.key")
    arc_refused("arc-key-outside-folder", outside, lambda: write(outside, "k3y-outside-0123456789"),
                "not directly in the Arc tokens folder")
    p = os.path.join(ARC_DIR, "..", "tokens", "dotdot.key")
    arc_refused("arc-key-dotdot", p, arc_file("dotdot.key")[1], "not directly in the Arc tokens folder")
    p, s = arc_file("link.key", target=os.path.join(TMP, "target.key"), kind="symlink")
    arc_refused("arc-key-symlink", p, s, "a symbolic link, refused")
    p, s = arc_file("big.key", data="b" * 5000)
    arc_refused("arc-key-5000-bytes", p, s, "larger than the limit, refused")
    p, s = arc_file("4097.key", data="b" * 4097)
    arc_refused("arc-key-4097-bytes", p, s, "larger than the limit, refused")
    p, s = arc_file("secret.txt")
    arc_refused("arc-key-not-dot-key", p, s, "file name does not end in .key")
    p, s = arc_file("fifo.key", kind="fifo")
    arc_refused("arc-key-fifo", p, s, "not a regular file, refused")
    p, s = arc_file("dir.key", kind="dir")
    arc_refused("arc-key-directory", p, s, "not a regular file, refused")
    p, s = arc_file("empty.key", data="")
    arc_refused("arc-key-empty", p, s, "empty or not text, refused")
    p, s = arc_file("newline.key", data="k3y-with-newline-0123\n")
    arc_refused("arc-key-control-byte", p, s, "empty or not text, refused",
                doc="the content is sent verbatim, so a newline cannot be")
    arc_refused("arc-key-missing", os.path.join(ARC_DIR, "missing.key"), None,
                "No such file or directory")
    add(SCase("arc-no-challenge", ["token"], env=ENV_ARC, control={"arc": "403"}, rc=3,
              err="where a 401 challenge was expected", checks=[only("arc", 1)]))
    add(SCase("arc-not-basic", ["token"], env=ENV_ARC,
              control={"arc": {"fault": "status", "arg": 401,
                               "headers": {"WWW-Authenticate": "Bearer realm=/x.key"}}},
              rc=3, err="401 without a Basic realm= key file challenge", checks=[only("arc", 1)]))
    add(SCase("arc-client-id-option", ["token", "--client-id", U1["client_id"]], env=ENV_ARC, rc=2,
              err="--client-id: the arc source cannot select", checks=[no_traffic]))
    add(SCase("arc-env-client-id-ignored", ["token", "-v"], env=dict(ENV_ARC, AZURE_CLIENT_ID=U1["client_id"]),
              out=tok("arc"), **verbose, checks=[only("arc", 2), no_param("arc", "client_id"),
                                                 stderr_has("AZURE_CLIENT_ID ignored")]))
    add(SCase("arc-source-default-endpoint", ["token", "--source", "arc"], out=tok("arc"),
              checks=[only("arc", 2)], doc="no IDENTITY_ENDPOINT: 127.0.0.1:40342 as MSAL"))

    # Service Fabric: the pinned self-signed certificate
    add(SCase("sf-thumbprint-lower-case", ["token"], env=env_sf(tp_sf.lower()), out=tok("sf"),
              checks=[only("sf")]))
    add(SCase("sf-thumbprint-colons", ["token"],
              env=env_sf(":".join(tp_sf[i:i + 2] for i in range(0, 40, 2))), out=tok("sf"),
              checks=[only("sf")]))
    add(SCase("sf-thumbprint-spaces", ["token"],
              env=env_sf(" ".join(tp_sf[i:i + 4] for i in range(0, 40, 4))), out=tok("sf"),
              checks=[only("sf")]))
    add(SCase("sf-wrong-thumbprint", ["token"], env=env_sf("0" * 40), rc=7,
              err="certificate SHA-1 does not match the pinned thumbprint",
              checks=[lambda r: "a request reached sf" if r.reqs("sf") else None]))
    add(SCase("sf-thumbprint-other-cert", ["token"], env=env_sf(tp_ec), rc=7,
              err="does not match the pinned thumbprint",
              checks=[lambda r: "a request reached sf" if r.reqs("sf") else None]))
    add(SCase("sf-ec-certificate", ["token"], env=env_sf(tp_ec), control={"sf_cert": "ec"},
              out=tok("sf"), checks=[only("sf")]))
    add(SCase("sf-certificate-too-big", ["token"], env=env_sf(tp_big), control={"sf_cert": "big"},
              rc=7, err="the server's certificate is over 16384 bytes",
              checks=[lambda r: "a request reached sf" if r.reqs("sf") else None],
              doc="the pin matches, but azkv keeps at most 16 KiB of the leaf to read its key"))
    add(SCase("sf-thumbprint-sha256", ["token"], env=env_sf(hashlib.sha256(b"x").hexdigest()), rc=2,
              err="IDENTITY_SERVER_THUMBPRINT: want 40 hex digits", checks=[no_traffic]))
    add(SCase("sf-thumbprint-not-hex", ["token"], env=env_sf("Z" * 40), rc=2,
              err="IDENTITY_SERVER_THUMBPRINT", checks=[no_traffic]))
    add(SCase("sf-http-endpoint", ["token"],
              env=dict(env_sf(tp_sf), IDENTITY_ENDPOINT=SF.replace("https", "http")), rc=2,
              err="IDENTITY_ENDPOINT: want an https:// URL", checks=[no_traffic]))
    add(SCase("sf-not-verification-off", ["token"], env=env_sf(tp_sf), cacert=False,
              out=tok("sf"), checks=[only("sf")],
              doc="the pin alone decides: no CA, name or date check, and no other trust"))
    add(SCase("sf-wrong-secret", ["token"], env=dict(env_sf(tp_sf), IDENTITY_HEADER="wrong-secret-0123"),
              rc=3, err="ManagedIdentityNotFound: Managed Identity not found",
              checks=[only("sf", 1)], doc="404 is not retried for Service Fabric"))
    add(SCase("sf-429-retried", ["token"], env=env_sf(tp_sf), control={"sf": ["429", "ok"]},
              out=tok("sf"), checks=[only("sf", 2)]))
    add(SCase("sf-client-id-option", ["token", "--client-id", U1["client_id"]], env=env_sf(tp_sf),
              rc=2, err="--client-id: the service-fabric source cannot select", checks=[no_traffic]))
    add(SCase("sf-resource-id-option", ["token", "--resource-id", U1["msi_res_id"]], env=env_sf(tp_sf),
              rc=2, checks=[no_traffic]))
    add(SCase("sf-env-client-id-ignored", ["token"], env=dict(env_sf(tp_sf), AZURE_CLIENT_ID=U1["client_id"]),
              out=tok("sf"), checks=[only("sf"), no_param("sf", "client_id", "principalId")]))

    # Azure ML
    add(SCase("ml-client-id", ["token", "--client-id", U1["client_id"]], env=ENV_ML, out=tok("ml"),
              checks=[only("ml", query={"clientid": U1["client_id"]}), no_param("ml", "client_id")]))
    add(SCase("ml-env-client-id", ["token"], env=dict(ENV_ML, AZURE_CLIENT_ID=U2["client_id"]),
              out=tok("ml"), checks=[only("ml", query={"clientid": U2["client_id"]})]))
    add(SCase("ml-no-client-id", ["token"],
              env={k: v for k, v in ENV_ML.items() if k != "DEFAULT_IDENTITY_CLIENT_ID"}, rc=2,
              err="Azure ML needs a client id", checks=[no_traffic]))
    add(SCase("ml-object-id", ["token", "--object-id", U1["object_id"]], env=ENV_ML, rc=2,
              err="--object-id: the azure-ml source cannot select", checks=[no_traffic]))
    add(SCase("ml-wrong-secret", ["token"], env=dict(ENV_ML, MSI_SECRET="wrong-ml-secret-0123"), rc=3,
              err="HTTP 401", checks=[only("ml", 1)]))

    # Cloud Shell
    add(SCase("cloudshell-audience-not-supported", ["token", "--resource", "https://vault.azure.cn"],
              env=ENV_CS, rc=3, err="AudienceNotSupported: Audience https://vault.azure.cn is not a "
              "supported MSI token audience", checks=[only("cloudshell", 1)]))
    add(SCase("cloudshell-hsm", ["token", "--resource", "https://managedhsm.azure.net"], env=ENV_CS,
              out=tok("cloudshell"), checks=[only("cloudshell", form={"resource": "https://managedhsm.azure.net"})]))
    add(SCase("cloudshell-client-id-option", ["token", "--client-id", U1["client_id"]], env=ENV_CS,
              rc=2, err="--client-id: the cloud-shell source cannot select", checks=[no_traffic]))
    add(SCase("cloudshell-env-client-id-ignored", ["token"], env=dict(ENV_CS, AZURE_CLIENT_ID=U1["client_id"]),
              out=tok("cloudshell"), checks=[only("cloudshell", form={"resource": KV_RES})]))

    # workload identity: Entra ID over TLS, authorities per cloud
    add(SCase("wi-get-china", ["get", "-v", "kv.vault.azure.cn/db-password"], env=ENV_WI, out=v,
              setup=token_file(), **verbose,
              checks=[only("entra", form={"scope": "https://vault.azure.cn/.default"}),
                      lambda r: None if r.reqs("entra")[0]["tls"]["sni"] == "login.chinacloudapi.cn"
                      else "Entra host %r" % r.reqs("entra")[0]["tls"]["sni"],
                      e2e.sni_is("kv.vault.azure.cn"),
                      stderr_has("authority https://login.chinacloudapi.cn (the resource's cloud)")]))
    add(SCase("wi-get-us-gov", ["get", "kv.vault.usgovcloudapi.net/db-password"], env=ENV_WI, out=v,
              setup=token_file(),
              checks=[only("entra", form={"scope": "https://vault.usgovcloudapi.net/.default"}),
                      lambda r: None if r.reqs("entra")[0]["tls"]["sni"] == "login.microsoftonline.us"
                      else "Entra host %r" % r.reqs("entra")[0]["tls"]["sni"]]))
    add(SCase("wi-authority-trailing-slash", ["token"], setup=token_file(), out=tok("entra"),
              env=dict(ENV_WI, AZURE_AUTHORITY_HOST="https://login.microsoftonline.com/"),
              checks=[only("entra"), lambda r: None if r.reqs("entra")[0]["path"] ==
                      "/%s/oauth2/v2.0/token" % WI["tenant"] else "path %r" % r.reqs("entra")[0]["path"]]))
    add(SCase("wi-authority-no-scheme", ["token"], setup=token_file(), out=tok("entra"),
              env=dict(ENV_WI, AZURE_AUTHORITY_HOST="login.microsoftonline.com"), checks=[only("entra")]))
    add(SCase("wi-authority-overrides-cloud", ["token", "--resource", "https://vault.azure.cn"],
              setup=token_file(), env=dict(ENV_WI, AZURE_AUTHORITY_HOST="https://login.microsoftonline.com/"),
              rc=3, err="AADSTS500011", checks=[only("entra")],
              doc="AZURE_AUTHORITY_HOST wins over the resource's cloud (here the wrong one)"))
    add(SCase("wi-authority-http", ["token"], setup=token_file(),
              env=dict(ENV_WI, AZURE_AUTHORITY_HOST="http://login.microsoftonline.com"), rc=2,
              err="AZURE_AUTHORITY_HOST: not an https:// authority", checks=[no_traffic]))
    add(SCase("wi-no-test-ca", ["token"], setup=token_file(), env=ENV_WI, cacert=False, rc=7,
              checks=[lambda r: "a request reached Entra" if r.reqs("entra") else None],
              doc="Entra ID is verified with the client's trust: the built-in roots here"))
    add(SCase("wi-aadsts70021", ["token"], setup=token_file(sub="system:serviceaccount:other:app"),
              env=ENV_WI, rc=3, err=["invalid_client: AADSTS70021: No matching federated identity record"],
              checks=[only("entra", 1)]))
    add(SCase("wi-assertion-expired", ["token"], setup=token_file(exp=-600), env=ENV_WI, rc=3,
              err="AADSTS700024", checks=[only("entra", 1)]))
    add(SCase("wi-unknown-client-id", ["token", "--client-id", U2["client_id"]], setup=token_file(),
              env=ENV_WI, rc=3, err="AADSTS700016", checks=[only("entra", form={"client_id": U2["client_id"]})]))
    add(SCase("wi-object-id", ["token", "--object-id", U1["object_id"], "--source", "workload-identity"],
              setup=token_file(), env={k: v for k, v in ENV_WI.items() if k != "AZURE_CLIENT_ID"}, rc=2,
              err="--object-id: the workload-identity source cannot select", checks=[no_traffic]))
    add(SCase("wi-source-no-client-id", ["token", "--source", "workload-identity"], setup=token_file(),
              env={k: v for k, v in ENV_WI.items() if k != "AZURE_CLIENT_ID"}, rc=2,
              err="workload identity needs a client id", checks=[no_traffic]))
    add(SCase("wi-token-file-missing", ["token"], env=dict(ENV_WI, AZURE_FEDERATED_TOKEN_FILE=TOKEN_FILE + ".no"),
              rc=3, err="No such file or directory", checks=[no_traffic]))
    add(SCase("wi-token-file-empty", ["token"], setup=token_file(text="\n"), env=ENV_WI, rc=3,
              err="file is empty", checks=[no_traffic]))
    add(SCase("wi-token-file-too-big", ["token"], setup=token_file(text="a" * 9000), env=ENV_WI, rc=3,
              err="larger than the limit", checks=[no_traffic]))
    add(SCase("wi-token-newline-trimmed", ["token"], setup=token_file(), env=ENV_WI, out=tok("entra"),
              checks=[entra_assertion_is(lambda: open(TOKEN_FILE).read())]))
    add(SCase("wi-entra-503-retried", ["token"], setup=token_file(), env=ENV_WI,
              control={"entra": ["503", "ok"]}, out=tok("entra"), checks=[only("entra", 2)]))
    add(rotation())

    # every expires_on format, through App Service (control "expires")
    for fmt in ("epoch-str", "epoch-num", "in-str", "in-num", "date-linux", "date-windows",
                "date-offset", "iso", "iso-z", "iso-offset", "both"):
        add(SCase("expires-" + fmt, ["token", "-v"], env=ENV_APPSVC, out=tok("appsvc"), **verbose,
                  control={"expires": fmt, "expires_life": 5000}, checks=[lifetime(4990, 5000)]))
    add(SCase("expires-already-expired", ["token"], env=ENV_APPSVC, control={"expires": "expired"},
              rc=8, err="token already expired"))
    add(SCase("expires-2017-windows-via-ml", ["token", "-v"], env=ENV_ML, out=tok("ml"), **verbose,
              control={"expires": "date-windows", "expires_life": 7000}, checks=[lifetime(6990, 7000)]))
    add(SCase("expires-sf-string", ["token", "-v"], env=env_sf(tp_sf), out=tok("sf"), **verbose,
              control={"expires": "epoch-str", "expires_life": 600}, checks=[lifetime(590, 600)]))

    # usage
    add(SCase("source-unknown", ["token", "--source", "app-service-2019"], rc=2,
              err="unknown source", checks=[no_traffic]))
    add(SCase("source-sf-missing-thumbprint", ["token", "--source", "service-fabric"], env=ENV_APPSVC,
              rc=2, err="IDENTITY_SERVER_THUMBPRINT must be set", checks=[no_traffic]))
    add(SCase("help-lists-sources", ["--help"], cacert=False,
              checks=[lambda r: None if all(n.encode() in r.out for n in (
                  "app-service-2017", "service-fabric", "azure-ml", "cloud-shell",
                  "workload-identity")) else "--help lacks a source name"]))
    return C


# ---- runner -------------------------------------------------------------------

def setup():
    shutil.rmtree(TMP, ignore_errors=True)
    os.mkdir(TMP, 0o700)


def main(argv):
    return H.main(__file__, cases, argv, __doc__, setup=setup)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
