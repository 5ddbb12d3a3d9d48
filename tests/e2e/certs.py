#!/usr/bin/env python3
"""certs.py: certificates end to end: PKCS#12 secrets (as Key Vault stores a
certificate's private part) into PEM files, certificate references, files
left alone when unchanged, and a real nginx serving what azkv wrote.

    tests/netns.sh -- python3 tests/e2e/certs.py [-l] [PATTERN...]

Function cases on harness.py (every azkv run gets its invariants). The
PKI and every PKCS#12 file are made at test time by the openssl command
line: a root, an intermediate, RSA and EC leaves (names localhost and
127.0.0.1) and an unrelated self-signed certificate; each PFX lists its
extra certificates out of order (root, unrelated, intermediate). The fake
serves them as secrets (control "secrets", see fake_azure.py). Each file
azkv writes is checked with openssl: the key matches the first
certificate, the leaf comes first, then its issuers in order, mode 0600.
"""
import base64
import os
import shutil
import stat
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as H  # noqa: E402

fx = H.fx
ROOT = H.ROOT
PKI = {}      # name -> path of the test PKI's files
SECRETS = {}  # secret name -> {"value", "contentType", "cer"} (the fake's control)


def sh(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, **kw).stdout


def openssl(*args, cwd=None):
    return sh(["openssl"] + list(args), cwd=cwd)


def make_pki(d):
    """Root -> intermediate -> RSA and EC leaves; an unrelated certificate."""
    def key(name, ec=False):
        path = os.path.join(d, name + ".key")
        if ec:
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path)
        else:
            openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path)
        return path

    def cert(name, cn, k, ca=None, ext=None):
        path = os.path.join(d, name + ".pem")
        extfile = os.path.join(d, name + ".ext")
        with open(extfile, "w") as f:
            f.write(ext or "basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign\n")
        if ca is None:
            openssl("req", "-x509", "-new", "-key", k, "-subj", "/CN=" + cn, "-days", "30",
                    "-config", "/dev/null", "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=keyCertSign,cRLSign", "-out", path)
        else:
            csr = os.path.join(d, name + ".csr")
            openssl("req", "-new", "-key", k, "-subj", "/CN=" + cn, "-config", "/dev/null", "-out", csr)
            openssl("x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1], "-set_serial",
                    str(len(PKI) + 2), "-days", "30", "-extfile", extfile, "-out", path)
        return path

    leaf_ext = ("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n")
    PKI["root.key"] = key("root", ec=True)
    PKI["root"] = cert("root", "azkv test root", PKI["root.key"])
    PKI["inter.key"] = key("inter", ec=True)
    PKI["inter"] = cert("inter", "azkv test intermediate", PKI["inter.key"], (PKI["root"], PKI["root.key"]))
    PKI["rsa.key"] = key("rsa")
    PKI["rsa"] = cert("rsa", "localhost rsa", PKI["rsa.key"], (PKI["inter"], PKI["inter.key"]), leaf_ext)
    PKI["ec.key"] = key("ec", ec=True)
    PKI["ec"] = cert("ec", "localhost ec", PKI["ec.key"], (PKI["inter"], PKI["inter.key"]), leaf_ext)
    PKI["other.key"] = key("other", ec=True)
    PKI["other"] = cert("other", "unrelated", PKI["other.key"])
    # extra certificates out of order, with one that is not on the path
    PKI["extra"] = os.path.join(d, "extra.pem")
    with open(PKI["extra"], "wb") as f:
        for n in ("root", "other", "inter"):
            f.write(open(PKI[n], "rb").read())


def der_b64(pem):
    return base64.b64encode(openssl("x509", "-in", pem, "-outform", "DER")).decode()


def pfx(name, leaf="rsa", password="", opts=(), mutate=None):
    """Export a PFX with openssl pkcs12 and register it as secret name."""
    out = os.path.join(PKI["dir"], name + ".p12")
    openssl("pkcs12", "-export", "-inkey", PKI[leaf + ".key"], "-in", PKI[leaf],
            "-certfile", PKI["extra"], "-passout", "pass:" + password, "-out", out, *opts)
    data = open(out, "rb").read()
    if mutate:
        data = mutate(out, data)
    SECRETS[name] = {"value": base64.b64encode(data).decode(),
                     "contentType": "application/x-pkcs12", "cer": der_b64(PKI[leaf])}
    return data


def flip_mac(path, data):
    """Flip the last byte of macData's digest (the next-to-last top-level
    OCTET STRING: authSafe's, the digest, the salt)."""
    lines = [ln for ln in openssl("asn1parse", "-inform", "DER", "-in", path).decode().splitlines()
             if "OCTET STRING" in ln]
    off, rest = lines[-2].split(":", 1)
    hl = int(rest.split("hl=")[1].split()[0])
    ln = int(rest.split("l=", 2)[2].split()[0]) if rest.count("l=") > 1 else 0
    at = int(off) + hl + ln - 1
    b = bytearray(data)
    b[at] ^= 0x01
    return bytes(b)


VARIANTS = {   # secret -> (leaf, openssl pkcs12 options)
    "p12-default": ("rsa", ()),
    "p12-legacy": ("rsa", ("-legacy",)),
    "p12-plain": ("rsa", ("-keypbe", "NONE", "-certpbe", "NONE")),
    "p12-nomac": ("rsa", ("-nomac",)),
    "p12-ec": ("ec", ()),
    "p12-ec-legacy": ("ec", ("-legacy",)),
    "p12-3des": ("rsa", ("-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1")),
    "p12-aes128": ("rsa", ("-keypbe", "aes-128-cbc", "-certpbe", "aes-128-cbc")),
    "p12-rc2": ("rsa", ("-legacy", "-keypbe", "PBE-SHA1-RC2-128", "-certpbe", "PBE-SHA1-RC2-128",
                        "-macalg", "sha1")),
}


def make_all():
    d = PKI["dir"] = os.path.join(os.environ.get("TMPDIR", "/tmp"), "azkv-certs-%d" % os.getpid())
    os.makedirs(d, exist_ok=True)
    make_pki(d)
    for name, (leaf, opts) in VARIANTS.items():
        pfx(name, leaf, opts=opts)
    pfx("p12-password", password="s3cret pw", opts=("-legacy",))
    pfx("p12-badmac", opts=("-legacy",), mutate=flip_mac)
    pem = open(PKI["rsa.key"], "rb").read() + open(PKI["rsa"], "rb").read() + open(PKI["inter"], "rb").read()
    SECRETS["pem-bundle"] = {"value": pem.decode(), "contentType": "application/x-pem-file",
                             "cer": der_b64(PKI["rsa"])}


def run(args, **kw):
    return H.run_azkv(args, control={"secrets": SECRETS}, timeout=90, **kw)


def subjects(path):
    """CN of each certificate in a PEM file, in order."""
    text = open(path).read()
    out, cur = [], []
    for line in text.splitlines(True):
        cur.append(line)
        if line.startswith("-----END CERTIFICATE-----"):
            s = subprocess.run(["openssl", "x509", "-noout", "-subject", "-nameopt", "multiline"],
                               input="".join(cur).encode(), capture_output=True).stdout.decode()
            out.append(s.split("commonName", 1)[1].split("=", 1)[1].strip() if "commonName" in s else "?")
            cur = []
        elif line.startswith("-----END"):
            cur = []
    return out


def pubkey_of_key(path):
    return sh(["openssl", "pkey", "-in", path, "-pubout"])


def pubkey_of_cert(path):
    return sh(["openssl", "x509", "-in", path, "-noout", "-pubkey"])


def check_files(key, certs, leaf_cn, mode=0o600):
    """Key matches the first certificate; leaf, intermediate, root; mode."""
    if pubkey_of_key(key) != pubkey_of_cert(certs):
        return "the key does not match the first certificate"
    got = subjects(certs)
    want = [leaf_cn, "azkv test intermediate", "azkv test root"]
    if got != want:
        return "certificates %r, want %r" % (got, want)
    for p in (key, certs):
        m = stat.S_IMODE(os.stat(p).st_mode)
        if m != mode:
            return "%s mode %o, want %o" % (p, m, mode)
    if b"-----BEGIN PRIVATE KEY-----" not in open(key, "rb").read():
        return "key is not PKCS#8 PRIVATE KEY"
    return None


CASES = []


def case(fn):
    CASES.append((fn.__name__[2:].replace("_", "-"), fn))
    return fn


def variant_case(name):
    leaf = VARIANTS[name][0]

    def t(tmp):
        k, c, b = (os.path.join(tmp, n) for n in ("key.pem", "certs.pem", "both.pem"))
        r = run(["get", "-v", "--pem-key", k, "--pem-certs", c, "--pem", b, "myvault/" + name])
        why = H.ok_shape(r, b"") or check_files(k, c, "localhost " + leaf)
        if why:
            return why
        if open(b, "rb").read() != open(k, "rb").read() + open(c, "rb").read():
            return "--pem is not key + certificates"
        if b"dropped" not in r.err:
            return "-v did not say the unrelated certificate was dropped: %r" % r.err[-300:]
        return None
    t.__doc__ = "PKCS#12 %s -> --pem-key, --pem-certs, --pem checked by openssl" % name
    CASES.append((name, t))


for _n in VARIANTS:
    variant_case(_n)


@case
def t_password_file(tmp):
    """a PFX with a password, given by --pfx-password-file (newline dropped)"""
    pw = os.path.join(tmp, "pw")
    with open(pw, "w") as f:
        f.write("s3cret pw\n")
    k, c = os.path.join(tmp, "k.pem"), os.path.join(tmp, "c.pem")
    r = run(["get", "--pfx-password-file", pw, "--pem-key", k, "--pem-certs", c, "myvault/p12-password"])
    return H.ok_shape(r, b"") or check_files(k, c, "localhost rsa")


@case
def t_password_missing(tmp):
    """the same PFX without the password: exit 8 saying so, no file"""
    k = os.path.join(tmp, "k.pem")
    r = run(["get", "--pem-key", k, "myvault/p12-password"])
    return H.failure_shape(r, 8, "--pfx-password-file") or (
        None if not os.listdir(tmp) else "file written: %r" % os.listdir(tmp))


@case
def t_password_wrong(tmp):
    """a wrong password: exit 8 naming the integrity check"""
    pw = os.path.join(tmp, "pw")
    with open(pw, "w") as f:
        f.write("nope")
    r = run(["get", "--pfx-password-file", pw, "--pem-key", os.path.join(tmp, "k"), "myvault/p12-password"])
    return H.failure_shape(r, 8, "integrity check (MAC)") or (
        None if os.listdir(tmp) == ["pw"] else "file written")


@case
def t_bad_mac(tmp):
    """one flipped byte of the MAC: exit 8 naming the integrity check, no file"""
    r = run(["get", "--pem-certs", os.path.join(tmp, "c"), "myvault/p12-badmac"])
    return H.failure_shape(r, 8, "integrity check (MAC)") or (
        None if not os.listdir(tmp) else "file written")


@case
def t_plain_get(tmp):
    """plain get of a PKCS#12 secret prints the stored base64 unchanged"""
    r = run(["get", "myvault/p12-legacy"])
    return H.ok_shape(r, SECRETS["p12-legacy"]["value"].encode())


@case
def t_pem_bundle_pem(tmp):
    """a PEM-bundle secret still splits, and --pem gives key then certificates"""
    k, c, b = (os.path.join(tmp, n) for n in ("key.pem", "certs.pem", "both.pem"))
    r = run(["get", "--pem-key", k, "--pem-certs", c, "--pem", b, "myvault/pem-bundle"])
    why = H.ok_shape(r, b"")
    if why:
        return why
    if open(b, "rb").read() != SECRETS["pem-bundle"]["value"].encode():
        return "--pem differs from the bundle"
    return None if pubkey_of_key(k) == pubkey_of_cert(c) else "key/cert mismatch"


@case
def t_not_pkcs12(tmp):
    """a value that is neither PEM nor base64 PKCS#12: exit 8, no file"""
    r = H.run_azkv(["get", "--pem-key", os.path.join(tmp, "k"), "myvault/db-password"])
    return H.failure_shape(r, 8) or (None if not os.listdir(tmp) else "file written")


# ---- certificate references ----------------------------------------------

def leaf_der(out):
    p = subprocess.run(["openssl", "x509", "-outform", "DER"], input=out, capture_output=True)
    return p.stdout if p.returncode == 0 else None


@case
def t_cert_get_url(tmp):
    """get https://VAULT/certificates/NAME prints the leaf (the bundle's cer) as PEM"""
    r = run(["get", H.VAULT + "/certificates/p12-legacy"])
    why = H.ok_shape(r)
    if why:
        return why
    if not r.out.startswith(b"-----BEGIN CERTIFICATE-----\n") or r.out.count(b"BEGIN") != 1:
        return "not one PEM certificate: %r" % r.out[:80]
    if leaf_der(r.out) != base64.b64decode(SECRETS["p12-legacy"]["cer"]):
        return "not the leaf"
    paths = [e["path"] for e in r.reqs("vault") if e.get("path")]
    return None if paths == ["/certificates/p12-legacy"] else "paths %r" % paths


@case
def t_cert_get_short(tmp):
    """VAULT/certificates/NAME/VERSION (short form, with a version)"""
    ver = __import__("hashlib").md5(b"p12-ec").hexdigest()
    r = run(["get", "myvault/certificates/p12-ec/" + ver])
    return H.ok_shape(r) or (None if leaf_der(r.out) == base64.b64decode(SECRETS["p12-ec"]["cer"])
                             else "not the EC leaf")


@case
def t_cert_pem_files(tmp):
    """a certificate reference with --pem-*: the bundle's sid is read, then that secret (PKCS#12)"""
    k, c = os.path.join(tmp, "k.pem"), os.path.join(tmp, "c.pem")
    r = run(["get", "--pem-key", k, "--pem-certs", c, "myvault/certificates/p12-3des"])
    why = H.ok_shape(r, b"") or check_files(k, c, "localhost rsa")
    if why:
        return why
    paths = [e["path"] for e in r.reqs("vault") if e.get("path")]
    ver = __import__("hashlib").md5(b"p12-3des").hexdigest()
    want = ["/certificates/p12-3des", "/secrets/p12-3des/" + ver]
    return None if paths == want else "requests %r, want %r" % (paths, want)


@case
def t_cert_exec(tmp):
    """exec: a variable akv://VAULT/certificates/NAME becomes the leaf PEM"""
    r = run(["exec", "--", "/bin/sh", "-c", 'printf %s "$TLS_CERT"'],
            env={"TLS_CERT": "akv://myvault/certificates/p12-ec"})
    return H.ok_shape(r) or (None if leaf_der(r.out) == base64.b64decode(SECRETS["p12-ec"]["cer"])
                             else "not the leaf: %r" % r.out[:80])


@case
def t_cert_not_found(tmp):
    """a certificate the vault does not have: exit 5"""
    return H.failure_shape(run(["get", "myvault/certificates/nope"]), 5, "certificate")


# ---- rotation: files left alone when unchanged; the systemd example -------

@case
def t_unchanged_same_inode(tmp):
    """a second run with the same secret leaves every file alone (inode, mtime); -v says unchanged"""
    files = [os.path.join(tmp, n) for n in ("k.pem", "c.pem", "b.pem")]
    args = ["get", "-v", "--pem-key", files[0], "--pem-certs", files[1], "--pem", files[2],
            "myvault/p12-legacy"]
    r = run(args)
    if r.rc != 0:
        return "first run: exit %r %r" % (r.rc, r.err[-200:])
    before = [(os.stat(f).st_ino, os.stat(f).st_mtime_ns) for f in files]
    time.sleep(0.02)
    r = run(args)
    if r.rc != 0:
        return "second run: exit %r" % r.rc
    after = [(os.stat(f).st_ino, os.stat(f).st_mtime_ns) for f in files]
    if before != after:
        return "files replaced: %r -> %r" % (before, after)
    if r.err.count(b"unchanged") != 3:
        return "-v did not say unchanged 3 times: %r" % r.err[-400:]
    os.chmod(files[0], 0o640)   # a different mode is a change
    r = run(args)
    if r.rc != 0 or os.stat(files[0]).st_ino == before[0][0] or \
            stat.S_IMODE(os.stat(files[0]).st_mode) != 0o600:
        return "a file with another mode was not replaced"
    return None


@case
def t_unchanged_out(tmp):
    """--out and --out-dir files too are left alone when unchanged"""
    out = os.path.join(tmp, "v")
    r = H.run_azkv(["get", "--out", out, "myvault/db-password"])
    ino = os.stat(out).st_ino, os.stat(out).st_mtime_ns
    r2 = H.run_azkv(["get", "-v", "--out", out, "myvault/db-password"])
    if r.rc or r2.rc or (os.stat(out).st_ino, os.stat(out).st_mtime_ns) != ino:
        return "replaced (exit %r, %r)" % (r.rc, r2.rc)
    d = os.path.join(tmp, "d")
    os.mkdir(d)
    H.run_azkv(["get", "--out-dir", d, "myvault/db-password"])
    ino = os.stat(os.path.join(d, "db-password")).st_ino
    H.run_azkv(["get", "--out-dir", d, "myvault/db-password"])
    return None if os.stat(os.path.join(d, "db-password")).st_ino == ino else "--out-dir file replaced"


def unit_lines(name, key):
    text = open(os.path.join(ROOT, "examples", "systemd", name)).read()
    return [ln.split("=", 1)[1] for ln in text.splitlines() if ln.startswith(key + "=")]


@case
def t_systemd_rotation(tmp):
    """examples/systemd: the timer's service run for real 3 times; the .path unit's reload runs once per change"""
    import shlex
    tls = os.path.join(tmp, "tls")
    os.mkdir(tls)
    reloads = os.path.join(tmp, "reloads")
    cmd = [a.replace("/etc/nginx/tls", tls) for a in shlex.split(unit_lines("azkv-tls.service", "ExecStart")[0])]
    if cmd[0] != "/usr/local/bin/azkv" or cmd[1] != "get":
        return "unexpected ExecStart %r" % cmd
    watched = [p.replace("/etc/nginx/tls", tls) for p in unit_lines("nginx-reload.path", "PathChanged")]
    reload_cmd = unit_lines("nginx-reload.service", "ExecStart")[0]
    if reload_cmd != "/usr/bin/systemctl reload nginx.service" or \
            unit_lines("nginx-reload.path", "Unit") != ["nginx-reload.service"]:
        return "unexpected reload unit %r" % reload_cmd
    if not unit_lines("azkv-tls.timer", "OnUnitActiveSec"):
        return "the timer does not repeat"
    if sorted(watched) != sorted(a for a in cmd if a.startswith(tls)):
        return "the .path unit watches %r, the service writes %r" % (watched, cmd)
    secrets = dict(SECRETS)

    def tick(value):
        """One timer run; then what the .path unit does: reload if a watched file changed."""
        secrets["web"] = value
        seen = {p: (os.stat(p).st_ino, os.stat(p).st_mtime_ns) if os.path.exists(p) else None
                for p in watched}
        r = H.run_azkv(cmd[1:], control={"secrets": secrets})
        if r.rc != 0:
            return "azkv exit %r: %r" % (r.rc, r.err[-200:])
        if any((os.stat(p).st_ino, os.stat(p).st_mtime_ns) != seen[p] for p in watched):
            with open(reloads, "a") as f:   # stands for: systemctl reload nginx.service
                f.write("reload\n")
        return None

    # the same certificate in another PFX encoding writes the same files;
    # a new certificate (here the EC one) changes them
    first, same, renewed = SECRETS["p12-legacy"], SECRETS["p12-default"], SECRETS["p12-ec"]
    for value, want in ((first, 1), (first, 1), (same, 1), (renewed, 2)):
        why = tick(value)
        if why:
            return why
        n = open(reloads).read().count("reload") if os.path.exists(reloads) else 0
        if n != want:
            return "reloads %d, want %d" % (n, want)
    key = [p for p in watched if p.endswith("key.pem")][0]
    chain = [p for p in watched if p != key][0]
    return check_files(key, chain, "localhost ec")


def nginx_conf(tmp, certs, key, port):
    for sub in ("logs", "tmp"):
        os.makedirs(os.path.join(tmp, sub), exist_ok=True)
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write("""worker_processes 1;
error_log %(t)s/logs/error.log;
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
""" % {"t": tmp, "certs": certs, "key": key, "port": port})
    return conf


def nginx_serves(tmp, secret, port):
    k, c = os.path.join(tmp, "key.pem"), os.path.join(tmp, "certs.pem")
    r = run(["get", "--pem-key", k, "--pem-certs", c, "myvault/" + secret])
    why = H.ok_shape(r, b"")
    if why:
        return why
    conf = nginx_conf(tmp, c, k, port)
    p = subprocess.run(["nginx", "-p", tmp, "-c", conf], capture_output=True)
    if p.returncode != 0:
        return "nginx: %r" % p.stderr[-300:]
    try:
        for _ in range(50):
            q = subprocess.run(["curl", "-sS", "--max-time", "5", "--cacert", PKI["root"],
                                "--resolve", "localhost:%d:127.0.0.1" % port,
                                "https://localhost:%d/" % port], capture_output=True)
            if q.returncode != 7:   # 7: not listening yet
                break
            time.sleep(0.1)
        if q.returncode != 0 or q.stdout != b"served by nginx\n":
            return "curl exit %d: %r" % (q.returncode, q.stderr[-300:])
    finally:
        subprocess.run(["nginx", "-p", tmp, "-c", conf, "-s", "stop"], capture_output=True)
    return None


@case
def t_nginx_legacy_rsa(tmp):
    """nginx serves TLS with the files azkv wrote from a legacy PFX; curl --cacert root verifies"""
    return nginx_serves(tmp, "p12-legacy", 8443)


@case
def t_nginx_ec(tmp):
    """the same with an EC key from the default (AES-256) PFX"""
    return nginx_serves(tmp, "p12-ec", 8444)


def setup():
    if not shutil.which("nginx"):
        subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=900", "install", "-y", "-q",
                        "--no-install-recommends", "nginx-light"],
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"), check=False)
    make_all()


def teardown():
    if PKI.get("dir"):
        shutil.rmtree(PKI["dir"], ignore_errors=True)


def main(argv):
    cases = [H.fn_case(n, f, "azkv-certs.") for n, f in CASES]
    return H.main(__file__, cases, argv, __doc__, setup=setup, teardown=teardown)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
