#!/usr/bin/env python3
"""clevis.py: the azkv clevis pin (clevis/) with Debian's real clevis,
clevis-luks, jose and cryptsetup, against the fake Azure's keys (private
namespace, tests/netns.sh).

    tests/netns.sh -- python3 tests/e2e/clevis.py [-l] [PATTERN...]

Each case builds a bin folder holding azkv (AZKV=..., default bin/azkv) and
the two pins as `make install` lays them out, plus argv-recording wrappers
for azkv and jose, and runs `clevis encrypt azkv CFG` / `clevis decrypt` with
PATH=that folder:/usr/bin:/bin. The vault's CA reaches azkv as SSL_CERT_FILE,
an ordinary azkv setting: the pin has no test knob. LUKS cases use a LUKS2
image file (no device mapper: --test-passphrase). Output: one line per case,
then "N passed, N failed".
"""
import base64
import json
import os
import re
import shutil
import stat
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as H  # noqa: E402

fx, ROOT, AZKV, VAULT = H.fx, H.ROOT, H.AZKV, H.VAULT
PINDIR = os.path.join(ROOT, "clevis")
# The fixture's RSA 2048 key (tests/fake/secrets.json "keys").
KEY_NAME = "rsa2048"
KEY = VAULT + "/keys/" + KEY_NAME
VERSIONED = re.compile(re.escape(KEY) + r"/[0-9a-f]{32}$")
# Data with NUL, 0xff and every other byte value, not a multiple of 16.
DATA = bytes(range(256)) + b"\0\xff" * 300 + b"\n\0tail\xff"


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64u(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def make_bin(tmp):
    """tmp/bin: azkv and jose wrappers that log their argv to tmp/argv.log,
    then run the real programs (azkv's runs judged by the harness's
    invariants: harness.azkv_shim); the pins copied beside them."""
    b = os.path.join(tmp, "bin")
    os.makedirs(b)
    log = os.path.join(tmp, "argv.log")
    H.azkv_shim(os.path.join(b, "azkv"), log)
    with open(os.path.join(b, "jose"), "w") as f:
        f.write('#!/bin/sh\nprintf "%%s\\n" "jose $*" >> %s\nexec %s "$@"\n' % (log, shutil.which("jose")))
    os.chmod(os.path.join(b, "jose"), 0o755)
    for pin in ("clevis-encrypt-azkv", "clevis-decrypt-azkv"):
        shutil.copy(os.path.join(PINDIR, pin), os.path.join(b, pin))
    return b


def env(tmp, **kw):
    e = {"PATH": os.path.join(tmp, "bin") + ":/usr/bin:/bin:/usr/sbin:/sbin",
         "SSL_CERT_FILE": os.environ["AZKV_TEST_CA"], "TMPDIR": tmp}
    e.update(kw)
    return e


def run(tmp, argv, stdin=b"", control=None, timeout=120, **kw):
    """Run argv with the pin's environment; returns (CompletedProcess, vault
    requests logged meanwhile)."""
    p = H.run_cmd(argv, env=env(tmp, **kw), stdin=stdin, control=control, timeout=timeout)
    shim = os.path.join(tmp, "bin", "azkv")
    if os.path.exists(shim):
        H.shim_runs(shim)
    return p, p.reqs("vault")


def encrypt(tmp, cfg, data=DATA, control=None):
    if not isinstance(cfg, str):
        cfg = json.dumps(cfg)
    return run(tmp, ["clevis", "encrypt", "azkv", cfg], data, control)


def decrypt(tmp, jwe, control=None):
    return run(tmp, ["clevis", "decrypt"], jwe, control)


def header(jwe):
    return json.loads(unb64u(jwe.split(b".")[0].decode()))


def sealed(tmp, cfg=None):
    """A JWE of DATA; raises if encryption fails."""
    p, _ = encrypt(tmp, cfg or {"key": KEY})
    if p.returncode != 0 or p.stdout.count(b".") != 4:
        raise RuntimeError("encrypt exit %d: %r" % (p.returncode, p.stderr[:300]))
    return p.stdout


def ops(reqs):
    """(operation, version, alg) of each key request: ("get", version, None)
    for reading the key (azkv wraps with an RSA key's public half locally),
    ("wrapkey" | "unwrapkey", version, alg) for the vault's operations."""
    out = []
    for r in reqs:
        m = re.match(r"^/keys/([^/]+)(?:/([^/]*))?(?:/(wrapkey|unwrapkey))?$", r["path"])
        if m and r["method"] == "GET" and not m.group(3):
            out.append(("get", m.group(2) or "", None))
        elif m and m.group(3):
            out.append((m.group(3), m.group(2) or "", json.loads(r["body"]).get("alg")))
    return out


def wraps(reqs):
    """Whether reqs hold exactly one wrap: a key read or a wrapkey call."""
    return [o for o, _, _ in ops(reqs) if o in ("get", "wrapkey")] in (["get"], ["wrapkey"])


# ---- round trips -----------------------------------------------------------

def t_roundtrip_binary(tmp):
    """encrypt | decrypt gives the input back byte for byte (NUL, 0xff)"""
    make_bin(tmp)
    jwe = sealed(tmp)
    p, reqs = decrypt(tmp, jwe)
    if p.returncode != 0:
        return "decrypt exit %d: %r" % (p.returncode, p.stderr[:300])
    if p.stdout != DATA:
        return "decrypted %d bytes, want %d (differ)" % (len(p.stdout), len(DATA))
    return None if [o for o, _, _ in ops(reqs)] == ["unwrapkey"] else "vault requests %r" % ops(reqs)


def t_header_layout(tmp):
    """protected header: dir/A256GCM, clevis.azkv {alg, kid versioned, wrapped}"""
    make_bin(tmp)
    jwe = sealed(tmp)
    parts = jwe.split(b".")
    if parts[1] != b"":
        return "encrypted_key part not empty (alg dir): %r" % parts[1][:40]
    h = header(jwe)
    if (h.get("alg"), h.get("enc"), h.get("clevis", {}).get("pin")) != ("dir", "A256GCM", "azkv"):
        return "header %r" % h
    a = h["clevis"]["azkv"]
    if sorted(a) != ["alg", "kid", "wrapped"]:
        return "clevis.azkv holds %r" % sorted(a)
    if a["alg"] != "RSA-OAEP-256" or not VERSIONED.match(a["kid"]):
        return "alg %r kid %r (want the default RSA-OAEP-256 and a versioned kid)" % (a["alg"], a["kid"])
    return None if len(unb64u(a["wrapped"])) == 256 else "wrapped is %d bytes, want 256 (RSA 2048)" % \
        len(unb64u(a["wrapped"]))


def t_versioned_kid_used(tmp):
    """a versionless key: wrap asks for the latest, unwrap names the version it answered"""
    make_bin(tmp)
    p, wreqs = encrypt(tmp, {"key": KEY})
    if p.returncode != 0:
        return "encrypt exit %d: %r" % (p.returncode, p.stderr[:300])
    kid = header(p.stdout)["clevis"]["azkv"]["kid"]
    version = kid.rsplit("/", 1)[1]
    q, ureqs = decrypt(tmp, p.stdout)
    if q.returncode != 0 or q.stdout != DATA:
        return "decrypt exit %d: %r" % (q.returncode, q.stderr[:300])
    if ops(wreqs) != [("get", "", None)]:
        return "encrypt's vault requests %r, want one read of the latest key" % ops(wreqs)
    return None if ops(ureqs) == [("unwrapkey", version, "RSA-OAEP-256")] else \
        "decrypt's vault requests %r, want the version %s" % (ops(ureqs), version)


def t_explicit_version_and_alg(tmp):
    """key with an older version and alg RSA-OAEP: both kept, both used to unwrap"""
    make_bin(tmp)
    kid = KEY + "/" + fx.DATA["keys"][KEY_NAME]["older"][0]
    jwe = sealed(tmp, {"key": kid, "alg": "RSA-OAEP"})
    a = header(jwe)["clevis"]["azkv"]
    if (a["kid"], a["alg"]) != (kid, "RSA-OAEP"):
        return "kid/alg recorded %r %r" % (a["kid"], a["alg"])
    p, reqs = decrypt(tmp, jwe)
    if p.returncode != 0 or p.stdout != DATA:
        return "decrypt exit %d: %r" % (p.returncode, p.stderr[:300])
    return None if ops(reqs) == [("unwrapkey", kid.rsplit("/", 1)[1], "RSA-OAEP")] else "requests %r" % ops(reqs)


def t_key_short_forms_and_tag(tmp):
    """key as VAULT/keys/NAME or tag:TAG: the JWE records the full versioned kid"""
    make_bin(tmp)
    want = KEY + "/" + fx.DATA["keys"][KEY_NAME]["version"]
    for ref in ("myvault/keys/" + KEY_NAME, "tag:KekRef"):
        jwe = sealed(tmp, {"key": ref})
        kid = header(jwe)["clevis"]["azkv"]["kid"]
        if kid != want:
            return "%s recorded kid %r, want %r" % (ref, kid, want)
        p, reqs = decrypt(tmp, jwe)
        if p.returncode != 0 or p.stdout != DATA:
            return "%s: decrypt exit %d: %r" % (ref, p.returncode, p.stderr[:200])
    p, reqs = encrypt(tmp, {"key": "https://myvault.vault.azure.net/secrets/db-password"})
    if p.returncode != 2 or p.stdout or not p.stderr.startswith(b"azkv: ") or reqs:
        return "a secret URL as key: exit %d, %d requests, %r" % (p.returncode, len(reqs), p.stderr[:200])
    return None


def t_managed_hsm_aes_kw(tmp):
    """Managed HSM oct key, alg A256KW: wrapped and unwrapped by the HSM"""
    make_bin(tmp)
    key = "https://myhsm.managedhsm.azure.net/keys/hsm-aes"
    p, wreqs = encrypt(tmp, {"key": key, "alg": "A256KW"})
    if p.returncode != 0:
        return "encrypt exit %d: %r" % (p.returncode, p.stderr[:300])
    a = header(p.stdout)["clevis"]["azkv"]
    version = fx.DATA["keys"]["hsm-aes"]["version"]
    if (a["kid"], a["alg"], len(unb64u(a["wrapped"]))) != (key + "/" + version, "A256KW", 40):
        return "clevis.azkv %r (want the versioned kid, A256KW, 40 wrapped bytes)" % a
    q, ureqs = decrypt(tmp, p.stdout)
    if q.returncode != 0 or q.stdout != DATA:
        return "decrypt exit %d: %r" % (q.returncode, q.stderr[:300])
    got = [(o, al) for o, _, al in ops(wreqs) if o != "get"] + ops(ureqs)
    return None if got == [("wrapkey", "A256KW"), ("unwrapkey", version, "A256KW")] else \
        "HSM requests %r" % got


def t_sss_two_azkv_bindings(tmp):
    """clevis's sss pin with t=2 over a vault key and a Managed HSM key: both unwrapped"""
    make_bin(tmp)
    cfg = {"t": 2, "pins": {"azkv": [{"key": KEY}, {"key": "https://myhsm.managedhsm.azure.net/keys/hsm-aes",
                                                    "alg": "A256KW"}]}}
    p, _ = run(tmp, ["clevis", "encrypt", "sss", json.dumps(cfg)], DATA)
    if p.returncode != 0:
        return "encrypt exit %d: %r" % (p.returncode, p.stderr[:300])
    q, reqs = decrypt(tmp, p.stdout)
    if q.returncode != 0 or q.stdout != DATA:
        return "decrypt exit %d: %r" % (q.returncode, q.stderr[:300])
    got = sorted(o for o, _, _ in ops(reqs))
    return None if got == ["unwrapkey", "unwrapkey"] else "decrypt's key requests %r" % ops(reqs)


def t_identity_options_kept(tmp):
    """client_id and wait are stored and passed to azkv unwrap (IMDS sees client_id)"""
    make_bin(tmp)
    cid = fx.USER_IDS[0]["client_id"]
    jwe = sealed(tmp, {"key": KEY, "client_id": cid, "wait": 30})
    a = header(jwe)["clevis"]["azkv"]
    if (a.get("client_id"), a.get("wait")) != (cid, "30"):
        return "header clevis.azkv %r" % a
    off = fx.log_offset()
    p, _ = decrypt(tmp, jwe)
    if p.returncode != 0 or p.stdout != DATA:
        return "decrypt exit %d: %r" % (p.returncode, p.stderr[:300])
    imds = fx.requests(fx.read_log(off), "imds")
    if not imds or any(r["query"].get("client_id") != cid for r in imds):
        return "IMDS queries %r" % [r["query"] for r in imds]
    argv = open(os.path.join(tmp, "argv.log")).read()
    return None if re.search(r"^azkv unwrap .*--client-id %s --wait 30 " % cid, argv, re.M) else \
        "azkv unwrap argv: %r" % [l for l in argv.splitlines() if "unwrap" in l]


def t_cek_never_in_argv(tmp):
    """the content key appears in no argv of azkv or jose (only pipes)"""
    make_bin(tmp)
    jwe = sealed(tmp)
    p, _ = decrypt(tmp, jwe)
    if p.returncode != 0 or p.stdout != DATA:
        return "decrypt exit %d: %r" % (p.returncode, p.stderr[:300])
    a = header(jwe)["clevis"]["azkv"]
    # the CEK, unwrapped here by azkv itself
    u = H.run_azkv(["unwrap", "--alg", a["alg"], a["kid"]], 0, stdin=unb64u(a["wrapped"]))
    if u.rc != 0 or len(u.stdout) != 32:
        return "azkv unwrap exit %r, %d bytes: %r" % (u.rc, len(u.stdout), u.err[:200])
    argv = open(os.path.join(tmp, "argv.log")).read()
    if "azkv wrap" not in argv or "azkv unwrap" not in argv or "jose jwe" not in argv:
        return "argv log incomplete: %r" % argv[:300]
    for form in (b64u(u.stdout), u.stdout.hex(), base64.b64encode(u.stdout).decode()):
        if form in argv or form.upper() in argv:
            return "the content key was in an argv"
    return None


# ---- failures --------------------------------------------------------------

def t_tampered_ciphertext(tmp):
    """a flipped ciphertext or tag byte: decrypt fails, prints nothing"""
    make_bin(tmp)
    parts = sealed(tmp).split(b".")
    for i in (3, 4):
        raw = bytearray(unb64u(parts[i].decode()))
        raw[len(raw) // 2] ^= 1
        bad = b".".join(parts[:i] + [b64u(bytes(raw)).encode()] + parts[i + 1:])
        p, _ = decrypt(tmp, bad)
        if p.returncode == 0 or p.stdout:
            return "part %d tampered: exit %d, %d bytes out" % (i, p.returncode, len(p.stdout))
    return None


def t_tampered_header(tmp):
    """header changed (identity option added): the GCM check fails after unwrap"""
    make_bin(tmp)
    jwe = sealed(tmp)
    h = header(jwe)
    h["clevis"]["azkv"]["source"] = "imds"
    bad = b64u(json.dumps(h).encode()).encode() + jwe[jwe.index(b"."):]
    p, reqs = decrypt(tmp, bad)
    if p.returncode == 0 or p.stdout:
        return "exit %d, %d bytes out" % (p.returncode, len(p.stdout))
    return None if ops(reqs) and ops(reqs)[0][0] == "unwrapkey" else "no unwrap: %r" % p.stderr[:200]


def t_wrong_pin_header(tmp):
    """clevis-decrypt-azkv refuses a JWE of another pin"""
    make_bin(tmp)
    null = subprocess.run(["clevis", "encrypt", "null", "{}"], input=b"x", capture_output=True)
    p, reqs = run(tmp, [os.path.join(tmp, "bin", "clevis-decrypt-azkv")], null.stdout)
    if p.returncode != 1 or p.stdout or reqs:
        return "exit %d, out %r, %d requests" % (p.returncode, p.stdout, len(reqs))
    return None if b"pin mismatch" in p.stderr else "stderr %r" % p.stderr


def t_header_missing_fields(tmp):
    """clevis.azkv without kid, or with a versionless kid: refused before any request"""
    make_bin(tmp)
    jwe = sealed(tmp)
    for change in ({"kid": None}, {"kid": KEY}, {"wrapped": None}, {"alg": "dir"}, {"wait": "-v"}):
        h = header(jwe)
        for k, v in change.items():
            if v is None:
                del h["clevis"]["azkv"][k]
            else:
                h["clevis"]["azkv"][k] = v
        bad = b64u(json.dumps(h).encode()).encode() + jwe[jwe.index(b"."):]
        p, reqs = decrypt(tmp, bad)
        if p.returncode != 1 or p.stdout or reqs:
            return "%r: exit %d, %d vault requests, %r" % (change, p.returncode, len(reqs), p.stderr[:200])
    return None


def t_bad_configs(tmp):
    """malformed config, no key, unknown property, bad alg, bad wait: exit 1, no request"""
    make_bin(tmp)
    cfgs = ['not json', '[]', '{}', '{"key": 5}', '{"key": ""}',
            json.dumps({"key": KEY, "clientid": "x"}), json.dumps({"key": KEY, "alg": "dir"}),
            json.dumps({"key": KEY, "wait": "soon"}), json.dumps({"key": KEY, "client_id": "--verbose"})]
    for cfg in cfgs:
        p, reqs = encrypt(tmp, cfg)
        if p.returncode != 1 or p.stdout or reqs:
            return "%s: exit %d, %d vault requests, %r" % (cfg, p.returncode, len(reqs), p.stderr[:200])
    return None


def t_vault_errors_pass_through(tmp):
    """azkv's exit code and one-line error come through clevis (5 not found, 4 denied)"""
    make_bin(tmp)
    p, _ = encrypt(tmp, {"key": VAULT + "/keys/no-such-key"})
    if p.returncode != 5 or p.stdout or not p.stderr.startswith(b"azkv: "):
        return "unknown key: exit %d, %r" % (p.returncode, p.stderr[:200])
    jwe = sealed(tmp)
    p, _ = decrypt(tmp, jwe, control={"vault": 403})
    if p.returncode != 4 or p.stdout or not p.stderr.startswith(b"azkv: "):
        return "denied unwrap: exit %d, %r" % (p.returncode, p.stderr[:200])
    return None


def t_summary_and_usage(tmp):
    """clevis lists 'encrypt azkv'; decrypt --summary stays hidden; a tty-less usage"""
    make_bin(tmp)
    b = os.path.join(tmp, "bin")
    p = subprocess.run([os.path.join(b, "clevis-encrypt-azkv"), "--summary"], capture_output=True)
    if p.returncode != 0 or b"Azure Key Vault" not in p.stdout:
        return "encrypt --summary: exit %d %r" % (p.returncode, p.stdout)
    p = subprocess.run([os.path.join(b, "clevis-decrypt-azkv"), "--summary"], capture_output=True)
    if p.returncode != 2 or p.stdout:
        return "decrypt --summary: exit %d %r" % (p.returncode, p.stdout)
    p, _ = run(tmp, [os.path.join(b, "clevis-encrypt-azkv"), json.dumps({"key": KEY}), "-z"])
    if p.returncode != 2 or p.stdout or b"Usage: clevis encrypt azkv" not in p.stderr:
        return "an unknown option: exit %d %r" % (p.returncode, p.stderr[:200])
    # clevis's own listing looks beside itself: a clevis copy in the bin folder
    shutil.copy(shutil.which("clevis"), os.path.join(b, "clevis"))
    p = subprocess.run([os.path.join(b, "clevis")], capture_output=True, env=env(tmp))
    if not re.search(rb"clevis encrypt azkv +Encrypts using an Azure Key Vault key", p.stderr):
        return "clevis listing: %r" % p.stderr
    return None


def t_roundtrip_large(tmp):
    """300 KB of random bytes (more than a pipe holds): back byte for byte"""
    make_bin(tmp)
    data = os.urandom(300 * 1024)
    p, _ = encrypt(tmp, {"key": KEY}, data=data)
    if p.returncode != 0:
        return "encrypt exit %d: %r" % (p.returncode, p.stderr[:300])
    q, _ = decrypt(tmp, p.stdout)
    return None if q.returncode == 0 and q.stdout == data else \
        "decrypt exit %d, %d bytes (want %d)" % (q.returncode, len(q.stdout), len(data))


def t_roundtrip_empty(tmp):
    """empty input: an empty plaintext back, exit 0"""
    make_bin(tmp)
    p, _ = encrypt(tmp, {"key": KEY}, data=b"")
    if p.returncode != 0:
        return "encrypt exit %d: %r" % (p.returncode, p.stderr[:300])
    q, _ = decrypt(tmp, p.stdout)
    return None if q.returncode == 0 and q.stdout == b"" else "decrypt exit %d, %r" % (q.returncode, q.stdout)


def t_make_install(tmp):
    """make install puts both pins next to azkv"""
    dest = os.path.join(tmp, "dest")
    p = subprocess.run(["make", "-s", "-C", ROOT, "install", "DESTDIR=" + dest, "PREFIX=/usr"],
                       capture_output=True, timeout=600)
    if p.returncode != 0:
        return "make install exit %d: %r" % (p.returncode, p.stderr[-300:])
    names = sorted(os.listdir(os.path.join(dest, "usr", "bin")))
    if names != ["azkv", "clevis-decrypt-azkv", "clevis-encrypt-azkv"]:
        return "installed %r" % names
    # the installed pin finds the azkv beside it (PATH has no azkv)
    e = env(tmp, PATH="/usr/bin:/bin")
    q = H.run_cmd([os.path.join(dest, "usr", "bin", "clevis-encrypt-azkv"), json.dumps({"key": KEY})],
                  stdin=b"abc", env=e, timeout=60)
    if q.returncode != 0:
        return "installed pin: exit %d %r" % (q.returncode, q.stderr[:200])
    r = H.run_cmd([os.path.join(dest, "usr", "bin", "clevis-decrypt-azkv")],
                  stdin=q.stdout, env=e, timeout=60)
    return None if r.stdout == b"abc" else "installed decrypt: exit %d %r" % (r.returncode, r.stderr[:200])


# ---- LUKS ------------------------------------------------------------------

def luks_image(tmp, passphrase):
    img = os.path.join(tmp, "disk.img")
    with open(img, "wb") as f:
        f.truncate(20 << 20)
    p = subprocess.run(["cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2",
                        "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000",
                        "--key-file=-", img], input=passphrase, capture_output=True)
    if p.returncode != 0:
        raise RuntimeError("luksFormat: %r" % p.stderr)
    return img


def opens(img, key, slot):
    p = subprocess.run(["cryptsetup", "open", "--test-passphrase", "--key-slot", str(slot),
                        "--key-file=-", img], input=key, capture_output=True)
    return p.returncode == 0


def t_luks_bind_pass(tmp):
    """clevis luks bind -d IMG azkv: a LUKS2 token; clevis luks pass opens its slot"""
    make_bin(tmp)
    img = luks_image(tmp, b"existing passphrase")
    cfg = json.dumps({"key": KEY})
    p, reqs = run(tmp, ["clevis", "luks", "bind", "-y", "-k", "-", "-s", "3", "-d", img, "azkv", cfg],
                  b"existing passphrase")
    if p.returncode != 0:
        return "bind exit %d: %r" % (p.returncode, p.stderr[-300:])
    if not wraps(reqs):
        return "bind's vault requests %r" % ops(reqs)
    t = subprocess.run(["cryptsetup", "token", "export", "--token-id", "0", img], capture_output=True)
    tok = json.loads(t.stdout)
    prot = json.loads(unb64u(tok["jwe"]["protected"]))
    if tok["type"] != "clevis" or tok["keyslots"] != ["3"] or prot["clevis"]["pin"] != "azkv":
        return "token %r" % tok
    p, reqs = run(tmp, ["clevis", "luks", "pass", "-d", img, "-s", "3"])
    if p.returncode != 0 or not p.stdout:
        return "pass exit %d: %r" % (p.returncode, p.stderr[-300:])
    if [o for o, _, _ in ops(reqs)] != ["unwrapkey"]:
        return "pass's vault requests %r" % ops(reqs)
    if opens(img, p.stdout + b"x", 3):
        return "control failed: a wrong passphrase opened slot 3"
    return None if opens(img, p.stdout, 3) else "cryptsetup refused the passphrase of slot 3"


def t_luks_pass_denied(tmp):
    """unwrap refused by the vault: clevis luks pass fails and prints no passphrase"""
    make_bin(tmp)
    img = luks_image(tmp, b"pw")
    p, _ = run(tmp, ["clevis", "luks", "bind", "-y", "-k", "-", "-d", img, "azkv", json.dumps({"key": KEY})],
               b"pw")
    if p.returncode != 0:
        return "bind exit %d: %r" % (p.returncode, p.stderr[-300:])
    p, _ = run(tmp, ["clevis", "luks", "pass", "-d", img, "-s", "1"], control={"vault": 403})
    return None if p.returncode != 0 and not p.stdout else "exit %d, %d bytes" % (p.returncode, len(p.stdout))


# ---- boot kit: initramfs-tools hook and local-top, dracut module -----------

KIT = os.path.join(PINDIR, "initramfs-tools")


def t_initramfs_hook(tmp):
    """hook: prereq clevis; copy_exec the pin and azkv into /usr/bin side by side"""
    log = os.path.join(tmp, "calls")
    stub = os.path.join(tmp, "hook-functions")
    with open(stub, "w") as f:
        f.write('copy_exec() { echo "copy_exec $*" >> %s; }\n' % log)
    hook = os.path.join(KIT, "hooks", "azkv-clevis")
    p = subprocess.run(["/bin/sh", hook, "prereqs"], capture_output=True)
    if p.stdout.strip() != b"clevis":
        return "prereqs printed %r" % p.stdout
    b = make_bin(tmp)
    p = subprocess.run(["/bin/sh", hook], env=env(tmp, HOOK_FUNCTIONS=stub), capture_output=True)
    if p.returncode != 0:
        return "exit %d: %r" % (p.returncode, p.stderr)
    want = ["copy_exec %s/clevis-decrypt-azkv /usr/bin/clevis-decrypt-azkv" % b,
            "copy_exec %s/azkv /usr/bin/azkv" % b]
    calls = open(log).read().splitlines()
    if calls != want:
        return "hook calls %r" % calls
    # as mkinitramfs runs hooks (PATH=/usr/bin:/sbin:/bin), make install's default
    # PREFIX /usr/local holding the pin (bind-mounted, in a mount namespace of its own)
    os.remove(log)
    p = with_usr_local(b, ["/bin/sh", hook], env(tmp, HOOK_FUNCTIONS=stub, PATH="/usr/bin:/sbin:/bin"))
    calls = open(log).read().splitlines() if os.path.exists(log) else []
    if p.returncode != 0 or calls != ["copy_exec /usr/local/bin/clevis-decrypt-azkv /usr/bin/clevis-decrypt-azkv",
                                      "copy_exec /usr/local/bin/azkv /usr/bin/azkv"]:
        return "with the pin in /usr/local/bin: exit %d, calls %r, %r" % (p.returncode, calls, p.stderr)
    empty = os.path.join(tmp, "empty")
    os.mkdir(empty)
    p = with_usr_local(empty, ["/bin/sh", hook], env(tmp, HOOK_FUNCTIONS=stub, PATH="/usr/bin:/sbin:/bin"))
    return None if p.returncode != 0 else "no pin anywhere, yet exit 0"


def with_usr_local(folder, argv, environ):
    """Run argv with folder bind-mounted on /usr/local/bin and an empty one on
    /usr/local/sbin, in a mount namespace of its own (the host's are untouched)."""
    script = ('mount --bind "$1" /usr/local/bin && mount -t tmpfs none /usr/local/sbin && '
              'shift && exec "$@"')
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", folder]
                          + argv, env=environ, capture_output=True, timeout=60)


def chroot_sh(root):
    """root/bin/sh and root/bin/mv: the host's dash and mv with the libraries
    ldd names, as copy_exec does."""
    os.makedirs(os.path.join(root, "bin"))
    for src, name in (("/bin/dash", "sh"), ("/bin/mv", "mv")):
        shutil.copy(src, os.path.join(root, "bin", name))
        for lib in re.findall(r"(/\S+) \(0x", subprocess.run(["ldd", src], capture_output=True,
                                                               text=True).stdout):
            dst = os.path.join(root, lib.lstrip("/"))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy(lib, dst)


def local_top(tmp, net_confs, resolv=None):
    """Run local-top/azkv-clevis in a chroot whose /scripts/functions stands
    in for initramfs-tools: configure_networking writes net_confs into /run,
    as klibc ipconfig does. The script's background job keeps the output
    pipes, so the run ends when the job does. Returns (rc, resolv.conf text or
    None, whether configure_networking ran, stderr)."""
    root = os.path.join(tmp, "root")
    chroot_sh(root)
    for d in ("scripts/local-top", "run", "etc", "dev"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    # sh gives a background job /dev/null as stdin
    os.mknod(os.path.join(root, "dev", "null"), 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    writes = "".join("echo '%s' > /run/net-%s.conf\n" % (text, dev) for dev, text in net_confs.items())
    with open(os.path.join(root, "scripts", "functions"), "w") as f:
        f.write("configure_networking() {\necho called > /run/calls\n%s}\n" % writes)
    shutil.copy(os.path.join(KIT, "scripts", "local-top", "azkv-clevis"),
                os.path.join(root, "scripts", "local-top", "azkv-clevis"))
    if resolv is not None:
        with open(os.path.join(root, "etc", "resolv.conf"), "w") as f:
            f.write(resolv)
    p = subprocess.run([shutil.which("chroot"), root, "/bin/sh", "/scripts/local-top/azkv-clevis"],
                       env={"PATH": "/bin"}, capture_output=True, timeout=30)
    rpath = os.path.join(root, "etc", "resolv.conf")
    text = open(rpath).read() if os.path.exists(rpath) else None
    calls = os.path.exists(os.path.join(root, "run", "calls"))
    return p.returncode, text, calls, p.stderr


def t_local_top_network_and_resolver(tmp):
    """local-top: configure_networking, then ipconfig's DNS servers into resolv.conf"""
    rc, text, calls, err = local_top(tmp, {
        "ens3": "DEVICE=ens3\nIPV4ADDR=10.0.2.15\nIPV4DNS0=10.0.2.3\nIPV4DNS1=0.0.0.0",
        "ens4": "DEVICE=ens4\nIPV4DNS0=192.0.2.53\nIPV4DNS1=192.0.2.54"})
    if rc != 0 or not calls:
        return "exit %d, configure_networking called: %r, %r" % (rc, calls, err)
    want = "nameserver 10.0.2.3\nnameserver 192.0.2.53\nnameserver 192.0.2.54\n"
    if text != want:
        return "resolv.conf %r" % text
    left = os.listdir(os.path.join(tmp, "root", "etc"))
    return None if left == ["resolv.conf"] else "/etc holds %r" % left


def t_local_top_keeps_resolver(tmp):
    """local-top: an existing resolv.conf is kept; no DNS learnt: none written"""
    rc, text, calls, err = local_top(tmp, {"ens3": "IPV4DNS0=10.0.2.3"}, resolv="nameserver 192.0.2.1\n")
    if rc != 0 or not calls or text != "nameserver 192.0.2.1\n":
        return "exit %d, configure_networking called: %r, resolv.conf %r %r" % (rc, calls, text, err)
    shutil.rmtree(os.path.join(tmp, "root"))
    rc, text, calls, err = local_top(tmp, {"ens3": "IPV4DNS0=0.0.0.0"})
    return None if rc == 0 and calls and text is None else "exit %d, resolv.conf %r %r" % (rc, text, err)


def t_local_top_prereqs(tmp):
    """local-top answers prereqs with nothing, without sourcing anything"""
    p = subprocess.run(["sh", os.path.join(KIT, "scripts", "local-top", "azkv-clevis"), "prereqs"],
                       capture_output=True)
    return None if p.returncode == 0 and p.stdout.strip() == b"" else "%d %r" % (p.returncode, p.stdout)


def t_dracut_module(tmp):
    """dracut: depends clevis network; the pin and azkv in /usr/bin; rd.neednet=1"""
    b = make_bin(tmp)
    initdir = os.path.join(tmp, "initrd")
    log = os.path.join(tmp, "calls")
    script = ('require_binaries() { for b; do command -v "$b" >/dev/null || return 1; done; }\n'
              'inst_simple() { echo "inst_simple $*" >> %s; }\n'
              'initdir=%s; moddir=/m\n. %s\ncheck; echo "check=$?"; depends; install\n'
              % (log, initdir, os.path.join(PINDIR, "dracut", "60clevis-pin-azkv", "module-setup.sh")))
    p = subprocess.run(["bash", "-c", script], env=env(tmp), capture_output=True)
    out = p.stdout.decode()
    if p.returncode != 0 or "check=0" not in out or "clevis network" not in out:
        return "check/depends said %r %r" % (out, p.stderr)
    calls = open(log).read().splitlines()
    want = ["inst_simple %s/clevis-decrypt-azkv /usr/bin/clevis-decrypt-azkv" % b,
            "inst_simple %s/azkv /usr/bin/azkv" % b]
    if calls != want:
        return "install() calls %r" % calls
    conf = os.path.join(initdir, "etc", "cmdline.d", "99clevis-pin-azkv.conf")
    if open(conf).read() != "rd.neednet=1\n":
        return "cmdline.d holds %r" % open(conf).read()
    # dracut's PATH (/sbin /bin /usr/sbin /usr/bin), the pin in /usr/local/bin
    os.remove(log)
    dpath = "/sbin:/bin:/usr/sbin:/usr/bin"
    p = with_usr_local(b, ["bash", "-c", script], env(tmp, PATH=dpath))
    calls = open(log).read().splitlines() if os.path.exists(log) else []
    if "check=0" not in p.stdout.decode() or calls != [
            "inst_simple /usr/local/bin/clevis-decrypt-azkv /usr/bin/clevis-decrypt-azkv",
            "inst_simple /usr/local/bin/azkv /usr/bin/azkv"]:
        return "with the pin in /usr/local/bin: %r, calls %r" % (p.stdout, calls)
    empty = os.path.join(tmp, "empty")
    os.mkdir(empty)
    p = with_usr_local(empty, ["bash", "-c", script], env(tmp, PATH=dpath))
    return None if "check=1" in p.stdout.decode() else "check without the pin: %r" % p.stdout


CASES = H.fn_cases(globals(), tmp="azkv-clevis.")


def main(argv):
    return H.main(__file__, CASES, argv, __doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
