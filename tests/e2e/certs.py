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
import kvpfx  # noqa: E402

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


# Explicit curve parameters (Key Vault writes P-256K keys and certificates
# so): keys from openssl ecparam -param_enc explicit, leaves signed by the
# test intermediate, in legacy PFX files.
EXPLICIT = {"secp256k1": "secp256k1", "p256": "prime256v1", "p384": "secp384r1", "p521": "secp521r1"}


def make_explicit(d):
    leaf_ext = os.path.join(d, "ec.ext")   # the EC leaf's extensions
    for name, curve in EXPLICIT.items():
        sec1, key = os.path.join(d, "x-%s.sec1" % name), os.path.join(d, "x-%s.key" % name)
        openssl("ecparam", "-name", curve, "-param_enc", "explicit", "-genkey", "-noout", "-out", sec1)
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", sec1, "-out", key)
        csr, crt = os.path.join(d, "x-%s.csr" % name), os.path.join(d, "x-%s.pem" % name)
        openssl("req", "-new", "-key", key, "-subj", "/CN=localhost explicit " + name, "-config",
                "/dev/null", "-out", csr)
        openssl("x509", "-req", "-in", csr, "-CA", PKI["inter"], "-CAkey", PKI["inter.key"],
                "-set_serial", str(100 + len(PKI)), "-days", "30", "-extfile", leaf_ext, "-out", crt)
        PKI["x-%s.key" % name], PKI["x-" + name] = key, crt
        if b"prime-field" not in openssl("asn1parse", "-in", key) or \
                b"Field Type: prime-field" not in openssl("x509", "-in", crt, "-noout", "-text"):
            raise RuntimeError("openssl wrote no explicit parameters for " + name)
        pfx("p12-explicit-" + name, "x-" + name, opts=("-legacy",))


def b_of_p256(data):
    """Every copy of P-256's b in data, its last byte changed."""
    b = bytes.fromhex("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b")
    if b not in data:
        raise RuntimeError("P-256's b not found")
    return data.replace(b, b[:-1] + bytes([b[-1] ^ 1]))


def kv_shape(name, leaf):
    """Key Vault's own PFX shape (tests/e2e/kvpfx.py), chain root first;
    explicit parameters in CNG's form, the leaf signed again by the
    intermediate."""
    data = kvpfx.build(PKI[leaf + ".key"], [PKI["root"], PKI["inter"], PKI[leaf]], PKI["inter.key"])
    SECRETS["kv-" + name] = {"value": base64.b64encode(data).decode(),
                             "contentType": "application/x-pkcs12", "cer": der_b64(PKI[leaf])}
    path = os.path.join(PKI["dir"], "kv-%s.pfx" % name)
    with open(path, "wb") as f:
        f.write(data)
    PKI["kv-" + name] = path


def make_all():
    d = PKI["dir"] = os.path.join(os.environ.get("TMPDIR", "/tmp"), "azkv-certs-%d" % os.getpid())
    os.makedirs(d, exist_ok=True)
    make_pki(d)
    for name, (leaf, opts) in VARIANTS.items():
        pfx(name, leaf, opts=opts)
    pfx("p12-password", password="s3cret pw", opts=("-legacy",))
    pfx("p12-badmac", opts=("-legacy",), mutate=flip_mac)
    make_explicit(d)
    for name, leaf in (("rsa", "rsa"), ("ec", "ec"), ("p256k", "x-secp256k1")):
        kv_shape(name, leaf)
    # no MAC, nothing encrypted: the changed curve is what azkv sees
    pfx("p12-explicit-bad-b", "x-p256", opts=("-keypbe", "NONE", "-certpbe", "NONE", "-nomac"),
        mutate=lambda path, data: b_of_p256(data))
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


def check_files(key, certs, leaf_cn, mode=0o600, explicit=False):
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
    if explicit and b"prime-field" not in openssl("asn1parse", "-in", key):
        return "the key lost its explicit parameters"
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


def explicit_case(name):
    def t(tmp):
        k, c = os.path.join(tmp, "key.pem"), os.path.join(tmp, "certs.pem")
        r = run(["get", "--pem-key", k, "--pem-certs", c, "myvault/p12-explicit-" + name])
        why = H.ok_shape(r, b"") or check_files(k, c, "localhost explicit " + name, explicit=True)
        if why:
            return why
        # OpenSSL loads the key as written (explicit, as in the PFX): the
        # key checks out and signs what the certificate's key verifies
        p = subprocess.run(["openssl", "pkey", "-in", k, "-check", "-noout"], capture_output=True)
        if p.returncode != 0:
            return "openssl pkey -check: %r" % p.stderr[-200:]
        msg, sig = os.path.join(tmp, "msg"), os.path.join(tmp, "sig")
        with open(msg, "wb") as f:
            f.write(b"signed with the key azkv wrote")
        openssl("dgst", "-sha256", "-sign", k, "-out", sig, msg)
        pub = os.path.join(tmp, "pub.pem")
        with open(pub, "wb") as f:
            f.write(pubkey_of_cert(c))
        p = subprocess.run(["openssl", "dgst", "-sha256", "-verify", pub, "-signature", sig, msg],
                           capture_output=True)
        return None if p.returncode == 0 else "signature not verified by the leaf: %r" % p.stdout
    t.__doc__ = ("PKCS#12 with %s key and certificate in explicit parameters (as Key Vault's "
                 "P-256K): converted as is, OpenSSL signs and verifies with them" % name)
    CASES.append(("p12-explicit-" + name, t))


for _n in EXPLICIT:
    explicit_case(_n)


@case
def t_p12_explicit_bad_b(tmp):
    """explicit parameters with P-256's b changed: exit 8 naming b, nothing written"""
    k, c = os.path.join(tmp, "key.pem"), os.path.join(tmp, "certs.pem")
    r = run(["get", "--pem-key", k, "--pem-certs", c, "myvault/p12-explicit-bad-b"])
    return H.failure_shape(r, 8, "explicit EC parameters: b differs from P-256's") or (
        None if not os.listdir(tmp) else "file written: %r" % os.listdir(tmp))


def kv_case(name, leaf_cn):
    def t(tmp):
        pfx_path = PKI["kv-" + name]
        # the shape as openssl sees it: SHA-1 MAC, iterations left out (1)
        info = subprocess.run(["openssl", "pkcs12", "-info", "-noout", "-legacy", "-in", pfx_path,
                               "-passin", "pass:"], capture_output=True).stderr
        if b"MAC: sha1, Iteration 1" not in info:
            return "not the shape: %r" % info[:200]
        k, c = os.path.join(tmp, "key.pem"), os.path.join(tmp, "certs.pem")
        r = run(["get", "--pem-key", k, "--pem-certs", c, "myvault/kv-" + name])
        why = H.ok_shape(r, b"") or check_files(k, c, leaf_cn)
        if why:
            return why
        openssl("pkcs12", "-legacy", "-in", pfx_path, "-passin", "pass:", "-nodes", "-nocerts",
                "-out", os.path.join(tmp, "ossl-key.pem"))
        openssl("pkcs12", "-legacy", "-in", pfx_path, "-passin", "pass:", "-nokeys",
                "-out", os.path.join(tmp, "ossl-certs.pem"))
        if openssl("pkey", "-in", k) != openssl("pkey", "-in", os.path.join(tmp, "ossl-key.pem")):
            return "the key differs from openssl pkcs12 -legacy's"
        mine = sorted(leaf_der(b) for b in pem_split(open(c, "rb").read()))
        theirs = sorted(leaf_der(b) for b in pem_split(open(os.path.join(tmp, "ossl-certs.pem"), "rb").read()))
        if mine != theirs:
            return "certificates differ from openssl pkcs12 -legacy's"
        if b"X509v3 Key Usage" not in openssl("asn1parse", "-in", k):
            return "the key's keyUsage attribute was dropped"
        if name == "p256k":   # CNG's a and b: one byte each, in the key and the leaf
            for what, path in (("key", k), ("leaf", c)):
                if b"[HEX DUMP]:07\n" not in openssl("asn1parse", "-in", path):
                    return "the %s's b is not CNG's one byte 07" % what
        return None
    t.__doc__ = ("Key Vault's own PFX shape (%s; tests/e2e/kvpfx.py): the same key and certificates as "
                 "openssl pkcs12 -legacy" % name)
    CASES.append(("kv-shape-" + name, t))


def pem_split(text):
    return [b"-----BEGIN CERTIFICATE-----" + p.split(b"-----END CERTIFICATE-----")[0] +
            b"-----END CERTIFICATE-----\n" for p in text.split(b"-----BEGIN CERTIFICATE-----")[1:]]


for _n, _cn in (("rsa", "localhost rsa"), ("ec", "localhost ec"), ("p256k", "localhost explicit secp256k1")):
    kv_case(_n, _cn)


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
def t_password_longest(tmp):
    """a password of 1,024 bytes (the limit) opens its legacy PFX; 1,025 is refused as too long, exit 2, no file"""
    pw = "p" * 1024  # its BMPString: 2,050 bytes
    pfx("p12-longpw", password=pw, opts=("-legacy",))
    f = os.path.join(tmp, "pw")
    k, c = os.path.join(tmp, "k.pem"), os.path.join(tmp, "c.pem")
    with open(f, "w") as fh:
        fh.write(pw + "\n")
    r = run(["get", "--pfx-password-file", f, "--pem-key", k, "--pem-certs", c, "myvault/p12-longpw"])
    why = H.ok_shape(r, b"") or check_files(k, c, "localhost rsa")
    if why:
        return "1,024 bytes: " + why
    os.remove(k)
    with open(f, "w") as fh:
        fh.write(pw + "p")
    r = run(["get", "--pfx-password-file", f, "--pem-key", k, "myvault/p12-longpw"])
    return H.failure_shape(r, 2, "--pfx-password-file %s: larger than the limit, refused" % f) or (
        None if not os.path.exists(k) else "file written")


@case
def t_password_not_a_file(tmp):
    """--pfx-password-file naming a FIFO (nobody writing) or a folder: exit 2 at once, no file"""
    fifo = os.path.join(tmp, "fifo")
    os.mkfifo(fifo)
    k = os.path.join(tmp, "k.pem")
    for f in (fifo, tmp):
        r = H.run_azkv(["get", "--pfx-password-file", f, "--pem-key", k, "myvault/p12-password"],
                       control={"secrets": SECRETS}, timeout=20)
        why = H.failure_shape(r, 2, "--pfx-password-file %s: not a regular file, refused" % f)
        if why or os.path.exists(k):
            return why or "file written"
    return None


def core_after(tmp, args):
    """Run azkv ARGS (--cacert added) under gdb, which writes a core file the
    moment the process exits (catchpoint on exit_group): every byte of its
    memory then. Returns (azkv's Run, core bytes); azkv's stdout and stderr
    go to files, not gdb's (gdb's run is judged as a program that runs
    azkv)."""
    import shlex
    core, out, err = (os.path.join(tmp, n) for n in ("core", "out", "err"))
    argv = args[:1] + ["--cacert", os.environ["AZKV_TEST_CA"]] + args[1:]
    g = H.run_cmd(["gdb", "-batch", "-nx", "-ex", "catch syscall exit_group",
                   "-ex", "run %s >%s 2>%s" % (" ".join(shlex.quote(a) for a in argv), out, err),
                   "-ex", "generate-core-file " + core, "-ex", "continue", H.AZKV],
                  env={"PATH": "/usr/bin:/bin"}, control={"secrets": SECRETS}, timeout=120)
    text = g.out.decode(errors="replace")
    m = __import__("re").search(r"exited (normally|with code (\d+))", text)
    rc = (0 if m.group(1) == "normally" else int(m.group(2), 8)) if m else None
    data = open(core, "rb").read() if os.path.exists(core) else b""
    if not data:
        raise RuntimeError("gdb wrote no core: %r %r" % (text[-300:], g.err[-300:]))
    return H.Run(rc, open(out, "rb").read(), open(err, "rb").read(), argv=[H.AZKV] + argv), data


def password_forms(pw):
    """The password as azkv may hold it: UTF-8 (PBES2, the file), BMPString
    (UTF-16BE: PBES1 and the MAC)."""
    return {"UTF-8": pw.encode(), "BMPString": pw.encode("utf-16-be")}


@case
def t_password_not_left_in_memory(tmp):
    """after converting a legacy and a default PFX with a password, no copy of it is left anywhere in azkv's memory (core at exit, gdb)"""
    pw = "azkv-Pfx-9f3c-secret"
    pfx("p12-mem-legacy", password=pw, opts=("-legacy",))
    pfx("p12-mem-default", password=pw)
    f = os.path.join(tmp, "pw")
    with open(f, "w") as fh:
        fh.write(pw + "\n")
    for name in ("p12-mem-legacy", "p12-mem-default"):
        k, c = os.path.join(tmp, name + ".key"), os.path.join(tmp, name + ".crt")
        r, core = core_after(tmp, ["get", "--pfx-password-file", f, "--pem-key", k, "--pem-certs", c,
                                   "myvault/" + name])
        why = H.ok_shape(r, b"") or check_files(k, c, "localhost rsa")
        if why:
            return "%s: %s" % (name, why)
        left = ["%s x%d" % (n, core.count(v)) for n, v in password_forms(pw).items() if v in core]
        if left:
            return "%s: the password is still in memory at exit: %s" % (name, ", ".join(left))
    return None


@case
def t_refused_password_not_left_in_memory(tmp):
    """a --pfx-password-file refused as too long is wiped: none of it is left in azkv's memory at exit"""
    pw = "".join("%04d-refused-pw;" % i for i in range(70))  # 1,120 bytes
    f = os.path.join(tmp, "pw")
    for content in (pw[:1025], pw):  # read whole then refused, refused at fstat
        with open(f, "w") as fh:
            fh.write(content)
        r, core = core_after(tmp, ["get", "--pfx-password-file", f, "--pem-key", os.path.join(tmp, "k"),
                                   "myvault/p12-password"])
        pieces = [content[i:i + 32].encode() for i in range(0, len(content) - 32, 32)]
        left = sum(1 for x in pieces if x in core)
        if left:
            return "%d bytes: %d of its %d 32-byte pieces are still in memory at exit" % (
                len(content), left, len(pieces))
        why = H.failure_shape(r, 2, "larger than the limit, refused")
        if why:
            return "%d bytes: %s" % (len(content), why)
    return None


def der(tag, body):
    n = len(body)
    head = bytes([n]) if n < 128 else (lambda b: bytes([0x80 | len(b)]) + b)(n.to_bytes((n.bit_length() + 7) // 8, "big"))
    return bytes([tag]) + head + body


def der_oid(dotted):
    a = [int(x) for x in dotted.split(".")]
    out = bytes([40 * a[0] + a[1]])
    for v in a[2:]:
        enc = [v & 0x7f]
        while v > 0x7f:
            v >>= 7
            enc.append(0x80 | (v & 0x7f))
        out += bytes(reversed(enc))
    return der(0x06, out)


def der_int(v):
    return der(0x02, v.to_bytes(v.bit_length() // 8 + 1, "big"))


def many_parts_pfx(parts, iterations):
    """A PFX (no MAC) of `parts` encryptedData parts, each the same empty
    SafeContents under PBES2 (PBKDF2-HMAC-SHA256, `iterations`, AES-256-CBC)
    with the empty password: every part costs azkv one derivation of
    `iterations`, whatever it holds."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    salt, iv = b"azkv-many-parts!", b"\x01" * 16
    key = __import__("hashlib").pbkdf2_hmac("sha256", b"", salt, iterations, 32)
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ct = enc.update(b"\x30\x00" + b"\x0e" * 14) + enc.finalize()  # SEQUENCE {} + padding
    kdf = der(0x30, der_oid("1.2.840.113549.1.5.12") + der(0x30, der(0x04, salt) + der_int(iterations)
              + der(0x30, der_oid("1.2.840.113549.2.9") + b"\x05\x00")))
    alg = der(0x30, der_oid("1.2.840.113549.1.5.13") + der(0x30, kdf + der(
        0x30, der_oid("2.16.840.1.101.3.4.1.42") + der(0x04, iv))))
    part = der(0x30, der_oid("1.2.840.113549.1.7.6") + der(0xa0, der(0x30, der_int(0) + der(
        0x30, der_oid("1.2.840.113549.1.7.1") + alg + der(0x80, ct)))))
    auth = der(0x30, part * parts)
    return der(0x30, der_int(3) + der(0x30, der_oid("1.2.840.113549.1.7.1") + der(0xa0, der(0x04, auth))))


def refused_within(tmp, name, data, args, rc, needle, within, faults=None):
    """Secret name holding the PFX data, converted with get ARGS --pem-key:
    exit rc saying needle, no file, in under `within` seconds. None or why."""
    SECRETS[name] = {"value": base64.b64encode(data).decode(), "contentType": "application/x-pkcs12"}
    k = os.path.join(tmp, "k.pem")
    r = H.run_azkv(["get"] + args + ["--pem-key", k, "myvault/" + name],
                   control=dict({"secrets": SECRETS}, **(faults or {})), timeout=120)
    why = H.failure_shape(r, rc, needle)
    if why or os.path.exists(k):
        return "%s (after %.1f s)" % (why or "file written", r.elapsed)
    return None if r.elapsed < within else "took %.1f s" % r.elapsed


@case
def t_pkcs12_work_bound(tmp):
    """a PFX of 40 encrypted parts of 1,000,000 iterations each (over half an hour of CPU once): refused after 2,000,000 in all, exit 8, within seconds"""
    return refused_within(tmp, "p12-many-parts", many_parts_pfx(40, 1000000), ["--timeout", "30"], 8,
                          "iteration count 0, or over 2000000 in all (refused)", 15)


@case
def t_pkcs12_deadline(tmp):
    """the run's deadline stops a PKCS#12 conversion between two derivations: exit 6 saying so (the same file converts, then lacks a key, without the delay)"""
    data = many_parts_pfx(10, 190000)
    why = refused_within(tmp, "p12-slow", data, [], 8, "no private key in the value", 60)
    if why:
        return "without a delay: " + why
    # the answer comes 2.4 s into a 3 s run: the 1,900,000 iterations then
    # take longer than what is left
    return refused_within(tmp, "p12-slow", data, ["--timeout", "3"], 6,
                          "the run's deadline passed during key derivation", 4.5,
                          {"vault:p12-slow": {"fault": "delay", "arg": 2.4}})


@case
def t_key_mode_cap(tmp):
    """a private key file is never wider than 0640: --mode 0644 (or 0604, 0660) with --pem-key or --pem is exit 2 before anything is sent; the chain alone may be 0644; 0640 writes both"""
    k, c, b = (os.path.join(tmp, n) for n in ("k.pem", "c.pem", "b.pem"))
    for mode, out in (("0644", ["--pem-key", k, "--pem-certs", c]), ("0604", ["--pem", b]),
                      ("0660", ["--pem-key", k])):
        r = run(["get", "--mode", mode] + out + ["myvault/p12-legacy"])
        why = H.failure_shape(r, 2, "--mode %s: wider than 0640 for a private key" % mode)
        if why or r.reqs() or os.listdir(tmp):
            return "%s %r: %s" % (mode, out, why or "sent %d requests, wrote %r" % (len(r.reqs()), os.listdir(tmp)))
    r = run(["get", "--mode", "0644", "--pem-certs", c, "myvault/p12-legacy"])
    why = H.ok_shape(r, b"")
    if why or stat.S_IMODE(os.stat(c).st_mode) != 0o644:
        return "chain alone at 0644: %s" % (why or "mode %o" % stat.S_IMODE(os.stat(c).st_mode))
    os.remove(c)
    r = run(["get", "--mode", "0640", "--pem-key", k, "--pem-certs", c, "myvault/p12-legacy"])
    return H.ok_shape(r, b"") or check_files(k, c, "localhost rsa", mode=0o640)


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


def nginx_serves(tmp, secret, port, verify=True):
    k, c = os.path.join(tmp, "key.pem"), os.path.join(tmp, "certs.pem")
    r = run(["get", "--pem-key", k, "--pem-certs", c, "myvault/" + secret])
    why = H.ok_shape(r, b"")
    if why:
        return why
    conf = H.nginx_conf(tmp, c, k, port)
    p = subprocess.run(["nginx", "-p", tmp, "-c", conf], capture_output=True)
    if p.returncode != 0:
        return "nginx: %r" % p.stderr[-300:]
    try:
        tls = ["--cacert", PKI["root"]] if verify else ["-k"]
        for _ in range(50):
            q = subprocess.run(["curl", "-sS", "--max-time", "5"] + tls +
                               ["--resolve", "localhost:%d:127.0.0.1" % port,
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


# OpenSSL's verifier refuses a certificate whose key has explicit
# parameters ("certificate public key has explicit ECC parameters"): that
# is the certificate Key Vault signed, which azkv cannot change. curl -k:
# no chain check, but the handshake's signature, made by nginx with the
# key azkv wrote, is still verified with the certificate's key.
@case
def t_nginx_explicit_p256(tmp):
    """nginx loads a P-256 key and leaf in explicit parameters as azkv wrote them and serves TLS (curl -k)"""
    return nginx_serves(tmp, "p12-explicit-p256", 8445, verify=False)


@case
def t_nginx_explicit_p384(tmp):
    """the same on P-384"""
    return nginx_serves(tmp, "p12-explicit-p384", 8446, verify=False)


def setup():
    for prog, pkg in (("nginx", "nginx-light"), ("gdb", "gdb")):
        if not shutil.which(prog):
            subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=900", "install", "-y", "-q",
                            "--no-install-recommends", pkg],
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
