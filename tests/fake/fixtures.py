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
