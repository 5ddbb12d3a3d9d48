#!/usr/bin/env python3
"""faults.py: the fault matrix (issue "Reliability and security").

    tests/netns.sh -- python3 tests/e2e/faults.py [-l] [PATTERN...]

One row per fault: what the fake does, the exit code azkv must give and a
piece of its one stderr line. Every failing row is run twice: as `get`
(stdout must stay empty, stderr exactly one printable "azkv: " line) and as
`get --out FILE` (neither FILE nor any temporary may exist afterwards).
Rows that must succeed say so (rc 0) and give the expected bytes. All rows
also get e2e.py's invariants (Metadata header, api-versions, no token or
secret in stderr) and the rest of harness.py's. Output: one line per row,
then "N passed, N failed".
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as H  # noqa: E402
import e2e as E  # noqa: E402  (its checks)

fx = E.fx
ROOT = E.ROOT
DB = "myvault/db-password"
VDB = fx.expected("db-password")
T3 = ["--timeout", "3"]


def raw(text, **kw):
    d = {"fault": "raw", "arg": text}
    d.update(kw)
    return d


def body(text, status=None):
    d = {"fault": "ok", "body": text}
    return d


OK_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
GOOD = '{"value":"s3cr3t-P@ssw0rd!","id":"x","attributes":{"enabled":true}}'


class Row:
    def __init__(self, name, fault, rc, err=None, args=None, control=None, out=None,
                 check=None, slow=False):
        self.name, self.fault, self.rc, self.err = name, fault, rc, err
        self.args = args if args is not None else [DB]
        self.control, self.out, self.check, self.slow = control or {}, out, check, slow


def vault(spec, name="db-password"):
    return {"vault:" + name: spec}


def no_request_to(host):
    def f(r):
        bad = [e["path"] for e in r.reqs("vault") if e["tls"]["sni"] == host]
        return "request sent to %s: %r" % (host, bad) if bad else None
    return f


def auth_count(n):
    def f(r):
        k = len([e for e in r.reqs("vault") if "authorization" in e["headers"]])
        return None if k == n else "token sent %d times, want %d" % (k, n)
    return f


def no_mgmt_token(r):
    return E.evil_clean(r)


ROWS = [
    # connections
    Row("imds-connection-refused", "IMDS not listening", 6, "Connection refused",
        control={"imds": "unavailable"}),
    Row("vault-connection-refused", "vault not listening", 6, "Connection refused",
        control={"vault": "unavailable"}),
    Row("vault-reset-before-headers", "RST before any byte", 6, None, args=T3 + [DB],
        control=vault("reset:0")),
    Row("vault-reset-mid-headers", "RST inside the header block", 6, None, args=T3 + [DB],
        control=vault("reset:30")),
    Row("vault-reset-mid-body", "RST inside the body", 6, None, args=T3 + [DB],
        control=vault({"fault": "reset", "arg": 250})),
    Row("vault-close-without-answer", "FIN right after the request", 6, "without a response",
        args=T3 + [DB], control=vault("close")),
    Row("imds-reset", "IMDS RST mid-answer", 6, None, args=T3 + [DB], control={"imds": "reset:40"}),
    Row("vault-accepts-never-answers", "reads, never answers", 6, "deadline",
        args=["--timeout", "2", DB], control=vault("stall"), slow=True),
    Row("vault-trickle", "one byte per second: the deadline, not a per-read timeout", 6,
        "deadline", args=["--timeout", "3", DB], control=vault("trickle:1"), slow=True),
    Row("imds-stall", "IMDS never answers", 6, "deadline", args=["--timeout", "2", DB],
        control={"imds": "stall"}, slow=True),
    # framing
    Row("vault-truncated-length", "Content-Length body cut short", 8, "closed before",
        control=vault("truncate:10")),
    Row("vault-truncated-chunked", "chunked body cut short", 8, "closed before",
        control=vault(raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"value\":\"abcdef"))),
    Row("vault-chunk-size-overflow", "chunk size ffffffffffffffff", 8, None,
        control=vault(raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n{}"))),
    Row("vault-chunk-missing-crlf", "no CRLF after chunk data", 8, "chunk",
        control=vault(raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n"))),
    Row("vault-chunk-bad-hex", "non-hex chunk size", 8, "chunk", control=vault("bad-chunk")),
    # bare LF (no CR): refused, as README says, where curl would accept it
    Row("vault-bare-lf", "status and header lines ending in a bare LF", 8, "bare LF",
        control=vault(raw("HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: 2\n\n{}"))),
    Row("imds-bare-lf", "IMDS token response with bare LF line ends", 8, "bare LF",
        control={"imds": raw("HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: 2\n\n{}")}),
    Row("vault-header-block-over-limit", "20 KB of headers", 8, "header",
        control=vault("oversize-headers:20000")),
    Row("vault-100kb-header-line", "one 100 KB header line", 8, "header",
        control=vault(raw(OK_HEAD + "X-Big: ", repeat=["a", 100000], tail="\r\n\r\n{}"))),
    Row("vault-10000-headers", "10,000 header fields", 8, "header",
        control=vault(raw(OK_HEAD, repeat=["X-N: 1\r\n", 10000], tail="\r\n{}"))),
    Row("vault-status-not-numeric", "HTTP/1.1 2x0 OK", 8, "status",
        control=vault("bad-status:HTTP/1.1 2x0 OK")),
    Row("vault-status-four-digits", "HTTP/1.1 2000 OK", 8, "status",
        control=vault("bad-status:HTTP/1.1 2000 OK")),
    Row("vault-status-control-byte", "ESC in the reason phrase", 8, "status",
        control=vault("bad-status:HTTP/1.1 200 O\x1bK")),
    Row("vault-http10-read-to-close", "HTTP/1.0, no length: the body ends at close", 0,
        out=VDB, control=vault(raw("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + GOOD))),
    Row("vault-http11-read-to-close", "HTTP/1.1, no length, not chunked, then close", 0,
        out=VDB, control=vault("no-length")),
    Row("vault-body-over-limit", "Content-Length of 2 MB", 8, "body",
        control=vault(raw(OK_HEAD + "Content-Length: 2000000\r\n\r\n{"))),
    Row("vault-unknown-transfer-encoding", "Transfer-Encoding: gzip", 8, "Transfer-Encoding",
        control=vault(raw(OK_HEAD + "Transfer-Encoding: gzip\r\n\r\n" + GOOD))),
    # JSON
    Row("vault-invalid-json", "broken JSON body", 8, None, control=vault("bad-json")),
    Row("vault-duplicate-value", '{"value":"a","value":"b"}', 8, None,
        control=vault(body('{"value":"a","value":"b"}'))),
    Row("vault-lone-surrogate", '"\\ud800" in the value', 8, None,
        control=vault(body('{"value":"a\\ud800b"}'))),
    Row("vault-value-not-string", '"value": 42', 8, None, control=vault(body('{"value":42}'))),
    Row("vault-nul-in-value", '"\\u0000" in the value: printed byte-exact by get '
        '(exec refuses it, see delivery.py)', 0, out=b"a\x00b",
        control=vault(body('{"value":"a\\u0000b"}'))),
    Row("token-without-access-token", "token response lacks access_token", 8, "access_token",
        control={"imds": body('{"token_type":"Bearer","expires_in":"3599"}')}),
    Row("token-expires-on-past", "expires_on in the past, no expires_in", 8, "expired",
        control={"imds": body('{"access_token":"abc.def","expires_on":"1000000000","token_type":"Bearer"}')}),
    Row("token-bad-json", "IMDS answers HTML", 8, None,
        control={"imds": body("<html><body>proxy error</body></html>")}),
    Row("token-control-chars-in-token", "access_token with a CR LF", 8, None,
        control={"imds": body('{"access_token":"abc\\r\\nX-Evil: 1","expires_in":"3599"}')}),
    # redirects and challenges
    Row("vault-301", "301 to another vault", 8, "redirect", control=vault("redirect:301"),
        check=[no_request_to("other.vault.azure.net"), auth_count(1)]),
    Row("vault-302", "302 to another vault", 8, "redirect", control=vault("redirect:302"),
        check=[no_request_to("other.vault.azure.net"), auth_count(1)]),
    Row("imds-redirect", "IMDS answers 302", 3, "redirect", control={"imds": "redirect:302"},
        check=[lambda r: None if len(r.reqs("imds")) == 1 else "redirect followed"]),
    Row("challenge-management", "401 naming https://management.azure.com", 4,
        "management.azure.com", args=["https://evil.vault.azure.net/secrets/db-password"],
        check=[no_mgmt_token]),
    Row("vault-401-twice", "the token is refused, and again after a re-challenge", 4, "401",
        control=vault({"fault": "status", "arg": 401, "headers": {"WWW-Authenticate":
                       'Bearer authorization="https://login.microsoftonline.com/t", '
                       'resource="https://vault.azure.net"'}}),
        check=[auth_count(2), lambda r: None if len(r.reqs("imds")) == 2 else
               "want a fresh token for the retry (2 IMDS requests), got %d" % len(r.reqs("imds"))]),
    Row("vault-401-no-challenge", "401 to the token, without WWW-Authenticate", 4, "challenge",
        control=vault("401"), check=[auth_count(1)]),
    # TLS
    Row("tls-untrusted-ca", "leaf from an unknown CA", 7, "not trusted",
        control={"vault_cert": "untrusted"}),
    Row("tls-wrong-host-name", "leaf for wrong.example.com", 7, "host name",
        control={"vault_cert": "wrongname"}),
    Row("tls-expired-leaf", "leaf expired in 2021", 7, "expired", control={"vault_cert": "expired"}),
    # status handling and retries
    Row("imds-410-x3-then-ok", "IMDS 410 three times (every 10 s), then a token", 0, out=VDB,
        args=["--wait", "60", DB], control={"imds": ["410", "410", "410", "ok"]}, slow=True),
    Row("vault-429-retry-after", "429 with Retry-After: 1, then the secret", 0, out=VDB,
        control=vault([{"fault": "status", "arg": 429, "headers": {"Retry-After": "1"}}, "ok"])),
    Row("vault-503-x2-then-ok", "503 twice, then the secret", 0, out=VDB,
        control=vault(["503", "503", "ok"]), slow=True),
    Row("vault-5xx-past-deadline", "503 until the deadline", 6, "503", args=T3 + [DB],
        control=vault("503"), slow=True),
    Row("imds-500-past-deadline", "IMDS 500 until the deadline", 3, "500", args=T3 + [DB],
        control={"imds": "500"}, slow=True),
    Row("imds-identity-not-found", "400 Identity not found: bounded retry, then 3", 3,
        "Identity not found", args=T3 + [DB], control={"imds": "identity-not-found"}, slow=True),
    Row("vault-403-control-chars", "403 whose message holds ESC and CR LF", 4, "Forbidden",
        control=vault({"fault": "status", "arg": 403, "body":
                       '{"error":{"code":"Forbidden","message":"bad\\u001b[31m\\r\\nX: y"}}'}),
        check=[lambda r: "raw control byte in stderr" if any(c < 0x20 and c != 10 for c in r.err)
               else None]),
    Row("vault-400", "400 BadParameter", 8, "400", control=vault("400")),
]


def run(row, extra, out_file=None):
    args = ["get"] + list(extra) + list(row.args)
    case = H.Case(row.name, args, rc=row.rc, out=row.out if out_file is None else b"",
                  control=row.control, err=row.err, checks=row.check or [],
                  timeout=120)
    return case, H.run_case(case)


def judge_row(row, tmp):
    case, r = run(row, [])
    why = H.judge(case, r)
    if why:
        return why
    if row.rc == 0:
        return None
    f = os.path.join(tmp, "out", "secret")
    os.makedirs(os.path.dirname(f))
    case2, r2 = run(row, ["--out", f], out_file=f)
    why = H.judge(case2, r2)
    if why:
        return "with --out: " + why
    left = os.listdir(os.path.dirname(f))
    return "with --out, the folder holds %r" % left if left else None


CASES = [H.Case(r.name, fn=H.in_tmp("azkv-fault.", lambda tmp, r=r: judge_row(r, tmp)),
                doc="exit %d  %s" % (r.rc, r.fault)) for r in ROWS]


def main(argv):
    return H.main(__file__, CASES, argv, __doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
