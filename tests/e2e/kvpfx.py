#!/usr/bin/env python3
"""kvpfx.py: a PKCS#12 file in the shape Key Vault writes (the Windows
CryptoAPI export layout, as seen in PFX values Key Vault generated; see
docs/protocols.md), built by hand, so that the tests keep azkv reading it:

  - the key bag first (a pkcs8ShroudedKeyBag in plain data), then the
    certificates in an encryptedData bag; both pbeWithSHAAnd3-KeyTripleDES-CBC,
    2000 iterations, 8-byte salts
  - a zero-length password: the KDF's password block is empty, not the
    00 00 that OpenSSL writes for ""
  - macData: HMAC-SHA-1, its AlgorithmIdentifier without NULL parameters,
    a 20-byte salt and the iterations field left out (meaning 1)
  - localKeyID 01 00 00 00 on the key and on the leaf; Microsoft's
    CSP-name attribute (1.3.6.1.4.1.311.17.1, a BMPString) on the key
  - a keyUsage attribute (2.5.29.15) inside the PKCS#8
  - explicit EC parameters (P-256K) as Windows' CNG writes them: the curve's
    a and b without their leading zero bytes (secp256k1: 00 and 07, one byte
    each, where OpenSSL writes 32), in the key and, re-signed by the issuer's
    key when one is given, in the leaf certificate

    python3 tests/e2e/kvpfx.py KEY.pem CERT.pem... > FILE.pfx

The certificates go in the order given (Key Vault returns merged chains
root first; the leaf is the last). Only the standard library and the
openssl command (3DES, the ECDSA signature).
"""
import base64
import hashlib
import hmac
import os
import subprocess
import sys

OID_DATA = "1.2.840.113549.1.7.1"
OID_ENCRYPTED_DATA = "1.2.840.113549.1.7.6"
OID_PBE_3DES = "1.2.840.113549.1.12.1.3"
OID_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"
OID_CERT_BAG = "1.2.840.113549.1.12.10.1.3"
OID_X509_CERT = "1.2.840.113549.1.9.22.1"
OID_LOCAL_KEY_ID = "1.2.840.113549.1.9.21"
OID_CSP_NAME = "1.3.6.1.4.1.311.17.1"
OID_KEY_USAGE = "2.5.29.15"
OID_SHA1 = "1.3.14.3.2.26"
CSP = "Microsoft Software Key Storage Provider"
ITERATIONS = 2000


# ---- DER -------------------------------------------------------------------

def tlv(tag, body):
    n = len(body)
    if n < 0x80:
        head = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        head = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + head + body


def seq(*items):
    return tlv(0x30, b"".join(items))


def set_(*items):
    return tlv(0x31, b"".join(sorted(items)))


def octets(b):
    return tlv(0x04, b)


def integer(v):
    return tlv(0x02, v.to_bytes(v.bit_length() // 8 + 1, "big"))


def oid(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    out = bytes([40 * arcs[0] + arcs[1]])
    for a in arcs[2:]:
        chunk = [a & 0x7f]
        a >>= 7
        while a:
            chunk.append(0x80 | (a & 0x7f))
            a >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, out)


def explicit0(body):
    return tlv(0xa0, body)


def attribute(kind, *values):
    return seq(oid(kind), set_(*values))


def read_tlv(b, i=0):
    """(tag, contents, end) of the element at b[i]."""
    tag, n, i = b[i], b[i + 1], i + 2
    if n & 0x80:
        k = n & 0x7f
        n, i = int.from_bytes(b[i:i + k], "big"), i + k
    return tag, b[i:i + n], i + n


def children(body):
    out, i = [], 0
    while i < len(body):
        tag, contents, end = read_tlv(body, i)
        out.append((tag, contents, body[i:end]))
        i = end
    return out


PRIME_FIELD = oid("1.2.840.10045.1.1")


def cng_ec(der):
    """der with every explicit EC parameters' a and b (the curve SEQUENCE's
    two OCTET STRINGs) stripped of leading zero bytes, as CNG writes them;
    constructed elements re-encoded around them, nothing else changed."""
    tag, body, _ = read_tlv(der)
    if not tag & 0x20:
        return der
    kids = children(body)
    if tag == 0x30 and len(kids) >= 5 and kids[1][0] == 0x30 and \
            [c[2] for c in children(kids[1][1])[:1]] == [PRIME_FIELD]:
        curve = children(kids[2][1])
        ab = [tlv(0x04, c[1].lstrip(b"\0") or b"\0") for c in curve[:2]]
        kids[2] = (0x30, None, seq(*(ab + [c[2] for c in curve[2:]])))
        return tlv(tag, b"".join(k[2] for k in kids))
    return tlv(tag, b"".join(cng_ec(k[2]) if k[0] & 0x20 else k[2] for k in kids))


def cng_cert(cert, issuer_key):
    """The certificate with its key's explicit parameters in CNG's form,
    signed again (ECDSA with SHA-256, as the tests' issuers are EC keys)."""
    tbs, alg, _ = children(read_tlv(cert)[1])
    new_tbs = cng_ec(tbs[2])
    if new_tbs == tbs[2]:
        return cert
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", issuer_key], input=new_tbs,
                         capture_output=True, check=True).stdout
    return seq(new_tbs, alg[2], tlv(0x03, b"\0" + sig))


# ---- PKCS#12 key derivation and encryption (RFC 7292 appendix B) ----------

def kdf(password, salt, ident, iterations, n):
    """password: the BMPString bytes (empty for Key Vault's zero-length one)."""
    v, u = 64, 20

    def fill(s):   # s repeated to a whole number of v-byte blocks
        n = v * ((len(s) + v - 1) // v)
        return (s * (n // len(s) + 1))[:n] if s else b""
    i_ = bytearray(fill(salt) + fill(password))
    out = b""
    while len(out) < n:
        a = hashlib.sha1(bytes([ident]) * v + bytes(i_)).digest()
        for _ in range(iterations - 1):
            a = hashlib.sha1(a).digest()
        out += a
        b = int.from_bytes((a * (v // u + 1))[:v], "big")
        for j in range(0, len(i_), v):
            x = (int.from_bytes(i_[j:j + v], "big") + b + 1) % (1 << (8 * v))
            i_[j:j + v] = x.to_bytes(v, "big")
    return out[:n]


def des3(data, password, salt):
    key = kdf(password, salt, 1, ITERATIONS, 24)
    iv = kdf(password, salt, 2, ITERATIONS, 8)
    p = subprocess.run(["openssl", "enc", "-des-ede3-cbc", "-K", key.hex(), "-iv", iv.hex()],
                       input=data, capture_output=True, check=True)
    return p.stdout


def pbe_3des(salt):
    return seq(oid(OID_PBE_3DES), seq(octets(salt), integer(ITERATIONS)))


# ---- the file ----------------------------------------------------------------

def pem_blocks(path, label):
    text = open(path).read()
    out = []
    for part in text.split("-----BEGIN %s-----" % label)[1:]:
        out.append(base64.b64decode(part.split("-----END %s-----" % label)[0]))
    return out


def pkcs8_with_key_usage(pkcs8):
    """The PrivateKeyInfo with [0] attributes {keyUsage digitalSignature}."""
    tag, body, _ = read_tlv(pkcs8)
    assert tag == 0x30
    ku = attribute(OID_KEY_USAGE, tlv(0x03, b"\x07\x80"))
    return tlv(0x30, body + tlv(0xa0, ku))


def build(key_pem, cert_pems, issuer_key=None, password=b"", rand=os.urandom):
    key = pkcs8_with_key_usage(cng_ec(pem_blocks(key_pem, "PRIVATE KEY")[0]))
    certs = [pem_blocks(p, "CERTIFICATE")[0] for p in cert_pems]
    if issuer_key:
        certs[-1] = cng_cert(certs[-1], issuer_key)
    local_id = attribute(OID_LOCAL_KEY_ID, octets(b"\x01\x00\x00\x00"))
    csp = attribute(OID_CSP_NAME, tlv(0x1e, CSP.encode("utf-16-be")))

    salt = rand(8)
    shrouded = seq(pbe_3des(salt), octets(des3(key, password, salt)))
    key_bags = seq(seq(oid(OID_SHROUDED_KEY_BAG), explicit0(shrouded), set_(local_id, csp)))

    bags = []
    for c in certs:
        attrs = [set_(local_id)] if c == certs[-1] else []
        bags.append(seq(oid(OID_CERT_BAG), explicit0(seq(oid(OID_X509_CERT), explicit0(octets(c)))),
                        *attrs))
    cert_bags = seq(*bags)
    salt = rand(8)
    encrypted = seq(integer(0), seq(oid(OID_DATA), pbe_3des(salt), tlv(0x80, des3(cert_bags, password, salt))))

    auth_safe = seq(seq(oid(OID_DATA), explicit0(octets(key_bags))),
                    seq(oid(OID_ENCRYPTED_DATA), explicit0(encrypted)))
    mac_salt = rand(20)
    mac_key = kdf(password, mac_salt, 3, 1, 20)
    digest = hmac.new(mac_key, auth_safe, hashlib.sha1).digest()
    mac = seq(seq(seq(oid(OID_SHA1)), octets(digest)), octets(mac_salt))   # no iterations: 1
    return seq(integer(3), seq(oid(OID_DATA), explicit0(octets(auth_safe))), mac)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    sys.stdout.buffer.write(build(argv[0], argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
