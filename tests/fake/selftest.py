#!/usr/bin/env python3
"""Self-test of the fake Azure with a stdlib client (no azkv needed).

    tests/netns.sh -- python3 tests/fake/selftest.py

Checks every fixture secret byte-exact through JSON decoding, the token
endpoints, the challenge, errors, every fault in FAULTS and every certificate
choice. Prints ok/not ok lines and "N passed, N failed" like the other suites.
"""
import json
import os
import socket
import ssl
import sys
import time

sys.dont_write_bytecode = True  # keep tests/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixtures as fx  # noqa: E402

CA = os.environ.get("AZKV_TEST_CA")
RESULTS = [0, 0]
IMDS = ("169.254.169.254", 80)
VAULT = ("127.0.0.1", 443)
EXT = ("127.0.0.1", 50342)
VAULT_RES = "https%3A%2F%2Fvault.azure.net"


def check(name, cond, why=""):
    if cond:
        RESULTS[0] += 1
        print("ok - %s" % name)
    else:
        RESULTS[1] += 1
        print("not ok - %s: %s" % (name, why))


class Conn:
    """One TCP (or TLS) connection; several requests on it."""

    def __init__(self, addr, tls_host=None, cafile=CA, timeout=10):
        self.sock = socket.create_connection(addr, timeout=timeout)
        if tls_host:
            ctx = ssl.create_default_context(cafile=cafile)
            ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
            self.sock = ctx.wrap_socket(self.sock, server_hostname=tls_host)
        self.buf = b""
        self.host = tls_host or "%s:%d" % addr

    def fill(self):
        d = self.sock.recv(65536)
        if not d:
            raise EOFError("closed")
        self.buf += d

    def take(self, n):
        while len(self.buf) < n:
            self.fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def line(self):
        while b"\r\n" not in self.buf:
            self.fill()
        out, _, self.buf = self.buf.partition(b"\r\n")
        return out

    def request(self, method, target, headers=(), body=b"", host=None):
        h = ["%s %s HTTP/1.1" % (method, target), "Host: %s" % (host or self.host)]
        h += ["%s: %s" % kv for kv in headers]
        if body:
            h.append("Content-Length: %d" % len(body))
        self.sock.sendall(("\r\n".join(h) + "\r\n\r\n").encode() + body)
        return self.response()

    def response(self):
        """(status, {lower name: value}, body bytes, chunk lines)"""
        while b"\r\n\r\n" not in self.buf:
            self.fill()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        hdrs = {}
        for l in lines[1:]:
            k, _, v = l.partition(":")
            hdrs[k.lower()] = v.strip()
        chunk_lines = []
        if hdrs.get("transfer-encoding") == "chunked":
            body = b""
            while True:
                cl = self.line()
                chunk_lines.append(cl)
                n = int(cl.split(b";")[0], 16)
                if n == 0:
                    self.line()
                    break
                body += self.take(n)
                assert self.take(2) == b"\r\n"
        elif "content-length" in hdrs:
            body = self.take(int(hdrs["content-length"]))
        else:
            try:
                while True:
                    self.fill()
            except EOFError:
                pass
            body, self.buf = self.buf, b""
        return status, hdrs, body, chunk_lines

    def close(self):
        self.sock.close()


def imds_token(resource=VAULT_RES, extra=""):
    c = Conn(IMDS)
    st, h, b, _ = c.request("GET", "/metadata/identity/oauth2/token?api-version=2018-02-01"
                            "&resource=%s%s" % (resource, extra), [("Metadata", "true")])
    c.close()
    return st, json.loads(b)


def vault_get(path, token=None, host="myvault.vault.azure.net", conn=None):
    c = conn or Conn(VAULT, host)
    hd = [("Accept", "application/json")]
    if token:
        hd.append(("Authorization", "Bearer " + token))
    r = c.request("GET", path, hd, host=host)
    if conn is None:
        c.close()
    return r


def last_requests(off, listener=None):
    return fx.requests(fx.read_log(off), listener)


def main():
    fx.set_control({})
    # --- token endpoints
    off = fx.log_offset()
    st, tok = imds_token()
    check("imds 200 shape", st == 200 and all(isinstance(tok[k], str) for k in tok)
          and tok["token_type"] == "Bearer" and tok["refresh_token"] == ""
          and tok["expires_in"] == "86399" and int(tok["expires_on"]) > time.time()
          and tok["resource"] == "https://vault.azure.net", tok)
    t = tok["access_token"]
    check("token visible ASCII, JWT-like ~1.5KB",
          all(0x21 <= ord(ch) <= 0x7e for ch in t) and t.count(".") == 2 and 1000 < len(t) < 3000, len(t))
    e = last_requests(off, "imds")
    check("log has token + Metadata header", len(e) == 1 and e[0]["token"] == t
          and e[0]["headers"]["metadata"] == "true"
          and e[0]["query"]["api-version"] == "2018-02-01", e)
    c = Conn(IMDS)
    st, _, b, _ = c.request("GET", "/metadata/identity/oauth2/token?api-version=2018-02-01"
                            "&resource=" + VAULT_RES, [("Metadata", "True")])
    check("imds Metadata: True (capital) -> 400 bad_request_102",
          st == 400 and json.loads(b)["error"] == "bad_request_102", (st, b))
    st, _, b, _ = c.request("GET", "/metadata/identity/oauth2/token?api-version=2019-08-01"
                            "&resource=" + VAULT_RES, [("Metadata", "true")])
    check("imds wrong api-version -> 400; keep-alive on same conn", st == 400, (st, b))
    c.close()
    for sel, who in (("client_id", "user1"), ("object_id", "user1"), ("msi_res_id", "user1")):
        v = fx.USER_IDS[0][sel]
        off = fx.log_offset()
        st, r = imds_token(extra="&%s=%s" % (sel, v.replace("/", "%2F")))
        e = last_requests(off, "imds")
        check("imds selector %s" % sel, st == 200 and e[0]["identity"] == who
              and e[0]["query"][sel] == v, (st, r))
    st, r = imds_token(extra="&client_id=%s&object_id=%s" % (fx.USER_IDS[0]["client_id"],
                                                            fx.USER_IDS[0]["object_id"]))
    check("imds two selectors -> 400", st == 400, r)
    st, r = imds_token(extra="&client_id=99999999-0000-0000-0000-000000000000")
    check("imds unknown client_id -> Identity not found",
          st == 400 and r["error_description"] == "Identity not found", r)

    off = fx.log_offset()
    c = Conn(EXT)
    st, _, b, _ = c.request("POST", "/oauth2/token", [
        ("Metadata", "true"), ("Content-Type", "application/x-www-form-urlencoded")],
        b"resource=https%3A%2F%2Fvault.azure.net&client_id=" + fx.USER_IDS[1]["client_id"].encode(),
        host="localhost:50342")
    c.close()
    e = last_requests(off, "ext")
    check("ext POST form -> token for user2", st == 200 and e[0]["identity"] == "user2"
          and e[0]["method"] == "POST" and "client_id=" in e[0]["body"]
          and e[0]["token"] == json.loads(b)["access_token"], (st, b, e))
    c = Conn(EXT)
    st, _, b, _ = c.request("GET", "/oauth2/token?resource=" + VAULT_RES, [("Metadata", "true")])
    c.close()
    check("ext GET -> 405", st == 405, st)

    # --- vault
    st, h, b, _ = vault_get("/secrets/db-password?api-version=7.5")
    check("vault no auth -> 401 challenge",
          st == 401 and h["www-authenticate"] == 'Bearer authorization="https://login.microsoftonline.com/'
          '00000000-0000-0000-0000-000000000000", resource="https://vault.azure.net"'
          and json.loads(b)["error"]["message"].startswith("AKV10000"), (st, h, b))
    st, h, b, _ = vault_get("/secrets/db-password", t)
    check("vault no api-version -> 400 BadParameter",
          st == 400 and json.loads(b)["error"]["code"] == "BadParameter", (st, b))
    st, _, b, _ = vault_get("/secrets/db-password?api-version=7.5", "bogus")
    check("vault unknown token -> 401", st == 401, st)
    _, mt = imds_token("https%3A%2F%2Fmanagement.azure.com")
    st, _, b, _ = vault_get("/secrets/db-password?api-version=7.5", mt["access_token"])
    check("vault token for another resource -> 401", st == 401 and b"AKV10022" in b, (st, b))

    off = fx.log_offset()
    c = Conn(VAULT, "myvault.vault.azure.net")
    for name in fx.readable():
        for path in ("/secrets/%s?api-version=7.5" % name, "/secrets/%s/?api-version=7.6" % name):
            st, h, b, chunks = vault_get(path, t, conn=c)
            ok = st == 200 and json.loads(b)["value"].encode("utf-8") == fx.expected(name)
            ok = ok and h["content-type"] == "application/json; charset=utf-8"
            check("vault %s byte-exact" % path, ok, (st, b[:200]))
    c.close()
    vc = [x for x in fx.read_log(off) if x["event"] == "connect" and x["listener"] == "vault"]
    check("all on one TLS connection", len(vc) == 1, vc)
    st, h, b, chunks = vault_get("/secrets/chunked-secret?api-version=7.5", t)
    check("chunked-secret chunked with extension",
          h.get("transfer-encoding") == "chunked" and len(chunks) >= 4
          and any(b";" in l for l in chunks) and "content-length" not in h, (h, chunks))
    _, _, b, _ = vault_get("/secrets/unicode?api-version=7.5", t)
    check("unicode: emoji as surrogate pair, é raw", b"\\ud83d\\ude00" in b and "é".encode() in b, b)
    _, _, b, _ = vault_get("/secrets/html-escaped?api-version=7.5", t)
    check("html-escaped uses \\u003C", b"\\u003C" in b and b"<" not in b, b)
    _, _, b, _ = vault_get("/secrets/big?api-version=7.5", t)
    check("big is 25000 bytes", len(json.loads(b)["value"].encode()) == 25000 == len(fx.expected("big")), len(b))
    old = fx.version_of("rotated", old=True)
    new = fx.version_of("rotated")
    for v, want in ((old, "old-value-v1"), (new, "current-value")):
        st, _, b, _ = vault_get("/secrets/rotated/%s?api-version=7.5" % v, t)
        check("versioned %s" % v[:8], st == 200 and json.loads(b)["value"] == want
              and json.loads(b)["id"].endswith("/" + v) and fx.expected("rotated", v) == want.encode(), b)
    st, _, b, _ = vault_get("/secrets/rotated/%s?api-version=7.5" % ("0" * 32), t)
    check("unknown version -> 404", st == 404 and b"rotated/000" in b, b)
    st, _, b, _ = vault_get("/secrets/nope?api-version=7.5", t)
    err = json.loads(b)["error"] if b else {}
    check("404 SecretNotFound", st == 404 and err.get("code") == "SecretNotFound"
          and err["message"].startswith("A secret with (name/id) nope was not found"), b)
    st, _, b, _ = vault_get("/secrets/forbidden?api-version=7.5", t)
    err = json.loads(b)["error"]
    check("403 ForbiddenByRbac", st == 403 and err["code"] == "Forbidden"
          and err["innererror"]["code"] == "ForbiddenByRbac" and "\r\n" in err["message"], b)
    st, _, b, _ = vault_get("/secrets/disabled?api-version=7.5", t)
    check("403 SecretDisabled", st == 403 and json.loads(b)["error"]["innererror"]["code"] == "SecretDisabled", b)
    st, h, b, _ = vault_get("/secrets/db-password?api-version=7.5", host="evil.vault.azure.net")
    check("evil challenge names management", st == 401 and
          'resource="https://management.azure.com"' in h["www-authenticate"], h)

    t0 = time.monotonic()
    try:
        c = Conn(VAULT, "myvault.vault.azure.net", timeout=1.5)
        vault_get("/secrets/stall?api-version=7.5", t, conn=c)
        check("stall", False, "answered")
    except socket.timeout:
        check("stall never answers", time.monotonic() - t0 >= 1.4)
    c.close()

    # --- modes via control
    fx.set_control({"imds": "identity-not-found"})
    st, r = imds_token()
    check("control imds identity-not-found", st == 400 and r["error_description"] == "Identity not found", r)
    for lst, addr in (("imds", IMDS), ("ext", EXT), ("vault", VAULT)):
        fx.set_control({lst: "unavailable"})
        try:
            socket.create_connection(addr, timeout=2).close()
            check("%s unavailable -> refused" % lst, False, "connected")
        except ConnectionRefusedError:
            check("%s unavailable -> refused" % lst, True)
        fx.set_control({})
        try:
            socket.create_connection(addr, timeout=2).close()
            check("%s back after unavailable" % lst, True)
        except OSError as ex:
            check("%s back after unavailable" % lst, False, ex)

    fx.set_control({"imds": ["410", "410", "410", "ok"]})
    sts = [imds_token()[0] for _ in range(5)]
    check("imds sequence 410x3 then 200", sts == [410, 410, 410, 200, 200], sts)
    fx.set_control({"imds": {"fault": "status", "arg": 429, "headers": {"Retry-After": "2"}}})
    c = Conn(IMDS)
    st, h, _, _ = c.request("GET", "/metadata/identity/oauth2/token?api-version=2018-02-01&resource="
                            + VAULT_RES, [("Metadata", "true")])
    c.close()
    check("imds 429 Retry-After", st == 429 and h.get("retry-after") == "2", (st, h))
    fx.set_control({"imds": ["503", "503", "ok"]})
    sts = [imds_token()[0] for _ in range(3)]
    check("imds 503x2 then 200", sts == [503, 503, 200], sts)

    def raw_vault(ctl, path="/secrets/db-password?api-version=7.5", timeout=5, tcp=False):
        """Send one request, read until EOF/error or timeout seconds in total.
        tcp=True reads below TLS: Python's ssl reports a TCP reset as EOF."""
        fx.set_control(ctl)
        c = Conn(VAULT, "myvault.vault.azure.net", timeout=timeout)
        c.sock.sendall(("GET %s HTTP/1.1\r\nHost: myvault.vault.azure.net\r\n"
                        "Connection: close\r\nAuthorization: Bearer %s\r\n\r\n" % (path, t)).encode())
        sock = socket.socket(fileno=os.dup(c.sock.fileno())) if tcp else c.sock
        data, err = b"", None
        end = time.monotonic() + timeout
        try:
            while True:
                sock.settimeout(max(0.01, end - time.monotonic()))
                d = sock.recv(65536)
                if not d:
                    break
                data += d
        except (OSError, ssl.SSLError) as ex:
            err = ex
        if tcp:
            sock.close()
        c.close()
        return data, err

    data, err = raw_vault({"vault": "truncate"})
    head, _, body = data.partition(b"\r\n\r\n")
    cl = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
    check("truncate: short body then close", 0 < len(body) < cl, (len(body), cl, err))
    data, err = raw_vault({"vault": "reset"}, tcp=True)
    check("reset: nothing, RST", data == b"" and isinstance(err, ConnectionResetError), (data, err))
    data, err = raw_vault({"vault": "close"})
    check("close: nothing, clean close", data == b"" and err is None, (data, err))
    data, err = raw_vault({"vault": "oversize-headers"})
    check("oversize-headers >64KB head", data.index(b"\r\n\r\n") > 65536, len(data))
    data, err = raw_vault({"vault": "redirect:301"})
    check("redirect 301 Location", data.startswith(b"HTTP/1.1 301") and
          b"\r\nLocation: https://other.vault.azure.net/secrets/db-password" in data, data[:300])
    data, err = raw_vault({"vault": "bad-json"})
    check("bad-json", data.endswith(b'{"value":"unterminated'), data[-60:])
    data, err = raw_vault({"vault": "bad-chunk"})
    check("bad-chunk has zz size", b"\r\nzz" in data, data[-120:])
    data, err = raw_vault({"vault": "no-length"})
    check("no-length closes", b"Content-Length" not in data and b"Connection: close" in data
          and data.endswith(b"}"), data[:100])
    data, err = raw_vault({"vault": "bad-status"})
    check("bad-status", data.startswith(b"HTTP/1.1 2000 OK\r\n"), data[:40])
    data, err = raw_vault({"vault:db-password": "status:503"})
    check("per-secret status 503", data.startswith(b"HTTP/1.1 503"), data[:40])
    t0 = time.monotonic()
    data, err = raw_vault({"vault": "trickle:0.5"}, timeout=1.2)
    check("trickle 1 byte / 0.5 s", 1 <= len(data) <= 4 and isinstance(err, socket.timeout), (data, err))
    t0 = time.monotonic()
    data, err = raw_vault({"vault": "delay:0.5"})
    check("delay 0.5 s", time.monotonic() - t0 >= 0.5 and data.startswith(b"HTTP/1.1 200"))
    data, err = raw_vault({"vault": "chunked"})
    check("chunked any secret", b"Transfer-Encoding: chunked" in data and data.endswith(b"0\r\n\r\n"), data[-20:])

    # --- certificates
    for which, ok in (("default", True), ("chain", True), ("untrusted", False),
                      ("wrongname", False), ("expired", False)):
        fx.set_control({"vault_cert": which})
        try:
            Conn(VAULT, "myvault.vault.azure.net").close()
            got = True
        except ssl.SSLCertVerificationError:
            got = False
        check("vault_cert %s verifies=%s" % (which, ok), got == ok, got)
    fx.set_control({})
    ents = [e for e in fx.read_log(0) if e["event"] == "tls-error"]
    check("tls-error logged", len(ents) >= 3, len(ents))

    # --- second IMDS address
    off = fx.log_offset()
    c = Conn(("127.0.0.1", 8081))
    st, _, _, _ = c.request("GET", "/metadata/identity/oauth2/token?api-version=2018-02-01&resource="
                            + VAULT_RES, [("Metadata", "true")])
    c.close()
    e = last_requests(off, "imds")
    check("imds alt address", st == 200 and e[0]["laddr"] == "127.0.0.1:8081", e)

    print("%d passed, %d failed" % tuple(RESULTS))
    return 1 if RESULTS[1] else 0


if __name__ == "__main__":
    if os.environ.get("AZKV_FAKE_UP") != "1":
        sys.exit("selftest.py: run it via tests/netns.sh -- python3 tests/fake/selftest.py")
    sys.exit(main())
