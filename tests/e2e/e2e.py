#!/usr/bin/env python3
"""e2e.py: black-box runs of bin/azkv against the bundled fake Azure.

    tests/netns.sh -- python3 tests/e2e/e2e.py [-l] [PATTERN...]
    python3 tests/e2e/e2e.py ...        (re-executes itself through netns.sh)

AZKV=path selects the binary (default bin/azkv). PATTERN selects cases by
substring or shell glob of their name; -l lists the names. One line per case,
"ok - NAME" or "not ok - NAME: why", then "N passed, N failed"; exit 1 on any
failure.

A case is data: argv, env, control (the fake's fault control for this case),
expected exit code, expected stdout bytes (or a function of the request log),
stderr text that must appear, and checks on the request log. Every run also
gets harness.py's invariants (exit code, one-line error, quiet success, no
token or secret on stderr, the wire rules). The child gets a clean environment (PATH only, plus the case's env) and
`--cacert $AZKV_TEST_CA` right after the subcommand unless the case says not.
"""
import fnmatch
import os
import re
import sys
from urllib.parse import parse_qs

sys.dont_write_bytecode = True  # keep tests/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402
# The names suites took from here before harness.py existed (shims).
from harness import (  # noqa: E402,F401
    fx, ROOT, HERE, AZKV, VAULT, KV_RES, U1, U2, OLD, LATEST, KV_API_OK, Case, Run, run_case,
    judge, report, select, reexec_in_netns, in_tmp, ca_variant, run_azkv)


# ---- checks: each returns None or a reason ---------------------------------

def vault_tls_tries(connects, failed):
    """The vault saw this many connections, this many failed handshakes."""
    def f(r):
        n = len(r.connects("vault"))
        bad = len([e for e in r.entries if e["event"] == "tls-error" and e["listener"] == "vault"])
        if (n, bad) != (connects, failed):
            return "vault connections %d (%d failed handshakes), want %d (%d)" % (
                n, bad, connects, failed)
        return None
    return f


def token_out(newline=False, listener="imds"):
    """Expected stdout: the one token the fake issued on listener."""
    def f(r):
        t = [e["token"] for e in r.reqs(listener) if e.get("token")]
        if len(t) != 1:
            return None
        return t[0].encode() + (b"\n" if newline else b"")
    return f


def imds_once(resource=KV_RES, sel=None, laddr=None):
    """Exactly one IMDS request (no VM-extension one), for resource and selector."""
    def f(r):
        e = r.reqs("imds")
        if len(e) != 1:
            return "want 1 IMDS request, log has %d" % len(e)
        if r.reqs("ext"):
            return "unexpected VM-extension request"
        q = e[0]["query"]
        if q.get("resource") != resource:
            return "IMDS resource %r, want %r" % (q.get("resource"), resource)
        got = {k: q[k] for k in fx_selectors() if k in q}
        if got != (sel or {}):
            return "IMDS selector %r, want %r" % (got, sel or {})
        if laddr and e[0]["laddr"] != laddr:
            return "IMDS request reached %s, want %s" % (e[0]["laddr"], laddr)
        return None
    return f


def fx_selectors():
    return H.SELECTORS


def ext_once(resource=KV_RES, sel=None):
    def f(r):
        e = r.reqs("ext")
        if len(e) != 1:
            return "want 1 VM-extension request, log has %d" % len(e)
        if r.reqs("imds"):
            return "unexpected IMDS request"
        form = {k: v[0] for k, v in parse_qs(e[0]["body"], keep_blank_values=True).items()}
        if form.get("resource") != resource:
            return "form resource %r (body %r)" % (form.get("resource"), e[0]["body"])
        got = {k: form[k] for k in fx_selectors() if k in form}
        if got != (sel or {}):
            return "form selector %r, want %r" % (got, sel or {})
        return None
    return f


def no_traffic(r):
    bad = [e for e in r.entries if e["event"] in ("connect", "request")]
    return "expected no network traffic, log has %d entries" % len(bad) if bad else None


def vault_conns(n):
    def f(r):
        c = r.connects("vault")
        return None if len(c) == n else "want %d vault TLS connection(s), log has %d" % (n, len(c))
    return f


def vault_paths(*paths):
    """The authenticated vault requests hit exactly these paths, in order."""
    def f(r):
        got = [e["path"] for e in r.reqs("vault") if "authorization" in e["headers"]]
        got = [p.rstrip("/") for p in got]
        want = [p.rstrip("/") for p in paths]
        return None if got == want else "authenticated vault paths %r, want %r" % (got, want)
    return f


def challenge_first(r):
    """Unknown vault suffix: the first request asks for the challenge."""
    v = r.reqs("vault")
    if not v:
        return "no vault request"
    if "authorization" in v[0]["headers"]:
        return "first vault request carried a token (no challenge round)"
    return None


def no_challenge_round(r):
    """Known vault suffix: the resource comes from it, no unauthenticated
    round trip (docs/protocols.md 4.6), so every vault request carries the token."""
    bare = [e["path"] for e in r.reqs("vault") if "authorization" not in e["headers"]]
    return "unauthenticated vault request(s) %r" % bare if bare else None


def no_token_to(host):
    def f(r):
        sent = [e["path"] for e in r.reqs("vault")
                if e["tls"]["sni"] == host and "authorization" in e["headers"]]
        return "Authorization sent to %s: %r" % (host, sent) if sent else None
    return f


def evil_clean(r):
    for e in r.reqs("imds") + r.reqs("ext"):
        res = e["query"].get("resource", "") + e.get("body", "")
        if "management" in res:
            return "a token for management.azure.com was requested"
    return None


def elapsed_below(s):
    return lambda r: None if r.elapsed < s else "took %.1f s (limit %s s)" % (r.elapsed, s)


def sni_is(host):
    def f(r):
        v = r.reqs("vault")
        bad = [e["tls"]["sni"] for e in v if e["tls"]["sni"] != host]
        return "SNI %r, want %r" % (bad, host) if bad or not v else None
    return f


def help_codes(r):
    text = r.out.decode("utf-8", "replace")
    missing = [str(k) for k in range(9)
               if not re.search(r"(^|[\s(\[,])%d([\s:).,\]=-]|$)" % k, text, re.M)]
    return "--help does not mention exit code(s) %s" % ",".join(missing) if missing else None


# ---- invariants: harness.run_azkv applies them to every run ------------------

def invariants(r, case=None):
    """The wire and secrets invariants of r (a shim: run_azkv checks them)."""
    why = H.wire_violations(r.entries)
    if H.leaks(r.err):
        why.append("stderr leaks a token or secret value")
    return why


# ---- the cases -------------------------------------------------------------

def cases():
    v = lambda n: fx.expected(n)  # noqa: E731
    C = []
    add = C.append
    url = lambda n: "%s/secrets/%s" % (VAULT, n)  # noqa: E731

    # identity: token subcommand, both sources, selectors
    add(Case("token-imds", ["token"], out=token_out(), checks=[imds_once()]))
    add(Case("token-newline", ["token", "-n"], out=token_out(True), checks=[imds_once()]))
    add(Case("token-newline-long", ["token", "--newline"], out=token_out(True)))
    add(Case("token-source-imds", ["token", "--source", "imds"], out=token_out(), checks=[imds_once()]))
    add(Case("token-source-auto", ["token", "--source", "auto"], out=token_out(), checks=[imds_once()]))
    add(Case("token-resource", ["token", "--resource", "https://management.azure.com"],
             out=token_out(), checks=[imds_once("https://management.azure.com")]))
    add(Case("token-vm-extension", ["token", "--source", "vm-extension"],
             out=token_out(listener="ext"), checks=[ext_once()]))
    add(Case("token-vm-extension-client-id",
             ["token", "--source", "vm-extension", "--client-id", U2["client_id"]],
             out=token_out(listener="ext"), checks=[ext_once(sel={"client_id": U2["client_id"]})]))
    add(Case("token-client-id", ["token", "--client-id", U1["client_id"]], out=token_out(),
             checks=[imds_once(sel={"client_id": U1["client_id"]})]))
    add(Case("token-object-id", ["token", "--object-id", U1["object_id"]], out=token_out(),
             checks=[imds_once(sel={"object_id": U1["object_id"]})]))
    add(Case("token-resource-id", ["token", "--resource-id", U1["msi_res_id"]], out=token_out(),
             checks=[imds_once(sel={"msi_res_id": U1["msi_res_id"]})]))
    add(Case("token-env-client-id", ["token"], env={"AZURE_CLIENT_ID": U2["client_id"]},
             out=token_out(), checks=[imds_once(sel={"client_id": U2["client_id"]})]))
    add(Case("token-two-selectors",
             ["token", "--client-id", U1["client_id"], "--object-id", U1["object_id"]],
             rc=2, checks=[no_traffic]))
    add(Case("token-unknown-client-id", ["token", "--client-id", "99999999-9999-9999-9999-999999999999"],
             rc=3, err="Identity not found"))
    add(Case("token-pod-identity-host", ["token"],
             env={"AZURE_POD_IDENTITY_AUTHORITY_HOST": "http://127.0.0.1:8081"},
             out=token_out(), checks=[imds_once(laddr="127.0.0.1:8081")]))
    add(Case("token-pod-identity-host-slash", ["token"],
             env={"AZURE_POD_IDENTITY_AUTHORITY_HOST": "http://127.0.0.1:8081/"},
             out=token_out(), checks=[imds_once(laddr="127.0.0.1:8081")]))
    add(Case("imds-identity-not-found", ["get", "myvault/db-password"],
             control={"imds": "identity-not-found"}, rc=3, err="Identity not found"))
    add(Case("imds-unavailable", ["token", "--source", "imds", "--timeout", "5"],
             control={"imds": "unavailable"}, rc=6, err="Connection refused", checks=[elapsed_below(10)],
             doc="decided: a network failure is 6 whatever the endpoint (so --wait's last "
                 "error keeps its code); 3 is for answers of an identity endpoint"))
    add(Case("imds-unavailable-get-auto", ["get", "--timeout", "5", "myvault/db-password"],
             control={"imds": "unavailable", "ext": "unavailable"}, rc=6, checks=[elapsed_below(10)],
             doc="auto source, nothing listening anywhere: 6"))
    add(Case("ext-unavailable", ["token", "--source", "vm-extension", "--timeout", "5"],
             control={"ext": "unavailable"}, rc=6, checks=[elapsed_below(10)]))

    # secrets, byte-exact
    three = [
        imds_once(), vault_conns(1), no_challenge_round,
        vault_paths("/secrets/db-password", "/secrets/quotes", "/secrets/unicode")]
    add(Case("get-url", ["get", url("db-password")], out=v("db-password"),
             checks=[imds_once(), no_challenge_round, vault_paths("/secrets/db-password"),
                     sni_is("myvault.vault.azure.net")]))
    add(Case("get-url-trailing-slash", ["get", url("db-password") + "/"], out=v("db-password"),
             checks=[vault_paths("/secrets/db-password")]))
    for n in ("empty", "big", "multiline", "quotes", "unicode", "html-escaped", "api-key",
              "conn-string"):
        add(Case("get-" + n, ["get", url(n)], out=v(n), checks=[vault_paths("/secrets/" + n)]))
    add(Case("get-chunked", ["get", url("chunked-secret")], out=v("chunked-secret"),
             checks=[vault_paths("/secrets/chunked-secret")]))
    add(Case("get-newline", ["get", "-n", url("db-password")], out=v("db-password") + b"\n"))
    add(Case("get-newline-empty", ["get", "--newline", url("empty")], out=b"\n",
             checks=[vault_paths("/secrets/empty")]))
    add(Case("get-version-old", ["get", "%s/%s" % (url("rotated"), OLD)],
             out=fx.expected("rotated", OLD), checks=[vault_paths("/secrets/rotated/" + OLD)]))
    add(Case("get-version-latest-explicit", ["get", "%s/%s" % (url("rotated"), LATEST)],
             out=fx.expected("rotated")))
    add(Case("get-version-latest", ["get", url("rotated")], out=fx.expected("rotated"),
             checks=[vault_paths("/secrets/rotated")]))
    add(Case("get-short-vault", ["get", "myvault/db-password"], out=v("db-password"),
             checks=[sni_is("myvault.vault.azure.net")]))
    add(Case("get-short-host", ["get", "myvault.vault.azure.net/db-password"], out=v("db-password"),
             checks=[sni_is("myvault.vault.azure.net")]))
    add(Case("get-short-version", ["get", "myvault/rotated/" + OLD], out=fx.expected("rotated", OLD)))
    add(Case("get-three", ["get", url("db-password"), "myvault/quotes", "myvault.vault.azure.net/unicode"],
             out=v("db-password") + v("quotes") + v("unicode"), checks=three))
    add(Case("get-two-vaults", ["get", "myvault/db-password", "other/api-key"],
             out=v("db-password") + v("api-key"), checks=[imds_once(), vault_conns(2)]))
    add(Case("get-client-id", ["get", "--client-id", U1["client_id"], "myvault/db-password"],
             out=v("db-password"), checks=[imds_once(sel={"client_id": U1["client_id"]})]))
    add(Case("get-vm-extension", ["get", "--source", "vm-extension", "myvault/db-password"],
             out=v("db-password"), checks=[ext_once()]))
    add(Case("get-ssl-cert-file", ["get", "myvault/db-password"], cacert=False,
             env={"SSL_CERT_FILE": os.environ.get("AZKV_TEST_CA", "")}, out=v("db-password")))
    add(Case("get-resolve", ["get", "--resolve", "kv-unlisted.vault.azure.net:443:127.0.0.1",
                             "https://kv-unlisted.vault.azure.net/secrets/db-password"],
             out=v("db-password"), checks=[sni_is("kv-unlisted.vault.azure.net")]))
    add(Case("get-verbose", ["get", "-v", "myvault/db-password"], out=v("db-password"),
             stderr_ok=True, checks=[lambda r: None if r.err else "-v wrote nothing to stderr"]))

    # vault errors
    add(Case("get-not-found", ["get", "myvault/no-such-secret"], rc=5, err="SecretNotFound"))
    add(Case("get-not-found-version", ["get", "myvault/rotated/" + "0" * 32], rc=5, err="SecretNotFound"))
    add(Case("get-forbidden", ["get", "myvault/forbidden"], rc=4, err="Forbidden",
             doc="the real message has CR LF inside: stderr must still be one line"))
    add(Case("get-disabled", ["get", "myvault/disabled"], rc=5,
             doc="decided: a disabled secret is 'not found or disabled'"))
    add(Case("get-second-fails", ["get", "myvault/db-password", "myvault/no-such-secret"], rc=5,
             err="SecretNotFound", doc="nothing printed when any secret fails"))
    add(Case("get-evil-challenge", ["get", "https://evil.vault.azure.net/secrets/db-password"], rc=4,
             err="management.azure.com",
             checks=[evil_clean, imds_once(),
                     lambda r: None if len(r.reqs("vault")) == 1 else "vault asked %d times" % len(r.reqs("vault"))],
             doc="a *.vault.azure.net host gets the vault token; its 401 naming "
                 "https://management.azure.com is refused: no token is requested or sent for it"))
    add(Case("get-unknown-suffix", ["get", "https://kv.vault.contoso.test/secrets/db-password"],
             out=v("db-password"),
             checks=[challenge_first, imds_once(resource="https://vault.contoso.test")],
             doc="unknown suffix: resource from the challenge, which ends the vault host"))
    add(Case("get-foreign-challenge", ["get", "https://kv.contoso.test/secrets/db-password"], rc=4,
             err="management.azure.com",
             checks=[challenge_first, no_token_to("kv.contoso.test"), evil_clean,
                     lambda r: None if not r.reqs("imds") else "a token was requested"],
             doc="unknown suffix whose challenge names a foreign resource: refused, no token ever sent"))
    add(Case("get-stall-deadline", ["get", "--timeout", "2", "myvault/stall"], rc=6,
             checks=[elapsed_below(10)]))
    add(Case("get-dns-failure", ["get", "--timeout", "5", "https://kv-unlisted.vault.azure.net/secrets/x"],
             rc=6, checks=[elapsed_below(10)]))
    add(Case("get-untrusted-ca", ["get", "myvault/db-password"], cacert=False, rc=7,
             doc="the test CA is not built in"))
    add(Case("cacert-bundle", ["get", "--cacert", "@ca:bundle", "myvault/db-password"], cacert=False,
             out=v("db-password"), doc="roots, a key block, text and CR LF around the test CA"))
    add(Case("cacert-no-cert", ["get", "--cacert", "@ca:nocert", "myvault/db-password"], cacert=False,
             rc=2, err="no certificate found", checks=[no_traffic]))
    add(Case("cacert-bad-base64", ["get", "--cacert", "@ca:badb64", "myvault/db-password"], cacert=False,
             rc=2, err="not valid base64", checks=[no_traffic]))
    add(Case("cacert-open-block", ["get", "--cacert", "@ca:open", "myvault/db-password"], cacert=False,
             rc=2, err="without its END line", checks=[no_traffic]))
    add(Case("cacert-too-many", ["get", "--cacert", "@ca:many", "myvault/db-password"], cacert=False,
             rc=2, err="more than 256 certificates", checks=[no_traffic]))
    add(Case("cacert-cert-too-big", ["get", "--cacert", "@ca:bigcert", "myvault/db-password"],
             cacert=False, rc=2, err="certificate 1: over 16384 bytes", checks=[no_traffic]))
    add(Case("cacert-names-too-big", ["get", "--cacert", "@ca:bignames", "myvault/db-password"],
             cacert=False, rc=2, err="too large (limit 196608 bytes of keys and names)",
             checks=[no_traffic]))
    add(Case("cacert-not-x509", ["get", "--cacert", "@ca:notx509", "myvault/db-password"],
             cacert=False, rc=2, err="certificate 1: not valid DER X.509", checks=[no_traffic]))
    add(Case("cacert-ed25519", ["get", "--cacert", "@ca:ed25519", "myvault/db-password"],
             cacert=False, rc=2, err="certificate 2: key algorithm 1.3.101.112 not supported",
             checks=[no_traffic]))
    add(Case("cacert-key-too-big", ["get", "--cacert", "@ca:bigkey", "myvault/db-password"],
             cacert=False, rc=2, err="certificate 2: key over 520 bytes", checks=[no_traffic]))
    add(Case("cacert-folder", ["get", "--cacert", "@ca:dir", "myvault/db-password"], cacert=False,
             rc=2, err="Is a directory", checks=[no_traffic]))
    add(Case("cacert-missing", ["get", "--cacert", "/nonexistent/ca.pem", "myvault/db-password"],
             cacert=False, rc=2, err="No such file", checks=[no_traffic]))

    # faults with an unambiguous class
    add(Case("fault-tls-untrusted", ["get", "myvault/db-password"], control={"vault_cert": "untrusted"}, rc=7))
    add(Case("fault-tls-wrong-name", ["get", "myvault/db-password"], control={"vault_cert": "wrongname"}, rc=7))
    add(Case("fault-tls-bad-signature", ["get", "myvault/db-password"], control={"vault_cert": "badsig"},
             rc=7, err="not trusted", doc="the right names and issuer, one bit of the signature flipped: "
             "no root verifies it (vault_cert default passes)"))
    add(Case("fault-tls-bad-chain-signature", ["get", "myvault/db-password"],
             control={"vault_cert": "badchain"}, rc=7, err="certificate signature invalid",
             doc="the leaf's signature by the intermediate does not verify"))
    add(Case("tls-x25519-client-order", ["get", "-v", "myvault/db-password"],
             control={"vault_tls": "client-order"}, out=v("db-password"), stderr_ok=True,
             err="curve x25519", checks=[vault_tls_tries(1, 0)],
             doc="a server that takes the client's first curve gets x25519 (BearSSL 0.6 "
                 "would list P-256 first without vendor/patches/0001-x25519-first.patch)"))
    add(Case("tls-no-x25519", ["get", "-v", "myvault/db-password"],
             control={"vault_tls": "no-x25519"}, out=v("db-password"), stderr_ok=True,
             err="curve P-256", checks=[vault_tls_tries(1, 0)],
             doc="a vault without x25519 takes P-256 from the one ClientHello: one connection"))
    add(Case("fault-tls-no-common-suite", ["get", "myvault/db-password"],
             control={"vault_tls": "no-common"}, rc=7,
             err="TLS with myvault.vault.azure.net:443: server sent fatal alert handshake_failure (40)",
             checks=[vault_tls_tries(1, 1)],
             doc="a handshake refused with an alert: exit 7 after one connection, no retry"))
    add(Case("fault-tls-server-ignores-curves", ["get", "myvault/db-password"],
             control={"vault_tls": "p256-anyway"}, rc=7, err="bad handshake signature",
             checks=[vault_tls_tries(1, 1)],
             doc="a server choosing P-256 (offered) with a bad ServerKeyExchange signature: "
                 "exit 7 after one connection"))
    add(Case("fault-tls-expired", ["get", "myvault/db-password"], control={"vault_cert": "expired"}, rc=7,
             err="TLS with myvault.vault.azure.net:443: the server's certificate expired on 2021-01-01"))
    add(Case("fault-tls-chain", ["get", "myvault/db-password"], control={"vault_cert": "chain"},
             out=v("db-password")))
    add(Case("fault-vault-bad-json", ["get", "myvault/db-password"],
             control={"vault:db-password": "bad-json"}, rc=8))
    add(Case("fault-vault-oversize-headers", ["get", "myvault/db-password"],
             control={"vault": "oversize-headers"}, rc=8))
    add(Case("fault-vault-bad-chunk", ["get", "myvault/db-password"],
             control={"vault:db-password": "bad-chunk"}, rc=8))
    add(Case("fault-vault-bad-status", ["get", "myvault/db-password"],
             control={"vault": "bad-status"}, rc=8))
    add(Case("fault-vault-reset", ["get", "myvault/db-password"], control={"vault": "reset"}, rc=6))
    add(Case("fault-vault-trickle-deadline", ["get", "--timeout", "2", "myvault/db-password"],
             control={"vault": "trickle:1"}, rc=6, checks=[elapsed_below(10)]))

    # usage and references: nothing may be sent
    for n, ref in (("bad-ref-http", "http://myvault.vault.azure.net/secrets/db-password"),
                   ("bad-ref-name", "https://myvault.vault.azure.net/secrets/bad_name"),
                   ("bad-ref-keys", "https://myvault.vault.azure.net/keys/db-password"),
                   ("bad-ref-no-name", "myvault"),
                   ("bad-ref-empty-name", "myvault/"),
                   ("bad-ref-version", "myvault/db-password/short"),
                   ("bad-ref-long-name", "myvault/" + "a" * 128),
                   ("bad-ref-query", url("db-password") + "?api-version=7.5"),
                   ("bad-ref-extra", url("rotated") + "/" + OLD + "/more")):
        add(Case(n, ["get", ref], rc=2, checks=[no_traffic]))
    add(Case("bad-ref-mixed", ["get", "myvault/db-password", "http://x/secrets/y"], rc=2,
             checks=[no_traffic], doc="all references are checked before anything is sent"))
    add(Case("help", ["--help"], cacert=False, checks=[help_codes, no_traffic]))
    add(Case("version", ["--version"], cacert=False,
             checks=[lambda r: None if r.out.strip() and r.out.count(b"\n") == 1 else
                     "--version output %r" % r.out]))
    add(Case("unknown-option", ["get", "--bogus", "myvault/db-password"], rc=2, checks=[no_traffic]))
    add(Case("unknown-option-top", ["--bogus"], cacert=False, rc=2, checks=[no_traffic]))
    add(Case("no-command", [], cacert=False, rc=2, checks=[no_traffic]))
    add(Case("unknown-command", ["frobnicate"], cacert=False, rc=2, checks=[no_traffic]))
    add(Case("get-no-secret", ["get"], rc=2, checks=[no_traffic]))
    add(Case("bad-source", ["token", "--source", "cloud-shell-9"], rc=2, checks=[no_traffic]))
    add(Case("bad-timeout", ["get", "--timeout", "soon", "myvault/db-password"], rc=2, checks=[no_traffic]))
    add(Case("missing-option-arg", ["get", "myvault/db-password", "--timeout"], rc=2, checks=[no_traffic]))
    add(Case("token-extra-arg", ["token", "myvault/db-password"], rc=2, checks=[no_traffic]))
    add(Case("bad-resolve", ["get", "--resolve", "nonsense", "myvault/db-password"], rc=2,
             checks=[no_traffic]))
    return C


# ---- shims for the function-style suites written before harness.py ------------

def fn_cases(glb):
    """(name, fn) for each t_NAME in glb, sorted (harness.fn_cases makes Cases)."""
    return [(n[2:].replace("_", "-"), f) for n, f in sorted(glb.items()) if n.startswith("t_")]


def fn_listed(argv, cases):
    """True (after printing each case and its docstring's first line) when
    argv asks for a listing (-l)."""
    if not (argv and argv[0] == "-l"):
        return False
    for n, f in cases:
        print(n + "  # " + (f.__doc__ or "").strip().split("\n")[0])
    return True


def fn_pick(cases, argv):
    """The (name, fn) cases argv's patterns name (substring or glob; all if none)."""
    return [(n, f) for n, f in cases if not argv or any(p in n or fnmatch.fnmatch(n, p) for p in argv)]


def main(argv):
    return H.main(__file__, cases, argv, __doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
