"""fake_keys.py: Key Vault and Managed HSM keys for fake_azure.py.

  GET  /keys/NAME[/VERSION]                                   -> KeyBundle
  POST /keys/NAME[/VERSION]/{wrapkey|unwrapkey|encrypt|decrypt} {"alg","value"}
                                                              -> {"kid","value"}
The keys are the fixture's "keys" (secrets.json). Their private halves are
made on first use (python `cryptography`, imported then: suites that never
touch a key pay nothing) and written, with every version of that key, to
CERTDIR/keys/NAME/VERSION.pem (RSA, PKCS#8) or .bin (the raw AES key), so
tests can open a locally wrapped blob with them (fixtures.key_path()).

Answers as the service does (error envelope {"error":{code,message,innererror}}):
  404 KeyNotFound; 403 Forbidden / KeyOperationForbidden "Operation X is not
  permitted on this key." (key_ops); 403 ForbiddenByRbac (a "forbidden" key);
  400 BadParameter "Error occurred while decoding OAEP padding." (bad
  ciphertext), "Content of 'value' is not base64url.", and for an algorithm
  the key type does not take. Keys with "hsm" exist only on Managed HSM hosts
  (*.managedhsm.azure.net), the others only on vaults. Binary fields are
  unpadded base64url; "value" is read strictly as base64url (no '+', '/').
"""
import base64
import json
import os
import re
import threading

KEY_PATH_RE = re.compile(r"^/keys/([^/]+)(?:/([^/]+))?(?:/([^/]+))?/?$")
OPS = {"wrapkey": "wrapKey", "unwrapkey": "unwrapKey", "encrypt": "encrypt", "decrypt": "decrypt"}
RSA_ALGS = ("RSA-OAEP-256", "RSA-OAEP", "RSA1_5")
KW_ALGS = {"A128KW": 16, "A192KW": 24, "A256KW": 32}
B64U_RE = re.compile(r"^[A-Za-z0-9_-]*$")
ATTRS = {"enabled": True, "created": 1714000000, "updated": 1714000000,
         "recoveryLevel": "Recoverable+Purgeable", "recoverableDays": 90, "exportable": False}

FIX = None
CERTDIR = None
MADE = {}                 # name -> {version: private key object or AES bytes}
LOCK = threading.Lock()


def init(fix, certdir):
    global FIX, CERTDIR
    FIX, CERTDIR = fix, certdir


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def int_b64u(i):
    return b64u(i.to_bytes((i.bit_length() + 7) // 8, "big"))


def versions(spec):
    """[latest, older...] version ids of a fixture key."""
    return [spec["version"]] + sorted(spec.get("older", []))


def material(name, spec):
    """{version: private key} for the key, made (and written) on first use."""
    with LOCK:
        if name in MADE:
            return MADE[name]
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        d = os.path.join(CERTDIR, "keys", name)
        os.makedirs(d, exist_ok=True)
        out = {}
        for v in versions(spec):
            if spec["kty"].startswith("RSA"):
                k = rsa.generate_private_key(public_exponent=65537, key_size=spec["size"])
                pem = k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())
                path = os.path.join(d, v + ".pem")
            else:
                k = os.urandom(spec["size"] // 8)
                pem, path = k, os.path.join(d, v + ".bin")
            with open(path + ".tmp", "wb") as f:
                f.write(pem)
            os.replace(path + ".tmp", path)
            out[v] = k
        MADE[name] = out
        return out


def find(host, name, version):
    """(spec, version, key) or None: the key as this host sees it."""
    spec = FIX.get("keys", {}).get(name.lower())
    hsm = ".managedhsm." in host
    if spec is None or name.startswith("_") or bool(spec.get("hsm")) != hsm:
        return None
    vs = versions(spec)
    if version:
        vs = [v for v in vs if v.lower() == version.lower()]
        if not vs:
            return None
    keys = material(name.lower(), spec)
    return spec, vs[0], keys[vs[0]]


def rsa_padding(alg):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    if alg == "RSA1_5":
        return padding.PKCS1v15()
    h = hashes.SHA256() if alg == "RSA-OAEP-256" else hashes.SHA1()
    return padding.OAEP(mgf=padding.MGF1(algorithm=h), algorithm=h, label=None)


def bundle(host, name, spec, version, key):
    jwk = {"kid": "https://%s/keys/%s/%s" % (host, name, version), "kty": spec["kty"],
           "key_ops": spec.get("key_ops", ["encrypt", "decrypt", "sign", "verify",
                                           "wrapKey", "unwrapKey"])}
    if spec["kty"].startswith("RSA"):
        pub = key.public_key().public_numbers()
        jwk["n"], jwk["e"] = int_b64u(pub.n), int_b64u(pub.e)
    return {"key": jwk, "attributes": ATTRS, "tags": {}}


def crypt(spec, op, alg, key, data):
    """The operation's output, or raises ValueError(message) for a 400."""
    if spec["kty"].startswith("RSA"):
        if alg not in RSA_ALGS:
            raise ValueError("Invalid algorithm %s for key type %s." % (alg, spec["kty"]))
        pad = rsa_padding(alg)
        if op in ("wrapkey", "encrypt"):
            return key.public_key().encrypt(data, pad)
        try:
            return key.decrypt(data, pad)
        except ValueError:
            raise ValueError("Error occurred while decoding OAEP padding." if alg != "RSA1_5"
                             else "Error occurred while decoding PKCS1 padding.")
    from cryptography.hazmat.primitives import keywrap
    if alg not in KW_ALGS or op not in ("wrapkey", "unwrapkey"):
        raise ValueError("Invalid algorithm %s for key type %s." % (alg, spec["kty"]))
    if KW_ALGS[alg] != len(key):
        raise ValueError("Algorithm %s does not match the key size." % alg)
    try:
        if op == "wrapkey":
            return keywrap.aes_key_wrap(key, data)
        return keywrap.aes_key_unwrap(key, data)
    except (ValueError, keywrap.InvalidUnwrap):
        raise ValueError("Error occurred while unwrapping the key.")


def handle(ctx, mk_error, mk_resp, dumps):
    """The answer to an authenticated /keys/ request. mk_error(status, code,
    message, inner) and mk_resp(status, body) are fake_azure's."""
    req = ctx.req
    m = KEY_PATH_RE.match(req.path)
    if not m:
        return mk_error(400, "BadParameter", "The request URI is invalid: %s" % req.path, None)
    name, version, op = m.group(1), m.group(2) or "", m.group(3)
    if op is None and version.lower() in OPS:
        version, op = "", version.lower()
    if op is not None and op not in OPS:
        return mk_error(400, "BadParameter", "The request URI is invalid: %s" % req.path, None)
    if (op is None) != (req.method == "GET") or req.method not in ("GET", "POST"):
        return mk_error(405, "BadParameter", "The requested HTTP method is not allowed", None)
    found = find(ctx.host, name, version)
    if found is None:
        nid = name + ("/" + version if version else "")
        return mk_error(404, "KeyNotFound",
                        "A key with (name/id) %s was not found in this key vault. If you recently "
                        "deleted this key you may be able to recover it using the correct recovery "
                        "command. For help resolving this issue, please see "
                        "https://go.microsoft.com/fwlink/?linkid=2125182" % nid, None)
    spec, version, key = found
    if spec.get("forbidden"):
        return mk_error(403, "Forbidden",
                        "Caller is not authorized to perform action on resource.\r\n"
                        "Action: 'Microsoft.KeyVault/vaults/keys/%s'\r\n"
                        "DecisionReason: 'DeniedWithNoValidRBAC' \r\n" % (
                            "read" if op is None else OPS[op].replace("Key", "").lower() + "/action"),
                        "ForbiddenByRbac")
    if op is None:
        return mk_resp(200, dumps(bundle(ctx.host, name, spec, version, key)))
    perm = OPS[op]
    if perm not in spec.get("key_ops", [perm]):
        return mk_error(403, "Forbidden", "Operation %s is not permitted on this key." % perm,
                        "KeyOperationForbidden")
    try:
        body = json.loads(req.body.decode("utf-8"))
        alg, value = body["alg"], body["value"]
        if not isinstance(alg, str) or not isinstance(value, str):
            raise KeyError
    except (ValueError, KeyError, TypeError):
        return mk_error(400, "BadParameter", "The request body is not valid.", None)
    if not B64U_RE.match(value) or len(value) % 4 == 1:
        return mk_error(400, "BadParameter", "Content of 'value' is not base64url.", None)
    data = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    try:
        result = crypt(spec, op, alg, key, data)
    except ValueError as e:
        return mk_error(400, "BadParameter", str(e), None)
    kid = "https://%s/keys/%s/%s" % (ctx.host, name, version)
    return mk_resp(200, dumps({"kid": kid, "value": b64u(result)}))
