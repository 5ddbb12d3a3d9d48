#!/usr/bin/env python3
"""delivery.py: azkv exec, output files, formats, proxies and boot waits,
end to end against the fake Azure (issue "Delivery for scratch containers,
early boot and appliances").

    tests/netns.sh -- python3 tests/e2e/delivery.py [-l] [PATTERN...]

Cases are functions on harness.py (every azkv run gets its invariants):
one line per case, then "N passed, N failed". Each case is a function
returning None (pass) or the reason it failed. The child program of exec is
build/envdump (tests/e2e/envdump.c, static), which records its pid, argv
and environment.
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as H  # noqa: E402
import e2e as E  # noqa: E402,F401  (old name of the shared constants)
import sandbox  # noqa: E402
from harness import fx, ROOT, AZKV, ENVDUMP, v, failure_shape, ok_shape, read_dump  # noqa: E402,F401

URL = H.VAULT + "/secrets/"
Ran = H.Run  # the old name of the result class


def azkv(args, env=None, control=None, cacert=True, timeout=90, cwd=None, argv0=None,
         rc=None, **kw):
    """harness.run_azkv, --cacert only after get, token and exec. rc: the
    expected exit code, else declared by failure_shape/ok_shape, else 0.
    argv0: the command that runs azkv, replacing its path (a list)."""
    cacert = cacert and bool(args) and args[0] in ("get", "token", "exec")
    if argv0:
        kw.update(prefix=argv0[:-1], exe=argv0[-1])
    return H.run_azkv(args, rc, env=env, control=control, cacert=cacert, timeout=timeout,
                      cwd=cwd, **kw)


# ---- exec ------------------------------------------------------------------

REFS = {
    "DB": "@Microsoft.KeyVault(SecretUri=%sdb-password/)" % URL,
    "PEM": "@Microsoft.KeyVault(VaultName=myvault;SecretName=multiline)",
    "EMOJI": "akv://myvault/unicode",
    "OLD": "@Microsoft.KeyVault(VaultName=myvault;SecretName=rotated;SecretVersion=%s)" % H.OLD,
    "QUOTES": "akv://myvault.vault.azure.net/quotes",
}
EXPECT = {"DB": v("db-password"), "PEM": v("multiline"), "EMOJI": v("unicode"),
          "OLD": v("rotated", H.OLD), "QUOTES": v("quotes")}


def exec_run(tmp, env, extra=(), **kw):
    dump = os.path.join(tmp, "dump")
    r = azkv(["exec"] + list(extra) + ["--", ENVDUMP, dump], env=env, **kw)
    return r, dump


def t_exec_values(tmp):
    env = dict(REFS, PLAIN="hello=world", IDENTITY_HEADER="not-for-the-child",
               MSI_SECRET="nor-this")
    r, dump = exec_run(tmp, env)
    why = ok_shape(r, b"")
    if why:
        return why
    d = read_dump(dump)
    for k, want in EXPECT.items():
        if d["env"].get(k) != want:
            return "%s = %r, want %r" % (k, d["env"].get(k, b"")[:60], want[:60])
    if d["env"].get("PLAIN") != b"hello=world":
        return "unreferenced variable changed: %r" % d["env"].get("PLAIN")
    if "IDENTITY_HEADER" in d["env"] or "MSI_SECRET" in d["env"]:
        return "identity variables passed to the child"
    if d["pid"] != r.pid:
        return "child pid %s, azkv's %s: not exec'd in place" % (d["pid"], r.pid)
    argv = b"\0".join(d["argv"] or [])
    if any(x in argv for x in EXPECT.values() if len(x) > 4):
        return "a secret value appears in the child's argv"
    if d["argv"] != [ENVDUMP.encode(), dump.encode()]:
        return "child argv %r" % d["argv"]
    tokens = [e["token"].encode() for e in r.reqs() if e.get("token")]
    if any(t in argv or t in b"".join(d["env"].values()) for t in tokens):
        return "the token reached the child"
    if len(r.reqs("imds")) != 1 or len(r.connects("vault")) != 1:
        return "want 1 IMDS request and 1 vault connection, got %d and %d" % (
            len(r.reqs("imds")), len(r.connects("vault")))
    return None


def t_exec_keep_identity(tmp):
    r, dump = exec_run(tmp, {"DB": REFS["DB"], "IDENTITY_HEADER": "h"}, ["--keep-identity-env"])
    why = ok_shape(r, b"")
    if why:
        return why
    return None if read_dump(dump)["env"].get("IDENTITY_HEADER") == b"h" else "IDENTITY_HEADER not kept"


def t_exec_fail_closed(tmp):
    r, dump = exec_run(tmp, {"DB": REFS["DB"], "GONE": "akv://myvault/no-such-secret"})
    why = failure_shape(r, 5, "SecretNotFound")
    if why:
        return why
    return "the program ran although a reference failed" if os.path.exists(dump) else None


def t_exec_allow_missing(tmp):
    r, dump = exec_run(tmp, {"DB": REFS["DB"], "GONE": "akv://myvault/no-such-secret"},
                       ["--allow-missing"],
                       waive={"quiet": "--allow-missing warns about the missing reference"})
    if r.rc != 0:
        return "exit %r: %r" % (r.rc, r.err[:200])
    if not r.err.startswith(b"azkv: warning: ") or b"no-such-secret" not in r.err:
        return "no warning naming the missing secret: %r" % r.err[:200]
    d = read_dump(dump)
    if "GONE" in d["env"]:
        return "the failed reference was passed on: %r" % d["env"]["GONE"]
    return None if d["env"].get("DB") == EXPECT["DB"] else "DB not resolved"


def t_exec_bad_reference(tmp):
    r, dump = exec_run(tmp, {"BAD": "@Microsoft.KeyVault(VaultName=myvault)"})
    why = failure_shape(r, 2, "BAD")
    if why:
        return why
    if r.reqs():
        return "requests were sent for a malformed reference"
    return "the program ran" if os.path.exists(dump) else None


def t_exec_no_refs(tmp):
    r, dump = exec_run(tmp, {"PLAIN": "x"})
    why = ok_shape(r, b"")
    if why:
        return why
    if r.reqs():
        return "requests sent with no reference in the environment"
    return None if read_dump(dump)["env"].get("PLAIN") == b"x" else "PLAIN lost"


def t_exec_no_program(tmp):
    return failure_shape(azkv(["exec"], env={"DB": REFS["DB"]}), 2)


def t_exec_missing_program(tmp):
    r = azkv(["exec", "--", "/nonexistent/prog"], env={"DB": REFS["DB"]})
    return failure_shape(r, 2, "/nonexistent/prog")


def t_exec_two_vaults(tmp):
    env = {"A": "akv://myvault/db-password", "B": "akv://other/api-key",
           "C": "akv://myvault/quotes"}
    r, dump = exec_run(tmp, env)
    why = ok_shape(r, b"")
    if why:
        return why
    if len(r.connects("vault")) != 2:
        return "want one connection per vault (2), got %d" % len(r.connects("vault"))
    d = read_dump(dump)
    return None if d["env"].get("B") == v("api-key") and d["env"].get("C") == v("quotes") else "values"


def t_exec_too_many_refs(tmp):
    """65 references: refused before any is read (the table holds 64)."""
    env = {"R%02d" % i: "akv://myvault/db-password" for i in range(65)}
    env["PLAIN"] = "x"
    r, dump = exec_run(tmp, env)
    why = failure_shape(r, 2, "more than 64 references")
    if why:
        return why
    if r.reqs():
        return "requests were sent"
    return "the program ran" if os.path.exists(dump) else None


def t_exec_64_refs(tmp):
    """64 references among other variables: all delivered."""
    env = {"R%02d" % i: "akv://myvault/%s" % ("db-password" if i % 2 else "quotes")
           for i in range(64)}
    env.update({"PLAIN%d" % i: "plain-%d" % i for i in range(8)})
    r, dump = exec_run(tmp, env)
    why = ok_shape(r, b"")
    if why:
        return why
    d = read_dump(dump)
    for k, ref in env.items():
        want = v(ref.rsplit("/", 1)[1]) if ref.startswith("akv://") else ref.encode()
        if d["env"].get(k) != want:
            return "%s = %r, want %r" % (k, d["env"].get(k, b"")[:40], want[:40])
    return None


SIGPIPE_BIT = 1 << (13 - 1)


def sig_masks(path):
    """SigIgn and SigBlk of the program that wrote /proc/self/status to path."""
    m = {}
    for line in open(path):
        k, _, val = line.partition(":")
        if k in ("SigIgn", "SigBlk"):
            m[k] = int(val.strip(), 16)
    return m


def t_exec_signals(tmp):
    """The program gets the signal dispositions and mask azkv was given:
    SIGPIPE, which azkv ignores for itself, is back to default."""
    out = os.path.join(tmp, "status")
    prog = ["/bin/sh", "-c", 'exec cat /proc/self/status > "$0"', out]
    subprocess.run(prog, env={"PATH": "/usr/bin:/bin"}, check=True)
    direct = sig_masks(out)
    os.unlink(out)
    r = azkv(["exec", "--"] + prog, env={"DB": REFS["DB"]})
    why = ok_shape(r, b"")
    if why:
        return why
    m = sig_masks(out)
    if m.get("SigIgn", -1) & SIGPIPE_BIT:
        return "SIGPIPE ignored in the program (SigIgn %x)" % m["SigIgn"]
    return None if m == direct else "masks %r, without azkv %r" % (m, direct)


def t_exec_signals_inherited_ignore(tmp):
    """A SIGPIPE ignored by azkv's parent stays ignored for the program, as
    it would be without azkv."""
    out = os.path.join(tmp, "status")
    r = azkv(["exec", "--", "/bin/sh", "-c", 'exec cat /proc/self/status > "$0"', out],
             env={"DB": REFS["DB"]}, restore_signals=False)
    why = ok_shape(r, b"")
    if why:
        return why
    m = sig_masks(out)
    return None if m.get("SigIgn", 0) & SIGPIPE_BIT else "SIGPIPE not ignored: SigIgn %x" % m["SigIgn"]


def t_scratch_chroot(tmp):
    """Only azkv, envdump and the test CA in an empty root: no /etc, /dev,
    /proc or libc. Real default endpoints; the vault name via --resolve
    (a scratch image gets its DNS from the container runtime)."""
    root = os.path.join(tmp, "root")
    os.mkdir(root)
    for src, dst in ((AZKV, "azkv"), (ENVDUMP, "envdump"), (os.environ["AZKV_TEST_CA"], "ca.pem")):
        shutil.copy(src, os.path.join(root, dst))
    env = {"DB": REFS["DB"], "EMOJI": REFS["EMOJI"]}
    r = H.run_azkv(["exec", "--cacert", "/ca.pem", "--resolve", "myvault.vault.azure.net:443:127.0.0.1",
                    "--", "/envdump", "/dump"], 0, env=env, cacert=False,
                   prefix=[shutil.which("chroot") or "/usr/sbin/chroot", root], exe="/azkv")
    if r.rc != 0:
        return "exit %r: %r" % (r.rc, r.err[:300])
    if sorted(os.listdir(root)) != ["azkv", "ca.pem", "dump", "envdump"]:
        return "the root holds %r" % sorted(os.listdir(root))
    d = read_dump(os.path.join(root, "dump"))
    if d["env"].get("DB") != EXPECT["DB"] or d["env"].get("EMOJI") != EXPECT["EMOJI"]:
        return "values in the chroot differ"
    imds = r.reqs("imds")
    return None if len(imds) == 1 else "want one IMDS request on 169.254.169.254, got %d" % len(imds)


# ---- files -----------------------------------------------------------------

def t_out_default_mode(tmp):
    f = os.path.join(tmp, "db")
    r = azkv(["get", "--out", f, "myvault/db-password"])
    why = ok_shape(r, b"")
    if why:
        return why
    st = os.stat(f)
    if stat.S_IMODE(st.st_mode) != 0o600:
        return "mode %o, want 600" % stat.S_IMODE(st.st_mode)
    return None if open(f, "rb").read() == v("db-password") else "content differs"


def t_out_mode_owner(tmp):
    f = os.path.join(tmp, "db")
    r = azkv(["get", "--out", f, "--mode", "0440", "--owner", "1234:5678", "myvault/luks-key"])
    why = ok_shape(r, b"")
    if why:
        return why
    st = os.stat(f)
    if (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) != (0o440, 1234, 5678):
        return "mode %o owner %d:%d" % (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)
    return None if open(f, "rb").read() == v("luks-key") else "content differs"


def t_out_verbose_mode_octal(tmp):
    """-v says the written file's mode in octal, as --mode takes it"""
    f = os.path.join(tmp, "db")
    r = azkv(["get", "-v", "--out", f, "--mode", "0440", "myvault/db-password"])
    why = ok_shape(r, b"")
    if why:
        return why
    return None if b"bytes, mode 0440)" in r.err else "no 'mode 0440' in -v: %r" % [
        l for l in r.err.split(b"\n") if b"wrote" in l]


def t_verbose_request_count_per_connection(tmp):
    """-v counts requests per connection: a second vault's first request
    is request 1 again"""
    r = azkv(["get", "-v", "myvault/db-password", "other/db-password"])
    why = ok_shape(r, v("db-password") * 2)
    if why:
        return why
    counts = [l.split(b"(request ")[1].split(b" ")[0] for l in r.err.split(b"\n") if b"(request " in l]
    return None if counts == [b"1", b"1"] else "request counts %r, want 1 then 1" % counts


def t_out_dir(tmp):
    d = os.path.join(tmp, "secrets")
    os.mkdir(d)
    r = azkv(["get", "--out-dir", d, "myvault/db-password", "myvault/unicode", "myvault/empty"])
    why = ok_shape(r, b"")
    if why:
        return why
    if sorted(os.listdir(d)) != ["db-password", "empty", "unicode"]:
        return "files %r" % sorted(os.listdir(d))
    for n in ("db-password", "unicode", "empty"):
        if open(os.path.join(d, n), "rb").read() != v(n):
            return "%s differs" % n
    return None


def t_out_dir_same_name(tmp):
    r = azkv(["get", "--out-dir", tmp, "myvault/db-password", "other/db-password"])
    return failure_shape(r, 2, "db-password") or (None if os.listdir(tmp) == [] else "files written")


def t_out_failure_leaves_nothing(tmp):
    d = os.path.join(tmp, "secrets")
    os.mkdir(d)
    old = os.path.join(d, "big")
    open(old, "wb").write(b"old")
    r = azkv(["get", "--out-dir", d, "myvault/db-password", "myvault/big"],
             control={"vault:big": "truncate"})
    why = failure_shape(r, 8, "closed before")
    if why:
        return why
    if sorted(os.listdir(d)) != ["big"] or open(old, "rb").read() != b"old":
        return "folder holds %r after the failure" % sorted(os.listdir(d))
    return None


def t_out_atomic_replace(tmp):
    """A reader polling the file while azkv rewrites it sees whole files only."""
    f = os.path.join(tmp, "k")
    a, b = v("big"), v("multiline")
    open(f, "wb").write(a)
    seen, bad, stop = set(), [], threading.Event()

    def reader():
        while not stop.is_set():
            try:
                data = open(f, "rb").read()
            except FileNotFoundError:
                bad.append("the file vanished")
                continue
            if data not in (a, b):
                bad.append("partial read of %d bytes" % len(data))
            seen.add(data == a)
    t = threading.Thread(target=reader)
    t.start()
    try:
        for i in range(12):
            name = "multiline" if i % 2 == 0 else "big"
            r = azkv(["get", "--out", f, "myvault/" + name])
            if r.rc != 0:
                return "run %d: exit %r %r" % (i, r.rc, r.err[:200])
    finally:
        stop.set()
        t.join()
    if bad:
        return bad[0]
    leftovers = [n for n in os.listdir(tmp) if n != "k"]
    return "temporaries left: %r" % leftovers if leftovers else None


def temporaries(folder):
    return [n for n in os.listdir(folder) if ".azkv-" in n]


def refused(r, path, what, tmp):
    """exit 2 naming path and what it is, stdout empty, no temporary."""
    why = failure_shape(r, 2, "refusing to replace " + what)
    if why:
        return why
    if path.encode() not in r.err:
        return "stderr does not name %s: %r" % (path, r.err)
    left = temporaries(os.path.dirname(path))
    return "temporaries left: %r" % left if left else None


def t_out_refuses_device(tmp):
    """A device node as --out is left alone (as root, rename() would turn
    /dev/null into a regular file holding the secret)."""
    node = os.path.join(tmp, "null")
    subprocess.run(["mknod", "-m", "0666", node, "c", "1", "3"], check=True)
    r = azkv(["get", "--out", node, "myvault/db-password"])
    why = refused(r, node, "a device", tmp)
    if why:
        return why
    st = os.lstat(node)
    if not stat.S_ISCHR(st.st_mode) or st.st_rdev != os.makedev(1, 3):
        return "the device node was replaced: mode %o" % st.st_mode
    return None


def t_out_refuses_stdout_link(tmp):
    """A symbolic link to /proc/self/fd/1 (as /dev/stdout is) as --out."""
    link = os.path.join(tmp, "stdout")
    os.symlink("/proc/self/fd/1", link)
    r = azkv(["get", "--out", link, "myvault/db-password"])
    why = refused(r, link, "a symbolic link", tmp)
    if why:
        return why
    return None if os.readlink(link) == "/proc/self/fd/1" else "the link was replaced"


def t_out_refuses_link_to_file(tmp):
    """A symbolic link to a regular file is refused too: neither followed
    nor replaced; both stay as they were."""
    real, link = os.path.join(tmp, "real"), os.path.join(tmp, "link")
    open(real, "wb").write(b"old")
    os.symlink(real, link)
    why = refused(azkv(["get", "--out", link, "myvault/db-password"]), link,
                  "a symbolic link", tmp)
    if why:
        return why
    if not os.path.islink(link) or open(real, "rb").read() != b"old":
        return "the link or its file changed"
    return None


def t_out_refuses_fifo_dir_socket(tmp):
    """A FIFO, a folder or a socket as the target of --out-dir, --out or
    --pem-certs: refused, exit 2, nothing written."""
    import socket
    d = os.path.join(tmp, "d")
    os.mkdir(d)
    os.mkfifo(os.path.join(d, "db-password"))
    why = refused(azkv(["get", "--out-dir", d, "myvault/db-password"]),
                  os.path.join(d, "db-password"), "a FIFO", tmp)
    if why:
        return "FIFO: " + why
    sub = os.path.join(tmp, "sub")
    os.mkdir(sub)
    why = refused(azkv(["get", "--out", sub, "myvault/db-password"]), sub, "a directory", tmp)
    if why:
        return "folder: " + why
    if os.listdir(sub):
        return "the folder was written into"
    sock = os.path.join(tmp, "sock")
    s = socket.socket(socket.AF_UNIX)
    s.bind(sock)
    key = os.path.join(tmp, "key.pem")
    r = azkv(["get", "--pem-key", key, "--pem-certs", sock, "myvault/tls-cert"])
    s.close()
    why = refused(r, sock, "a socket", tmp)
    if why:
        return "socket: " + why
    return "the key was written" if os.path.exists(key) else None


def old_files(folder, names):
    for n in names:
        open(os.path.join(folder, n), "wb").write(b"old " + n.encode())


def unchanged(folder, names):
    for n in names:
        got = open(os.path.join(folder, n), "rb").read()
        if got != b"old " + n.encode():
            return "%s was replaced (%d bytes)" % (n, len(got))
    left = temporaries(folder)
    return "temporaries left: %r" % left if left else None


def t_out_dir_all_or_nothing(tmp):
    """The second --out-dir target is a folder: the first file keeps its
    old content."""
    d = os.path.join(tmp, "secrets")
    os.mkdir(d)
    old_files(d, ["db-password"])
    os.mkdir(os.path.join(d, "unicode"))
    r = azkv(["get", "--out-dir", d, "myvault/db-password", "myvault/unicode"])
    return failure_shape(r, 2, "unicode") or unchanged(d, ["db-password"])


def t_pem_all_or_nothing(tmp):
    """--pem-certs cannot be created (no such folder): --pem-key keeps its
    old content and no temporary is left."""
    old_files(tmp, ["key.pem"])
    certs = os.path.join(tmp, "nofolder", "certs.pem")
    r = azkv(["get", "--pem-key", os.path.join(tmp, "key.pem"), "--pem-certs", certs,
              "myvault/tls-cert"])
    return failure_shape(r, 1, "nofolder") or unchanged(tmp, ["key.pem"])


def t_out_dir_disk_full(tmp):
    """The folder fills up on the second value: the first file keeps its
    old content and no temporary is left."""
    d = os.path.join(tmp, "small")
    os.mkdir(d)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", d], check=True)
    try:
        old_files(d, ["db-password"])
        r = azkv(["get", "--out-dir", d, "myvault/db-password", "myvault/big"])
        return failure_shape(r, 1, "big") or unchanged(d, ["db-password"])
    finally:
        subprocess.run(["umount", d], check=False)


def t_out_owner_before_mode(tmp):
    """The temporary gets its owner before its mode: with fchown failing
    (and unlink too, so the temporary stays to be looked at) it never had
    the group-readable --mode."""
    d = os.path.join(tmp, "o")
    os.mkdir(d)
    deny = sandbox.failing([("fchown", 1, None), ("fchownat", 1, None),
                            ("unlink", 1, None), ("unlinkat", 1, None)])
    r = azkv(["get", "--out", os.path.join(d, "db"), "--mode", "0640", "--owner", "0:1234",
              "myvault/db-password"], preexec_fn=deny)
    why = failure_shape(r, 1, "Operation not permitted")
    if why:
        return why
    left = temporaries(d)
    if len(left) != 1:
        return "want the one temporary left, got %r" % os.listdir(d)
    mode = stat.S_IMODE(os.stat(os.path.join(d, left[0])).st_mode)
    return None if mode == 0o600 else "temporary had mode %o before its owner was set" % mode


# ---- formats ---------------------------------------------------------------

def t_decode_base64(tmp):
    import base64
    r = azkv(["get", "--decode", "base64", "myvault/luks-key-b64"])
    return ok_shape(r, base64.b64decode(v("luks-key-b64")))


def t_decode_base64_bad(tmp):
    return failure_shape(azkv(["get", "--decode", "base64", "myvault/quotes"]), 8, "base64")


def t_json_bundle(tmp):
    r = azkv(["get", "--json", "myvault/unicode"])
    if r.rc != 0:
        return "exit %r" % r.rc
    b = json.loads(r.out)
    if b.get("value", "").encode() != v("unicode") or "attributes" not in b or "id" not in b:
        return "bundle %r" % r.out[:200]
    return None


def t_pem_split(tmp):
    k, c = os.path.join(tmp, "key.pem"), os.path.join(tmp, "certs.pem")
    r = azkv(["get", "--pem-key", k, "--pem-certs", c, "--mode", "0400", "myvault/tls-cert"])
    why = ok_shape(r, b"")
    if why:
        return why
    val = v("tls-cert")
    cut = val.index(b"-----BEGIN CERTIFICATE-----")
    if open(k, "rb").read() != val[:cut] or open(c, "rb").read() != val[cut:]:
        return "split differs"
    modes = {stat.S_IMODE(os.stat(x).st_mode) for x in (k, c)}
    return None if modes == {0o400} else "modes %r" % modes


def t_pem_split_no_key(tmp):
    k = os.path.join(tmp, "key.pem")
    r = azkv(["get", "--pem-key", k, "myvault/db-password"])
    return failure_shape(r, 8, "private key") or (None if not os.listdir(tmp) else "file written")


# ---- proxy -----------------------------------------------------------------

class Proxy:
    def __init__(self, tmp, deny=False):
        self.log = os.path.join(tmp, "proxy.log")
        open(self.log, "w").close()
        cmd = [sys.executable, os.path.join(ROOT, "tests", "fake", "proxy.py"),
               "--listen", "127.0.0.1:3128", "--log", self.log] + (["--deny"] if deny else [])
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE)
        self.p.stdout.readline()

    def entries(self):
        return [json.loads(l) for l in open(self.log)]

    def stop(self):
        self.p.kill()
        self.p.wait()


def with_proxy(tmp, env, args, deny=False):
    px = Proxy(tmp, deny)
    try:
        return azkv(args, env=env), px.entries()
    finally:
        px.stop()


def t_proxy_connect(tmp):
    r, log = with_proxy(tmp, {"HTTPS_PROXY": "http://127.0.0.1:3128"},
                        ["get", "myvault/db-password", "myvault/quotes"])
    why = ok_shape(r, v("db-password") + v("quotes"))
    if why:
        return why
    if [(e["method"], e["target"]) for e in log] != [("CONNECT", "myvault.vault.azure.net:443")]:
        return "proxy saw %r" % [(e["method"], e["target"]) for e in log]
    if len(r.reqs("imds")) != 1:
        return "IMDS not reached directly"
    return None


def t_proxy_lowercase_and_flag(tmp):
    r, log = with_proxy(tmp, {}, ["get", "--proxy", "127.0.0.1:3128", "myvault/db-password"])
    return ok_shape(r, v("db-password")) or (None if len(log) == 1 else "proxy saw %d requests" % len(log))


def t_proxy_no_proxy(tmp):
    r, log = with_proxy(tmp, {"https_proxy": "http://127.0.0.1:3128", "NO_PROXY": "localhost,.vault.azure.net"},
                        ["get", "myvault/db-password"])
    return ok_shape(r, v("db-password")) or (None if not log else "NO_PROXY ignored: %r" % log)


def t_proxy_never_identity(tmp):
    r, log = with_proxy(tmp, {"HTTPS_PROXY": "http://127.0.0.1:3128", "HTTP_PROXY": "http://127.0.0.1:3128",
                              "http_proxy": "http://127.0.0.1:3128"},
                        ["token"])
    why = ok_shape(r)
    return why or (None if not log else "an identity request went to the proxy: %r" % log)


def t_proxy_no_x25519(tmp):
    """a vault without x25519 behind the proxy takes P-256 from the one
    ClientHello: one CONNECT tunnel, no second offer"""
    px = Proxy(tmp)
    try:
        r = azkv(["get", "myvault/db-password"], env={"HTTPS_PROXY": "http://127.0.0.1:3128"},
                 control={"vault_tls": "no-x25519"})
        log = px.entries()
    finally:
        px.stop()
    why = ok_shape(r, v("db-password"))
    if why:
        return why
    want = [("CONNECT", "myvault.vault.azure.net:443")]
    if [(e["method"], e["target"]) for e in log] != want:
        return "proxy saw %r, want one CONNECT" % [(e["method"], e["target"]) for e in log]
    return None


def t_proxy_denied(tmp):
    r, log = with_proxy(tmp, {"HTTPS_PROXY": "http://127.0.0.1:3128"}, ["get", "myvault/db-password"], deny=True)
    return failure_shape(r, 6, "403")


# ---- boot waits ------------------------------------------------------------

def later(seconds, control):
    t = threading.Timer(seconds, fx.set_control, args=(control,))
    t.start()
    return t


def t_wait_imds_comes_up(tmp):
    fx.set_control({"imds": "unavailable"})
    t = later(2.5, {})
    try:
        r = _run_keep(["get", "--wait", "30", "myvault/db-password"])
    finally:
        t.join()
    why = ok_shape(r, v("db-password"))
    if why:
        return why
    return None if r.elapsed >= 2 else "succeeded after %.1f s, before IMDS was up" % r.elapsed


def _run_keep(args, env=None):
    """azkv without resetting the control first (a case set it already)."""
    return H.run_azkv(args, env=env, control=H.KEEP, timeout=120, path="/usr/bin:/bin")


def t_wait_429_retry_after(tmp):
    r = azkv(["get", "myvault/db-password"],
             control={"imds": [{"fault": "status", "arg": 429, "headers": {"Retry-After": "2"}}, "ok"]})
    why = ok_shape(r, v("db-password"))
    if why:
        return why
    return None if r.elapsed >= 1.9 else "retried after %.1f s, before Retry-After: 2" % r.elapsed


def t_wait_vault_503(tmp):
    r = azkv(["get", "myvault/db-password"], control={"vault:db-password": ["503", "503", "ok"]})
    why = ok_shape(r, v("db-password"))
    if why:
        return why
    n = len([e for e in r.reqs("vault") if e["path"].startswith("/secrets/db-password")])
    return None if n == 3 else "want 3 vault requests, got %d" % n


def t_wait_deadline(tmp):
    r = azkv(["get", "--wait", "3", "--timeout", "1", "myvault/db-password"],
             control={"imds": "unavailable"})
    why = failure_shape(r, 6, "Connection refused")
    if why:
        return why
    return None if 2.5 <= r.elapsed < 10 else "gave up after %.1f s (wait 3 s)" % r.elapsed


def t_wait_bounds_the_run_imds_410(tmp):
    """--wait shorter than --timeout ends the run: IMDS 410 (retried every
    10 s) under --wait 4 gives up within 4 s, not after the 30 s --timeout"""
    r = azkv(["get", "--wait", "4", "myvault/db-password"], control={"imds": "410"})
    why = failure_shape(r, 3, "HTTP 410")
    if why:
        return why
    return None if 3 <= r.elapsed < 6 else "gave up after %.1f s (wait 4 s)" % r.elapsed


def t_wait_bounds_the_attempt(tmp):
    """an attempt ends at what is left of --wait when that is sooner than
    --timeout: a stalled IMDS under --wait 3 fails by 3 s with the deadline"""
    r = azkv(["get", "--wait", "3", "--timeout", "30", "myvault/db-password"],
             control={"imds": "stall"})
    why = failure_shape(r, 6)
    if why:
        return why
    return None if 2.5 <= r.elapsed < 5 else "gave up after %.1f s (wait 3 s)" % r.elapsed


def t_timeout_alone_bounds_the_run(tmp):
    """without --wait, --timeout is the whole run's deadline too"""
    r = azkv(["get", "--timeout", "3", "myvault/db-password"], control={"imds": "410"})
    why = failure_shape(r, 3, "HTTP 410")
    if why:
        return why
    return None if r.elapsed < 5 else "gave up after %.1f s (timeout 3 s)" % r.elapsed


def t_no_wait_fails_fast(tmp):
    r = azkv(["get", "--timeout", "20", "myvault/db-password"], control={"imds": "unavailable"})
    why = failure_shape(r, 6, "Connection refused")
    return why or (None if r.elapsed < 2 else "took %.1f s without --wait" % r.elapsed)


CASES = H.fn_cases(globals(), tmp="azkv-deliv.")


def main(argv):
    return H.main(__file__, CASES, argv, __doc__, setup=H.ensure_envdump)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
