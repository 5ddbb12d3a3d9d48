#!/usr/bin/env python3
"""examples.py: the early-boot and appliance kit in examples/, each run for
real against the fake Azure (private namespace, tests/netns.sh).

    tests/netns.sh -- python3 tests/e2e/examples.py [-l] [PATTERN...]

initramfs-tools keyscript and hook, the dracut module's key fetcher, the
systemd units' command lines and the FROM scratch Dockerfile (run as its
ENTRYPOINT in a chroot holding only what the image COPYs). LUKS checks use
Debian's cryptsetup on a plain image file (--test-passphrase: no device
mapper needed). Output: one line per case, then "N passed, N failed".
"""
import base64
import fnmatch
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as H  # noqa: E402
D = H  # v, ENVDUMP, read_dump: once delivery.py's, now the harness's
fx, ROOT, AZKV = H.fx, H.ROOT, H.AZKV
EX = os.path.join(ROOT, "examples")
KEYSCRIPT = os.path.join(EX, "initramfs-tools", "azkv-keyscript")
CRYPTKEYS = os.path.join(EX, "dracut", "90azkv", "azkv-cryptkeys")


SHIM = []  # the recording stand-in for azkv the scripts run (harness.azkv_shim)


def env(**kw):
    e = {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
         "SSL_CERT_FILE": os.environ["AZKV_TEST_CA"], "AZKV": SHIM[0] if SHIM else AZKV}
    e.update(kw)
    return e


def run(argv, environ, stdin=None, timeout=120):
    """A script that runs azkv (harness.run_cmd: the secrets and wire
    invariants apply; .returncode, .stdout and .stderr as subprocess's)."""
    p = H.run_cmd(argv, env=environ, stdin=stdin, timeout=timeout)
    if SHIM:
        H.shim_runs(SHIM[0])
    return p


def run_unit(cmd):
    """A unit's azkv command line, as harness.run_azkv (all invariants)."""
    return H.run_azkv(cmd[1:], 0, env=env(), cacert=False, timeout=120)


def luks(tmp, key):
    """A small LUKS2 image whose only key is key (fast PBKDF for tests)."""
    img = os.path.join(tmp, "disk.img")
    with open(img, "wb") as f:
        f.truncate(20 << 20)
    p = subprocess.run(["cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2",
                        "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000",
                        "--key-file=-", img], input=key, capture_output=True)
    if p.returncode != 0:
        raise RuntimeError("luksFormat: %r" % p.stderr)
    return img


def opens(img, key):
    p = subprocess.run(["cryptsetup", "open", "--test-passphrase", "--key-file=-", img],
                       input=key, capture_output=True)
    return p.returncode == 0


def conf(tmp, text):
    path = os.path.join(tmp, "conf")
    with open(path, "w") as f:
        f.write(text)
    return path


# ---- initramfs-tools -------------------------------------------------------

def t_keyscript_prints_key(tmp):
    p = run([KEYSCRIPT], env(CRYPTTAB_KEY="myvault/luks-key", CRYPTTAB_NAME="cryptroot",
                             AZKV_KEYSCRIPT_CONF=os.path.join(tmp, "none")))
    if p.returncode != 0:
        return "exit %d: %r" % (p.returncode, p.stderr[:200])
    want = D.v("luks-key")
    return None if p.stdout == want else "printed %r, want %r (no newline)" % (p.stdout, want)


def t_keyscript_opens_luks(tmp):
    key = D.v("luks-key")
    img = luks(tmp, key)
    if opens(img, key + b"\n"):
        return "control failed: a key with a trailing newline opened the image"
    p = run([KEYSCRIPT], env(CRYPTTAB_KEY="myvault/luks-key", AZKV_KEYSCRIPT_CONF="/nonexistent"))
    if p.returncode != 0:
        return "keyscript exit %d: %r" % (p.returncode, p.stderr[:200])
    return None if opens(img, p.stdout) else "cryptsetup refused the keyscript's output"


def t_keyscript_binary_key(tmp):
    key = base64.b64decode(D.v("luks-key-b64"))
    img = luks(tmp, key)
    c = conf(tmp, 'AZKV_OPTS="--decode base64"\nAZKV_WAIT=60\n')
    p = run([KEYSCRIPT], env(CRYPTTAB_KEY="myvault/luks-key-b64", AZKV_KEYSCRIPT_CONF=c))
    if p.returncode != 0 or p.stdout != key:
        return "exit %d, %d bytes (want %d): %r" % (p.returncode, len(p.stdout), len(key), p.stderr[:200])
    return None if opens(img, p.stdout) else "cryptsetup refused the binary key"


def t_keyscript_no_reference(tmp):
    p = run([KEYSCRIPT], env(CRYPTTAB_KEY="none", CRYPTTAB_NAME="cryptroot",
                             AZKV_KEYSCRIPT_CONF="/nonexistent"))
    if p.returncode == 0 or p.stdout:
        return "exit %d, stdout %r" % (p.returncode, p.stdout)
    return None if b"cryptroot" in p.stderr else "message lacks the volume: %r" % p.stderr


def t_keyscript_failure_exit_code(tmp):
    p = run([KEYSCRIPT], env(CRYPTTAB_KEY="myvault/no-such-secret", AZKV_KEYSCRIPT_CONF="/nonexistent"))
    return None if p.returncode == 5 and not p.stdout else "exit %d, stdout %r" % (p.returncode, p.stdout)


def t_initramfs_hook(tmp):
    log = os.path.join(tmp, "calls")
    stub = conf(tmp, 'copy_exec() { echo "copy_exec $*" >> %s; }\n'
                     'copy_file() { echo "copy_file $*" >> %s; }\n' % (log, log))
    hook = os.path.join(EX, "initramfs-tools", "hooks", "azkv")
    p = run(["sh", hook, "prereqs"], env())
    if p.stdout.strip() != b"cryptroot":
        return "prereqs printed %r" % p.stdout
    p = run(["sh", hook], env(HOOK_FUNCTIONS=stub, AZKV_BIN=AZKV, AZKV_KEYSCRIPT=KEYSCRIPT))
    if p.returncode != 0:
        return "exit %d: %r" % (p.returncode, p.stderr)
    calls = open(log).read().splitlines()
    want = ["copy_exec %s /usr/local/bin/azkv" % AZKV,
            "copy_exec %s /usr/local/sbin/azkv-keyscript" % KEYSCRIPT]
    return None if calls[:2] == want else "hook calls %r" % calls


# ---- dracut ----------------------------------------------------------------

def t_dracut_cryptkeys(tmp):
    keydir = os.path.join(tmp, "keys")
    c = conf(tmp, "# volume reference [options]\n\ncryptroot myvault/luks-key\n"
                  "cryptdata myvault/luks-key-b64 --decode base64\n")
    p = run(["sh", CRYPTKEYS], env(AZKV_CRYPTKEYS_CONF=c, AZKV_KEYDIR=keydir, AZKV_WAIT="30"))
    if p.returncode != 0:
        return "exit %d: %r" % (p.returncode, p.stderr[:200])
    if sorted(os.listdir(keydir)) != ["cryptdata.key", "cryptroot.key"]:
        return "key folder holds %r" % sorted(os.listdir(keydir))
    root = open(os.path.join(keydir, "cryptroot.key"), "rb").read()
    data = open(os.path.join(keydir, "cryptdata.key"), "rb").read()
    if root != D.v("luks-key") or data != base64.b64decode(D.v("luks-key-b64")):
        return "key contents differ"
    modes = {stat.S_IMODE(os.stat(os.path.join(keydir, n)).st_mode) for n in os.listdir(keydir)}
    if modes != {0o400}:
        return "modes %r" % modes
    img = luks(tmp, root)
    return None if opens(img, root) else "cryptsetup refused cryptroot.key"


def t_dracut_cryptkeys_stops_on_failure(tmp):
    keydir = os.path.join(tmp, "keys")
    c = conf(tmp, "gone myvault/no-such-secret\ncryptroot myvault/luks-key\n")
    p = run(["sh", CRYPTKEYS], env(AZKV_CRYPTKEYS_CONF=c, AZKV_KEYDIR=keydir, AZKV_WAIT="5"))
    if p.returncode != 5:
        return "exit %d, want azkv's 5" % p.returncode
    return None if os.listdir(keydir) == [] else "keys written after a failure: %r" % os.listdir(keydir)


def t_dracut_module_setup(tmp):
    log = os.path.join(tmp, "calls")
    script = ('require_binaries() { command -v "$1" >/dev/null; }\n'
              'inst_simple() { echo "inst_simple $*" >> %s; }\n'
              'SYSTEMCTL="echo systemctl"; initdir=/x; moddir=/m; systemdsystemunitdir=/u\n'
              '. %s\ncheck; echo "check=$?"; depends; install >> %s\n'
              % (log, os.path.join(EX, "dracut", "90azkv", "module-setup.sh"), log))
    p = run(["bash", "-c", script], env(PATH=os.path.dirname(AZKV) + ":/usr/bin:/bin"))
    out = p.stdout.decode()
    if "check=255" not in out or "network" not in out:
        return "check/depends said %r %r" % (out, p.stderr)
    calls = open(log).read()
    for want in ("inst_simple %s /usr/bin/azkv" % AZKV, "/m/azkv-cryptkeys.service",
                 "add-wants cryptsetup-pre.target azkv-cryptkeys.service"):
        if want not in calls:
            return "install() lacks %r: %r" % (want, calls)
    return None


# ---- systemd ---------------------------------------------------------------

def unit_commands(name, key):
    text = open(os.path.join(EX, "systemd", name)).read()
    return [shlex.split(m) for m in re.findall(r"^%s=(.*)$" % key, text, re.M)]


def t_systemd_secrets_unit(tmp):
    (cmd,) = unit_commands("azkv-secrets.service", "ExecStart")
    cmd = [AZKV if c == "/usr/local/bin/azkv" else c.replace("/run/azkv", tmp) for c in cmd]
    if cmd[0] != AZKV:
        return "ExecStart does not run azkv: %r" % cmd
    p = run_unit(cmd)
    if p.returncode != 0:
        return "exit %d: %r" % (p.returncode, p.stderr[:200])
    got = {n: open(os.path.join(tmp, n), "rb").read() for n in os.listdir(tmp)}
    want = {"db-password": D.v("db-password"), "api-key": D.v("api-key")}
    if got != want:
        return "files %r" % sorted(got)
    # the LoadCredential= lines of the consumer name exactly these files
    creds = re.findall(r"^LoadCredential=([^:]+):(.*)$",
                       open(os.path.join(EX, "systemd", "myapp.service")).read(), re.M)
    return None if sorted(os.path.basename(p) for _, p in creds) == sorted(want) else \
        "LoadCredential paths %r" % creds


def t_systemd_execstartpre(tmp):
    (cmd,) = unit_commands("myapp-execstartpre.service", "ExecStartPre")
    cmd = [AZKV if c == "/usr/local/bin/azkv" else c.replace("/run/myapp", tmp) for c in cmd]
    if cmd[0] != AZKV:
        return "ExecStartPre does not run azkv: %r" % cmd
    p = run_unit(cmd)
    if p.returncode != 0:
        return "exit %d: %r" % (p.returncode, p.stderr[:200])
    f = os.path.join(tmp, "db-password")
    return None if open(f, "rb").read() == D.v("db-password") else "content differs"


# ---- FROM scratch ----------------------------------------------------------

def t_scratch_dockerfile(tmp):
    """Build the image's root from the Dockerfile's COPY lines (azkv, and
    envdump as the app), set its ENV, run its ENTRYPOINT in a chroot. The
    runtime's own /etc/hosts is the only file added, as Docker adds it."""
    text = open(os.path.join(EX, "scratch", "Dockerfile")).read()
    if not re.search(r"^FROM scratch$", text, re.M):
        return "not FROM scratch"
    root = os.path.join(tmp, "root")
    os.mkdir(root)
    srcs = {"azkv": AZKV, "app": D.ENVDUMP}
    for src, dst in re.findall(r"^COPY (\S+) (\S+)$", text, re.M):
        shutil.copy(srcs[src], os.path.join(root, dst.lstrip("/")))
    os.mkdir(os.path.join(root, "etc"))
    shutil.copy("/etc/hosts", os.path.join(root, "etc", "hosts"))
    shutil.copy(os.environ["AZKV_TEST_CA"], os.path.join(root, "ca.pem"))
    environ = {"SSL_CERT_FILE": "/ca.pem"}
    for k, v in re.findall(r'^ENV (\w+)="(.*)"$', text, re.M):
        environ[k] = v
    entry = json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", text, re.M).group(1))
    p = H.run_azkv(entry[1:], 0, env=environ, cacert=False, timeout=60, path=None,
                   prefix=[shutil.which("chroot"), root], exe=entry[0])
    if p.returncode != 0:
        return "exit %d: %r" % (p.returncode, p.stderr[:300])
    d = D.read_dump(os.path.join(root, "dump"))
    if d["env"].get("DB_PASSWORD") != D.v("db-password") or d["env"].get("API_KEY") != D.v("api-key"):
        return "the app saw %r" % {k: d["env"].get(k) for k in ("DB_PASSWORD", "API_KEY")}
    return None if d["argv"] in (None, [b"/app"]) else "app argv %r" % d["argv"]


CASES = H.fn_cases(globals(), tmp="azkv-examples.")


def setup():
    d = tempfile.mkdtemp(prefix="azkv-examples-shim.")
    SHIM.append(H.azkv_shim(os.path.join(d, "azkv")))
    return H.ensure_envdump()


def teardown():
    for p in SHIM:
        shutil.rmtree(os.path.dirname(p), ignore_errors=True)


def main(argv):
    return H.main(__file__, CASES, argv, __doc__, setup=setup, teardown=teardown)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
