"""Shared by the fake Azure and the tests: the fixture, expected bytes, control, log.

    import fixtures as fx
    fx.expected("big")                  -> bytes azkv must print for that secret
    fx.expected("rotated", fx.version_of("rotated", old=True))
    fx.set_control({"imds": "identity-not-found"})   # waits until the fake applied it
    off = fx.log_offset(); ...; entries = fx.read_log(off)

Paths come from the environment tests/netns.sh exports (FAKE_CONTROL, FAKE_LOG)
unless given. Stdlib only.
"""
import hashlib
import json
import os
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.environ.get("FAKE_FIXTURE", os.path.join(HERE, "secrets.json"))


def load(path=FIXTURE):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


DATA = load()
SECRETS = DATA["secrets"]
IDENTITIES = DATA["identities"]
USER_IDS = IDENTITIES["user"]


def value_of(spec):
    """The text of a value spec: {"value": s} or {"repeat": s, "len": n}."""
    if "repeat" in spec:
        pat, n = spec["repeat"], spec["len"]
        s = (pat * (n // len(pat) + 1))[:n]
        assert len(s.encode("utf-8")) == n, "repeat pattern must be ASCII"
        return s
    return spec["value"]


def version_of(name, old=False):
    """Latest version id of a versioned secret, or (old=True) another one."""
    sec = SECRETS[name]
    if old:
        return sorted(sec["versions"])[0]
    return sec["version"]


def text(name, version=None):
    """Secret text (str) as stored; None if that name/version does not exist."""
    sec = SECRETS.get(name.lower())
    if sec is None:
        return None
    if not version or version.lower() == sec.get("version", "").lower():
        return value_of(sec)
    for v, spec in sec.get("versions", {}).items():
        if v.lower() == version.lower():
            return value_of(spec)
    return None


def expected(name, version=None):
    """The exact bytes azkv must write for this secret (UTF-8, nothing added)."""
    t = text(name, version)
    if t is None:
        raise KeyError("%s/%s not in fixture" % (name, version))
    return t.encode("utf-8")


def readable():
    """Names of secrets a GET returns 200 for (no fault, not forbidden/disabled)."""
    return [n for n, s in SECRETS.items()
            if not (s.get("forbidden") or s.get("disabled") or s.get("fault") == "stall")]


# ---- control ---------------------------------------------------------------

def control_digest(raw):
    return hashlib.sha256(raw).hexdigest()


def set_control(ctl=None, path=None, timeout=5.0):
    """Write the control file atomically and wait until the fake applied it
    (it writes PATH.applied with the sha256 of the content it acted on), so
    listener changes such as "unavailable" are in force on return."""
    path = path or os.environ["FAKE_CONTROL"]
    raw = json.dumps(ctl or {}, sort_keys=True).encode()
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(raw)
    os.replace(tmp, path)
    want = control_digest(raw)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with open(path + ".applied") as f:
                if f.read().strip() == want:
                    return
        except FileNotFoundError:
            pass
        time.sleep(0.01)
    raise RuntimeError("fake did not apply control %s within %ss" % (raw, timeout))


# ---- request log -----------------------------------------------------------

def log_offset(path=None):
    path = path or os.environ["FAKE_LOG"]
    try:
        return os.path.getsize(path)
    except FileNotFoundError:
        return 0


def read_log(offset=0, path=None):
    """Log entries (dicts) written after byte offset."""
    path = path or os.environ["FAKE_LOG"]
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read()
    except FileNotFoundError:
        return []
    return [json.loads(l) for l in data.splitlines() if l.strip()]


def requests(entries, listener=None):
    """Only the request entries, optionally of one listener (imds/ext/vault)."""
    return [e for e in entries if e.get("event") == "request"
            and (listener is None or e["listener"] == listener)]


# ---- the listed vault ------------------------------------------------------
# LIST_VAULT answers GET /secrets with these 60 secrets, 25 a page, in the
# service's order (upper-cased name), and GET /secrets/NAME with each value
# (a disabled one: 403 SecretDisabled, as the service does). Names and values
# are made here, for the fake and the tests alike.

LIST_VAULT = "lister.vault.azure.net"
LIST_PAGE = 25
EXPIRED = 1000000000      # 2001: exp in the past
NOT_YET = 4000000000      # 2096: nbf in the future
PROD_PAY = {"env": "prod", "team": "pay"}


def _secret(name, tags=None, enabled=True, nbf=None, exp=None, managed=False):
    return {"name": name, "value": "v1:%s:\u00e9\"\\" % name, "enabled": enabled,
            "nbf": nbf, "exp": exp, "managed": managed, "tags": tags}


def _listing():
    s = [
        _secret("app-api-key", PROD_PAY), _secret("app-cache-url", {"env": "prod"}),
        _secret("app-db-host", PROD_PAY), _secret("app-db-password", PROD_PAY),
        _secret("app-db-user", PROD_PAY), _secret("app-disabled-key", {"env": "prod"}, enabled=False),
        _secret("app-expired-token", {"env": "prod"}, exp=EXPIRED),
        _secret("app-feature-flags", {"env": "dev"}),
        _secret("app-future-key", {"env": "prod"}, nbf=NOT_YET, exp=NOT_YET + 1000),
        _secret("app-jwt-secret", PROD_PAY, nbf=1700000000, exp=NOT_YET),
        _secret("app-queue-conn", {"env": "prod"}), _secret("app-redis-password", {"env": "dev"}),
        _secret("app-sentry-dsn"), _secret("app-smtp-password", {"env": "prod", "team": "mail"}),
        _secret("app-smtp-user", {"env": "prod", "team": "mail"}),
        _secret("app-storage-key", {"env": "prod"}),
        _secret("app-tls", {"env": "prod"}, nbf=1700000000, exp=NOT_YET, managed=True),
        _secret("app-webhook-secret", PROD_PAY), _secret("App-Mixed-Case"),
        _secret("app-oauth-secret", PROD_PAY),
        _secret("web-db-password", {"env": "prod"}), _secret("web-api-key", {"env": "prod"}),
        _secret("web-session-key", {"env": "prod"}), _secret("web-cookie-secret"),
        _secret("web-tls", nbf=1700000000, exp=NOT_YET, managed=True),
        _secret("web-cdn-token", {"env": "dev"}), _secret("web-oauth-client"),
        _secret("web-csrf-key"), _secret("web-old", enabled=False),
        _secret("web-analytics-id"), _secret("web-maps-key"), _secret("web-expired", exp=EXPIRED),
        _secret("odd-9lives"), _secret("zz-last"),
    ]
    s += [_secret("svc-%02d-token" % i, {"env": "prod"} if i % 3 == 0 else None)
          for i in range(60 - len(s))]
    s.sort(key=lambda x: x["name"].upper())
    return s


LISTING = _listing()


def listed(name):
    """The listed vault's secret of this name (any case), or None."""
    for s in LISTING:
        if s["name"].lower() == name.lower():
            return s
    return None


def selected(prefix="", tags=(), managed=False, now=None):
    """The names azkv selects from the listed vault, in the vault's order:
    enabled, not expired, valid already, not a certificate's unless
    managed, with every KEY=VALUE of tags."""
    import time as _t
    now = now if now is not None else _t.time()
    out = []
    for s in LISTING:
        want = dict(t.split("=", 1) for t in tags)
        if not s["name"].lower().startswith(prefix.lower()) or not s["enabled"]:
            continue
        if (s["exp"] is not None and s["exp"] <= now) or (s["nbf"] is not None and s["nbf"] > now):
            continue
        if s["managed"] and not managed:
            continue
        if any((s["tags"] or {}).get(k) != v for k, v in want.items()):
            continue
        out.append(s["name"])
    return out
