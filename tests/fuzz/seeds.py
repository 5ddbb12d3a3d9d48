#!/usr/bin/env python3
"""Write the committed seed corpora: tests/fuzz/corpus/NAME/*.

    python3 tests/fuzz/seeds.py      (re-run after editing; output is stable)

Real-shaped inputs from docs/protocols.md (IMDS, App Service, Entra, Service
Fabric, Key Vault), each variant once, plus the malformed shapes the parsers
must refuse. Files this script does not name (crash-* reproducers) are left
alone. fuzz_http inputs start with two control bytes (cap/HEAD, split
pattern: see fuzz_http.c); the others are the raw text.
"""
import base64
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
NOW = 1700000000  # the fixed clock of fuzz_azure.c


def jwt():
    """A token shaped like an Entra JWT (three base64url parts, ~1.4 KB)."""
    def b64(b):
        return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    head = b64(json.dumps({"typ": "JWT", "alg": "RS256", "kid": "abc"}).encode())
    claims = {"aud": "https://vault.azure.net", "iss": "https://sts.windows.net/t/",
              "iat": NOW - 60, "nbf": NOW - 60, "exp": NOW + 86399,
              "oid": "00000000-0000-0000-0000-000000000000",
              "xms_mirid": "/subscriptions/s/resourcegroups/g/providers/"
                           "Microsoft.Compute/virtualMachines/vm"}
    sig = hashlib.sha512(b"azkv").digest() * 4
    return ".".join([head, b64(json.dumps(claims).encode()), b64(sig)])


TOKEN = jwt()
VER = "4387e9f3d6e14c459867679a90fd0f79"
VAULT = "myvault.vault.azure.net"
CHALLENGE = ('Bearer authorization="https://login.windows.net/'
             '72f988bf-86f1-41af-91ab-2d7cd011db47", '
             'resource="https://vault.azure.net"')

# ---- bodies -----------------------------------------------------------------

TOKENS = {
    "imds": {"access_token": TOKEN, "refresh_token": "", "expires_in": "86399",
             "expires_on": str(NOW + 86399), "ext_expires_in": "86399",
             "not_before": str(NOW - 1), "resource": "https://vault.azure.net/",
             "token_type": "Bearer"},
    "appservice": {"access_token": TOKEN, "expires_on": str(NOW + 3600),
                   "resource": "https://vault.azure.net", "token_type": "Bearer",
                   "client_id": "11111111-2222-3333-4444-555555555555"},
    "appservice2017-linux": {"access_token": TOKEN,
                             "expires_on": "11/14/2023 23:42:01 +00:00",
                             "resource": "https://vault.azure.net",
                             "token_type": "Bearer"},
    "appservice2017-windows": {"access_token": TOKEN,
                               "expires_on": "11/14/2023 11:42:01 PM +00:00",
                               "token_type": "Bearer"},
    "entra": {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
              "access_token": TOKEN},
    "servicefabric": {"token_type": "Bearer", "access_token": TOKEN,
                      "expires_on": NOW + 600, "resource": "https://vault.azure.net"},
    "ml-int": {"access_token": TOKEN, "expires_on": NOW + 1200},
    "iso-expiry": {"access_token": TOKEN,
                   "expires_on": "2023-11-15T19:51:37.0000000+00:00"},
    "null-expires-in": {"access_token": "abc.def.ghi", "expires_in": None,
                        "expires_on": str(NOW + 5)},
    "expired": {"access_token": "abc", "expires_in": "0"},
    "past-expiry": {"access_token": "abc", "expires_on": "1/1/2020 1:00:00 AM"},
    "no-expiry": {"access_token": "abc", "token_type": "Bearer"},
    "empty-token": {"access_token": "", "expires_in": 10},
    "token-space": {"access_token": "ab cd", "expires_in": 10},
    "token-escaped": {"access_token": "a\u00e9b", "expires_in": "10"},
    "token-number": {"access_token": 12345, "expires_in": 10},
    "expires-frac": {"access_token": "abc", "expires_in": 3599.5},
    "expires-huge": {"access_token": "abc", "expires_in": "9223372036854775807"},
}

SECRETS = {
    "spec": {"value": "mysecretvalue",
             "id": "https://myvault.vault.azure.net/secrets/mysecretname/" + VER,
             "attributes": {"enabled": True, "created": 1493938410,
                            "updated": 1493938410,
                            "recoveryLevel": "Recoverable+Purgeable"}},
    "tags": {"value": "line1\nline2\t\"quoted\" \\ back",
             "contentType": "text/plain",
             "id": "https://myvault.vault.azure.net/secrets/s/" + VER,
             "attributes": {"enabled": True, "nbf": None, "exp": 1893456000,
                            "created": 1493938410, "updated": 1493938410,
                            "recoveryLevel": "CustomizedRecoverable",
                            "recoverableDays": 7},
             "tags": {"env": "prod", "owner": "team-a", "n": "1"}},
    "unicode": {"value": "p\u00e4ss \u20ac \U0001f511 \u4e2d",
                "id": "https://myvault.vault.azure.net/secrets/u/" + VER},
    "cert": {"value": "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n",
             "contentType": "application/x-pem-file", "kid": "https://x/keys/c/1",
             "managed": True, "previousVersion": VER},
    "empty-value": {"value": ""},
    "no-value": {"id": "https://myvault.vault.azure.net/secrets/x", "attributes": {}},
    "value-number": {"value": 42},
    "value-null": {"value": None},
}

ERRORS = {
    "kv-401": {"error": {"code": "Unauthorized",
                         "message": "AKV10000: Request is missing a Bearer or PoP token."}},
    "kv-403-rbac": {"error": {"code": "Forbidden",
                              "message": "Caller is not authorized to perform action on "
                                         "resource.\r\nIf role assignments were recently "
                                         "changed, please wait several minutes.\r\nCaller: "
                                         "appid=x;oid=y\r\nAction: 'Microsoft.KeyVault/vaults/"
                                         "secrets/getSecret/action'\r\nAssignment: (not found)"
                                         "\r\nDecisionReason: 'DeniedWithNoValidRBAC'",
                              "innererror": {"code": "ForbiddenByRbac"}}},
    "kv-403-firewall": {"error": {"code": "Forbidden",
                                  "message": "Client address is not authorized and caller "
                                             "is not a trusted service.",
                                  "innererror": {"code": "ForbiddenByFirewall",
                                                 "innererror": {"code": "Deeper"}}}},
    "kv-404": {"error": {"code": "SecretNotFound",
                         "message": "A secret with (name/id) missing was not found in "
                                    "this key vault."}},
    "imds-identity": {"error": "invalid_request",
                      "error_description": "Identity not found"},
    "imds-metadata": {"error": "bad_request_102",
                      "error_description": "Required metadata header not specified"},
    "appservice-500": {"statusCode": 500,
                       "message": "An unexpected error occured while fetching the AAD Token.",
                       "correlationId": "c0ffee"},
    "appservice2017": {"ExceptionMessage": "", "ErrorCode": "service_unavailable",
                       "ServiceErrorCodes": None, "StatusCode": 503, "Message": None,
                       "CorrelationId": "c"},
    "cloudshell": {"error": {"code": "AudienceNotSupported",
                             "message": "Audience x is not a supported MSI token audience."}},
    "servicefabric": {"error": {"correlationId": "c", "code": "ManagedIdentityNotFound",
                                "message": "Managed Identity not found"}},
    "entra": {"error": "invalid_client",
              "error_description": "AADSTS700213: No matching federated identity record "
                                   "found for presented assertion.",
              "error_codes": [700213], "timestamp": "2024-01-01 00:00:00Z",
              "trace_id": "t", "correlation_id": "c", "error_uri": "https://x"},
    "control-chars": {"error": {"code": "Bad\u001bCode",
                                "message": "esc \u001b[31m red \u0000 nul \u00e9"}},
    "long-message": {"error": {"code": "C" * 300, "message": "m" * 5000}},
    "token-only": {"access_token": TOKEN, "expires_in": 10},
}

RAW_JSON = {
    "empty-object": "{}",
    "empty-array": "[]",
    "array-top": '[{"a":1},[2,3],"x",true,false,null,-0,1.5e-3]',
    "escapes": r'{"s":"\"\\\/\b\f\n\r\t","u":"\u00e9\u20ac\ud83d\udd11","z":"a\u0000b"}',
    "lone-high": r'{"value":"\ud800x"}',
    "lone-low": r'{"value":"\udc00"}',
    "high-high": r'{"value":"\ud800\ud800"}',
    "bad-escape": r'{"a":"\x"}',
    "raw-control": '{"a":"\x01"}',
    "trailing-comma": '{"a":1,}',
    "dup-key": '{"value":"a","value":"b"}',
    "dup-key-escaped": r'{"value":"a","v\u0061lue":"b"}',
    "numbers": '{"a":-9223372036854775808,"b":9223372036854775807,'
               '"c":9223372036854775808,"d":"-12","e":"007","f":1E400,"g":0}',
    "deep32": "[" * 32 + "]" * 32,
    "deep33": "[" * 33 + "]" * 33,
    "many-tokens": "[" + ",".join(["1"] * 511) + "]",
    "too-many-tokens": "[" + ",".join(["1"] * 512) + "]",
    "truncated": '{"access_token":"abc","expires_in":"35',
    "bare-scalar": '"just a string"',
    "utf8-bad": b'{"a":"\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80"}',
    "utf8-good": '{"a":"\u00e9 \u0800 \uffff \U0010ffff"}',
    "ws": ' \t\r\n{ "a" : [ 1 , 2 ] }\n ',
    "nested-objects": '{"a":{"b":{"c":{"value":"x"}}},"value":"top","b":[{"value":1}]}',
    "literals-bad": '{"a":tru}',
    "leading-zero": '{"a":01}',
}


def dump(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


# ---- HTTP -------------------------------------------------------------------

def resp(status, headers, body=b"", reason=None, version="1.1", length=True):
    reasons = {200: "OK", 204: "No Content", 302: "Found", 304: "Not Modified",
               400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
               404: "Not Found", 410: "Gone", 429: "Too Many Requests",
               500: "Internal Server Error", 503: "Service Unavailable"}
    lines = ["HTTP/%s %d %s" % (version, status, reason or reasons.get(status, "X"))]
    lines += ["%s: %s" % kv for kv in headers]
    if length:
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def chunk(body, sizes, ext=b"", trailer=b""):
    out, i = b"", 0
    for n in sizes:
        piece = body[i:i + n]
        i += len(piece)
        if piece:
            out += b"%x%s\r\n%s\r\n" % (len(piece), ext, piece)
    if i < len(body):
        out += b"%x\r\n%s\r\n" % (len(body) - i, body[i:])
    return out + b"0\r\n" + trailer + b"\r\n"


KV_HEADERS = [("Cache-Control", "no-cache"), ("Pragma", "no-cache"),
              ("Content-Type", "application/json; charset=utf-8"),
              ("Expires", "-1"), ("x-ms-keyvault-region", "westeurope"),
              ("x-ms-request-id", "0b3e5c1a-8d1c-4bb0-a9a4-3b3b1f0c7f35"),
              ("x-ms-keyvault-service-version", "1.9.1155.1"),
              ("x-ms-keyvault-network-info", "conn_type=Ipv4;addr=10.0.0.4;act_addr_fam=InterNetwork;"),
              ("Strict-Transport-Security", "max-age=31536000;includeSubDomains"),
              ("X-Content-Type-Options", "nosniff"),
              ("Date", "Tue, 14 Nov 2023 22:13:20 GMT")]
IMDS_HEADERS = [("Content-Type", "application/json; charset=utf-8"),
                ("Server", "IMDS/150.870.65.1015"),
                ("Date", "Tue, 14 Nov 2023 22:13:20 GMT")]

SECRET_BODY = dump(SECRETS["spec"])
CHUNKED = [("Transfer-Encoding", "chunked")]

HTTP = {
    "imds-token": resp(200, IMDS_HEADERS, dump(TOKENS["imds"])),
    "appservice-token": resp(200, [("Content-Type", "application/json")],
                             dump(TOKENS["appservice"])),
    "kv-secret": resp(200, KV_HEADERS, SECRET_BODY),
    "kv-secret-chunked": resp(200, KV_HEADERS + CHUNKED,
                              chunk(SECRET_BODY, [40, 100, 7]), length=False),
    "kv-401-challenge": resp(401, KV_HEADERS + [("WWW-Authenticate", CHALLENGE)],
                             dump(ERRORS["kv-401"])),
    "kv-403": resp(403, KV_HEADERS, dump(ERRORS["kv-403-rbac"])),
    "kv-404": resp(404, KV_HEADERS, dump(ERRORS["kv-404"])),
    "imds-400-identity": resp(400, IMDS_HEADERS, dump(ERRORS["imds-identity"])),
    "imds-429-retry": resp(429, IMDS_HEADERS + [("Retry-After", "5")],
                           b"Too many requests"),
    "imds-410": resp(410, [("Retry-After", "70")], b""),
    "continue-then-200": b"HTTP/1.1 100 Continue\r\n\r\n" + resp(200, [], b"ok"),
    "102-then-chunked": b"HTTP/1.1 102 Processing\r\nX: y\r\n\r\n" +
                        resp(200, CHUNKED, chunk(b"hello world", [5]), length=False),
    "switching-101": b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n",
    "no-content-204": b"HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
    "not-modified-304": b"HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n",
    "http10-close": b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nclose-delimited body",
    "http11-close-delimited": b"HTTP/1.1 500 Oops\r\nConnection: close\r\n\r\n<html>err</html>",
    "keep-alive-10": b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok",
    "connection-list": b"HTTP/1.1 200 OK\r\nConnection: keep-alive, Upgrade, close\r\n"
                       b"Content-Length: 0\r\n\r\n",
    "redirect-302": resp(302, [("Location", "https://evil.example/steal")], b""),
    "pipelined": resp(200, [], b"first") + resp(200, [], b"second"),
    "no-reason": b"HTTP/1.1 200\r\nContent-Length: 1\r\n\r\nx",
    "reason-obs-text": b"HTTP/1.1 200 \xc3\x96K\r\nContent-Length: 0\r\n\r\n",
    "chunk-ext-trailer": resp(200, CHUNKED, chunk(b"abcdefghij", [3, 3], b";n=v",
                                                   b"X-Trailer: yes\r\n"), length=False),
    "chunked-and-length": b"HTTP/1.1 200 OK\r\nContent-Length: 999\r\n"
                          b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    "cl-duplicate-same": b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
    "cl-conflict": b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    "cl-negative": b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
    "cl-huge": b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
    "cl-over-cap": b"HTTP/1.1 200 OK\r\nContent-Length: 1048577\r\n\r\n",
    "cl-list": b"HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\nabc",
    "te-gzip": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
    "te-twice": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "truncated-body": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",
    "truncated-head": b"HTTP/1.1 200 OK\r\nContent-Le",
    "bare-lf": b"HTTP/1.1 200 OK\nContent-Length: 0\n\n",
    "status-2-digits": b"HTTP/1.1 20 OK\r\n\r\n",
    "status-4-digits": b"HTTP/1.1 2000 OK\r\n\r\n",
    "http2": b"HTTP/2 200\r\n\r\n",
    "obs-fold": b"HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\nContent-Length: 0\r\n\r\n",
    "space-before-colon": b"HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n",
    "no-colon": b"HTTP/1.1 200 OK\r\nJunk\r\n\r\n",
    "control-in-value": b"HTTP/1.1 200 OK\r\nX: a\x01b\r\nContent-Length: 0\r\n\r\n",
    "cr-in-value": b"HTTP/1.1 200 OK\r\nX: a\rb\r\nContent-Length: 0\r\n\r\n",
    "nul-in-value": b"HTTP/1.1 200 OK\r\nX: a\x00b\r\nContent-Length: 0\r\n\r\n",
    "wwwauth-long": b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer x=\"" +
                    b"a" * 2100 + b"\"\r\nContent-Length: 0\r\n\r\n",
    "kept-twice": b"HTTP/1.1 401 U\r\nWWW-Authenticate: Basic realm=/a\r\n"
                  b"WWW-Authenticate: " + CHALLENGE.encode() +
                  b"\r\nDate: x\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n",
    "many-headers": b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(101))
                    + b"Content-Length: 0\r\n\r\n",
    "big-head": b"HTTP/1.1 200 OK\r\nX-Big: " + b"b" * 16400 + b"\r\n\r\n",
}

# cap index (bits 0-1 of byte 0) and split byte for each HTTP seed: mostly
# the large cap with various splits, some small caps, a few HEAD requests.
HTTP_CTRL = {
    "kv-secret": (3, 0x00), "kv-secret-chunked": (3, 0x01),
    "imds-token": (3, 0x02), "kv-401-challenge": (2, 0x03),
    "no-content-204": (3, 0x10), "cl-over-cap": (3, 0x11), "pipelined": (1, 0x06),
    "truncated-body": (1, 0x05), "http10-close": (0, 0x01),
}
HEAD = {"keep-alive-10", "imds-410"}


def http_seeds():
    out = {}
    for i, (name, msg) in enumerate(sorted(HTTP.items())):
        ci, split = HTTP_CTRL.get(name, (3, (i * 37) & 0xff))
        mode = ci | (0x1c if name in HEAD else 0)
        out[name] = bytes([mode, split]) + msg
    # the same secret response under every cap and split pattern
    for ci in range(4):
        for sp in range(4):
            out["kv-secret-c%d-s%d" % (ci, sp)] = bytes([ci, sp | 0x40]) + \
                resp(200, KV_HEADERS[:3] + CHUNKED,
                     chunk(SECRET_BODY, [10, 20]), length=False)
    return out


CHUNK_BODIES = {
    "one": b"5\r\nhello\r\n0\r\n\r\n",
    "secret": chunk(SECRET_BODY, [1, 16, 64]),
    "upper-hex": b"A\r\n0123456789\r\n0\r\n\r\n",
    "leading-zeros": b"0005\r\nhello\r\n00\r\n\r\n",
    "ext": b"5;name=value\r\nhello\r\n5 ; a=b ;c\r\nworld\r\n0;last\r\n\r\n",
    "ext-quoted": b'5;n="v;x"\r\nhello\r\n0\r\n\r\n',
    "trailers": b"3\r\nabc\r\n0\r\nX-Sum: 1\r\nX-Other: 2\r\n\r\n",
    "trailer-bad": b"3\r\nabc\r\n0\r\nno colon here\r\n\r\n",
    "trailer-bare-lf": b"3\r\nabc\r\n0\r\nX: 1\n\r\n",
    "missing-crlf": b"3\r\nabcX\r\n0\r\n\r\n",
    "lf-only-after-data": b"3\r\nabc\n0\r\n\r\n",
    "bad-hex": b"g\r\nabc\r\n0\r\n\r\n",
    "empty-size": b"\r\nabc\r\n0\r\n\r\n",
    "neg-size": b"-3\r\nabc\r\n0\r\n\r\n",
    "huge-size": b"ffffffffffffffffffff\r\n",
    "over-cap": b"100001\r\n",
    "size-space": b"3 \r\nabc\r\n0\r\n\r\n",
    "size-0x": b"0x3\r\nabc\r\n0\r\n\r\n",
    "long-ext": b"1;" + b"e" * 300 + b"\r\nx\r\n0\r\n\r\n",
    "ext-control": b"1;a\x01\r\nx\r\n0\r\n\r\n",
    "truncated-data": b"10\r\nabc",
    "no-last-chunk": b"3\r\nabc\r\n",
    "no-final-crlf": b"3\r\nabc\r\n0\r\n",
    "pipelined": b"3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
    "many-small": b"".join(b"1\r\n%c\r\n" % (65 + i % 26) for i in range(200)) + b"0\r\n\r\n",
    "binary": b"4\r\n\x00\xff\r\n\r\n0\r\n\r\n",
}

# ---- references, challenges, times -----------------------------------------

REFS = [
    "https://myvault.vault.azure.net/secrets/db-password",
    "https://myvault.vault.azure.net/secrets/db-password/",
    "https://myvault.vault.azure.net/secrets/db-password/" + VER,
    "https://MyVault.Vault.Azure.NET:443/Secrets/Name/" + VER.upper(),
    "https://myvault.vault.azure.net:8443/secrets/x",
    "https://myhsm.managedhsm.azure.net/secrets/k",
    "https://127.0.0.1:8443/secrets/local",
    "https://[::1]:8443/secrets/v6",
    "https://[2001:db8::1]/secrets/v6/" + VER,
    "myvault/db-password",
    "myvault/db-password/",
    "myvault/db-password/" + VER,
    "myvault.vault.azure.cn/name",
    "myvault.vault.usgovcloudapi.net/name/" + VER,
    "a" * 24 + "/" + "n" * 127,
    "@Microsoft.KeyVault(SecretUri=https://myvault.vault.azure.net/secrets/mysecret/)",
    "@Microsoft.KeyVault(SecretUri=https://myvault.vault.azure.net/secrets/mysecret/" + VER + ")",
    "@Microsoft.KeyVault(VaultName=myvault;SecretName=mysecret)",
    "@microsoft.keyvault(secretname=s;vaultname=v1x;SecretVersion=" + VER + ")",
    "akv://myvault/mysecret",
    "akv://myvault.vault.azure.net/mysecret/" + VER,
    # refused shapes
    "http://myvault.vault.azure.net/secrets/x",
    "https://myvault.vault.azure.net/secrets/x?api-version=7.4",
    "https://myvault.vault.azure.net/secrets/x#frag",
    "https://user@myvault.vault.azure.net/secrets/x",
    "https://myvault.vault.azure.net/keys/x",
    "https://myvault.vault.azure.net/secrets/x/" + VER + "/extra",
    "https://myvault.vault.azure.net/secrets/x/short",
    "https://myvault.vault.azure.net:0/secrets/x",
    "https://myvault.vault.azure.net:65536/secrets/x",
    "https://-bad-.vault.azure.net/secrets/x",
    "https://010.0.0.1/secrets/x",
    "https://[fe80::1%eth0]/secrets/x",
    "my--vault/x", "ab/x", "a" * 25 + "/x", "1vault/x", "vault-/x",
    "myvault/bad_name", "myvault/", "myvault", "/x", "",
    "myvault/x/" + VER + "/more",
    "@Microsoft.KeyVault(SecretUri=https://myvault.vault.azure.net/secrets/s",
    "@Microsoft.KeyVault(VaultName=myvault;VaultName=other;SecretName=s)",
    "@Microsoft.KeyVault(VaultName=myvault)",
    "@Microsoft.KeyVault(VaultName=my/vault;SecretName=s)",
    "@Microsoft.KeyVault()",
    "akv://",
    "not a reference at all",
    "https://" + "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 61 + "/secrets/x",
    "https://h/" + "p" * 2100,
    "HTTPS://MYVAULT.VAULT.AZURE.NET/SECRETS/UPPER",
    "https://myvault.vault.azure.net/secrets/a b",
    "https://myvault.vault.azure.net/secrets/caf\u00e9",
]

CHALLENGES = [
    (CHALLENGE, VAULT),
    ('Bearer authorization_uri="https://login.microsoftonline.com/tid", '
     'resource="https://vault.azure.net"', VAULT),
    ('Bearer authorization="https://login.microsoftonline.com/tid", '
     'resource="https://vault.azure.net", scope="https://vault.azure.net/.default"', VAULT),
    ('Bearer scope="https://managedhsm.azure.net/.default" '
     'authorization="https://login.microsoftonline.com/tid"', "myhsm.managedhsm.azure.net"),
    ('Bearer authorization=https://login.chinacloudapi.cn/tid,resource=https://vault.azure.cn',
     "myvault.vault.azure.cn"),
    ('bearer   resource="https://vault.usgovcloudapi.net"  '
     'authorization="https://login.microsoftonline.us/tid"', "x.vault.usgovcloudapi.net"),
    ('Bearer authorization="https://adfs.contoso.local/adfs", '
     'resource="https://vault.local.azurestack.external"', "kv.vault.local.azurestack.external"),
    ('Bearer authorization="https://login.windows.net/t", resource="https://management.azure.com"',
     VAULT),
    ('Bearer resource="https://vault.azure.net.evil.com"', VAULT),
    ('Bearer resource="https://azure.net"', "vault.azure.net"),
    ('Bearer resource="http://vault.azure.net"', VAULT),
    ('Bearer resource="https://vault.azure.net", resource="https://evil.com"', VAULT),
    ('Bearer scope="https://vault.azure.net/.default https://graph.microsoft.com/.default"', VAULT),
    ('Bearer resource="https://vault.azure.net\\x"', VAULT),
    ('Bearer resource="https://vault.azure.net', VAULT),
    ('Bearer realm="", error="invalid_token", error_description="The access token expired"', VAULT),
    ('Basic realm=/var/opt/azcmagent/tokens/abc.key', VAULT),
    ('Bearer', VAULT),
    ('Bearer ,,, resource = "https://vault.azure.net" ,', VAULT),
    ('Bearer resource="https://' + "r" * 260 + '.net"', VAULT),
    ('Bearer authorization="' + "https://login.windows.net/" + "t" * 500 +
     '", resource="https://vault.azure.net"', VAULT),
    ('Bearer resource="https://vault.azure.net:443/"', "MyVault.VAULT.azure.NET"),
    ('Bearer resource="https://[::1]"', "x.::1"),
    ('Bearer claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ==", resource="https://vault.azure.net"', VAULT),
    ('PoP nonce="abc", Bearer resource="https://vault.azure.net"', VAULT),
]

TIMES = [
    "1506484173", "0", "9223372036854775807", "9223372036854775808",
    "06/19/2019 23:42:01 +00:00", "1/16/2020 5:24:12 AM +00:00",
    "12/31/2024 12:00:00 PM", "12/31/2024 12:00:00 AM", "2/29/2024 1:02:03 PM -05:30",
    "2/29/2023 1:02:03", "13/01/2024 1:02:03", "1/1/2024 13:00:00 PM",
    "2024-10-18T19:51:37.0000000+00:00", "2024-10-18 19:51:37", "2024-10-18t19:51:37z",
    "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z",
    "2024-01-01T24:00:00Z", "2024-01-01T23:59:60Z", "2024-01-01T00:00:00+23:59",
    "2024-01-01T00:00:00-24:00", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00+0100",
    "0001-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59",
    "1900-02-29T00:00:00Z", "2000-02-29T00:00:00Z", " 1506484173", "1506484173 ",
    "-1", "+1", "", "2024-1-1T0:0:0Z", "01/02/2006 15:04:05",
]


# Listing pages (docs/protocols.md 4.9), for fuzz_list: the service's
# shape, then what must be refused.
LIST_HOST = "kv.vault.azure.net"


def list_item(name, managed=False, tags=None, **attrs):
    item = {}
    if managed:
        item["contentType"] = "application/x-pkcs12"
    item["id"] = "https://%s/secrets/%s" % (LIST_HOST, name)
    if managed:
        item["managed"] = True
    a = {"enabled": True}
    a.update(attrs)
    a.update({"created": NOW, "updated": NOW, "recoveryLevel": "Recoverable+Purgeable",
              "recoverableDays": 90})
    item["attributes"] = a
    if tags:
        item["tags"] = tags
    return item


NEXT = "https://%s:443/secrets?api-version=7.5&$skiptoken=eyJOZXh0TWFya2VyIjoiMiExMDAhIn0&maxresults=25" % LIST_HOST
LIST_PAGES = {
    "page": dump({"value": [list_item("App-Db", tags={"env": "prod"}), list_item("app-old", enabled=False),
                            list_item("app-tls", True, nbf=NOW - 600, exp=NOW + 86400 * 365),
                            list_item("web", exp=NOW - 1), list_item("app-later", nbf=NOW + 86400)],
                  "nextLink": NEXT}),
    "last": dump({"value": [list_item("x")], "nextLink": None}),
    "empty-with-next": dump({"value": [], "nextLink": NEXT}),
    "escaped-next": dump({"value": [], "nextLink": NEXT}).replace(b"&", b"\\u0026"),
    "tags15": dump({"value": [list_item("t%02d" % i, tags={"k%02d" % t: "v" * 256 for t in range(15)})
                              for i in range(25)], "nextLink": NEXT}),
    "foreign-next": dump({"value": [], "nextLink": NEXT.replace(LIST_HOST, "evil.example")}),
    "http-next": dump({"value": [], "nextLink": NEXT.replace("https:", "http:")}),
    "other-id": dump({"value": [{"id": "https://other.vault.azure.net/secrets/x", "attributes": {}}]}),
    "version-id": dump({"value": [{"id": "https://%s/secrets/x/%s" % (LIST_HOST, VER)}]}),
    "bad-exp": dump({"value": [list_item("x", exp="soon")]}),
    "no-value": b'{"nextLink":null}',
    "next-url": NEXT.encode(),
}


def write(name, files):
    d = os.path.join(HERE, "corpus", name)
    os.makedirs(d, exist_ok=True)
    for fname, data in files.items():
        if isinstance(data, str):
            data = data.encode()
        with open(os.path.join(d, fname), "wb") as f:
            f.write(data)


def numbered(items):
    return {"%02d" % i: v for i, v in enumerate(items)}


def main():
    write("http", http_seeds())
    write("chunked", CHUNK_BODIES)
    bodies = {}
    bodies.update({"token-" + k: dump(v) for k, v in TOKENS.items()})
    bodies.update({"secret-" + k: dump(v) for k, v in SECRETS.items()})
    bodies.update({"error-" + k: dump(v) for k, v in ERRORS.items()})
    bodies["error-html"] = b"<html><body>502 Bad Gateway</body></html>"
    bodies["error-text"] = b"upstream connect error or disconnect/reset before headers\n"
    bodies["error-binary"] = b"\x00\x01\xfe\xff plain \x1b[0m"
    bodies["error-broken-json"] = b'  {"error":{"code":"X","message":"leak: SECRET'
    bodies["empty"] = b""
    write("azure", bodies)
    raw = {k: (v if isinstance(v, bytes) else v.encode()) for k, v in RAW_JSON.items()}
    raw.update({k: v for k, v in bodies.items() if k.startswith(("token-imds",
                "secret-tags", "secret-unicode", "error-kv-403", "error-entra"))})
    write("json", raw)
    write("ref", numbered(REFS))
    write("challenge", numbered(["%s\n%s" % c for c in CHALLENGES]))
    write("time", numbered(TIMES))
    write("list", LIST_PAGES)


if __name__ == "__main__":
    main()
