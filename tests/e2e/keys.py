#!/usr/bin/env python3
"""keys.py: azkv wrap, unwrap, encrypt, decrypt and tag: references, run
against the fake Azure's keys (tests/fake/fake_keys.py) and VM tags.

    tests/netns.sh -- python3 tests/e2e/keys.py [-l] [PATTERN...]

One line per case, then "N passed, N failed". Every run gets harness.py's
invariants (the input on stdin is one of the secrets stderr must not hold;
the IMDS tag list, GET .../compute/tagsList?api-version=2021-02-01, is
allowed beside token requests) and here also: every vault request has
api-version 7.5. Private halves of the fake's keys (written on first use)
open what azkv wrapped locally.
"""
import base64
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import harness as H  # noqa: E402

fx, ROOT, AZKV = H.fx, H.ROOT, H.AZKV
VAULT = "https://myvault.vault.azure.net"
HSM = "https://myhsm.managedhsm.azure.net"
KEYS = fx.DATA["keys"]
TAGS_PATH = H.TAGS_PATH
# NUL, 0xff and every other byte value: the output must be byte-exact
PT = bytes([0, 255, 10, 13]) + bytes(range(1, 40)) + b"\x00end\xff"
K32 = bytes(range(256))[::-8] + bytes(range(0, 256, 8))   # 64 bytes, NUL and 0xf8
KEYSCRIPT = os.path.join(ROOT, "examples", "initramfs-tools", "azkv-keyscript")


def ver(name, old=False):
    k = KEYS[name]
    return sorted(k["older"])[0] if old else k["version"]


def b64u_dec(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def azkv(args, stdin=b"", env=None, control=None, cacert=True, rc=None):
    """harness.run_azkv with stdin (rc: as there; fails() and good() declare it)."""
    return H.run_azkv(args, rc, stdin=stdin, env=env, control=control, cacert=cacert)


def invariants(r):
    """What keys.py checks beyond harness.py's invariants."""
    bad = [e["query"].get("api-version") for e in r.reqs("vault")
           if e["query"].get("api-version") != "7.5"]
    return ["vault api-version %r" % bad[0]] if bad else []


def fails(r, rc, needle=None):
    """None if r failed with rc (and stderr holds needle), else why."""
    why = invariants(r)
    w = r.expect(rc)
    if w:
        why.insert(0, w)
    if needle and needle.encode() not in r.err:
        why.append("stderr lacks %r: %r" % (needle, r.err[:300]))
    return "; ".join(why) or None


def good(r):
    why = invariants(r)
    w = r.expect(0)
    if w:
        why.insert(0, w)
    return "; ".join(why) or None


def nothing_sent(r):
    sent = [e["target"] for e in r.reqs()]
    return "sent %r" % sent if sent else None


def all_of(*checks):
    return "; ".join(w for w in checks if w) or None


# ---- the fake's private halves ----------------------------------------------

def private_open(name, version, alg, blob):
    """Decrypt blob with the fake's private key (RSA) or unwrap it (AES)."""
    from cryptography.hazmat.primitives import hashes, keywrap, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    d = os.path.join(os.environ["FAKE_CERTDIR"], "keys", name)
    if alg.endswith("KW"):
        with open(os.path.join(d, version + ".bin"), "rb") as f:
            return keywrap.aes_key_unwrap(f.read(), blob)
    with open(os.path.join(d, version + ".pem"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    if alg == "RSA1_5":
        return key.decrypt(blob, padding.PKCS1v15())
    h = hashes.SHA256() if alg == "RSA-OAEP-256" else hashes.SHA1()
    return key.decrypt(blob, padding.OAEP(mgf=padding.MGF1(algorithm=h), algorithm=h, label=None))


# ---- cases -------------------------------------------------------------------

def roundtrip(key, alg, seal="wrap", data=PT, name=None):
    """seal then open; the blob must open with the fake's private key (of
    the key name), and an RSA seal must be local (GET only)."""
    def t():
        name_ = name or key.rsplit("/", 1)[-1]
        args = ["--alg", alg] if alg else []
        w = azkv([seal] + args + [key], data)
        why = good(w)
        if why:
            return "%s: %s" % (seal, why)
        rsa = not (alg or "").endswith("KW")
        if rsa and [e["method"] for e in w.reqs("vault")] != ["GET"]:
            return "RSA %s not local: %r" % (seal, [e["target"] for e in w.reqs("vault")])
        try:
            plain = private_open(name_, ver(name_), alg or "RSA-OAEP-256", w.out)
        except Exception as ex:
            return "the fake's private key does not open the blob: %r" % ex
        if plain != data:
            return "the private key opens it to %r" % plain[:40]
        u = azkv([{"wrap": "unwrap", "encrypt": "decrypt"}[seal]] + args + [key], w.out)
        return good(u) or (None if u.out == data else "round trip gave %r" % u.out[:60])
    return t


def t_json():
    w = azkv(["wrap", "--json", VAULT + "/keys/rsa2048"], PT)
    why = good(w)
    if why:
        return why
    if not w.out.endswith(b"}\n"):
        return "not one JSON line: %r" % w.out[-20:]
    j = json.loads(w.out)
    kid = "%s/keys/rsa2048/%s" % (VAULT, ver("rsa2048"))
    if list(j) != ["kid", "alg", "value"] or j["kid"] != kid or j["alg"] != "RSA-OAEP-256":
        return "json %r" % j
    if "=" in j["value"] or "+" in j["value"] or "/" in j["value"]:
        return "value not unpadded base64url: %r" % j["value"]
    u = azkv(["unwrap", "--alg", j["alg"], j["kid"]], b64u_dec(j["value"]))
    why = good(u) or (None if u.out == PT else "unwrap gave %r" % u.out[:40])
    if why:
        return why
    if [e["path"] for e in u.posts()] != ["/keys/rsa2048/%s/unwrapkey" % ver("rsa2048")]:
        return "unwrap posted to %r" % [e["path"] for e in u.posts()]
    return None


def t_json_hsm():
    w = azkv(["wrap", "--json", "--alg", "A256KW", HSM + "/keys/hsm-aes"], K32)
    why = good(w)
    if why:
        return why
    j = json.loads(w.out)
    if j["kid"] != "%s/keys/hsm-aes/%s" % (HSM, ver("hsm-aes")) or j["alg"] != "A256KW":
        return "json %r" % j
    if [e["path"] for e in w.posts()] != ["/keys/hsm-aes/%s/wrapkey" % ver("hsm-aes")]:
        return "wrap posted to %r, want the version read" % [e["path"] for e in w.posts()]
    tok = [e["query"].get("resource") for e in w.reqs("imds")]
    if tok != ["https://managedhsm.azure.net"]:
        return "token resources %r" % tok
    u = azkv(["unwrap", "--alg", "A256KW", j["kid"]], b64u_dec(j["value"]))
    return good(u) or (None if u.out == K32 else "unwrap gave %r" % u.out[:40])


def t_versions():
    old = ver("rsa2048", old=True)
    kid_old = "%s/keys/rsa2048/%s" % (VAULT, old)
    w = azkv(["wrap", "--json", kid_old], PT)
    why = good(w)
    if why:
        return why
    j = json.loads(w.out)
    if j["kid"] != kid_old:
        return "kid %r, want the old version" % j["kid"]
    blob = b64u_dec(j["value"])
    if private_open("rsa2048", old, "RSA-OAEP-256", blob) != PT:
        return "the old version's private key does not open it"
    u = azkv(["unwrap", kid_old], blob)
    why = good(u) or (None if u.out == PT else "unwrap gave %r" % u.out[:40])
    if why:
        return "versioned unwrap: " + why
    latest = azkv(["unwrap", "myvault/rsa2048"], blob)   # versionless: the latest key
    why = fails(latest, 2, "OAEP padding")
    if why:
        return "versionless unwrap of an old blob: " + why
    if [e["path"] for e in latest.posts()] != ["/keys/rsa2048/unwrapkey"]:
        return "versionless unwrap posted to %r" % [e["path"] for e in latest.posts()]
    return None


def t_short_forms():
    for key in ("myvault/rsa2048", "myvault/keys/rsa2048", "myvault.vault.azure.net/rsa2048",
                "myvault/rsa2048/" + ver("rsa2048"), "tag:KekRef", "tag:kekref"):
        w = azkv(["wrap", key], b"0123456789abcdef")
        why = good(w)
        if why:
            return "%s: %s" % (key, why)
        if private_open("rsa2048", ver("rsa2048"), "RSA-OAEP-256", w.out) != b"0123456789abcdef":
            return "%s: wrong key" % key
    return None


def t_limits_rsa():
    k = "myvault/rsa2048"
    ok = azkv(["wrap", k], b"x" * 190)   # 256 - 66
    why = good(ok)
    if why:
        return "190 bytes: " + why
    for alg, n in (("RSA-OAEP-256", 191), ("RSA-OAEP", 215), ("RSA1_5", 246)):
        r = azkv(["wrap", "--alg", alg, k], b"x" * n)
        why = fails(r, 2, "%d bytes" % n) or (("%s %d: posted" % (alg, n)) if r.posts() else None)
        if why:
            return why
    r = azkv(["wrap", "--alg", "RSA-OAEP", k], b"x" * 214)
    return good(r)


def t_limits_hsm():
    r = azkv(["wrap", "--alg", "A256KW", HSM + "/keys/hsm-aes"], b"x" * 24)
    return good(r)


def bad(args, stdin, rc, needle=None, sent=None):
    """A failing run: exit rc, needle in stderr; sent: what the vault saw
    (None: nothing at all, not even IMDS; a list of methods otherwise)."""
    def t():
        r = azkv(args, stdin)
        why = fails(r, rc, needle)
        methods = [e["method"] for e in r.reqs("vault")]
        if sent is None:
            why = all_of(why, nothing_sent(r))
        elif methods != sent:
            why = all_of(why, "vault saw %r, want %r" % (methods, sent))
        return why
    return t


def t_bad_ciphertext():
    blob = bytearray(azkv(["wrap", "myvault/rsa2048"], PT).out)
    blob[5] ^= 1
    r = azkv(["unwrap", "myvault/rsa2048"], bytes(blob))
    return fails(r, 2, "BadParameter: Error occurred while decoding OAEP padding.")


def t_hsm_bad_unwrap():
    w = azkv(["wrap", "--alg", "A256KW", HSM + "/keys/hsm-aes"], K32).out
    r = azkv(["unwrap", "--alg", "A256KW", HSM + "/keys/hsm-aes"], w[:-8] + bytes(8))
    return fails(r, 2, "BadParameter")


def t_challenge_no_body():
    """A vault of unknown suffix is asked for its resource first: that
    request carries no token and no body; the input goes with the token."""
    key = "https://kv.vault.contoso.test/keys/rsa2048"
    w = azkv(["wrap", key], PT)
    why = good(w)
    if why:
        return "wrap: " + why
    u = azkv(["unwrap", key], w.out)
    why = good(u) or (None if u.out == PT else "unwrap gave %r" % u.out[:40])
    if why:
        return why
    p = u.posts()
    if len(p) != 2:
        return "POSTs %r, want the probe then the operation" % [e["target"] for e in p]
    first, last = p
    if "authorization" in first["headers"] or first["body"] or first["status"] != 401:
        return "first POST: auth %r, body %r, status %r" % (
            "authorization" in first["headers"], first["body"][:20], first["status"])
    if "authorization" not in last["headers"] or not last["body"]:
        return "the input did not go with the token"
    return None


def t_retry_post():
    blob = azkv(["wrap", "myvault/rsa2048"], PT).out
    r = azkv(["unwrap", "myvault/rsa2048"], blob, control={"vault": ["503", "ok"]})
    why = good(r) or (None if r.out == PT else "unwrap gave %r" % r.out[:40])
    n = len(r.posts())
    return why or (None if n == 2 else "%d POSTs, want 2 (503 retried)" % n)


def t_bad_answers():
    blob = azkv(["wrap", "myvault/rsa2048"], PT).out
    for args, stdin, ctl in (
            (["wrap", "myvault/rsa2048"], PT, "bad-json"),
            (["wrap", "myvault/rsa2048"], PT, {"fault": "bad-json", "arg": '{"key":{"kid":"x","kty":"RSA","n":"AQAB","e":"AQAB"}}'}),
            (["unwrap", "myvault/rsa2048"], blob, {"fault": "bad-json", "arg": '{"kid":"x","value":"***"}'}),
            (["unwrap", "myvault/rsa2048"], blob, {"fault": "bad-json", "arg": '{"kid":"x"}'}),
            (["unwrap", "myvault/rsa2048"], blob, {"fault": "bad-json", "arg": '{"kid":"a\\"b","value":"AA"}'})):
        r = azkv(args, stdin, control={"vault": ctl})
        why = fails(r, 8)
        if why:
            return "%r: %s" % (ctl, why)
    return None


def t_enc_only():
    r = azkv(["wrap", "myvault/enc-only"], PT)
    why = fails(r, 4, "key_ops do not allow wrapKey")
    if why or r.posts():
        return why or "posted"
    blob = azkv(["encrypt", "myvault/enc-only"], PT).out
    u = azkv(["unwrap", "myvault/enc-only"], blob)
    return fails(u, 4, "KeyOperationForbidden")


def t_tag_request():
    r = azkv(["get", "tag:luks-ref"])
    why = good(r) or (None if r.out == fx.expected("luks-key") else "got %r" % r.out)
    if why:
        return why
    t = [e for e in r.reqs("imds") if e["path"] == TAGS_PATH]
    if len(t) != 1 or t[0]["query"] != {"api-version": "2021-02-01"} or t[0]["laddr"] != "169.254.169.254:80":
        return "tag list requests %r" % [(e["target"], e["laddr"]) for e in t]
    return None


def t_tag_once():
    r = azkv(["get", "tag:luks-ref", "tag:luks-ref", "myvault/db-password"])
    why = good(r)
    n = len([e for e in r.reqs("imds") if e["path"] == TAGS_PATH])
    return why or (None if n == 1 else "tag list read %d times" % n)


def t_tag_alt_base():
    r = azkv(["get", "tag:luks-ref"], env={"AZURE_POD_IDENTITY_AUTHORITY_HOST": os.environ["FAKE_IMDS_ALT"]})
    why = good(r)
    t = [e["laddr"] for e in r.reqs("imds") if e["path"] == TAGS_PATH]
    return why or (None if t == ["127.0.0.1:8081"] else "tag list from %r" % t)


def t_tag_retry():
    r = azkv(["get", "tag:luks-ref"], control={"imds": ["503", "ok"]})
    why = good(r)
    n = len([e for e in r.reqs("imds") if e["path"] == TAGS_PATH])
    return why or (None if n == 2 else "tag list requests %d, want 2 (503 retried)" % n)


def t_tag_limits():
    many = [{"name": "t%d" % i, "value": "v"} for i in range(51)]
    r = azkv(["get", "tag:t1"], control={"imds_tags": many})
    why = fails(r, 8, "limits")
    if why:
        return "51 tags: " + why
    long = [{"name": "a", "value": "x" * 256}] * 8 + [{"name": "luks-ref", "value": "myvault/luks-key"}]
    r = azkv(["get", "tag:luks-ref"], control={"imds_tags": long})
    why = fails(r, 8, "limits")
    if why:
        return "2048 characters: " + why
    fifty = [{"name": "t%d" % i, "value": "myvault/luks-key"} for i in range(50)]
    r = azkv(["get", "tag:t49"], control={"imds_tags": fifty})
    return good(r)


def t_tag_bad_list():
    r = azkv(["get", "tag:luks-ref"], control={"imds_tags": '{"value": []}'})
    return fails(r, 8, "not an array")


def t_tag_other_source():
    r = azkv(["get", "tag:luks-ref"], env={"IDENTITY_ENDPOINT": "http://127.0.0.1:41601/MSI/token",
                                          "IDENTITY_HEADER": fx.DATA["sources"]["identity_header"]})
    return all_of(fails(r, 2, "need IMDS"), nothing_sent(r))


def t_tag_keyscript():
    p = H.run_cmd([KEYSCRIPT], 0, env={"PATH": "/usr/bin:/bin", "AZKV": AZKV,
                                       "SSL_CERT_FILE": os.environ["AZKV_TEST_CA"],
                                       "CRYPTTAB_KEY": "tag:luks-ref",
                                       "AZKV_KEYSCRIPT_CONF": "/nonexistent"}, timeout=60)
    if p.returncode != 0:
        return "keyscript exit %d: %r" % (p.returncode, p.stderr[:200])
    return None if p.stdout == fx.expected("luks-key") else "keyscript printed %r" % p.stdout


def cases():
    C = []
    add = lambda name, fn, doc="": C.append(H.Case(name, fn=fn, doc=doc))  # noqa: E731
    for alg in ("RSA-OAEP-256", "RSA-OAEP", "RSA1_5"):
        add("wrap-2048-" + alg, roundtrip(VAULT + "/keys/rsa2048", alg))
        add("encrypt-2048-" + alg, roundtrip("myvault/rsa2048", alg, "encrypt"))
        add("wrap-3072-" + alg, roundtrip("myvault/rsa3072", alg))
        add("encrypt-hsm-rsa-" + alg, roundtrip(HSM + "/keys/hsm-rsa", alg, "encrypt"))
    add("wrap-default-alg", roundtrip("myvault/rsa2048", None))
    for key, alg in (("hsm-aes128", "A128KW"), ("hsm-aes192", "A192KW"), ("hsm-aes", "A256KW")):
        add("wrap-hsm-" + alg, roundtrip(HSM + "/keys/" + key, alg, data=K32))
    add("json", t_json, "--json: kid with version, alg, unpadded base64url; unwrap with it")
    add("json-hsm", t_json_hsm, "oct-HSM: POST to the version read, managedhsm token")
    add("versions", t_versions, "old version wraps/unwraps; versionless unwrap uses the latest")
    add("short-forms", t_short_forms)
    add("limits-rsa", t_limits_rsa, "k-66, k-42, k-11 for a 2048-bit key; GET only")
    add("limits-hsm", t_limits_hsm)
    # refused before anything is sent
    add("too-long-any-key", bad(["wrap", "myvault/rsa2048"], b"x" * 447, 2, "446 bytes"))
    add("too-long-unwrap", bad(["unwrap", "myvault/rsa2048"], b"x" * 513, 2, "512 bytes"))
    add("too-big-stdin", bad(["unwrap", "myvault/rsa2048"], b"x" * (64 * 1024 + 1), 2, "input over 65536"))
    add("empty-input", bad(["wrap", "myvault/rsa2048"], b"", 2, "empty input"))
    add("kw-not-multiple-of-8", bad(["wrap", "--alg", "A256KW", HSM + "/keys/hsm-aes"], b"x" * 20, 2,
                                    "a multiple of 8"))
    add("kw-too-short", bad(["unwrap", "--alg", "A256KW", HSM + "/keys/hsm-aes"], b"x" * 16, 2, "24 to"))
    add("kw-on-vault", bad(["unwrap", "--alg", "A256KW", "myvault/rsa2048"], b"x" * 24, 2, "Managed HSM"))
    add("kw-encrypt", bad(["encrypt", "--alg", "A256KW", HSM + "/keys/hsm-aes"], K32, 2, "not for encrypt"))
    add("unknown-alg", bad(["wrap", "--alg", "RSA-OAEP-512", "myvault/rsa2048"], PT, 2, "--alg RSA-OAEP-512: unknown"))
    add("json-on-unwrap", bad(["unwrap", "--json", "myvault/rsa2048"], PT, 2, "--json"))
    add("secret-url-as-key", bad(["wrap", VAULT + "/secrets/rsa2048"], PT, 2, "keys/NAME"))
    add("bad-key-name", bad(["wrap", "myvault/bad_name"], PT, 2, "key name"))
    add("http-key-url", bad(["wrap", "http://myvault.vault.azure.net/keys/k"], PT, 2, "https"))
    add("two-keys", bad(["wrap", "myvault/a", "myvault/b"], PT, 2, "one KEY"))
    add("no-key", bad(["unwrap"], PT, 2, "no KEY"))
    # refused after reading the key, before the operation
    add("kty-rsa-alg-on-oct", bad(["wrap", HSM + "/keys/hsm-aes"], K32, 2, "oct-HSM", ["GET"]))
    add("kty-kw-on-rsa-hsm", bad(["wrap", "--alg", "A256KW", HSM + "/keys/hsm-rsa"], K32, 2, "RSA-HSM", ["GET"]))
    add("key-ops-forbid", t_enc_only, "key_ops without wrapKey: 4 before wrapping; service 403 on unwrap")
    # the service's refusals
    add("key-not-found-wrap", bad(["wrap", "myvault/no-such-key"], PT, 5, "KeyNotFound", ["GET"]))
    add("key-not-found-unwrap", bad(["unwrap", "myvault/no-such-key"], bytes(256), 5, "KeyNotFound", ["POST"]))
    add("version-not-found", bad(["unwrap", "myvault/rsa2048/" + "f" * 32], bytes(256), 5, "KeyNotFound", ["POST"]))
    add("rbac-denied", bad(["unwrap", "myvault/rbac-denied"], bytes(256), 4, "ForbiddenByRbac", ["POST"]))
    add("challenge-no-body", t_challenge_no_body, "unknown vault suffix: the 401 probe has no body")
    add("retry-post", t_retry_post, "a 503 to unwrap is retried")
    add("bad-answers", t_bad_answers, "bad JSON, n, value or kid from the vault: 8")
    add("bad-ciphertext", t_bad_ciphertext, "400 BadParameter OAEP padding: exit 2")
    add("hsm-bad-unwrap", t_hsm_bad_unwrap)
    # tag: references
    add("tag-get", t_tag_request, "GET tagsList 2021-02-01 on IMDS, Metadata: true")
    add("tag-read-once", t_tag_once)
    add("tag-imds-base", t_tag_alt_base, "AZURE_POD_IDENTITY_AUTHORITY_HOST")
    add("tag-retry", t_tag_retry, "IMDS 503 retried as for tokens")
    add("tag-wrap-roundtrip", roundtrip("tag:KekRef", None, name="rsa2048"))
    add("tag-hsm", roundtrip("tag:hsm-kek", "A256KW", data=K32, name="hsm-aes"))
    add("tag-missing", bad(["get", "tag:nope"], b"", 5, "no such tag", []))
    add("tag-missing-key", bad(["unwrap", "tag:nope"], PT, 5, "no such tag", []))
    add("tag-not-a-ref", bad(["get", "tag:not-a-ref"], b"", 2, "not a secret reference", []))
    add("tag-not-a-key", bad(["wrap", "tag:Department"], PT, 2, "not a key reference", []))
    add("tag-empty-name", bad(["get", "tag:"], b"", 2, "tag name"))
    add("tag-other-source", t_tag_other_source, "App Service: exit 2, nothing sent")
    add("tag-limits", t_tag_limits, "51 tags or > 2048 characters: 8; 50 tags fine")
    add("tag-bad-list", t_tag_bad_list)
    add("tag-keyscript", t_tag_keyscript, "crypttab key field tag:NAME")
    return C


def main(argv):
    return H.main(__file__, cases, argv, __doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
