#!/usr/bin/env python3
"""fake_azure.py: the bundled fake Azure that azkv's black-box tests talk to.

Stdlib only. One process, one listener per endpoint, each on its own accept
thread, one thread per connection, HTTP/1.1 with keep-alive, responses written
byte by byte by this file so that faults can be injected exactly:

  imds   plain HTTP  GET  /metadata/identity/oauth2/token   (default 169.254.169.254:80)
  ext    plain HTTP  POST /oauth2/token  (legacy VM extension, default 127.0.0.1:50342)
  vault  HTTPS       GET  /secrets/NAME[/VERSION]?api-version=V  (default 127.0.0.1:443)
                     GET  /secrets?api-version=V[&maxresults=1..25][&$skiptoken=T]: a page
                     of the listing, {"value": [...], "nextLink": URL | null}, for
                     fixtures.LIST_VAULT (60 secrets, 25 a page; "list" below); other
                     vaults list nothing
                     and /certificates/NAME[/VERSION]: a CertificateBundle (id, kid,
                     sid, x5t, cer, attributes, policy) for a secret with "cer"
  appsvc plain HTTP  GET  /MSI/token[/]  App Service: api-version 2019-08-01 with
                     X-IDENTITY-HEADER and client_id|principal_id|object_id|mi_res_id,
                     or 2017-09-01 with `secret` and clientid  (default 127.0.0.1:41601)
  arc    plain HTTP  GET  /metadata/identity/oauth2/token, Metadata: true, api-version
                     2020-06-01|2019-11-01: 401 "Basic realm=KEYFILE" (a fresh key
                     written in --arc-dir), then Authorization: Basic KEY (127.0.0.1:40342)
  sf     HTTPS       GET  /metadata/identity/oauth2/token  Service Fabric: self-signed
                     sf.pem, `Secret`, api-version 2019-07-01-preview  (127.0.0.1:2377)
  ml     plain HTTP  GET  /MSI/auth  Azure ML: `secret`, 2017-09-01, clientid required
                     (default 127.0.0.1:46808)
  cloudshell plain   POST /oauth2/token  form resource=... only, Metadata: true
                     (default 127.0.0.1:50343)
  entra  HTTPS       POST /TENANT/oauth2/v2.0/token  Entra ID client-assertion grant
                     for workload identity, entra.pem for the public, China and US Gov
                     authority hosts (default 127.0.0.2:443)
  Requests are checked as strictly as the real endpoints are known to check
  them, and answered in each source's token and error shapes (docs/protocols.md 1);
  secrets and identities of these sources are the fixture's "sources".

Never run it on the host's network: tests/netns.sh starts it inside a private
network namespace. Secrets and identities come from tests/fake/secrets.json
(tests/fake/fixtures.py gives the tests the expected bytes from the same file).

Usage:
  fake_azure.py --imds ADDR:PORT[,ADDR:PORT] --ext ... --vault ... --certdir DIR
                [--appsvc ... --arc ... --sf ... --ml ... --cloudshell ... --entra ...]
                [--arc-dir DIR] --log FILE --control FILE [--fixture FILE] [--ready FILE]
  An address list may be "off". IPv6 as [::1]:50342. Prints "ready" on stdout
  (and creates --ready FILE) once every listener is bound.

CONTROL (--control FILE, JSON object, looked at on every request: re-read when
  its stat changed, and every 20 ms by the watcher regardless; missing = {}):
  "imds":  SPEC | [SPEC, ...]   fault for every IMDS request
  "ext":   SPEC | [SPEC, ...]   fault for every VM-extension request
  "vault": SPEC | [SPEC, ...]   fault for every vault request (also the 401 one)
  "vault:NAME": SPEC | [...]    fault for authenticated requests for secret NAME
                                (NAME lower-case; the fixture's "fault" is the default)
  "vault_cert": "default" | "chain" | "untrusted" | "wrongname" | "expired" | "badsig"
                | "badchain" | "fresh" (valid from the fake's start)
                | "far" (valid until 2050) | "future" (valid 2040-2050)
                                certificate the vault presents (chosen per connection)
  "vault_tls": "default" | "client-order" | "no-x25519" | "no-common"
                                the vault's ECDHE curve choice: its own order
                                (OpenSSL's, x25519 first), the client's order,
                                or P-256 only (a handshake_failure alert to a
                                client offering only x25519); "no-common": only
                                ChaCha20 suites (handshake_failure to azkv);
                                "p256-anyway": a raw server that ignores the
                                client's curves (p256_anyway)
  "sf_cert": "default" | "ec" | "big"   Service Fabric's self-signed certificate (RSA,
                                P-256, or RSA with a leaf over 16 KiB)
  "appsvc", "arc", "sf", "ml", "cloudshell", "entra": SPEC | [...]  faults, as "imds"
                                ("status" answers in that source's error shape)
  "expires": FORMAT             expiry fields of the other sources' token responses
                                instead of each one's usual shape: epoch-str epoch-num
                                in-str in-num imds entra date-linux date-windows
                                date-offset iso iso-z iso-offset both expired
  "expires_life": SECONDS       their token lifetime (default 3600)
  "arc_realm": PATH             the Arc challenge names PATH instead of a fresh key
  "list": MODE                  the listed vault's nextLinks and pages: "foreign" (page 1's
                                nextLink names other.vault.azure.net), "loop" (page 2's
                                nextLink is page 1's), "endless" (a new empty page each
                                time, forever), "tags15" (page 1's 25 items carry 15 tags
                                of 256-byte values each), "all-valid" (every secret
                                enabled, valid, not managed)
  "list_hide": [NAME...]        the listed vault lists these no more (deleted meanwhile)
  "secrets": {NAME: {"value": str, "contentType": str, "cer": base64 DER,
                     "version": 32 hex}}
                                secrets added for this case (made at test time, e.g.
                                PKCS#12 files), over the fixture's; one with "cer" is
                                certificate-backed: its secret bundle has "kid" and
                                contentType, and /certificates/NAME answers for it.
                                "version" (default: md5 of NAME) names the latest
                                version in the bundles' ids: a new value with a new
                                version is a rotation made while azkv runs
  "vault_idle": SECONDS         keep-alive idle timeout of new vault connections
                                (default 30): the fake closes one idle that long
  A list is a sequence: the i-th matching request since the control content last
  changed gets item i, the last item repeats (["410","410","410","ok"]).
  SPEC is "name", "name:arg", a bare status number ("429" or 429), or an object
  {"fault": name, "arg": ..., "headers": {extra response headers},
   "body": replacement body text, "location": for redirects}.
  "unavailable" as the whole value of "imds"/"ext"/"vault" closes that listener
  (connection refused) until the control changes. A watcher thread applies
  listener changes within ~20 ms and then writes FILE.applied containing the
  sha256 of the control bytes it acted on; fixtures.set_control() waits for it.

FAULTS: the FAULTS table below; adding a fault = one function + one entry.
  A fault gets (ctx, resp, spec) after the normal response was computed and
  returns the response to send (changed or replaced). Resp fields steer the
  writer: framing (length/chunked/close), chunks, limit (bytes then end),
  end (close/reset), trickle (s per byte), stall, delay, raw bytes.

LOG (--log FILE): one JSON object per line, appended and flushed before the
  response is written, so it is complete when the client has its answer.
  {"event":"connect","listener","conn","laddr","raddr","ts"}
  {"event":"tls-error","listener","conn","error","ts"}
  {"event":"request","listener","conn","seq","laddr","raddr","ts",
   "method","target","path","query":{name: value or [values]},"http":"HTTP/1.1",
   "headers":{lower-case name: value as sent (list if repeated)},"body": text,
   "tls":{"sni","version","cipher","cert"} (TLS listeners), "status": status sent or null,
   "fault": [fault names applied] or null, "token": access token issued (token endpoints),
   "identity": which identity the token is for, "arc_realm": key file an Arc 401 named}
  conn counts TCP connections per listener (TLS connections for the vault),
  starting at 1; seq counts requests on that connection, starting at 1.
  Tokens in the log are fake; the log is test-only data.
"""
import _thread
import argparse
import base64
import functools
import hashlib
import json
import os
import re
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import uuid
from urllib.parse import parse_qsl, urlsplit

import fake_keys
import fixtures

HERE = os.path.dirname(os.path.abspath(__file__))
IMDS_PATH = "/metadata/identity/oauth2/token"
IMDS_API = "2018-02-01"
TAGS_PATH = "/metadata/instance/compute/tagsList"
KV_APIS = {"2015-06-01", "2016-10-01", "7.0", "7.1", "7.2", "7.3", "7.4",
           "7.5", "7.6", "7.6-preview.2", "2025-06-01-preview", "2025-07-01"}
SELECTORS = ("client_id", "object_id", "msi_res_id")
PORT_RE = re.compile(r":\d+$")   # the port in a Host header
HEADER_MAX = 64 * 1024   # request head we accept before answering 431
BODY_MAX = 1024 * 1024   # request body we accept
IDLE = 30.0              # keep-alive idle timeout, seconds
STALL_MAX = 300.0        # a stalled connection is held at most this long
TOKEN_LIFE = 86399       # what IMDS reports for a fresh token
REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 400: "Bad Request",
           401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 410: "Gone", 429: "Too Many Requests",
           431: "Request Header Fields Too Large", 500: "Internal Server Error",
           502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}

OPTS = None          # argparse namespace
FIX = None           # fixture dict
LOG_LOCK = threading.Lock()
TOKENS = {}          # access token -> {"resource", "identity", "listener"}
TOKENS_LOCK = threading.Lock()
STOP = threading.Event()


# ---- small helpers ---------------------------------------------------------

def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


LOG_JSON = json.JSONEncoder(ensure_ascii=True, sort_keys=True)
COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))   # what dumps() writes
LOG_FILE = {"fd": None, "id": None}   # the open log and its (st_dev, st_ino)


def log(entry):
    """Append one line: a single write(2) on an O_APPEND descriptor kept open
    (nothing buffered, so it is in the file before the response is sent)."""
    entry.setdefault("ts", round(time.time(), 6))
    line = (LOG_JSON.encode(entry) + "\n").encode("ascii")
    with LOG_LOCK:
        fd = log_fd()
        while line:
            line = line[os.write(fd, line):]


def log_fd():
    """The log descriptor, reopened when the path no longer names the file
    it holds (removed or replaced); a truncated file needs nothing: O_APPEND
    writes at its new end. Caller holds LOG_LOCK."""
    try:
        st = os.stat(OPTS.log)
        same = (st.st_dev, st.st_ino) == LOG_FILE["id"]
    except FileNotFoundError:
        same = False
    if not same:
        if LOG_FILE["fd"] is not None:
            os.close(LOG_FILE["fd"])
        fd = os.open(OPTS.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o666)
        st = os.fstat(fd)
        LOG_FILE.update(fd=fd, id=(st.st_dev, st.st_ino))
    return LOG_FILE["fd"]


def warn(msg):
    sys.stderr.write("fake_azure: %s\n" % msg)
    sys.stderr.flush()


DATE = (None, "")   # (second, Date header text): formatted once a second


def http_date():
    global DATE
    now = int(time.time())
    sec, text = DATE
    if sec != now:
        text = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now))
        DATE = (now, text)   # one tuple: other threads see the old or the new
    return text


def json_str(s, html=False):
    """JSON string literal: raw UTF-8 for BMP characters, surrogate-pair
    escapes for the rest (what azkv's \\u decoder must handle), and with
    html=True <>&'+ as \\u00XX the way System.Text.Json writes them."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20 or o == 0x7f:
            out.append("\\u%04x" % o)
        elif html and ch in "<>&'+":
            out.append("\\u%04X" % o)
        elif o > 0xFFFF:
            o -= 0x10000
            out.append("\\u%04x\\u%04x" % (0xD800 + (o >> 10), 0xDC00 + (o & 0x3FF)))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def value_of(spec):
    if "repeat" in spec:
        pat, n = spec["repeat"], spec["len"]
        return (pat * (n // len(pat) + 1))[:n]
    return spec["value"]


# ---- control ---------------------------------------------------------------

class Control:
    """The control file; sequence counters reset whenever its content changes.
    refresh() (at each request, and at each TLS connection for its
    certificate) re-reads it only when its stat changed: a stat costs far
    less than reading and hashing. pick()/get() answer from what was last
    read. current() (the watcher, every 20 ms) always re-reads it, so even a
    change a stat cannot see (same inode, size and timestamps) is in force
    once set_control() has its acknowledgment."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.digest = None
        self.data = {}
        self.counts = {}
        self.stat = None      # stat key of the file as last read

    def current(self):
        with self.lock:
            self._read(self._stat())
            return self.data, self.digest

    def _stat(self):
        """(dev, ino, size, mtime, ctime) of the file; None if missing."""
        try:
            st = os.stat(self.path)
        except (FileNotFoundError, TypeError):
            return None
        return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns

    def refresh(self):
        """Re-read the file if its stat changed since it was last read."""
        key = self._stat()
        with self.lock:
            if key != self.stat or self.digest is None:
                self._read(key)

    def _read(self, key):
        """Read and parse the file; key is its stat taken BEFORE reading, so
        a write racing the read shows up as a changed stat next time."""
        try:
            with open(self.path, "rb") as f:
                raw = f.read()
        except (FileNotFoundError, TypeError):
            raw = b""
        self.stat = key
        d = hashlib.sha256(raw).hexdigest()
        if d != self.digest:
            try:
                data = json.loads(raw) if raw.strip() else {}
                if not isinstance(data, dict):
                    raise ValueError("not an object")
            except ValueError as e:
                warn("control %s ignored: %s" % (self.path, e))
                data = {}
            self.digest, self.data, self.counts = d, data, {}

    def pick(self, key, default=None):
        """The fault spec (normalized dict or None) for one request under key."""
        with self.lock:
            spec = self.data.get(key, default)
            if isinstance(spec, list):
                i = self.counts.get(key, 0)
                self.counts[key] = i + 1
                spec = spec[min(i, len(spec) - 1)] if spec else None
        return norm_spec(spec)

    def get(self, key, default=None):
        return self.data.get(key, default)   # one dict, replaced whole: no lock


def norm_spec(spec):
    if spec is None:
        return None
    if isinstance(spec, int):
        return {"fault": "status", "arg": spec}
    if isinstance(spec, str):
        name, _, arg = spec.partition(":")
        if name.isdigit():
            return {"fault": "status", "arg": int(name)}
        spec = {"fault": name}
        if arg:
            try:
                spec["arg"] = json.loads(arg)
            except ValueError:
                spec["arg"] = arg
        return spec
    if isinstance(spec, dict) and "fault" in spec:
        return dict(spec)
    warn("bad fault spec %r" % (spec,))
    return None


CONTROL = None


# ---- requests and responses ------------------------------------------------

class Request:
    def __init__(self):
        self.method = self.target = self.path = self.http = ""
        self.query = {}
        self.qdup = False
        self.headers = {}     # lower-case name -> value (list if repeated)
        self.body = b""

    def header(self, name):
        v = self.headers.get(name)
        return v[0] if isinstance(v, list) else v

    def wants_close(self):
        c = (self.header("connection") or "").lower()
        if self.http == "HTTP/1.0":
            return "keep-alive" not in c
        return "close" in c


class Resp:
    def __init__(self, status, body=b"", headers=None, ctype="application/json; charset=utf-8"):
        self.status = status
        self.reason = REASONS.get(status, "Status")
        self.headers = list(headers or [])
        if ctype and body:
            self.headers.append(("Content-Type", ctype))
        self.body = body if isinstance(body, bytes) else body.encode("utf-8")
        self.framing = "length"   # length | chunked | close (body ends at close)
        self.chunks = None        # chunked: list of sizes; rest goes in one chunk
        self.chunk_ext = {}       # chunked: index -> extension text (";a=b")
        self.chunk_size_fmt = "%X"
        self.bad_chunk = False
        self.status_line = None   # raw status line override
        self.close = False
        self.limit = None         # send only this many bytes of the whole message
        self.body_limit = None    # or: the head and this many bytes of the body
        self.end = "close"        # after limit: close (FIN) or reset (RST)
        self.trickle = 0.0        # seconds between single bytes
        self.delay = 0.0          # seconds before the first byte
        self.stall = False        # never answer
        self.raw = None           # complete bytes to send instead
        self.log = {}             # extra fields for the log entry

    def set_header(self, name, value):
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        self.headers.append((name, value))

    def encode(self):
        if self.raw is not None:
            return self.raw
        hdrs = list(self.headers)
        names = {k.lower() for k, _ in hdrs}
        body = self.body
        if self.framing == "chunked":
            hdrs.append(("Transfer-Encoding", "chunked"))
            body = self.chunked_body()
        elif self.framing == "length" and "content-length" not in names:
            hdrs.append(("Content-Length", str(len(self.body))))
        if self.close or self.framing == "close":
            hdrs.append(("Connection", "close"))
        line = self.status_line or "HTTP/1.1 %d %s" % (self.status, self.reason)
        head = line + "\r\n" + "".join("%s: %s\r\n" % kv for kv in hdrs) + "\r\n"
        return head.encode("latin-1") + body

    def chunked_body(self):
        sizes, rest, b = [], len(self.body), self.body
        for s in self.chunks or []:
            if rest <= 0:
                break
            s = min(s, rest)
            sizes.append(s)
            rest -= s
        if rest > 0:
            sizes.append(rest)
        out, pos = [], 0
        for i, s in enumerate(sizes):
            size = "zz" if (self.bad_chunk and i == len(sizes) - 1) else self.chunk_size_fmt % s
            out.append(("%s%s\r\n" % (size, self.chunk_ext.get(i, ""))).encode())
            out.append(b[pos:pos + s] + b"\r\n")
            pos += s
        out.append(b"0\r\n\r\n")
        return b"".join(out)


def imds_error(status, code, desc):
    return Resp(status, json.dumps({"error": code, "error_description": desc},
                                   separators=(",", ":")))


def kv_error(status, code, message, inner=None, headers=None):
    err = {"code": code, "message": message}
    if inner:
        err["innererror"] = {"code": inner}
    return Resp(status, json.dumps({"error": err}, separators=(",", ":")), headers)


# ---- faults ----------------------------------------------------------------
# Each takes (ctx, resp, spec) and returns the response to send. ctx has
# .listener (imds/ext/vault), .req, .host. spec["arg"] is the optional argument.

IMDS_STATUS = {
    400: ("bad_request", "Bad request"),
    404: ("not_found", "IMDS endpoint is updating"),
    410: ("service_unavailable", "IMDS is going through updates"),
    429: ("too_many_requests", "Too many requests"),
    500: ("unknown", "Failed to retrieve token from the Active directory."),
    503: ("service_unavailable", "Service unavailable"),
}
KV_STATUS = {
    400: ("BadParameter", "Bad request"),
    429: ("Throttled", "Rate limit is exceeded. Try again in 1 seconds."),
    500: ("InternalServerError", "An internal server error occurred."),
    503: ("ServiceUnavailable", "The service is temporarily unavailable."),
}


def f_ok(ctx, resp, spec):
    return resp


def f_identity_not_found(ctx, resp, spec):
    return imds_error(400, "invalid_request", "Identity not found")


def f_status(ctx, resp, spec):
    st = int(spec.get("arg", 500))
    if ctx.listener in SOURCE_STATUS:
        return SOURCE_STATUS[ctx.listener](st)
    if ctx.listener == "vault":
        code, msg = KV_STATUS.get(st, ("Error", "Fake error %d" % st))
        return kv_error(st, code, msg)
    code, desc = IMDS_STATUS.get(st, ("unknown", "Fake error %d" % st))
    return imds_error(st, code, desc)


def f_close(ctx, resp, spec):
    resp.limit, resp.end = 0, "close"
    return resp


def f_reset(ctx, resp, spec):
    resp.limit, resp.end = int(spec.get("arg", 0)), "reset"
    return resp


def f_stall(ctx, resp, spec):
    resp.stall = True
    return resp


def f_chunked(ctx, resp, spec):
    resp.framing = "chunked"
    resp.chunks = spec.get("arg") or [1, 7, 26, 9]
    resp.chunk_ext = {1: ";azkv=test", 2: ';q="quoted ext"'}
    return resp


def f_bad_chunk(ctx, resp, spec):
    resp = f_chunked(ctx, resp, spec)
    resp.bad_chunk = True
    return resp


def f_truncate(ctx, resp, spec):
    resp.body_limit = int(spec.get("arg", len(resp.body) // 2))
    resp.end = "close"
    return resp


def f_oversize_headers(ctx, resp, spec):
    n = int(spec.get("arg", 70000))
    i = 0
    while n > 0:
        part = min(n, 4000)
        resp.headers.append(("X-Padding-%d" % i, "a" * part))
        n -= part
        i += 1
    return resp


def f_trickle(ctx, resp, spec):
    resp.trickle = float(spec.get("arg", 1.0))
    return resp


def f_delay(ctx, resp, spec):
    resp.delay = float(spec.get("arg", 1.0))
    return resp


def f_redirect(ctx, resp, spec):
    st = int(spec.get("arg", 302))
    if "location" in spec:
        loc = spec["location"]
    elif ctx.listener == "vault":
        loc = "https://other.vault.azure.net" + ctx.req.target
    else:
        loc = "http://127.0.0.1:8081" + ctx.req.target
    return Resp(st, b"", [("Location", loc)])


def f_bad_json(ctx, resp, spec):
    resp.body = spec.get("arg", '{"value":"unterminated').encode()
    return resp


def f_no_length(ctx, resp, spec):
    resp.framing = "close"
    return resp


def f_bad_status(ctx, resp, spec):
    resp.status_line = spec.get("arg", "HTTP/1.1 2000 OK")
    return resp


def f_raw(ctx, resp, spec):
    """arg: the whole answer as text (latin-1 bytes), sent as is, then close;
    "repeat": [text, n] pieces appended n times (huge headers)."""
    raw = spec.get("arg", "").encode("latin-1")
    rep = spec.get("repeat")
    if rep:
        raw += rep[0].encode("latin-1") * int(rep[1])
    raw += spec.get("tail", "").encode("latin-1")
    resp.raw, resp.end, resp.limit = raw, "close", len(raw)
    return resp


THROTTLE = {"lock": threading.Lock(), "times": []}


def f_throttle(ctx, resp, spec):
    """Above arg requests in the last second: 429 with Retry-After: 1 (as Key
    Vault throttles), else the normal answer. For the fleet benchmark."""
    limit, now = int(spec.get("arg", 50)), time.monotonic()
    with THROTTLE["lock"]:
        t = [x for x in THROTTLE["times"] if now - x < 1.0]
        over = len(t) >= limit
        if not over:
            t.append(now)
        THROTTLE["times"] = t
    if not over:
        return resp
    r = kv_error(429, "Throttled", "Request was not processed because too many requests were received.")
    r.set_header("Retry-After", "1")
    r.log["throttled"] = True
    return r


def f_unavailable(ctx, resp, spec):
    return f_close(ctx, resp, spec)   # the watcher closes the listener itself


FAULTS = {
    "ok": f_ok,
    "identity-not-found": f_identity_not_found,   # IMDS/ext 400 invalid_request
    "status": f_status,            # arg: HTTP status, canned body per listener
    "unavailable": f_unavailable,  # listener closed -> connection refused
    "close": f_close,              # read the request, close without answering
    "reset": f_reset,              # arg bytes of the answer, then TCP RST
    "stall": f_stall,              # read the request, never answer
    "chunked": f_chunked,          # Transfer-Encoding: chunked, arg: sizes
    "bad-chunk": f_bad_chunk,      # chunked with a non-hex last chunk size
    "truncate": f_truncate,        # full Content-Length, arg body bytes, close
    "oversize-headers": f_oversize_headers,  # arg bytes of extra headers
    "trickle": f_trickle,          # one byte every arg seconds
    "delay": f_delay,              # answer after arg seconds
    "redirect": f_redirect,        # arg 301/302, spec "location"
    "bad-json": f_bad_json,        # body replaced by arg (broken JSON)
    "no-length": f_no_length,      # body delimited by connection close
    "bad-status": f_bad_status,    # status line replaced by arg
    "raw": f_raw,
    "throttle": f_throttle,        # arg: requests/s, above: 429 + Retry-After: 1                  # arg (+ repeat, tail): exact answer bytes, close
}


def apply_fault(ctx, resp, spec):
    if not spec:
        return resp
    fn = FAULTS.get(spec["fault"])
    if fn is None:
        warn("unknown fault %r" % spec["fault"])
        return resp
    resp = fn(ctx, resp, spec)
    for k, v in (spec.get("headers") or {}).items():
        resp.set_header(k, str(v))
    if "body" in spec:
        resp.body = spec["body"].encode("utf-8")
    resp.log.setdefault("fault", [])
    resp.log["fault"].append(spec["fault"])
    return resp


# ---- token endpoints -------------------------------------------------------

def find_identity(sel):
    """Fixture identity for a selector dict ({} = system-assigned) or None."""
    ids = FIX["identities"]
    if not sel:
        return ("system", ids["system"]) if ids.get("system") else None
    (k, v), = sel.items()
    for i, u in enumerate(ids.get("user", [])):
        if u.get(k, "").lower() == v.lower():
            return ("user%d" % (i + 1), u)
    return None


def make_token(resource, ident, now):
    tenant = "00000000-0000-0000-0000-000000000000"
    hdr = {"typ": "JWT", "alg": "RS256", "x5t": b64u(os.urandom(20)), "kid": b64u(os.urandom(20))}
    pl = {"aud": resource, "iss": "https://sts.windows.net/%s/" % tenant,
          "iat": now, "nbf": now, "exp": now + TOKEN_LIFE,
          "aio": b64u(os.urandom(48)), "appid": ident.get("client_id", str(uuid.uuid4())),
          "appidacr": "2", "idp": "https://sts.windows.net/%s/" % tenant,
          "idtyp": "app", "oid": ident.get("object_id", ""), "rh": b64u(os.urandom(40)),
          "sub": ident.get("object_id", ""), "tid": tenant, "uti": b64u(os.urandom(16)),
          "ver": "1.0", "xms_mirid": ident.get("msi_res_id", ""), "fake": "azkv-tests"}
    return "%s.%s.%s" % (b64u(dumps(hdr).encode()), b64u(dumps(pl).encode()),
                         b64u(os.urandom(256)))


def issue(ctx, params):
    """Token response for resource/selector params (IMDS and ext share it)."""
    res = params.get("resource")
    if not res:
        return imds_error(400, "invalid_request", "Required query variable 'resource' is missing")
    sel = {k: params[k] for k in SELECTORS if k in params}
    if len(sel) > 1:
        return imds_error(400, "invalid_request",
                          "Only one of client_id, object_id or msi_res_id may be specified")
    if not valid_resource(res):
        return imds_error(400, "invalid_resource",
                          "AADSTS500011: The resource principal named %s was not found in the tenant." % res)
    found = find_identity(sel)
    if found is None:
        return imds_error(400, "invalid_request", "Identity not found")
    name, ident = found
    now = int(time.time())
    tok = make_token(res, ident, now)
    with TOKENS_LOCK:
        TOKENS[tok] = {"resource": res, "identity": name, "listener": ctx.listener}
    body = {"access_token": tok, "refresh_token": "",
            "client_id": ident.get("client_id", "c0000000-0000-0000-0000-000000000000"),
            "expires_in": str(TOKEN_LIFE), "expires_on": str(now + TOKEN_LIFE),
            "ext_expires_in": str(TOKEN_LIFE), "not_before": str(now),
            "resource": res, "token_type": "Bearer"}
    r = Resp(200, dumps(body))
    r.log.update(token=tok, identity=name)
    return r




def imds_tags(ctx):
    """The VM's tags: the control's "imds_tags" (a list, or raw text) if
    set, else the fixture's "vm_tags"."""
    req = ctx.req
    if not re.match(r"^20\d\d-\d\d-\d\d$", req.query.get("api-version") or ""):
        return imds_error(400, "invalid_request",
                          "Bad request. api-version is invalid or was not specified in the url")
    tags = CONTROL.get("imds_tags", FIX.get("vm_tags", []))
    return Resp(200, tags if isinstance(tags, str) else dumps(tags))


def handle_imds(ctx):
    req = ctx.req
    if req.path == TAGS_PATH and req.method == "GET" and req.header("metadata") == "true" \
            and not req.qdup:
        return imds_tags(ctx)
    if req.path != IMDS_PATH:
        return imds_error(404, "not_found", "Not found")
    if req.method != "GET":
        return imds_error(405, "method_not_allowed", "Method not allowed")
    if req.header("metadata") != "true":
        return imds_error(400, "bad_request_102", "Required metadata header not specified")
    if "x-forwarded-for" in req.headers:
        return imds_error(400, "bad_request", "Request contains X-Forwarded-For")
    if req.qdup:
        return imds_error(400, "bad_request", "Duplicate query parameter")
    if req.query.get("api-version") != IMDS_API:
        return imds_error(400, "invalid_request",
                          "Bad request. api-version is invalid or was not specified in the url")
    return issue(ctx, req.query)


def handle_ext(ctx):
    req = ctx.req
    if req.path != "/oauth2/token":
        return imds_error(404, "not_found", "Not found")
    if req.method != "POST":
        return imds_error(405, "method_not_allowed", "Method not allowed")
    if req.header("metadata") != "true":
        return imds_error(400, "bad_request", "Required metadata header not specified")
    ctype = (req.header("content-type") or "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        return imds_error(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded")
    try:
        pairs = parse_qsl(req.body.decode("ascii"), keep_blank_values=True, strict_parsing=True)
    except (ValueError, UnicodeDecodeError):
        return imds_error(400, "invalid_request", "Malformed form body")
    form = dict(pairs)
    if len(form) != len(pairs):
        return imds_error(400, "invalid_request", "Duplicate form parameter")
    return issue(ctx, form)


# ---- the other identity sources ---------------------------------------------
# appsvc (App Service 2019-08-01 and 2017-09-01 on one port), arc, sf (Service
# Fabric, TLS, self-signed), ml (Azure ML), cloudshell, entra (the Entra ID
# token endpoint for workload identity, TLS). docs/protocols.md 1.5-1.10. Each
# checks its requests as strictly as the real one is known to, and answers
# with that source's token and error shapes. Secrets and identities come from
# the fixture's "sources" object.

APPSVC_PATHS = ("/MSI/token", "/MSI/token/")
APPSVC_API = "2019-08-01"
LEGACY_API = "2017-09-01"
ARC_APIS = ("2020-06-01", "2019-11-01")
SF_API = "2019-07-01-preview"
ML_PATH = "/MSI/auth"
CLOUDSHELL_PATH = "/oauth2/token"
CLOUDSHELL_AUDIENCES = (
    "https://management.core.windows.net/", "https://management.azure.com/",
    "https://graph.windows.net/", "https://vault.azure.net", "https://datalake.azure.net/",
    "https://graph.microsoft.com/", "https://batch.core.windows.net/",
    "https://storage.azure.com/", "https://managedhsm.azure.net")
WI_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SOURCE_LIFE = 3600           # default lifetime of the other sources' tokens
SELECTOR_MAP = {"client_id": "client_id", "clientid": "client_id",
                "principal_id": "object_id", "object_id": "object_id",
                "mi_res_id": "msi_res_id", "msi_res_id": "msi_res_id"}
ARC_KEYS = {}                # key file content -> path, for challenges issued
ARC_LOCK = threading.Lock()


def sources():
    return FIX["sources"]


def dumps(obj):
    return COMPACT_JSON.encode(obj)


def appsvc_error(status, message):
    return Resp(status, dumps({"statusCode": status, "message": message,
                               "correlationId": str(uuid.uuid4())}))


def sf_error(status, code, message):
    return Resp(status, dumps({"error": {"correlationId": str(uuid.uuid4()), "code": code,
                                         "message": message}}))


def cs_error(status, code, message):
    return Resp(status, dumps({"error": {"code": code, "message": message}}))


def entra_error(status, error, code, desc):
    ts = time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime())
    trace, corr = str(uuid.uuid4()), str(uuid.uuid4())
    text = "AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s" % (
        code, desc, trace, corr, ts)
    return Resp(status, dumps({"error": error, "error_description": text, "error_codes": [code],
                               "timestamp": ts, "trace_id": trace, "correlation_id": corr,
                               "error_uri": "https://login.microsoftonline.com/error?code=%d" % code}))


SOURCE_STATUS = {   # the "status" fault's body per listener
    "appsvc": lambda st: appsvc_error(st, "An unexpected error occured while fetching the AAD Token."
                                      if st >= 500 else "Fake error %d" % st),
    "sf": lambda st: sf_error(st, "InternalServerError" if st >= 500 else "Error%d" % st,
                              "Fake error %d" % st),
    "cloudshell": lambda st: cs_error(st, "InternalServerError" if st >= 500 else "Error%d" % st,
                                      "Fake error %d" % st),
    "entra": lambda st: entra_error(st, "temporarily_unavailable" if st >= 500 else "invalid_request",
                                    50196 if st >= 500 else 90000, "Fake error %d." % st),
}


def expiry(fmt, now, life):
    """The expires_* fields of a token response in format fmt."""
    on = now + life
    g = time.gmtime(on)
    hour12 = g.tm_hour % 12 or 12
    table = {
        "epoch-str": lambda: {"expires_on": str(on)},
        "epoch-num": lambda: {"expires_on": on},
        "in-str": lambda: {"expires_in": str(life)},
        "in-num": lambda: {"expires_in": life},
        "imds": lambda: {"expires_in": str(life), "expires_on": str(on),
                         "ext_expires_in": str(life), "not_before": str(now)},
        "entra": lambda: {"expires_in": life, "ext_expires_in": life},
        "date-linux": lambda: {"expires_on": time.strftime("%m/%d/%Y %H:%M:%S +00:00", g)},
        "date-windows": lambda: {"expires_on": "%d/%d/%d %d:%02d:%02d %s +00:00" % (
            g.tm_mon, g.tm_mday, g.tm_year, hour12, g.tm_min, g.tm_sec,
            "AM" if g.tm_hour < 12 else "PM")},
        "date-offset": lambda: {"expires_on": time.strftime(
            "%m/%d/%Y %H:%M:%S +02:00", time.gmtime(on + 7200))},
        "iso": lambda: {"expires_on": time.strftime("%Y-%m-%dT%H:%M:%S.0000000+00:00", g)},
        "iso-z": lambda: {"expires_on": time.strftime("%Y-%m-%dT%H:%M:%SZ", g)},
        "iso-offset": lambda: {"expires_on": time.strftime(
            "%Y-%m-%dT%H:%M:%S-05:00", time.gmtime(on - 5 * 3600))},
        "both": lambda: {"expires_in": life, "expires_on": str(now + 10 * life)},
        "expired": lambda: {"expires_on": str(now - 60)},
    }
    return table[fmt]()


def issue_src(ctx, res, found, shape, fields):
    """A token for res and fixture identity found = (name, ident): shape is
    the source's default expiry format; control "expires" (format) and
    "expires_life" (seconds) override it."""
    name, ident = found
    now = int(time.time())
    life = int(CONTROL.get("expires_life", SOURCE_LIFE))
    tok = make_token(res, ident, now)
    with TOKENS_LOCK:
        TOKENS[tok] = {"resource": res, "identity": name, "listener": ctx.listener}
    body = dict(fields)
    body["access_token"] = tok
    body.update(expiry(CONTROL.get("expires") or shape, now, life))
    r = Resp(200, dumps(body))
    r.log.update(token=tok, identity=name)
    return r


RESOURCE_RE = re.compile(r"^(https?|api)://[^\s]+$")


def valid_resource(res):
    return bool(res) and RESOURCE_RE.match(res) is not None


def one_selector(q, names):
    """({fixture key: value}, None) or (None, why) for the selectors in q."""
    sel = {k: q[k] for k in names if k in q}
    if len(sel) > 1:
        return None, "Only one of %s may be specified" % ", ".join(names)
    return {SELECTOR_MAP[k]: v for k, v in sel.items()}, None


def handle_appsvc(ctx):
    req = ctx.req
    if req.path not in APPSVC_PATHS:
        return appsvc_error(404, "Not found")
    if req.method != "GET":
        return appsvc_error(405, "Method not allowed")
    if req.qdup:
        return appsvc_error(400, "Duplicate query parameter")
    api = req.query.get("api-version")
    if api == APPSVC_API:
        return appsvc_2019(ctx)
    if api == LEGACY_API:
        return appsvc_2017(ctx)
    return appsvc_error(400, "api-version is invalid or was not specified")


def appsvc_2019(ctx):
    req, q = ctx.req, ctx.req.query
    hdr = req.header("x-identity-header")
    if hdr is None:
        return appsvc_error(400, "X-IDENTITY-HEADER is missing")
    if hdr != sources()["identity_header"]:
        return appsvc_error(401, "X-IDENTITY-HEADER is invalid")
    names = ("client_id", "principal_id", "object_id", "mi_res_id")
    unknown = sorted(set(q) - {"resource", "api-version"} - set(names))
    if unknown:
        return appsvc_error(400, "Unknown query parameter(s): %s" % ", ".join(unknown))
    sel, why = one_selector(q, names)
    if why:
        return appsvc_error(400, why)
    if not q.get("resource"):
        return appsvc_error(400, "resource is missing")
    if not valid_resource(q["resource"]):
        return appsvc_error(500, "An unexpected error occured while fetching the AAD Token.")
    found = find_identity(sel)
    if found is None:
        return appsvc_error(400, "Unable to load the requested managed identity.")
    return issue_src(ctx, q["resource"], found, "epoch-str", {
        "resource": q["resource"], "token_type": "Bearer",
        "client_id": found[1].get("client_id", "c0000000-0000-0000-0000-000000000000")})


def appsvc_2017(ctx):
    req, q = ctx.req, ctx.req.query
    sec = req.header("secret")
    if sec is None:
        return appsvc_error(400, "secret header is missing")
    if sec != sources()["msi_secret"]:
        return appsvc_error(401, "secret header is invalid")
    unknown = sorted(set(q) - {"resource", "api-version", "clientid"})
    if unknown:
        return appsvc_error(400, "Unknown query parameter(s): %s" % ", ".join(unknown))
    if not valid_resource(q.get("resource")):
        return appsvc_error(400, "resource is missing or invalid")
    sel, _ = one_selector(q, ("clientid",))
    found = find_identity(sel)
    if found is None:
        return appsvc_error(400, "Unable to load the requested managed identity.")
    return issue_src(ctx, q["resource"], found, "date-linux",
                     {"resource": q["resource"], "token_type": "Bearer"})


def arc_challenge():
    """401 naming a fresh key file, or control "arc_realm" (a path a test
    made: if readable, its content becomes a valid key too)."""
    path = CONTROL.get("arc_realm")
    if path is not None:
        try:   # a test's own key file: its content is then a valid key
            if os.path.isfile(path):   # (never open a FIFO: it would block)
                with open(path) as f:
                    key = f.read(8192)
                with ARC_LOCK:
                    ARC_KEYS[key] = path
        except (OSError, UnicodeDecodeError):
            pass
    else:
        key = b64u(os.urandom(32))
        path = os.path.join(OPTS.arc_dir, uuid.uuid4().hex + ".key")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(key)
        except OSError as e:
            return imds_error(500, "unknown", "fake: cannot write the Arc key file: %s" % e)
        with ARC_LOCK:
            ARC_KEYS[key] = path
    r = Resp(401, dumps({"error": "unauthorized", "error_description": "Unauthorized"}),
             [("WWW-Authenticate", "Basic realm=%s" % path)])
    r.log["arc_realm"] = path
    return r


def handle_arc(ctx):
    req, q = ctx.req, ctx.req.query
    if req.path != IMDS_PATH:
        return imds_error(404, "not_found", "Not found")
    if req.method != "GET":
        return imds_error(405, "method_not_allowed", "Method not allowed")
    if req.header("metadata") != "true":
        return imds_error(400, "bad_request_102", "Required metadata header not specified")
    if req.qdup:
        return imds_error(400, "bad_request", "Duplicate query parameter")
    if q.get("api-version") not in ARC_APIS:
        return imds_error(400, "invalid_request", "api-version is invalid or was not specified")
    if set(q) & set(SELECTOR_MAP):
        return imds_error(400, "invalid_request", "User-assigned identities are not supported")
    auth = req.header("authorization")
    if not auth:
        return arc_challenge()
    with ARC_LOCK:
        known = auth.startswith("Basic ") and auth[6:] in ARC_KEYS
    if not known:
        return imds_error(401, "unauthorized", "Invalid challenge key")
    if not valid_resource(q.get("resource")):
        return imds_error(400, "invalid_request", "Required query variable 'resource' is missing")
    return issue_src(ctx, q["resource"], find_identity({}), "imds", {
        "refresh_token": "", "resource": q["resource"], "token_type": "Bearer"})


def handle_sf(ctx):
    req, q = ctx.req, ctx.req.query
    if req.path != IMDS_PATH:
        return sf_error(404, "NotFound", "Not found")
    if req.method != "GET":
        return sf_error(405, "MethodNotAllowed", "Method not allowed")
    sec = req.header("secret")
    if sec is None:
        return sf_error(401, "SecretHeaderNotFound", "Secret is not found in the request headers.")
    if q.get("api-version") != SF_API or req.qdup:
        return sf_error(400, "InvalidApiVersion", "The api-version '%s' could not be found. "
                        "Supported api-versions: %s" % (q.get("api-version"), SF_API))
    if sec != sources()["identity_header"]:
        return sf_error(404, "ManagedIdentityNotFound",
                        "Managed Identity not found for the given secret.")
    unknown = sorted(set(q) - {"resource", "api-version"})
    if unknown:
        return sf_error(400, "InvalidParameter", "Unknown parameter(s): %s" % ", ".join(unknown))
    if not q.get("resource"):
        return sf_error(400, "ArgumentNullOrEmpty",
                        "Value cannot be null or empty. Parameter name: resource")
    return issue_src(ctx, q["resource"], find_identity({}), "epoch-num",
                     {"token_type": "Bearer", "resource": q["resource"]})


def handle_ml(ctx):
    req, q = ctx.req, ctx.req.query
    if req.path != ML_PATH:
        return imds_error(404, "not_found", "Not found")
    if req.method != "GET":
        return imds_error(405, "method_not_allowed", "Method not allowed")
    if req.header("secret") != sources()["ml_secret"]:
        return imds_error(401, "unauthorized", "secret header missing or invalid")
    if q.get("api-version") != LEGACY_API or req.qdup:
        return imds_error(400, "invalid_request", "api-version is invalid or was not specified")
    unknown = sorted(set(q) - {"resource", "api-version", "clientid"})
    if unknown:
        return imds_error(400, "invalid_request", "Unknown parameter(s): %s" % ", ".join(unknown))
    if not q.get("clientid"):
        return imds_error(400, "invalid_request", "clientid is required")
    if not valid_resource(q.get("resource")):
        return imds_error(400, "invalid_request", "resource is missing or invalid")
    if q["clientid"].lower() == sources()["ml_default_client_id"]:
        found = find_identity({})
    else:
        found = find_identity({"client_id": q["clientid"]})
    if found is None:
        return imds_error(400, "invalid_request", "Identity not found")
    return issue_src(ctx, q["resource"], found, "epoch-num",
                     {"resource": q["resource"], "token_type": "Bearer"})


def strict_form(req):
    """(dict, None) for a form-encoded body, or (None, why)."""
    ctype = (req.header("content-type") or "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        return None, "Content-Type must be application/x-www-form-urlencoded"
    try:
        pairs = parse_qsl(req.body.decode("ascii"), keep_blank_values=True, strict_parsing=True)
    except (ValueError, UnicodeDecodeError):
        return None, "Malformed form body"
    form = dict(pairs)
    if len(form) != len(pairs):
        return None, "Duplicate form parameter"
    return form, None


def handle_cloudshell(ctx):
    req = ctx.req
    if req.path != CLOUDSHELL_PATH:
        return cs_error(404, "NotFound", "Not found")
    if req.method != "POST":
        return cs_error(405, "MethodNotAllowed", "Method not allowed")
    if req.header("metadata") != "true":
        return cs_error(400, "BadRequest", "Required metadata header not specified")
    form, why = strict_form(req)
    if why:
        return cs_error(400, "BadRequest", why)
    extra = sorted(set(form) - {"resource"})
    if extra:
        return cs_error(400, "BadRequest", "Unexpected parameter(s): %s" % ", ".join(extra))
    res = form.get("resource")
    if not res:
        return cs_error(400, "BadRequest", "resource is missing")
    if norm_res(res) not in {norm_res(a) for a in CLOUDSHELL_AUDIENCES}:
        return cs_error(400, "AudienceNotSupported",
                        "Audience %s is not a supported MSI token audience. Supported audiences: %s"
                        % (res, ",".join(CLOUDSHELL_AUDIENCES)))
    return issue_src(ctx, res, find_identity({}), "imds",
                     {"refresh_token": "", "resource": res, "token_type": "Bearer"})


def jwt_claims(jwt):
    parts = jwt.split(".")
    if len(parts) != 3:
        return None
    try:
        pad = "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + pad))
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None


def authority_serves(host, res):
    rhost = urlsplit(res).hostname or ""
    return any(rhost == s or rhost.endswith("." + s)
               for s in sources()["authorities"].get(host, ()))


def entra_assertion(form):
    """None if the client assertion matches the federated credential, else
    the Entra error."""
    wi = sources()["workload"]
    claims = jwt_claims(form.get("client_assertion", ""))
    if claims is None:
        return entra_error(400, "invalid_client", 50027, "JWT token is invalid or malformed.")
    if not isinstance(claims.get("exp"), int) or claims["exp"] < time.time():
        return entra_error(400, "invalid_client", 700024,
                           "Client assertion is not within its valid time range.")
    if (claims.get("iss"), claims.get("sub"), claims.get("aud")) != (
            wi["issuer"], wi["subject"], wi["audience"]):
        return entra_error(400, "invalid_client", 70021,
                           "No matching federated identity record found for presented assertion. "
                           "Assertion Issuer: '%s'. Assertion Subject: '%s'. Assertion Audience: '%s'."
                           % (claims.get("iss"), claims.get("sub"), claims.get("aud")))
    return None


def handle_entra(ctx):
    req = ctx.req
    wi = sources()["workload"]
    if ctx.host not in sources()["authorities"]:
        return entra_error(400, "invalid_request", 900439, "Unknown authority host %s." % ctx.host)
    m = re.match(r"^/([^/]+)/oauth2/v2\.0/token$", req.path)
    if not m:
        return entra_error(400, "invalid_request", 900023, "Specified tenant identifier in path "
                           "'%s' is neither a valid DNS name, nor a valid external domain." % req.path)
    if req.method != "POST":
        return entra_error(405, "invalid_request", 900561, "The endpoint only accepts POST requests.")
    if m.group(1) != wi["tenant"]:
        return entra_error(400, "invalid_request", 90002, "Tenant '%s' not found." % m.group(1))
    form, why = strict_form(req)
    if why:
        return entra_error(400, "invalid_request", 900144, why)
    if form.get("grant_type") != "client_credentials":
        return entra_error(400, "unsupported_grant_type", 70003,
                           "The app requested an unsupported grant type.")
    if form.get("client_assertion_type") != WI_ASSERTION_TYPE:
        return entra_error(400, "invalid_request", 7000215, "Invalid client assertion type.")
    if form.get("client_id") != wi["client_id"]:
        return entra_error(400, "unauthorized_client", 700016, "Application with identifier "
                           "'%s' was not found in the directory." % form.get("client_id"))
    scope = form.get("scope", "")
    if " " in scope or not scope.endswith("/.default") or len(scope) <= len("/.default"):
        return entra_error(400, "invalid_scope", 1002012,
                           "The provided value for scope %s is not valid." % scope)
    res = scope[:-len("/.default")]
    if not authority_serves(ctx.host, res):
        return entra_error(400, "invalid_resource", 500011, "The resource principal named %s "
                           "was not found in the tenant named %s." % (res, wi["tenant"]))
    bad = entra_assertion(form)
    if bad:
        return bad
    return issue_src(ctx, res, find_identity({"client_id": wi["client_id"]}), "entra",
                     {"token_type": "Bearer"})


# ---- vault -----------------------------------------------------------------

NAME_RE = re.compile(r"^[0-9A-Za-z-]{1,127}$")
SECRET_PATH_RE = re.compile(r"^/secrets/([^/]*)(?:/([^/]*))?/?$")
CERT_PATH_RE = re.compile(r"^/certificates/([^/]*)(?:/([^/]*))?/?$")


def vault_config(host):
    vaults = FIX["vaults"]
    if host in vaults:
        return vaults[host]
    if host.endswith(".vault.azure.net") or host in ("localhost", "127.0.0.1"):
        return vaults["*"]
    return None


def request_id():
    """A random (version 4) UUID like str(uuid.uuid4()), for a fraction of its cost."""
    h = os.urandom(16).hex()
    return "%s-%s-4%s-%x%s-%s" % (h[:8], h[8:12], h[13:16], 8 | int(h[16], 16) & 3,
                                  h[17:20], h[20:])


def std_headers(*pairs):
    """(lower-case name, name, value) for decorate(); a callable value is
    called for each response."""
    return tuple((k.lower(), k, v) for k, v in pairs + (("Date", http_date),))


STD_HEADERS = {   # what the real services send, in their order
    "vault": std_headers(
        ("Cache-Control", "no-cache"), ("Pragma", "no-cache"),
        ("Expires", "-1"), ("x-ms-keyvault-region", "westeurope"),
        ("x-ms-request-id", request_id),
        ("x-ms-keyvault-service-version", "1.9.2049.1"),
        ("x-ms-keyvault-network-info",
         "conn_type=Ipv4;addr=127.0.0.1;act_addr_fam=InterNetwork;"),
        ("X-Content-Type-Options", "nosniff"),
        ("Strict-Transport-Security", "max-age=31536000;includeSubDomains")),
    "imds": std_headers(("Server", "IMDS/150.870.65.1475")),
    None: std_headers(),
}


def decorate(listener, resp):
    """Prepend the headers the real service sends, unless already set."""
    have = {k.lower() for k, _ in resp.headers}
    resp.headers = [(k, v() if callable(v) else v)
                    for lk, k, v in STD_HEADERS.get(listener) or STD_HEADERS[None]
                    if lk not in have] + resp.headers


def norm_res(r):
    return (r or "").rstrip("/").lower()


def challenge(vc, message):
    auth = 'Bearer authorization="https://login.microsoftonline.com/%s", resource="%s"' % (
        vc["tenant"], vc["resource"])
    return kv_error(401, "Unauthorized", message, headers=[("WWW-Authenticate", auth)])


@functools.lru_cache(maxsize=1024)   # the fixture never changes
def find_secret(name, version, enabled):
    """(fixture entry or None, value or None, version id) for name[/version];
    enabled is the vault's "secrets" flag."""
    sec = FIX["secrets"].get(name.lower()) if enabled else None
    value = None
    if sec is not None:
        latest = sec.get("version") or hashlib.md5(name.lower().encode()).hexdigest()
        if not version or version.lower() == latest.lower():
            value, version = value_of(sec), latest
        else:
            for v, spec in sec.get("versions", {}).items():
                if v.lower() == version.lower():
                    value, version = value_of(spec), v
    return sec, value, version


SECRET_ATTRS = dumps({"enabled": True, "created": 1714000000, "updated": 1714000000,
                      "recoveryLevel": "Recoverable+Purgeable", "recoverableDays": 90})


@functools.lru_cache(maxsize=1024)   # same secret, same bytes: encode it once
def secret_body(host, name, version, value, html, ctype=None, kid=False):
    extra = ""
    if ctype:
        extra += ',"contentType":%s' % json.dumps(ctype)
    if kid:   # certificate-backed: Key Vault sets kid and managed
        extra += ',"kid":%s,"managed":true' % json.dumps(
            "https://%s/keys/%s/%s" % (host, name, version))
    return ('{"value":%s%s,"id":%s,"attributes":%s,"tags":{}}' % (
        json_str(value, html=html), extra,
        json.dumps("https://%s/secrets/%s/%s" % (host, name, version)),
        SECRET_ATTRS)).encode("utf-8")


def case_secret(name):
    """A secret the control file adds for this case, or None."""
    extra = CONTROL.get("secrets") or {}
    return extra.get(name.lower())


def cert_bundle(host, name, sec):
    """A CertificateBundle as Key Vault answers GET /certificates/NAME."""
    ver = sec.get("version") or hashlib.md5(name.lower().encode()).hexdigest()
    der = base64.b64decode(sec["cer"])
    pkcs12 = sec.get("contentType", "application/x-pkcs12") == "application/x-pkcs12"
    base = "https://%s/%%s/%s/%s" % (host, name, ver)
    return dumps({
        "id": base % "certificates", "kid": base % "keys", "sid": base % "secrets",
        "x5t": b64u(hashlib.sha1(der).digest()), "cer": sec["cer"],
        "attributes": {"enabled": True, "nbf": 1714000000, "exp": 1900000000,
                       "created": 1714000000, "updated": 1714000000,
                       "recoveryLevel": "Recoverable+Purgeable", "recoverableDays": 90},
        "policy": {"id": base % "certificates" + "/policy",
                   "key_props": {"exportable": True, "kty": "RSA", "key_size": 2048,
                                 "reuse_key": False},
                   "secret_props": {"contentType": "application/x-pkcs12" if pkcs12
                                    else "application/x-pem-file"},
                   "x509_props": {"subject": "CN=" + name, "validity_months": 12},
                   "issuer": {"name": "Self"}},
        "tags": {}}).encode("utf-8")


LIST_ATTRS = {"created": 1714000000, "updated": 1714000000,
              "recoveryLevel": "Recoverable+Purgeable", "recoverableDays": 90}


def list_item(host, sec, mode, big):
    """One SecretItem as the service lists it: contentType first and tags
    last when set, nbf/exp only when set, no value."""
    ok = mode == "all-valid"
    item = {}
    if sec["managed"] and not ok:
        item["contentType"] = "application/x-pkcs12"
    item["id"] = "https://%s/secrets/%s" % (host, sec["name"])
    if sec["managed"] and not ok:
        item["managed"] = True
    attrs = {"enabled": sec["enabled"] or ok}
    for k in ("nbf", "exp"):
        if sec[k] is not None and not ok:
            attrs[k] = sec[k]
    attrs.update(LIST_ATTRS)
    item["attributes"] = attrs
    if big:
        item["tags"] = {"big-%02d-%s" % (t, "n" * 50): "%02d" % t + "v" * 254 for t in range(15)}
    elif sec["tags"]:
        item["tags"] = sec["tags"]
    return item


def skiptoken(page):
    """An opaque $skiptoken in the service's shape (base64 of a marker)."""
    marker = {"NextMarker": "2!100!%s!%06d" % (b64u(("secret/page-%d" % page).encode()), page),
              "TargetLocation": 0}
    return base64.urlsafe_b64encode(json.dumps(marker, separators=(",", ":")).encode()).decode().rstrip("=")


def vault_list(ctx):
    """GET /secrets: one page; the nextLink in the service's own form."""
    q = ctx.req.query
    api = q.get("api-version")
    top = q.get("maxresults", str(fixtures.LIST_PAGE))
    if not top.isdigit() or not 1 <= int(top) <= 25:
        return kv_error(400, "BadParameter", "maxresults must be between 1 and 25.")
    page = 0
    if "$skiptoken" in q:
        page = next((p for p in range(1, 1000) if skiptoken(p) == q["$skiptoken"]), None)
        if page is None:
            return kv_error(400, "BadParameter", "The skip token is invalid.")
    mode = CONTROL.get("list")
    hide = CONTROL.get("list_hide") or []
    items = [s for s in fixtures.LISTING if s["name"] not in hide] if ctx.host == fixtures.LIST_VAULT else []
    n = fixtures.LIST_PAGE
    chunk = [] if mode == "endless" else items[page * n:(page + 1) * n]
    body = [list_item(ctx.host, sec, mode, mode == "tags15" and page == 0) for sec in chunk]
    nxt = page + 1
    if mode == "loop" and page == 1:
        nxt = 1
    more = mode == "endless" or (page + 1) * n < len(items)
    host = "other.vault.azure.net" if mode == "foreign" and page == 0 else ctx.host
    link = "https://%s:443/secrets?api-version=%s&$skiptoken=%s&maxresults=%s" % (
        host, api, skiptoken(nxt), top) if more else None
    text = COMPACT_JSON.encode({"value": body, "nextLink": link})
    if page == 1:   # as System.Text.Json writes it: & escaped
        text = text.replace("&", "\\u0026")
    return Resp(200, text.encode("utf-8"))


def list_secret(ctx, name):
    """A secret of the listed vault, or None if it has none of that name."""
    sec = fixtures.listed(name) if ctx.host == fixtures.LIST_VAULT else None
    if sec is None:
        return None
    if not sec["enabled"] and CONTROL.get("list") != "all-valid":
        return kv_error(403, "Forbidden", "Operation get is not allowed on a disabled secret.",
                        inner="SecretDisabled")
    return Resp(200, secret_body(ctx.host, sec["name"], hashlib.md5(name.lower().encode()).hexdigest(),
                                 sec["value"], False))


def vault_certificate(ctx, name, version):
    sec = case_secret(name)
    if sec is None or "cer" not in sec:
        return kv_error(404, "CertificateNotFound",
                        "A certificate with (name/id) %s was not found in this key vault." % name)
    return Resp(200, cert_bundle(ctx.host, name, sec))


def vault_secret(ctx, vc, name, version):
    """The answer for an authenticated GET of name[/version]."""
    extra = case_secret(name)
    if extra is not None:
        ver = version or extra.get("version") or hashlib.md5(name.lower().encode()).hexdigest()
        return Resp(200, secret_body(ctx.host, name, ver, extra["value"], False,
                                     extra.get("contentType"), "cer" in extra))
    sec, value, version = find_secret(name, version, bool(vc.get("secrets", True)))
    if value is None:
        nid = name + ("/" + version if version else "")
        return kv_error(404, "SecretNotFound",
                        "A secret with (name/id) %s was not found in this key vault. If you "
                        "recently deleted this secret you may be able to recover it using the "
                        "correct recovery command. For help resolving this issue, please see "
                        "https://go.microsoft.com/fwlink/?linkid=2125182" % nid)
    vault = ctx.host.split(".")[0]
    if sec.get("forbidden"):
        return kv_error(403, "Forbidden",
                        "Caller is not authorized to perform action on resource.\r\n"
                        "If role assignments, deny assignments or role definitions were changed "
                        "recently, please observe propagation time.\r\n"
                        "Caller: appid=11111111-1111-1111-1111-111111111111;oid=aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa;"
                        "iss=https://sts.windows.net/00000000-0000-0000-0000-000000000000/\r\n"
                        "Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\n"
                        "Resource: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg/"
                        "providers/microsoft.keyvault/vaults/%s/secrets/%s'\r\n"
                        "Assignment: (not found)\r\nDenyAssignmentId: null\r\n"
                        "DecisionReason: 'DeniedWithNoValidRBAC' \r\n"
                        "Vault: %s;location=westeurope\r\n" % (vault, name, vault),
                        inner="ForbiddenByRbac")
    if sec.get("disabled"):
        return kv_error(403, "Forbidden", "Operation get is not allowed on a disabled secret.",
                        inner="SecretDisabled")
    return Resp(200, secret_body(ctx.host, name, version, value, sec.get("escape") == "html",
                                 sec.get("contentType")))


def handle_vault(ctx):
    req = ctx.req
    vc = vault_config(ctx.host)
    if vc is None:
        return kv_error(400, "BadParameter", "Unknown vault host %s" % ctx.host)
    m = SECRET_PATH_RE.match(req.path) or CERT_PATH_RE.match(req.path)
    keys = req.path.startswith("/keys/")
    listing = req.path == "/secrets"
    if req.method != "GET" and not keys:
        return kv_error(405, "BadParameter", "The requested HTTP method is not allowed")
    if keys or listing:
        pass
    elif not m or not NAME_RE.match(m.group(1)) or (m.group(2) and not NAME_RE.match(m.group(2))):
        return kv_error(400, "BadParameter", "The request URI is invalid: %s" % req.path)
    api = req.query.get("api-version")
    if not api:
        return kv_error(400, "BadParameter", "The api-version query parameter is missing.")
    if api not in KV_APIS:
        return kv_error(400, "BadParameter",
                        "The specified version (%s) is not recognized. Consider using the latest "
                        "supported version (7.6)." % api)
    auth = req.header("authorization")
    if not auth:
        return challenge(vc, "AKV10000: Request is missing a Bearer or PoP token.")
    if not auth.startswith("Bearer "):
        return challenge(vc, "AKV10001: Authorization header is not a Bearer token.")
    with TOKENS_LOCK:
        tok = TOKENS.get(auth[7:])
    if tok is None:
        return challenge(vc, "AKV10032: Invalid issuer. The token was not issued by this fake.")
    if norm_res(tok["resource"]) != norm_res(vc["resource"]):
        return challenge(vc, "AKV10022: Invalid audience. Expected %s, found: %s." % (
            vc["resource"], tok["resource"]))
    if keys:
        return fake_keys.handle(ctx, kv_error, Resp, dumps)
    if listing:
        return apply_fault(ctx, vault_list(ctx), CONTROL.pick("vault:list"))
    name, version = m.group(1), m.group(2) or ""
    if req.path.startswith("/certificates/"):
        return vault_certificate(ctx, name, version)
    resp = list_secret(ctx, name) or vault_secret(ctx, vc, name, version)
    sec = FIX["secrets"].get(name.lower()) or {}
    spec = CONTROL.pick("vault:" + name.lower(), sec.get("fault"))
    return apply_fault(ctx, resp, spec)


# ---- connections -----------------------------------------------------------

class Ctx:
    pass


class Reader:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def fill(self):
        try:
            d = self.sock.recv(65536)
        except (socket.timeout, OSError, ssl.SSLError):
            return False
        if not d:
            return False
        self.buf += d
        return True

    def head(self):
        """Request head bytes (without the blank line); None at EOF; b"" if too big."""
        while b"\r\n\r\n" not in self.buf:
            if len(self.buf) > HEADER_MAX:
                return b""
            if not self.fill():
                return None
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        return head

    def exact(self, n):
        while len(self.buf) < n:
            if not self.fill():
                return None
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def line(self):
        while b"\r\n" not in self.buf:
            if len(self.buf) > HEADER_MAX or not self.fill():
                return None
        out, _, self.buf = self.buf.partition(b"\r\n")
        return out


@functools.lru_cache(maxsize=256)   # a client asks for the same few targets
def parse_target(target):
    """(path, {name: value or [values]}, whether a name repeats)."""
    u = urlsplit(target)
    query, dup = {}, False
    for k, v in parse_qsl(u.query, keep_blank_values=True):
        if k in query:
            dup = True
            old = query[k]
            query[k] = (old if isinstance(old, list) else [old]) + [v]
        else:
            query[k] = v
    return u.path, query, dup


def parse_head(head):
    req = Request()
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        return None
    req.method, req.target, req.http = parts
    req.path, query, req.qdup = parse_target(req.target)
    req.query = dict(query)   # a copy: the cached one stays as parsed
    for l in lines[1:]:
        k, sep, v = l.partition(":")
        if not sep or not k or k != k.strip():
            return None
        k, v = k.lower(), v.strip(" \t")
        if k in req.headers:
            old = req.headers[k]
            req.headers[k] = (old if isinstance(old, list) else [old]) + [v]
        else:
            req.headers[k] = v
    return req


def read_body(rd, req):
    te = (req.header("transfer-encoding") or "").lower()
    if te == "chunked":
        out = b""
        while True:
            l = rd.line()
            if l is None:
                return False
            try:
                n = int(l.split(b";")[0], 16)
            except ValueError:
                return False
            if n == 0:
                while rd.line() not in (b"", None):
                    pass
                break
            d = rd.exact(n + 2)
            if d is None or len(out) + n > BODY_MAX:
                return False
            out += d[:n]
        req.body = out
        return True
    cl = req.header("content-length")
    if cl:
        if not cl.isdigit() or int(cl) > BODY_MAX:
            return False
        d = rd.exact(int(cl))
        if d is None:
            return False
        req.body = d
    return True


def server_context(name):
    """A TLS 1.2+ server context for certdir/NAME.pem and .key that records
    the client's SNI on the socket (azkv_sni)."""
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    c.minimum_version = ssl.TLSVersion.TLSv1_2
    c.load_cert_chain(os.path.join(OPTS.certdir, name + ".pem"),
                      os.path.join(OPTS.certdir, name + ".key"))
    c.sni_callback = lambda s, sni, _c: setattr(s, "azkv_sni", sni)
    return c


def p256_anyway(c, pem):
    """A server that ignores the curves a client offers: to any ClientHello,
    ServerHello (ECDHE_RSA_WITH_AES_128_GCM_SHA256), the (first) certificate
    of the file pem and a ServerKeyExchange naming P-256, signed with zeros
    (no key here). A client that did not offer P-256 stops at the curve; one
    that did, at the signature. Returns what the client answered, for the log."""
    def exact(n):
        b = b""
        while len(b) < n:
            got = c.recv(n - len(b))
            if not got:
                raise OSError("closed")
            b += got
        return b

    def msg(kind, body):
        return bytes([kind]) + struct.pack(">I", len(body))[1:] + body

    try:
        hdr = exact(5)
        exact(struct.unpack(">H", hdr[3:5])[0])
        with open(pem) as f:
            der = ssl.PEM_cert_to_DER_cert(f.read())
        certs = struct.pack(">I", len(der))[1:] + der
        point = b"\x04" + hashlib.sha512(b"not a point").digest()
        ske = b"\x03\x00\x17" + bytes([len(point)]) + point + b"\x04\x01" + struct.pack(">H", 256) + bytes(256)
        hs = (msg(2, b"\x03\x03" + os.urandom(32) + b"\x00\xc0\x2f\x00") +
              msg(11, struct.pack(">I", len(certs))[1:] + certs) + msg(12, ske) + msg(14, b""))
        c.sendall(b"\x16\x03\x03" + struct.pack(">H", len(hs)) + hs)
        answer = c.recv(64)
        return "p256-anyway: client answered %s" % (answer.hex() or "with a close")
    except OSError as e:
        return "p256-anyway: %s" % e


class Listener:
    def __init__(self, name, addrs, handler, certs=None):
        """certs: None (plain HTTP) or the certificate names to serve, the
        first by default, any other when control NAME_cert names it (a name
        "NAME-x" is chosen by "x")."""
        self.name, self.addrs, self.handler, self.tls = name, addrs, handler, bool(certs)
        self.socks = []
        self.conn_lock = threading.Lock()
        self.conn_count = 0
        self.contexts = {}
        self.files = {}      # control value -> certificate name (certdir/NAME.pem)
        if certs:
            self.load_certs(certs)

    def load_certs(self, names):
        for i, name in enumerate(names):
            if not os.path.exists(os.path.join(OPTS.certdir, name + ".pem")):
                continue
            key = "default" if i == 0 else name[len(self.name) + 1:] \
                if name.startswith(self.name + "-") else name
            self.files[key] = name
            self.contexts[key] = server_context(name)
        if "default" not in self.contexts:
            raise SystemExit("fake_azure: no %s.pem in %s (run mkcerts.sh)" % (names[0], OPTS.certdir))

    def pem(self, which):
        """The certificate file control NAME_cert's value which selects."""
        return os.path.join(OPTS.certdir, self.files.get(which, self.files["default"]) + ".pem")

    def curves(self, ctx, which, mode):
        """ctx, or a copy of it that chooses its ECDHE curve as mode says."""
        if mode not in ("client-order", "no-x25519", "no-common"):
            return ctx
        key = (which, mode)
        if key not in self.contexts:
            c = server_context(self.files.get(which, self.files["default"]))
            if mode == "client-order":
                c.options &= ~ssl.OP_CIPHER_SERVER_PREFERENCE
            elif mode == "no-x25519":
                c.set_ecdh_curve("prime256v1")
            else:
                c.set_ciphers("ECDHE-RSA-CHACHA20-POLY1305")
            self.contexts[key] = c
        return self.contexts[key]

    @property
    def up(self):
        return bool(self.socks)

    def start(self):
        for host, port in self.addrs:
            fam = socket.AF_INET6 if ":" in host else socket.AF_INET
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
            s.listen(64)
            s.settimeout(0.1)
            t = threading.Thread(target=self.accept_loop, args=(s,), daemon=True)
            self.socks.append((s, t))
            t.start()

    def stop(self):
        """Close the listening sockets (connection refused from now on);
        returns once they are closed."""
        socks, self.socks = self.socks, []
        for _, t in socks:
            t.join()

    def accept_loop(self, s):
        try:
            self.accept_until_stopped(s)
        finally:
            s.close()

    def accept_until_stopped(self, s):
        while not STOP.is_set() and any(s is x for x, _ in self.socks):
            try:
                c, peer = s.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            with self.conn_lock:
                self.conn_count += 1
                cid = self.conn_count
            # not threading.Thread: its start() waits until the new thread
            # runs, and the client waits with it; these die with the process
            # as daemon threads do
            _thread.start_new_thread(self.serve, (c, cid))

    def serve(self, c, cid):
        laddr, raddr = c.getsockname(), c.getpeername()
        base = {"listener": self.name, "conn": cid,
                "laddr": "%s:%d" % laddr[:2], "raddr": "%s:%d" % raddr[:2]}
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        CONTROL.refresh()
        c.settimeout(float(CONTROL.get(self.name + "_idle", IDLE)))
        log(dict(base, event="connect"))
        tls = None
        try:
            if self.tls:
                CONTROL.refresh()
                which = CONTROL.get(self.name + "_cert", "default")
                ctx = self.contexts.get(which) or self.contexts["default"]
                mode = CONTROL.get(self.name + "_tls", "default")
                if mode == "p256-anyway":
                    log(dict(base, event="tls-error", cert=which, error=p256_anyway(c, self.pem(which))))
                    return
                ctx = self.curves(ctx, which, mode)
                try:
                    c = ctx.wrap_socket(c, server_side=True)
                except (ssl.SSLError, OSError) as e:
                    log(dict(base, event="tls-error", cert=which, error=str(e)))
                    return
                tls = {"sni": getattr(c, "azkv_sni", None), "version": c.version(),
                       "cipher": c.cipher()[0], "cert": which}
            self.requests(c, base, tls)
        finally:
            try:
                c.close()
            except OSError:
                pass

    def requests(self, c, base, tls):
        rd = Reader(c)
        seq = 0
        while not STOP.is_set():
            head = rd.head()
            if head is None:
                return
            seq += 1
            CONTROL.refresh()
            req = parse_head(head) if head else None
            ctx = Ctx()
            ctx.listener, ctx.req = self.name, req
            if req is None or not read_body(rd, req):
                resp = Resp(431 if head == b"" else 400, b"", [("Connection", "close")])
                resp.close = True
                log(dict(base, event="bad-request", seq=seq, status=resp.status,
                         head=head[:2000].decode("latin-1") if head else None))
                self.send(c, resp)
                return
            ctx.host = PORT_RE.sub("", (req.header("host") or "").lower())
            resp = self.handler(ctx)
            resp = apply_fault(ctx, resp, CONTROL.pick(self.name))
            decorate(self.name, resp)
            if req.wants_close():
                resp.close = True
            entry = dict(base, event="request", seq=seq, method=req.method,
                         target=req.target, path=req.path, query=req.query, http=req.http,
                         headers=req.headers, body=req.body.decode("utf-8", "replace"),
                         status=None if (resp.stall or resp.limit == 0) else resp.status,
                         fault=None, token=None, identity=None)
            if tls:
                entry["tls"] = tls
            entry.update(resp.log)
            log(entry)
            if not self.send(c, resp) or resp.close or resp.framing == "close":
                return

    def send(self, c, resp):
        """Write resp; False if the connection must end."""
        if resp.stall:
            end = time.monotonic() + STALL_MAX
            c.settimeout(1.0)
            while time.monotonic() < end and not STOP.is_set():
                try:
                    if not c.recv(4096):
                        break
                except socket.timeout:
                    continue
                except (OSError, ssl.SSLError):
                    break
            return False
        if resp.delay:
            time.sleep(resp.delay)
        data = resp.encode()
        if resp.body_limit is not None:
            resp.limit = data.index(b"\r\n\r\n") + 4 + resp.body_limit
        cut = resp.limit is not None
        if cut:
            data = data[:resp.limit]
        try:
            if resp.trickle:
                for i in range(len(data)):
                    c.sendall(data[i:i + 1])
                    if STOP.wait(resp.trickle):
                        return False
            elif data:
                c.sendall(data)
        except (OSError, ssl.SSLError):
            return False
        if cut:
            if resp.end == "reset":
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        return True


# ---- main ------------------------------------------------------------------

def parse_addrs(s):
    if s in (None, "", "off"):
        return []
    out = []
    for a in s.split(","):
        m = re.match(r"^\[([0-9a-fA-F:]+)\]:(\d+)$", a) or re.match(r"^([^:]+):(\d+)$", a)
        if not m:
            raise SystemExit("fake_azure: bad address %r" % a)
        out.append((m.group(1), int(m.group(2))))
    return out


def wants_down(ctl, name):
    v = ctl.get(name)
    return v == "unavailable" or (isinstance(v, dict) and v.get("fault") == "unavailable")


def main():
    global OPTS, FIX, CONTROL
    ap = argparse.ArgumentParser(description="fake Azure identity endpoints + Key Vault")
    ap.add_argument("--imds", default="169.254.169.254:80")
    ap.add_argument("--ext", default="127.0.0.1:50342")
    ap.add_argument("--vault", default="127.0.0.1:443")
    ap.add_argument("--appsvc", default="127.0.0.1:41601")
    ap.add_argument("--arc", default="127.0.0.1:40342")
    ap.add_argument("--sf", default="127.0.0.1:2377")
    ap.add_argument("--ml", default="127.0.0.1:46808")
    ap.add_argument("--cloudshell", default="127.0.0.1:50343")
    ap.add_argument("--entra", default="127.0.0.2:443")
    ap.add_argument("--arc-dir", default="/var/opt/azcmagent/tokens")
    ap.add_argument("--certdir", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--control")
    ap.add_argument("--fixture", default=os.path.join(HERE, "secrets.json"))
    ap.add_argument("--ready")
    OPTS = ap.parse_args()
    with open(OPTS.fixture, encoding="utf-8") as f:
        FIX = json.load(f)
    CONTROL = Control(OPTS.control)
    fake_keys.init(FIX, OPTS.certdir)
    listeners = [Listener("imds", parse_addrs(OPTS.imds), handle_imds),
                 Listener("ext", parse_addrs(OPTS.ext), handle_ext),
                 Listener("vault", parse_addrs(OPTS.vault), handle_vault,
                          certs=("vault", "chain", "untrusted", "wrongname", "expired", "badsig", "badchain",
                                 "fresh", "far", "future")),
                 Listener("appsvc", parse_addrs(OPTS.appsvc), handle_appsvc),
                 Listener("arc", parse_addrs(OPTS.arc), handle_arc),
                 Listener("sf", parse_addrs(OPTS.sf), handle_sf, certs=("sf", "sf-ec", "sf-big")),
                 Listener("ml", parse_addrs(OPTS.ml), handle_ml),
                 Listener("cloudshell", parse_addrs(OPTS.cloudshell), handle_cloudshell),
                 Listener("entra", parse_addrs(OPTS.entra), handle_entra, certs=("entra",))]
    signal.signal(signal.SIGTERM, lambda *_: STOP.set())
    signal.signal(signal.SIGINT, lambda *_: STOP.set())
    applied = None
    first = True
    while not STOP.is_set():
        ctl, digest = CONTROL.current()
        if digest != applied:
            for li in listeners:
                if not li.addrs:
                    continue
                down = wants_down(ctl, li.name)
                if down and li.up:
                    li.stop()
                elif not down and not li.up:
                    li.start()
            if OPTS.control:
                with open(OPTS.control + ".applied.tmp", "w") as f:
                    f.write(digest + "\n")
                os.replace(OPTS.control + ".applied.tmp", OPTS.control + ".applied")
            applied = digest
        if first:
            first = False
            if OPTS.ready:
                open(OPTS.ready, "w").close()
            print("ready", flush=True)
        STOP.wait(0.02)
    for li in listeners:
        li.stop()


if __name__ == "__main__":
    main()
