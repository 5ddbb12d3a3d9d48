#!/usr/bin/env python3
"""servers.py: bin/azkv against real TLS servers (nginx, haproxy, gnutls-serv,
openssl s_server) started here, on loopback addresses of the private namespace.

    tests/netns.sh -- python3 tests/e2e/servers.py [-l] [PATTERN...]
    python3 tests/e2e/servers.py ...     (re-executes itself through netns.sh)

Each server gets a configuration written at test time into a temporary
folder, with certificates made there by openssl and signed by the fake's test
CA ($FAKE_CERTDIR/ca.pem): RSA 2048, ECDSA P-256 and ECDSA P-384 leaves for
*.vault.azure.net. A server serves the Key Vault answer as a static file:
/secrets/NAME holds {"value":"..."}. azkv reaches it as
https://myvault.vault.azure.net:PORT/secrets/NAME with --resolve (the name
stays the vault's, so SNI, the certificate name and the token's resource are
the real ones); the token still comes from the fake IMDS. Connections are
counted from each server's own log or output. Needs nginx-light, haproxy,
gnutls-bin and openssl (build.sh --deps installs them).

Function cases on harness.py (every azkv run gets its invariants; VALUE counts
as a secret): "ok - NAME" / "not ok - NAME: why", then "N passed, N failed".
"""
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import harness as H  # noqa: E402

HOST = "myvault.vault.azure.net"
VALUE = "s3rv3r-v@lue"  # what every server's /secrets/db-password holds
REFUSALS = 3            # each refusal case runs this many times
QUICK = 3.0             # a refusal must take less than this (seconds)
TMP = []                # the suite's temporary folder


def Case(name, fn, doc=""):
    return H.Case(name, fn=fn, doc=doc)


# ---- test PKI and files -----------------------------------------------------

def tmp(*parts):
    return os.path.join(TMP[0], *parts)


def ossl(*args):
    subprocess.run(["openssl"] + list(args), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


def make_leaf(name, newkey):
    """tmp/NAME.pem (leaf) and NAME.key, issued by the fake's test CA."""
    ca = os.environ["FAKE_CERTDIR"]
    key, csr, pem = tmp(name + ".key"), tmp(name + ".csr"), tmp(name + ".pem")
    ossl("req", "-new", "-nodes", "-newkey", newkey[0], *newkey[1:], "-keyout", key,
         "-out", csr, "-subj", "/O=azkv tests/CN=*.vault.azure.net")
    ext = tmp(name + ".ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n"
                "subjectAltName=DNS:*.vault.azure.net,DNS:localhost\n")
    ossl("x509", "-req", "-in", csr, "-CA", os.path.join(ca, "ca.pem"),
         "-CAkey", os.path.join(ca, "ca.key"), "-CAcreateserial", "-CAserial", tmp("ca.srl"),
         "-days", "30", "-sha256", "-extfile", ext, "-out", pem)
    with open(tmp(name + ".both.pem"), "w") as f:  # haproxy: cert and key in one file
        f.write(open(pem).read() + open(key).read())


def setup():
    TMP.append(tempfile.mkdtemp(prefix="azkv-servers."))
    os.chmod(TMP[0], 0o755)
    make_leaf("rsa", ["rsa:2048"])
    make_leaf("p256", ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
    make_leaf("p384", ["ec", "-pkeyopt", "ec_paramgen_curve:P-384"])
    os.makedirs(tmp("www", "secrets"))
    with open(tmp("www", "secrets", "db-password"), "w") as f:
        f.write('{"value":"%s","id":"https://%s/secrets/db-password/0"}' % (VALUE, HOST))
    # openssl s_server -WWW serves the file named by the whole request target
    os.makedirs(tmp("sweb", "secrets"))
    for q in ("7.4", "7.5", "7.6", "2025-07-01"):
        shutil.copy(tmp("www", "secrets", "db-password"),
                    tmp("sweb", "secrets", "db-password?api-version=" + q))


def teardown():
    if TMP:
        shutil.rmtree(TMP[0], ignore_errors=True)


# ---- servers ------------------------------------------------------------------

class Server:
    """A server process started for some cases, its output in a file."""

    def __init__(self, name, addr, port, argv, cwd=None, ready=None):
        self.name, self.addr, self.port = name, addr, port
        self.out = tmp(name + ".out")
        self.proc = subprocess.Popen(argv, cwd=cwd or TMP[0], stdin=subprocess.DEVNULL,
                                     stdout=open(self.out, "wb"), stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.wait_listening()
        if ready:
            ready(self)

    def wait_listening(self):
        for _ in range(100):
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited: %s" % (self.name, self.output()[-400:]))
            try:
                socket.create_connection((self.addr, self.port), timeout=0.2).close()
                time.sleep(0.1)  # let it log that probe before a case reads its output
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("%s does not listen on %s:%d" % (self.name, self.addr, self.port))

    def output(self):
        with open(self.out, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


NGINX_CONF = """
daemon off;
master_process on;
worker_processes 1;
user root;
pid {d}/{name}.pid;
error_log {d}/{name}.error.log info;
events {{ worker_connections 64; }}
http {{
    log_format conn '$connection $connection_requests $ssl_protocol $ssl_curve $status $request_uri';
    access_log {d}/{name}.access.log conn;
    client_body_temp_path {d}/{name}.tmp;
    proxy_temp_path {d}/{name}.tmp;
    fastcgi_temp_path {d}/{name}.tmp;
    uwsgi_temp_path {d}/{name}.tmp;
    scgi_temp_path {d}/{name}.tmp;
    server {{
        listen {addr}:{port} ssl;
        server_name {host};
        ssl_certificate {d}/{cert}.pem;
        ssl_certificate_key {d}/{cert}.key;
        ssl_protocols {protocols};
        ssl_prefer_server_ciphers off;
        ssl_ecdh_curve prime256v1:secp384r1:X25519;
        keepalive_timeout 10s;
        location /secrets/ {{
            root {d}/www;
            default_type application/json;
        }}
    }}
}}
"""


def nginx(name, addr, port, cert, protocols="TLSv1.2 TLSv1.3"):
    """nginx serving tmp/www with certificate cert, client order for curves
    (ssl_prefer_server_ciphers off; its own list puts P-256 first, so a
    connection on x25519 means the client asked for it first)."""
    conf = tmp(name + ".conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(d=TMP[0], name=name, addr=addr, port=port, cert=cert,
                                  protocols=protocols, host=HOST))
    return Server(name, addr, port, ["nginx", "-c", conf, "-e", tmp(name + ".error.log")])


HAPROXY_CONF = """
global
    log stdout format raw local0 info
defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend fe
    bind {addr}:{port} ssl crt {d}/rsa.both.pem ca-file {ca} verify required
    http-request return status 200 content-type application/json string '{{"value":"{value}"}}'
"""


def haproxy(name, addr, port):
    conf = tmp(name + ".cfg")
    with open(conf, "w") as f:
        f.write(HAPROXY_CONF.format(d=TMP[0], addr=addr, port=port, value=VALUE,
                                    ca=os.path.join(os.environ["FAKE_CERTDIR"], "ca.pem")))
    return Server(name, addr, port, ["haproxy", "-db", "-f", conf])


def gnutls_serv(name, port):
    """gnutls-serv listens on every address (here: only lo exists)."""
    ca = os.path.join(os.environ["FAKE_CERTDIR"], "ca.pem")
    return Server(name, "127.0.0.1", port,
                  ["gnutls-serv", "--http", "--require-client-cert", "--port", str(port),
                   "--x509certfile", tmp("rsa.pem"), "--x509keyfile", tmp("rsa.key"),
                   "--x509cafile", ca])


def s_server(name, addr, port):
    """openssl s_server -WWW, client order (no -serverpref): files from
    tmp/sweb named by the request target."""
    return Server(name, addr, port,
                  ["openssl", "s_server", "-quiet", "-accept", "%s:%d" % (addr, port),
                   "-cert", tmp("rsa.pem"), "-key", tmp("rsa.key"), "-WWW"], cwd=tmp("sweb"))


class ResetPeer:
    """Not a real server: a scripted TLS 1.2 peer that does what a server
    requiring a client certificate does at its worst timing. To a
    ClientHello it answers ServerHello (ECDHE_RSA_WITH_AES_128_GCM_SHA256),
    the RSA certificate, a ServerKeyExchange on x25519 signed by its key
    (openssl dgst), a CertificateRequest and ServerHelloDone, then at once a
    fatal handshake_failure alert, and closes with a reset (SO_LINGER 0).
    The client's handshake writes then fail (EPIPE/ECONNRESET) with the
    alert unread in its socket. Counts the connections it accepted."""

    def __init__(self, name, addr, port):
        self.name, self.addr, self.port, self.conns = name, addr, port, 0
        self.lsock = socket.socket()
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind((addr, port))
        self.lsock.listen(8)
        self.lsock.settimeout(0.1)
        self.done = False
        der = subprocess.run(["openssl", "x509", "-in", tmp("rsa.pem"), "-outform", "DER"],
                             check=True, capture_output=True).stdout
        self.der = der
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def output(self):
        return "connection\n" * self.conns

    def loop(self):
        while not self.done:
            try:
                c, _ = self.lsock.accept()
            except socket.timeout:
                continue
            self.conns += 1
            try:
                self.serve(c)
            except OSError:
                pass
            finally:
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                c.close()

    def serve(self, c):
        c.settimeout(5)
        hello = b""
        while len(hello) < 5 or len(hello) < 5 + struct.unpack(">H", hello[3:5])[0]:
            got = c.recv(65536)
            if not got:
                return
            hello += got
        client_random = hello[5 + 4 + 2:5 + 4 + 2 + 32]
        server_random = os.urandom(32)
        point = bytes([9]) + bytes(31)  # x25519's base point: any valid public value
        params = b"\x03\x00\x1d" + bytes([len(point)]) + point
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", tmp("rsa.key")],
                             input=client_random + server_random + params,
                             check=True, capture_output=True).stdout

        def msg(kind, body):
            return bytes([kind]) + struct.pack(">I", len(body))[1:] + body

        def u24(n):
            return struct.pack(">I", n)[1:]
        certs = u24(len(self.der)) + self.der
        hs = (msg(2, b"\x03\x03" + server_random + b"\x00\xc0\x2f\x00" +
                  b"\x00\x05\xff\x01\x00\x01\x00") +
              msg(11, u24(len(certs)) + certs) +
              msg(12, params + b"\x04\x01" + struct.pack(">H", len(sig)) + sig) +
              msg(13, b"\x01\x01" + b"\x00\x02\x04\x01" + b"\x00\x00") +
              msg(14, b""))
        c.sendall(b"\x16\x03\x03" + struct.pack(">H", len(hs)) + hs +
                  b"\x15\x03\x03\x00\x02\x02\x28")
        # the reset follows at once (loop's close), before the client, still
        # checking the certificate, writes its Certificate and key exchange

    def stop(self):
        self.done = True
        self.thread.join()
        self.lsock.close()


# ---- what azkv sends: TLS record types on the wire ---------------------------

class Sniffer:
    """Captures the TCP payloads sent to port on lo (AF_PACKET; we are root in
    our own namespace) while it is open. records() gives, for each client
    connection, the content types of the TLS records it sent, in order (the
    type byte is in clear even in an encrypted record: 21 is an alert, so a
    stream ending in 21 after application data 23 ended with close_notify)."""

    def __init__(self, port):
        self.port, self.segs, self.stop = port, {}, False
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        self.sock.bind(("lo", 0))
        self.sock.settimeout(0.05)
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while not self.stop:
            try:
                pkt = self.sock.recv(70000)
            except socket.timeout:
                continue
            self.take(pkt[14:])  # lo frames have an Ethernet header

    def take(self, ip):
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
            return
        tcp = ip[(ip[0] & 15) * 4:struct.unpack(">H", ip[2:4])[0]]
        sport, dport, seq = struct.unpack(">HHI", tcp[:8])
        data = tcp[(tcp[12] >> 4) * 4:]
        if dport == self.port and data:
            self.segs.setdefault(sport, {})[seq] = data  # lo shows each twice

    def records(self):
        self.stop = True
        self.thread.join()
        self.sock.close()
        out = []
        for sport in sorted(self.segs):
            stream = b"".join(d for _, d in sorted(self.segs[sport].items()))
            types, at = [], 0
            while at + 5 <= len(stream):
                types.append(stream[at])
                at += 5 + struct.unpack(">H", stream[at + 3:at + 5])[0]
            out.append(types)
        return out


# ---- running azkv -------------------------------------------------------------

def azkv(server, *extra, rc=0):
    """azkv get of the server's secret (harness.run_azkv; rc expected)."""
    url = "https://%s:%d/secrets/db-password" % (HOST, server.port)
    return H.run_azkv(["get", "--resolve", "%s:%d:%s" % (HOST, server.port, server.addr)] +
                      list(extra) + [url], rc, timeout=60, path="/usr/bin:/bin", secrets=(VALUE,))


def grow(read, fn):
    """What read() adds while fn() runs (servers log a moment after)."""
    before = read()
    r = fn()
    time.sleep(0.3)
    return r, read()[len(before):]


def one_line(r):
    lines = r.text.splitlines()
    if r.out or len(lines) != 1 or not lines[0].startswith("azkv: "):
        return "want one stderr line and no stdout, got %r / %r" % (r.out[:60], r.err[:300])
    return None


def refused(server, count, want, times=REFUSALS):
    """Run azkv `times` times against a refusing server: exit 7 within
    QUICK seconds, one stderr line holding each text of want, and count(new
    server output) == 1 connection each time."""
    for i in range(times):
        r, new = grow(server.output, lambda: azkv(server, rc=7))
        if r.rc != 7:
            return "run %d: exit %s, want 7 (%s)" % (i + 1, r.rc, r.err.strip()[:300])
        if r.elapsed >= QUICK:
            return "run %d: took %.1f s, want < %.0f s" % (i + 1, r.elapsed, QUICK)
        why = one_line(r)
        if why:
            return "run %d: %s" % (i + 1, why)
        for w in want:
            if w not in r.text:
                return "run %d: stderr %r lacks %r" % (i + 1, r.err.strip(), w)
        n = count(new)
        if n != 1:
            return "run %d: the server counted %d connections, want 1: %r" % (i + 1, n, new[-600:])
    return None


def nginx_reads(server, curve=None, times=3):
    """azkv reads the value, with curve if given; one connection per run:
    nginx numbers every connection it accepts, handshake failures included
    ($connection in its access log), so consecutive runs must get
    consecutive numbers. The first run's records on the wire end with an
    alert after the request (close_notify), and nginx's error log (level
    info) has no "unexpected eof" after the runs. (nginx 1.22 sets
    SSL_OP_IGNORE_UNEXPECTED_EOF, so its log alone would not tell.)"""
    access = lambda: open(tmp(server.name + ".access.log")).read()  # noqa: E731
    for i in range(times):
        sniff = Sniffer(server.port) if i == 0 else None
        r, new = grow(access, lambda: azkv(server, "-v"))
        recs = sniff.records() if sniff else None
        if recs is not None and (len(recs) != 1 or recs[0][-2:] != [23, 21]):
            return ("run 1: want one connection whose last records are the request (23) "
                    "and close_notify (21); azkv sent %r" % recs)
        if r.rc != 0 or r.out != VALUE.encode():
            return "run %d: exit %s, stdout %r, stderr %r" % (i + 1, r.rc, r.out[:60], r.err[-400:])
        conns = [int(l.split()[0]) for l in new.splitlines() if l.strip()]
        if len(conns) != 1:
            return "run %d: want one request in the access log, got %r" % (i + 1, new)
        last = conns[0]
        prev = server.last_conn if hasattr(server, "last_conn") else None
        server.last_conn = last
        if prev is not None and last != prev + 1:
            return ("run %d: nginx's connection number went from %d to %d: "
                    "%d connections for one read" % (i + 1, prev, last, last - prev))
        if "TLSv1.2" not in new:
            return "run %d: not TLS 1.2: %r" % (i + 1, new)
        if curve and (" %s " % curve) not in new:
            return "run %d: want curve %s in %r" % (i + 1, curve, new.strip())
        if "again, offering" in r.text:
            return "run %d: azkv retried: %r" % (i + 1, r.err)
    errlog = open(tmp(server.name + ".error.log")).read()
    if "unexpected eof" in errlog:
        return "nginx error log: %r" % [l for l in errlog.splitlines() if "unexpected eof" in l][:2]
    return None


def with_server(start, test):
    def run():
        s = start()
        try:
            return test(s)
        finally:
            s.stop()
    return run


def haproxy_conns(new):
    """haproxy logs each connection on one line ("fe/1: SSL handshake failure")."""
    return len([l for l in new.splitlines() if " fe/" in l])


def gnutls_conns(new):
    """gnutls-serv prints one "Error in handshake" per refused connection."""
    return new.count("Error in handshake")


def cases():
    ALERT = "server sent fatal alert "
    ASKED = "the server asked for a client certificate"
    return [
        Case("haproxy-client-cert-required",
             with_server(lambda: haproxy("haproxy", "127.0.0.21", 8441),
                         lambda s: refused(s, haproxy_conns, [ALERT + "handshake_failure (40)", ASKED])),
             "haproxy `verify required`: exit 7 at once, the alert and the certificate request named, "
             "one connection (no curve retry, no reset retry)"),
        Case("gnutls-client-cert-required",
             with_server(lambda: gnutls_serv("gnutls", 8442),
                         lambda s: refused(s, gnutls_conns, [ALERT + "decode_error (50)", ASKED])),
             "gnutls-serv --require-client-cert (it answers the empty Certificate with "
             "decode_error): the same"),
        Case("reset-after-alert",
             with_server(lambda: ResetPeer("resetpeer", "127.0.0.27", 8448),
                         lambda s: refused(s, lambda new: new.count("connection"),
                                           [ALERT + "handshake_failure (40)", ASKED])),
             "a scripted peer asks for a client certificate, alerts and resets before azkv's "
             "handshake writes: the alert is read back, exit 7 at once, one connection "
             "(not a reset retried until the deadline)"),
        Case("nginx-rsa-client-order-x25519",
             with_server(lambda: nginx("nginx-rsa", "127.0.0.22", 8443, "rsa"),
                         lambda s: nginx_reads(s, curve="X25519")),
             "RSA certificate, client order: x25519 (the first curve azkv lists), one connection, "
             "no 'unexpected eof' in nginx's log"),
        Case("nginx-ecdsa-p256",
             with_server(lambda: nginx("nginx-p256", "127.0.0.23", 8444, "p256"),
                         lambda s: nginx_reads(s, curve="X25519")),
             "ECDSA P-256 certificate: the first ClientHello is accepted, one connection"),
        Case("nginx-ecdsa-p384",
             with_server(lambda: nginx("nginx-p384", "127.0.0.24", 8445, "p384"),
                         lambda s: nginx_reads(s, curve="X25519")),
             "ECDSA P-384 certificate: the first ClientHello is accepted, one connection"),
        Case("nginx-tls13-only",
             with_server(lambda: nginx("nginx-tls13", "127.0.0.25", 8446, "rsa", "TLSv1.3"),
                         lambda s: refused(s, lambda new: 1, [ALERT + "protocol_version (70)"], times=2)),
             "a TLS 1.3-only server: exit 7 at once, its protocol_version alert named"),
        Case("openssl-s_server-www",
             with_server(lambda: s_server("s_server", "127.0.0.26", 8447), s_server_reads),
             "openssl s_server -WWW (HTTP/1.0, body to the close), client order: value read, x25519"),
    ]


def s_server_reads(s):
    r = azkv(s, "-v")
    if r.rc != 0 or r.out != VALUE.encode():
        return "exit %s, stdout %r, stderr %r" % (r.rc, r.out[:60], r.err[-400:])
    if "curve x25519" not in r.text:
        return "want curve x25519 in %r" % r.err[-400:]
    return None


def start():
    missing = [p for p in ("nginx", "haproxy", "gnutls-serv", "openssl") if not shutil.which(p)]
    if missing:
        return "missing %s (run ./build.sh --deps)" % " ".join(missing)
    setup()
    return None


def main(argv):
    return H.main(__file__, cases, argv, __doc__, setup=start, teardown=teardown)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
