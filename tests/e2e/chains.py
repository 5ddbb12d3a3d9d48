#!/usr/bin/env python3
"""chains.py: the vault's certificate chain as real servers send it.

    tests/netns.sh -- python3 tests/e2e/chains.py [-l] [PATTERN...]

A test PKI is made here with the openssl CLI (root, self-signed with SHA-1
like some of Azure's roots -> intermediate I1 -> I2 -> leaves for
*.vault.azure.net), and nginx (installed if missing) serves
the vault on one loopback address per case (127.0.0.20 and up, inside the
private namespace), each with its chain file in the order under test;
nginx sends the file's certificates as they are, without reordering. The
vault answers every GET with a fixed secret bundle; the token comes from
the fake IMDS. azkv runs with --cacert root.pem and --resolve to that
address. Each case checks the exit code, the exact stderr line (none on
success) and stdout, beside harness.py's invariants.

Cases: the chain in order; out of order (leaf, I1, I2); with an unrelated
CA certificate in between; with the root included; a leaf signed with
SHA-1 (refused, 7); a leaf whose extendedKeyUsage is codeSigning only
(refused, 7); nine certificates, or over 24 KiB (limits: refused, 7); leaves
with serverAuth and with anyExtendedKeyUsage (served);
with -v, the trace names the path and the certificates it dropped.
Output: "ok - NAME" / "not ok - NAME: why" per case, then "N passed, N failed".
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as H  # noqa: E402

HOST = "myvault.vault.azure.net"
VALUE = "served by nginx"
BODY = '{"value":"%s","id":"https://%s/secrets/db-password/0123456789abcdef0123456789abcdef"}' % (
    VALUE, HOST)
PEER = "azkv: TLS with %s:443: " % HOST

# name, chain (leaf first, as sent), exit code, stderr line ("" on success)
CASES = [
    ("chain-in-order", ["leaf", "i2", "i1"], 0, ""),
    ("chain-out-of-order", ["leaf", "i1", "i2"], 0, ""),
    ("chain-unrelated-in-between", ["leaf", "stray", "i2", "i1"], 0, ""),
    ("chain-unrelated-and-out-of-order", ["leaf", "i1", "stray", "i2"], 0, ""),
    ("chain-root-included", ["leaf", "i2", "i1", "root"], 0, ""),
    ("chain-leaf-sha1", ["sha1", "i2", "i1"], 7,
     PEER + "the server's certificate is signed with SHA-1, which is refused"),
    ("chain-intermediate-sha1", ["leaf", "i2sha1", "i1"], 7,
     PEER + "certificate 2 of the server's chain is signed with SHA-1, which is refused"),
    ("chain-leaf-codesigning-only", ["code", "i2", "i1"], 7,
     PEER + "the server's certificate is not for TLS servers (its extendedKeyUsage lacks serverAuth)"),
    ("chain-too-many", ["leaf", "i2", "i1"] + ["stray"] * 6, 7,
     PEER + "server sent more than 8 certificates"),
    ("chain-too-big", ["leaf", "i2", "i1", "big"], 7,
     PEER + "server's certificates exceed 24576 bytes"),
    ("chain-leaf-serverauth", ["server", "i2", "i1"], 0, ""),
    ("chain-leaf-any-eku", ["any", "i2", "i1"], 0, ""),
    # -v: stderr must contain this line (among the trace)
    ("chain-verbose-order", ["leaf", "i1", "stray", "i2"], 0,
     "-v certificate chain: 4 sent, validating 1,4,2 in issuer order; 1 not on the path dropped"),
]


def ossl(*args, cwd):
    p = subprocess.run(["openssl"] + list(args), cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("openssl %s: %s" % (args[0], p.stderr.strip()[-300:]))


def ext_file(d, name, text):
    path = os.path.join(d, name + ".ext")
    with open(path, "w") as f:
        f.write(text)
    return path


def issue(d, name, cn, issuer, ext, md="sha256", key=None):
    """name.pem (and name.key unless key names another's) for cn, signed by issuer."""
    key = key or name
    if not os.path.exists(os.path.join(d, key + ".key")):
        ossl("genrsa", "-out", key + ".key", "2048", cwd=d)
    ossl("req", "-new", "-key", key + ".key", "-subj", "/O=azkv chains/CN=" + cn,
         "-out", name + ".csr", cwd=d)
    ossl("x509", "-req", "-in", name + ".csr", "-CA", issuer + ".pem", "-CAkey", issuer + ".key",
         "-set_serial", str(int.from_bytes(os.urandom(8), "big")), "-days", "3650", "-" + md,
         "-extfile", ext_file(d, name, ext), "-out", name + ".pem", cwd=d)


def make_pki(d):
    ca = "basicConstraints=critical,CA:TRUE%s\nkeyUsage=critical,keyCertSign,cRLSign\n"
    leaf = ("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
            "subjectAltName=DNS:*.vault.azure.net\n")
    # the root signs itself with SHA-1, as DigiCert Global Root CA does: a
    # trust anchor's own signature is never checked, even when it is sent
    for root, cn, md in (("root", "chains root", "-sha1"), ("stray", "unrelated CA", "-sha256")):
        ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", md, "-days", "3650",
             "-keyout", root + ".key", "-out", root + ".pem", "-subj", "/O=azkv chains/CN=" + cn,
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    # an unrelated certificate of 22 KB (a long comment): the chain is over 24 KiB
    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "3650",
         "-keyout", "big.key", "-out", "big.pem", "-subj", "/O=azkv chains/CN=big",
         "-addext", "nsComment=" + "x" * 22000, cwd=d)
    issue(d, "i1", "chains I1", "root", ca % ",pathlen:1")
    issue(d, "i2", "chains I2", "i1", ca % ",pathlen:0")
    # the same I2 (name and key), signed with SHA-1 by I1
    issue(d, "i2sha1", "chains I2", "i1", ca % ",pathlen:0", md="sha1", key="i2")
    issue(d, "leaf", "leaf", "i2", leaf)
    issue(d, "sha1", "leaf sha1", "i2", leaf + "extendedKeyUsage=serverAuth\n", md="sha1")
    issue(d, "code", "leaf codesigning", "i2", leaf + "extendedKeyUsage=codeSigning\n")
    issue(d, "server", "leaf serverauth", "i2", leaf + "extendedKeyUsage=serverAuth,clientAuth\n")
    issue(d, "any", "leaf any", "i2", leaf + "extendedKeyUsage=codeSigning,anyExtendedKeyUsage\n")


def pem(d, name):
    with open(os.path.join(d, name + ".pem")) as f:
        return f.read()


def ensure_nginx():
    if shutil.which("nginx") or os.path.exists("/usr/sbin/nginx"):
        return None
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "-o", "DPkg::Lock::Timeout=900", "install", "-y", "--no-install-recommends",
           "nginx-light"]
    if subprocess.run(cmd, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, capture_output=True)
        if subprocess.run(cmd, env=env, capture_output=True).returncode != 0:
            return "apt-get install nginx-light failed"
    return None


def addr(i):
    return "127.0.0.%d" % (20 + i)


def nginx_conf(d):
    servers = []
    for i, (name, chain, _, _) in enumerate(CASES):
        with open(os.path.join(d, name + ".chain.pem"), "w") as f:
            f.write("".join(pem(d, n) for n in chain))
        key = "i2" if chain[0] == "i2sha1" else chain[0]
        servers.append("""
    server {
        listen %s:443 ssl;
        ssl_certificate %s/%s.chain.pem;
        ssl_certificate_key %s/%s.key;
        ssl_protocols TLSv1.2;
        ssl_ciphers DEFAULT:@SECLEVEL=0;
        location / { default_type application/json; return 200 '%s'; }
    }""" % (addr(i), d, name, d, key, BODY))
    temps = "".join("    %s_temp_path %s/tmp-%s;\n" % (t, d, t) for t in ("client_body", "proxy"))
    conf = """daemon off;
master_process off;
worker_processes 1;
pid %s/nginx.pid;
error_log %s/nginx.err warn;
events { worker_connections 64; }
http {
    access_log off;
%s%s
}
""" % (d, d, temps, "".join(servers))
    path = os.path.join(d, "nginx.conf")
    with open(path, "w") as f:
        f.write(conf)
    # SHA-1 certificates load only at OpenSSL's security level 0
    with open(os.path.join(d, "openssl.cnf"), "w") as f:
        f.write("openssl_conf = c\n[c]\nssl_conf = s\n[s]\nsystem_default = x\n"
                "[x]\nCipherString = DEFAULT@SECLEVEL=0\n")
    return path


def start_nginx(d):
    conf = nginx_conf(d)
    env = dict(os.environ, OPENSSL_CONF=os.path.join(d, "openssl.cnf"))
    p = subprocess.Popen(["nginx", "-p", d, "-c", conf], env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=open(os.path.join(d, "nginx.out"), "w"))
    end = time.monotonic() + 10
    while time.monotonic() < end:
        try:
            socket.create_connection((addr(len(CASES) - 1), 443), timeout=0.2).close()
            return p, None
        except OSError:
            if p.poll() is not None:
                break
            time.sleep(0.05)
    with open(os.path.join(d, "nginx.out")) as f:
        why = f.read().strip()[-300:]
    if p.poll() is None:
        p.kill()
        p.wait()
    return None, "nginx did not start: %s" % why


def run_case(d, i, name, rc, line):
    verbose = line.startswith("-v ")
    p = H.run_azkv(["get"] + (["-v"] if verbose else []) +
                   ["--resolve", "%s:443:%s" % (HOST, addr(i)), "myvault/db-password"],
                   rc, cacert=os.path.join(d, "root.pem"), secrets=(VALUE,))
    want_out = VALUE.encode() if rc == 0 else b""
    want_err = (line + "\n").encode() if line and not verbose else b""
    why = []
    if p.returncode != rc:
        why.append("exit %d, want %d" % (p.returncode, rc))
    if verbose:
        if line[3:].encode() not in p.stderr:
            why.append("stderr lacks %r: %r" % (line[3:], p.stderr[-600:]))
    elif p.stderr != want_err:
        why.append("stderr %r, want %r" % (p.stderr[:300], want_err))
    if p.stdout != want_out:
        why.append("stdout %r, want %r" % (p.stdout[:100], want_out))
    return "; ".join(why) or None


STATE = {}


def setup():
    d = STATE["dir"] = tempfile.mkdtemp(prefix="azkv-chains.")
    why = ensure_nginx()
    if not why:
        make_pki(d)
        STATE["nginx"], why = start_nginx(d)
    return why


def teardown():
    nginx = STATE.get("nginx")
    if nginx is not None:
        nginx.terminate()
        try:
            nginx.wait(timeout=5)
        except subprocess.TimeoutExpired:
            nginx.kill()
            nginx.wait()
    if STATE.get("dir"):
        shutil.rmtree(STATE["dir"], ignore_errors=True)


def cases():
    return [H.Case(name, fn=lambda i=i, n=name, rc=rc, line=line: run_case(STATE["dir"], i, n, rc, line))
            for i, (name, _, rc, line) in enumerate(CASES)]


def main(argv):
    return H.main(__file__, cases, argv, __doc__, setup=setup, teardown=teardown)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
