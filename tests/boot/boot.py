#!/usr/bin/env python3
"""Boot a Debian kernel under qemu with an initramfs whose init reads a LUKS key
from the fake Azure with the example keyscript, then a second time to unlock a
LUKS2 disk bound with the azkv clevis pin, then a third time to unlock one from
an initramfs made by Debian's dracut (make test-boot, tests/boot/run.sh).

    boot.py prepare DEB DIR   extract a linux-image .deb into the kernel cache DIR:
                              vmlinuz, config, and each NIC driver's and the virtio
                              disk driver's modules with their dependencies
                              (modules.dep made by busybox depmod)
    boot.py run DIR           inside tests/netns.sh only: build the initramfs, boot
                              it, check the key and the fake's log

run, step by step:
  1. refuse unless inside netns.sh with the fake up and only lo in this network
     namespace: qemu's user-mode network (slirp) turns the guest's TCP into
     connections made by the qemu process here, so they can reach only the fake
     (IMDS on 169.254.169.254:80, the vault on 127.0.0.1:443 = the guest's 10.0.2.2)
  2. initramfs (cpio newc, gzip) in build/boot/run/: busybox-static, bin/azkv as
     /usr/local/bin/azkv, examples/initramfs-tools/azkv-keyscript as
     /usr/local/sbin/azkv-keyscript, /etc/azkv/keyscript.conf (-v, --wait 60),
     the test CA as /ca.pem, /etc/hosts (myvault.vault.azure.net -> 10.0.2.2),
     the NIC modules, tests/boot/init as /init
  3. qemu-system-x86_64 (TCG unless BOOT_ACCEL, -nographic, -no-reboot, console on
     ttyS0 captured to build/boot/run/console.log) until the init's RESULT line,
     BOOT_TIMEOUT seconds at most (120); then qemu is killed if still running
  4. checks, each "ok - NAME" or "not ok - NAME: why", then "boot: N passed, N failed"
  5. the clevis boot (build/boot/run/clevis/): on the host, a LUKS2 image with a
     passphrase in slot 0 is bound by `clevis luks bind -s 1 ... azkv` (Debian's
     clevis, the pin beside azkv); the initramfs adds bash, jose, cryptsetup,
     clevis, clevis-decrypt, clevis-luks-common-functions and clevis-luks-list
     with the libraries ldd names (as Debian's clevis hook copies them), and
     whatever clevis/initramfs-tools/hooks/azkv-clevis copies (the hook itself
     runs, with a copy_exec that copies); the image is the guest's virtio disk
     /dev/vda. The network comes from clevis/initramfs-tools/scripts/local-top/
     azkv-clevis with initramfs-tools' scripts/functions and klibc's ipconfig
     (build/boot/itools/, fetched by run.sh), and the guest's /etc/hosts does
     not name the vault: azkv asks the DNS server the lease gave (qemu's
     10.0.2.3, forwarding to tests/fake/dns.py on the namespace's 127.0.0.1:53,
     which answers 10.0.2.2). Debian's clevis local-top (clevis-initramfs)
     unlocks the disk: its loop finds tests/boot/askpass standing in for
     cryptroot's prompt and writes the passphrase into its FIFO; checks: the
     passphrase byte-exact (sha256 against the host's clevis luks pass), the
     guest's cryptsetup --test-passphrase accepts it for slot 1, resolv.conf
     names 10.0.2.3 and the fake DNS was asked for the vault, and the fake saw
     the unwrap of the recorded versioned key id

  6. the dracut boot (build/boot/run/dracut/): another LUKS2 image bound the
     same way; in the chroot tests/boot/run.sh made (Debian's dracut 059,
     dracut-network, clevis-dracut), what an admin does: azkv and the pins
     in /usr/local/bin (make install), clevis/dracut/60clevis-pin-azkv and
     the probe module tests/boot/dracut/99azkv-boot in modules.d, the
     kernel's modules (kernel-*/tree) in /lib/modules; then dracut
     --no-hostonly --add "network-manager clevis-pin-azkv azkv-boot" and
     lsinitrd. The guest boots it with rd.luks.uuid=, root= on the volume and
     ip=dhcp (rd.neednet=1 comes from the pin's module): systemd in the
     initramfs, NetworkManager (dracut's network-manager module, as RHEL 9
     has it) brings up the network and resolv.conf before dracut's
     initqueue, systemd-cryptsetup asks for the passphrase and clevis's
     askpass answers through the azkv pin; the probe waits for the opened
     volume, prints its first 4 KiB's sha256 (the host computes it from the
     volume key) and powers off. Checks: the image, the unlock, DNS and
     rd.neednet, the unwrap in the fake's log, the clock, the power off

The guest clock is set to 1970 on every run, and the fake vault presents
fresh.pem (tests/fake/mkcerts.sh): a certificate valid from the moment the
test PKI was made, so after azkv's build time (build/gen/buildinfo.h; the
run fails if not). azkv must then check only that it had not expired at its
build time and ignore its notBefore, and say so under -v. BOOT_CLOCK=rtc
keeps the RTC's time instead (by hand only: that check is then skipped).

Environment: BOOT_NIC (virtio, the default: virtio-net-pci; or e1000), BOOT_TIMEOUT, BOOT_ACCEL
(tcg, default; kvm where /dev/kvm works), AZKV (default bin/azkv), BOOT_ONLY (some of
"keyscript clevis dracut": the boots to run, all by default), BOOT_DRACUT_APPEND (more kernel
arguments for the dracut boot, e.g. rd.debug).
"""
import base64
import gzip
import hashlib
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "fake"))

# NIC name -> (qemu device, top modules in load order)
NICS = {
    "e1000": ("e1000", ["e1000"]),
    "virtio": ("virtio-net-pci", ["virtio_pci", "virtio_net"]),
}
# The clevis boot's LUKS volume: a virtio disk (/dev/vda).
DISK = ("virtio-blk-pci", ["virtio_pci", "virtio_blk"])
# The dracut boot's kernel modules beyond the NIC and disk: dm-crypt, the
# LUKS2 default cipher (aes-xts-plain64; AES itself is built in) and the
# kernel crypto API cryptsetup opens keyslots with.
DRACUT_MODULES = ["dm-crypt", "xts", "ecb", "algif_skcipher", "algif_hash"]
BUSYBOX = "/bin/busybox"
SECRET = "luks-key"
VAULT = "myvault.vault.azure.net"
MARKER = re.compile(rb"AZKV-BOOT-RESULT ([^\r\n]*)\r?\n")


# ---- prepare ---------------------------------------------------------------

def load_order(deps, name, out):
    """Append name's modules.dep closure to out, dependencies first."""
    for d in deps[name]:
        load_order(deps, d, out)
    if name not in out:
        out.append(name)


def prepare(deb, outdir):
    tmp = outdir + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    x = os.path.join(tmp, "x")
    os.makedirs(x)
    subprocess.run(["dpkg-deb", "-x", deb, x], check=True)
    (ver,) = os.listdir(os.path.join(x, "lib", "modules"))
    subprocess.run([BUSYBOX, "depmod", "-b", x, ver], check=True)
    mdir = os.path.join(x, "lib", "modules", ver)
    deps, path = {}, {}
    with open(os.path.join(mdir, "modules.dep")) as f:
        for line in f:
            if ":" not in line:
                continue
            mod, rest = line.split(":", 1)
            name = os.path.basename(mod)[:-len(".ko")]
            path[name] = mod
            deps[name] = [os.path.basename(d)[:-len(".ko")] for d in rest.split()]
    os.makedirs(os.path.join(tmp, "modules"))
    nics = {}
    for nic, (_, tops) in NICS.items():
        order = []
        for t in tops:
            load_order(deps, t, order)
        for m in order:
            shutil.copy(os.path.join(mdir, path[m]), os.path.join(tmp, "modules", m + ".ko"))
        nics[nic] = [m + ".ko" for m in order]
    order = []
    for t in DISK[1]:
        load_order(deps, t, order)
    for m in order:
        shutil.copy(os.path.join(mdir, path[m]), os.path.join(tmp, "modules", m + ".ko"))
    disk = [m + ".ko" for m in order]
    # the dracut boot's module tree: dracut installs from a /lib/modules/VER
    # of its own (the chroot's), so these keep their paths, with the lists
    # depmod and dracut read
    order = []
    for t in NICS["virtio"][1] + DISK[1] + DRACUT_MODULES:
        load_order(deps, t, order)
    tree = os.path.join(tmp, "tree", ver)
    for m in order:
        os.makedirs(os.path.dirname(os.path.join(tree, path[m])), exist_ok=True)
        shutil.copy(os.path.join(mdir, path[m]), os.path.join(tree, path[m]))
    for f in ("modules.order", "modules.builtin", "modules.builtin.modinfo"):
        shutil.copy(os.path.join(mdir, f), os.path.join(tree, f))
    shutil.copy(os.path.join(x, "boot", "vmlinuz-" + ver), os.path.join(tmp, "vmlinuz"))
    shutil.copy(os.path.join(x, "boot", "config-" + ver), os.path.join(tmp, "config"))
    with open(os.path.join(tmp, "kernel.json"), "w") as f:
        json.dump({"version": ver, "deb": os.path.basename(deb), "nics": nics, "disk": disk,
                   "dracut": order},
                  f, indent=1)
    shutil.rmtree(x)
    shutil.rmtree(outdir, ignore_errors=True)
    os.rename(tmp, outdir)
    print("kernel %s: %s" % (ver, ", ".join("%s: %s" % kv for kv in
                                            sorted((k, " ".join(v)) for k, v in nics.items()))))


# ---- run -------------------------------------------------------------------

def isolated():
    with open("/proc/net/dev") as f:
        ifaces = [l.split(":")[0].strip() for l in f.readlines()[2:]]
    return ifaces == ["lo"]


def build_time():
    try:
        with open(os.path.join(ROOT, "build", "gen", "buildinfo.h")) as f:
            m = re.search(r"AZKV_BUILD_TIME (\d+)", f.read())
        if m:
            return int(m.group(1))
    except OSError:
        pass
    return None


def cert_not_before(pem):
    out = subprocess.run(["openssl", "x509", "-noout", "-startdate", "-in", pem],
                         capture_output=True, text=True, check=True).stdout
    return ssl.cert_time_to_seconds(out.strip().split("=", 1)[1])


def cpio_newc(root, out):
    """gzip'd newc archive of root, every entry owned by root (busybox cpio)."""
    names = []
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for n in sorted(dirs + files):
            names.append(os.path.relpath(os.path.join(d, n), root))
    p = subprocess.run([BUSYBOX, "cpio", "-o", "-H", "newc", "-R", "0:0"], cwd=root,
                       input=("\n".join(names) + "\n").encode(), capture_output=True)
    if p.returncode != 0:
        raise RuntimeError("cpio: %s" % p.stderr.decode(errors="replace"))
    with gzip.open(out, "wb", compresslevel=6) as f:
        f.write(p.stdout)


def put(root, rel, src=None, data=None, mode=0o644):
    dst = os.path.join(root, rel.lstrip("/"))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if os.path.islink(dst):
        os.unlink(dst)  # a busybox applet the real program replaces
    if src is not None:
        shutil.copyfile(src, dst)
    else:
        with open(dst, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
    os.chmod(dst, mode)


def build_initramfs(kdir, kinfo, nic, clock, work, azkv, test="keyscript", extra=None):
    """The initramfs of one boot; extra(root) adds what TEST needs and
    returns more test.conf lines."""
    root = os.path.join(work, "root")
    shutil.rmtree(root, ignore_errors=True)
    for d in ("bin", "sbin", "usr/bin", "usr/sbin", "proc", "sys", "dev", "tmp", "etc", "lib/modules"):
        os.makedirs(os.path.join(root, d))
    put(root, "bin/busybox", BUSYBOX, mode=0o755)
    applets = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True,
                             check=True).stdout.split()
    for a in applets:
        if a != "busybox":
            os.symlink("busybox", os.path.join(root, "bin", a))
    os.mknod(os.path.join(root, "dev", "console"), 0o600 | 0o020000, os.makedev(5, 1))
    put(root, "init", os.path.join(HERE, "init"), mode=0o755)
    put(root, "etc/udhcpc.script", os.path.join(HERE, "udhcpc.script"), mode=0o755)
    put(root, "usr/local/bin/azkv", azkv, mode=0o755)
    put(root, "usr/local/sbin/azkv-keyscript",
        os.path.join(ROOT, "examples", "initramfs-tools", "azkv-keyscript"), mode=0o755)
    put(root, "etc/azkv/keyscript.conf", data='AZKV_OPTS="-v"\nAZKV_WAIT=60\n')
    put(root, "ca.pem", os.environ["AZKV_TEST_CA"])
    # 10.0.2.2 is slirp's address for the host's loopback: here the
    # namespace's 127.0.0.1, where the fake vault listens on 443.
    put(root, "etc/hosts", data="127.0.0.1 localhost\n10.0.2.2 %s\n" % VAULT)
    mods = kinfo["nics"][nic]
    for m in mods:
        put(root, "lib/modules/" + m, os.path.join(kdir, "modules", m))
    conf = "CLOCK=%s\nMODULES='%s'\nTEST=%s\n" % (clock, " ".join(mods), test)
    if extra:
        conf += extra(root)
    put(root, "test.conf", data=conf)
    out = os.path.join(work, "initrd.gz")
    cpio_newc(root, out)
    return out


def boot(kdir, initrd, nic, work, timeout, accel, disk=None, append="rdinit=/init", mem="256M"):
    """Run qemu until the RESULT line (or timeout); returns (fields, console, times).
    disk: a raw image file, the guest's /dev/vda; append: the kernel command
    line after console and panic."""
    console = os.path.join(work, "console.log")
    cmd = ["qemu-system-x86_64", "-accel", accel, "-cpu", "max", "-m", mem, "-smp", "1",
           "-nodefaults", "-nographic", "-no-reboot", "-serial", "stdio", "-monitor", "none",
           "-kernel", os.path.join(kdir, "vmlinuz"), "-initrd", initrd,
           "-append", "console=ttyS0 panic=-1 " + append,
           "-netdev", "user,id=n0", "-device", NICS[nic][0] + ",netdev=n0"]
    if disk:
        cmd += ["-drive", "file=%s,if=none,id=d0,format=raw" % disk, "-device", DISK[0] + ",drive=d0"]
    with open(os.path.join(work, "qemu.cmd"), "w") as f:
        f.write(" ".join(cmd) + "\n")
    t0 = time.monotonic()
    with open(console, "wb") as out, open(os.path.join(work, "qemu.err"), "wb") as err:
        q = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    fields, t_marker = None, None
    try:
        while time.monotonic() - t0 < timeout:
            with open(console, "rb") as f:
                m = MARKER.search(f.read())
            if m:
                t_marker = time.monotonic() - t0
                fields = dict(kv.split("=", 1) for kv in m.group(1).decode().split() if "=" in kv)
                break
            if q.poll() is not None:
                break
            time.sleep(0.2)
        try:
            q.wait(timeout=10 if fields else 0.1)
        except subprocess.TimeoutExpired:
            pass
    finally:
        if q.poll() is None:
            q.kill()
            q.wait()
    t_end = time.monotonic() - t0
    with open(console, "rb") as f:
        text = f.read().decode("utf-8", "replace").replace("\r", "")
    with open(os.path.join(work, "qemu.err"), "rb") as f:
        qerr = f.read().decode("utf-8", "replace")
    return fields, text, qerr, q.returncode, t_marker, t_end


class Report:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def ok(self, name, note=""):
        print("ok - %s%s" % (name, ": " + note if note else ""))
        self.passed += 1

    def notok(self, name, why):
        print("not ok - %s: %s" % (name, why))
        self.failed += 1

    def skip(self, name, why):
        print("skip - %s: %s" % (name, why))
        self.skipped += 1

    def check(self, name, why, note=""):
        if why:
            self.notok(name, why)
        else:
            self.ok(name, note)

    def finish(self):
        tail = ", %d skipped" % self.skipped if self.skipped else ""
        print("boot: %d passed, %d failed%s" % (self.passed, self.failed, tail))
        return 1 if self.failed else 0


def check_log(entries):
    """The guest's requests as the fake saw them: IMDS on its real address
    with Metadata: true, then the vault over TLS for the secret."""
    import fixtures as fx
    imds = fx.requests(entries, "imds")
    vault = fx.requests(entries, "vault")
    if not imds:
        return "no IMDS request in the fake's log", None
    r = imds[0]
    if not r["laddr"].startswith("169.254.169.254:80"):
        return "IMDS request arrived on %s, not 169.254.169.254:80" % r["laddr"], None
    h = r.get("headers", {})
    if h.get("metadata") != "true":
        return "IMDS request without Metadata: true (headers %s)" % sorted(h), None
    if r["path"] != "/metadata/identity/oauth2/token" or r["status"] != 200:
        return "IMDS request %s %s -> %s" % (r["method"], r["path"], r["status"]), None
    got = [v for v in vault if v["path"] == "/secrets/" + SECRET and v["status"] == 200]
    if not got:
        return "no 200 vault GET /secrets/%s (vault requests: %s)" % (
            SECRET, [(v["path"], v["status"]) for v in vault]), None
    sni = (got[0].get("tls") or {}).get("sni")
    if sni != VAULT:
        return "vault TLS SNI %r, want %r" % (sni, VAULT), None
    return None, "IMDS %s from %s, Metadata: true; vault GET %s, SNI %s" % (
        r["laddr"], r["raddr"], got[0]["path"], sni)


def run(kdir):
    import fixtures as fx
    rep = Report()
    if not (os.environ.get("AZKV_NETNS") == "1" and os.environ.get("AZKV_FAKE_UP") == "1"
            and isolated()):
        rep.notok("isolation", "refusing to start qemu outside tests/netns.sh "
                  "(private network namespace with only lo and the fake up)")
        return rep.finish()
    nic = os.environ.get("BOOT_NIC", "virtio")
    timeout = float(os.environ.get("BOOT_TIMEOUT", "120"))
    accel = os.environ.get("BOOT_ACCEL", "tcg")
    azkv = os.environ.get("AZKV", os.path.join(ROOT, "bin", "azkv"))
    with open(os.path.join(kdir, "kernel.json")) as f:
        kinfo = json.load(f)
    if nic not in NICS:
        rep.notok("nic", "BOOT_NIC=%s: want one of %s" % (nic, " ".join(NICS)))
        return rep.finish()

    bt = build_time()
    nb = cert_not_before(os.path.join(os.environ["FAKE_CERTDIR"], "fresh.pem"))
    clock = os.environ.get("BOOT_CLOCK") or "1970"
    if clock == "1970" and (bt is None or nb <= bt):
        rep.notok("boot-clock-1970", "the fresh vault certificate's notBefore %d is not after "
                  "azkv's build time %s: nothing would show the 1970 clock rule" % (nb, bt))
        return rep.finish()

    work = os.path.join(ROOT, "build", "boot", "run")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    only = os.environ.get("BOOT_ONLY", "keyscript clevis dracut").split()
    if "keyscript" in only:
        keyscript_boot(rep, kdir, kinfo, nic, clock, timeout, accel, azkv, work, bt, nb)
    if "clevis" in only:
        clevis_boot(rep, kdir, kinfo, nic, clock, timeout, accel, azkv)
    if "dracut" in only:
        dracut_boot(rep, kdir, kinfo, accel, azkv)
    return rep.finish()


def keyscript_boot(rep, kdir, kinfo, nic, clock, timeout, accel, azkv, work, bt, nb):
    import fixtures as fx
    t = time.monotonic()
    initrd = build_initramfs(kdir, kinfo, nic, clock, work, azkv)
    t_initrd = time.monotonic() - t
    print("# kernel %s (%s), NIC %s (%s), accel %s, initramfs %d KiB in %.1f s, clock %s" % (
        kinfo["version"], kinfo["deb"], nic, " ".join(kinfo["nics"][nic]), accel,
        os.path.getsize(initrd) // 1024, t_initrd, clock))

    fx.set_control({"vault_cert": "fresh"})
    off = fx.log_offset()
    fields, text, qerr, qrc, t_marker, t_end = boot(kdir, initrd, nic, work, timeout, accel)
    fx.set_control({})
    for line in text.splitlines():
        if line.startswith(("azkv-boot:", "azkv:")):
            print("#   " + line)
    if t_marker is None:
        why = "no RESULT line within %.0f s (qemu exit %s)" % (timeout, qrc)
        rep.notok("boot-keyscript", why)
        print("# console (build/boot/run/console.log), last lines:")
        for line in text.splitlines()[-25:]:
            print("#   " + line)
        if qerr.strip():
            print("# qemu stderr: " + qerr.strip()[-600:])
        return
    print("# RESULT after %.1f s (guest uptime %s s); qemu exited %s after %.1f s" % (
        t_marker, fields.get("uptime", "?"), qrc, t_end))

    want = fx.expected(SECRET)
    rc, got_sum, n = fields.get("rc"), fields.get("sha256"), fields.get("bytes")
    why = None
    if rc != "0":
        why = "keyscript exit %s (%s)" % (rc, fields.get("why", "see console.log"))
    elif got_sum != hashlib.sha256(want).hexdigest() or n != str(len(want)):
        why = "key %s bytes sha256 %s, want %d bytes %s" % (
            n, got_sum, len(want), hashlib.sha256(want).hexdigest())
    rep.check("boot-keyscript", why, "%s bytes, sha256 %s, byte-exact" % (n, got_sum))

    why, note = check_log(fx.read_log(off))
    rep.check("boot-imds-metadata", why, note)

    if clock == "1970":
        m = re.search(r"clock reads (\d+), before this build \((\d+)\): checking only that "
                      r"certificates had not expired at build time", text)
        later = re.search(r"certificate 1: valid from (\S+), after this build; its start is "
                          r"not checked \(clock unknown\)", text)
        c = int(fields.get("clock", "-1"))
        if not 0 <= c < 31536000:
            why = "guest clock read %s before azkv ran, not 1970" % c
        elif not m:
            why = "azkv -v did not say it checked certificates against its build time"
        elif not later:
            why = "azkv -v did not say it ignored the vault certificate's notBefore"
        else:
            why = None
        rep.check("boot-clock-1970", why, "guest clock %d; the vault certificate, valid from "
                  "%s (%d s after azkv's build time %s), accepted on notAfter alone" % (
                      c, later.group(1) if later else "?", nb - bt, m.group(2) if m else "?"))
    else:
        rep.skip("boot-clock-1970", "BOOT_CLOCK=%s: the guest kept the RTC's time" % clock)

    poweroff = qrc == 0 and t_end - t_marker < 10
    rep.check("boot-poweroff", None if poweroff else
              "qemu did not exit by itself after the RESULT line (exit %s)" % qrc)


# ---- second boot: a LUKS2 volume bound with the azkv clevis pin ------------

CLEVIS_KEY = "https://%s/keys/rsa2048" % VAULT
CLEVIS_SLOT = 1
# What Debian's clevis hook puts in an initramfs, as far as unlocking a LUKS2
# token needs it (luksmeta, curl and the other pins are for LUKS1 and tang).
CLEVIS_PROGS = ["bash", "jose", "cryptsetup", "clevis", "clevis-decrypt",
                "clevis-luks-common-functions", "clevis-luks-list"]


def copy_exec(root, src):
    """src and each shared library ldd names for it, at their own paths, as
    initramfs-tools' copy_exec does (busybox applets they replace removed)."""
    put(root, src, src, mode=0o755)
    p = subprocess.run(["ldd", src], capture_output=True, text=True)
    for lib in re.findall(r"(/\S+) \(0x", p.stdout) if p.returncode == 0 else []:
        if not os.path.exists(os.path.join(root, lib.lstrip("/"))):
            put(root, lib, lib, mode=0o755)


def pin_bin(work, azkv):
    """A folder holding azkv and the pins side by side, as make install does."""
    b = os.path.join(work, "bin")
    os.makedirs(b)
    shutil.copy(azkv, os.path.join(b, "azkv"))
    for pin in ("clevis-encrypt-azkv", "clevis-decrypt-azkv"):
        shutil.copy(os.path.join(ROOT, "clevis", pin), os.path.join(b, pin))
    return b


def host_env(bindir):
    return {"PATH": bindir + ":/usr/sbin:/usr/bin:/sbin:/bin",
            "SSL_CERT_FILE": os.environ["AZKV_TEST_CA"], "TMPDIR": os.path.dirname(bindir)}


def clevis_volume(work, bindir):
    """A LUKS2 image (slot 0: a passphrase) bound with `clevis luks bind` to
    the azkv pin in CLEVIS_SLOT; returns (image, the slot's passphrase as
    clevis luks pass gives it on the host)."""
    img = os.path.join(work, "vda.img")
    with open(img, "wb") as f:
        f.truncate(32 << 20)
    e = host_env(bindir)
    subprocess.run(["cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2", "--pbkdf",
                    "pbkdf2", "--pbkdf-force-iterations", "1000", "--sector-size", "512",
                    "--key-file=-", img],
                   input=b"boot test passphrase", env=e, check=True, capture_output=True)
    p = subprocess.run(["clevis", "luks", "bind", "-y", "-k", "-", "-s", str(CLEVIS_SLOT), "-d", img,
                        "azkv", json.dumps({"key": CLEVIS_KEY})],
                       input=b"boot test passphrase", env=e, capture_output=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("clevis luks bind: exit %d: %s" % (p.returncode, p.stderr.decode()[-300:]))
    p = subprocess.run(["clevis", "luks", "pass", "-d", img, "-s", str(CLEVIS_SLOT)],
                       env=e, capture_output=True, timeout=120)
    if p.returncode != 0 or not p.stdout:
        raise RuntimeError("clevis luks pass: exit %d: %s" % (p.returncode, p.stderr.decode()[-300:]))
    return img, p.stdout


def clevis_extra(kdir, kinfo, nic, bindir):
    """extra() of the clevis boot: the disk driver, clevis's programs with
    their libraries, and what clevis/initramfs-tools/hooks/azkv-clevis copies
    (run for real, with a copy_exec that copies into the root)."""
    def extra(root):
        mods = [m for m in kinfo["disk"] if m not in kinfo["nics"][nic]]
        for m in kinfo["disk"]:
            put(root, "lib/modules/" + m, os.path.join(kdir, "modules", m))
        for prog in CLEVIS_PROGS:
            path = shutil.which(prog, path="/usr/sbin:/usr/bin:/sbin:/bin")
            if path is None:
                raise RuntimeError("%s not found on the host" % prog)
            copy_exec(root, "/bin/bash" if prog == "bash" else path)
        funcs = os.path.join(os.path.dirname(root), "hook-functions")
        with open(funcs, "w") as f:
            f.write('copy_exec() { mkdir -p "$DESTDIR${2%/*}" && cp -L "$1" "$DESTDIR$2"; }\n')
        e = host_env(bindir)
        e.update(HOOK_FUNCTIONS=funcs, DESTDIR=root)
        subprocess.run(["/bin/sh", os.path.join(ROOT, "clevis", "initramfs-tools", "hooks", "azkv-clevis")],
                       env=e, check=True)
        os.makedirs(os.path.join(root, "run"), exist_ok=True)
        # the network as the kit brings it up (tests/boot/run.sh fetched these)
        x = os.path.join(ROOT, "build", "boot", "itools", "x")
        put(root, "scripts/functions", os.path.join(x, "usr/share/initramfs-tools/scripts/functions"))
        put(root, "scripts/local-top/azkv-clevis",
            os.path.join(ROOT, "clevis", "initramfs-tools", "scripts", "local-top", "azkv-clevis"), mode=0o755)
        put(root, "bin/ipconfig", os.path.join(x, "usr/lib/klibc/bin/ipconfig"), mode=0o755)
        # Debian's clevis local-top, and a stand-in for cryptroot's askpass
        put(root, "scripts/local-top/clevis", os.path.join(x, "usr/share/initramfs-tools/scripts/local-top/clevis"),
            mode=0o755)
        put(root, "lib/cryptsetup/askpass", os.path.join(HERE, "askpass"), mode=0o755)
        for so in os.listdir(os.path.join(x, "lib")):
            if so.startswith("klibc-") and so.endswith(".so"):
                put(root, "lib/" + so, os.path.join(x, "lib", so), mode=0o755)
        # no vault name in /etc/hosts: azkv asks the DNS server the lease named
        put(root, "etc/hosts", data="127.0.0.1 localhost\n")
        return "DISK_MODULES='%s'\nSLOT=%d\n" % (" ".join(mods), CLEVIS_SLOT)
    return extra


def check_clevis_log(entries, kid):
    """The guest's unwrap: POST to the versioned key id the JWE recorded."""
    import fixtures as fx
    path = kid.split(VAULT, 1)[1] + "/unwrapkey"
    got = [v for v in fx.requests(entries, "vault") if v["path"] == path]
    if not got or got[0]["status"] != 200:
        return "no 200 POST %s (vault requests: %s)" % (
            path, [(v["path"], v["status"]) for v in fx.requests(entries, "vault")]), None
    if not got[0]["raddr"].startswith("127.0.0.1:"):
        return "unwrap from %s, not through qemu's network" % got[0]["raddr"], None
    return None, "POST %s, SNI %s" % (path, (got[0].get("tls") or {}).get("sni"))


def start_dns(work):
    """tests/fake/dns.py on the namespace's 127.0.0.1:53, where qemu's
    user-mode DNS (the guest's 10.0.2.3) forwards queries, as the
    namespace's resolv.conf names it: the vault is 10.0.2.2 for the guest."""
    zone, log = os.path.join(work, "zone.json"), os.path.join(work, "dns.log")
    with open(zone, "w") as f:
        json.dump({VAULT: {"A": ["10.0.2.2"]}}, f)
    p = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "fake", "dns.py"),
                          "--listen", "127.0.0.1:53", "--zone", zone, "--log", log],
                         stdout=subprocess.PIPE, stderr=open(os.path.join(work, "dns.err"), "w"))
    if p.stdout.readline().strip() != b"ready":
        p.kill()
        raise RuntimeError("fake DNS server did not start: %s" % open(os.path.join(work, "dns.err")).read())
    return p, log


def check_clevis_net(fields, dnslog, lease="ipconfig's lease"):
    """The local-top wrote the lease's DNS server, and azkv asked it."""
    if fields.get("dns") != "10.0.2.3":
        return "guest resolv.conf names %r, want qemu's DNS 10.0.2.3" % fields.get("dns"), None
    try:
        with open(dnslog) as f:
            qs = [json.loads(l) for l in f if l.strip()]
    except OSError:
        qs = []
    asked = [q for q in qs if q.get("name", "").lower() == VAULT and q.get("type") == "A"]
    if not asked:
        return "the fake DNS server got no A query for %s (%d queries)" % (VAULT, len(qs)), None
    return None, "resolv.conf: nameserver 10.0.2.3 (from %s); %s A asked %d time(s), " \
        "answered 10.0.2.2" % (lease, VAULT, len(asked))


def no_result(rep, name, where, timeout, qrc, text):
    """A boot without its RESULT line: say so, with the console's last lines."""
    rep.notok(name, "no RESULT line within %.0f s (qemu exit %s)" % (timeout, qrc))
    print("# console (build/boot/run/%s/console.log), last lines:" % where)
    for line in text.splitlines()[-25:]:
        print("#   " + line)


def clevis_boot(rep, kdir, kinfo, nic, clock, timeout, accel, azkv):
    import fixtures as fx
    work = os.path.join(ROOT, "build", "boot", "run", "clevis")
    os.makedirs(work)
    bindir = pin_bin(work, azkv)
    try:
        img, want = clevis_volume(work, bindir)
    except (RuntimeError, subprocess.SubprocessError) as e:
        rep.notok("boot-clevis-bind", str(e))
        return
    tok = json.loads(subprocess.run(["cryptsetup", "token", "export", "--token-id", "0", img],
                                    capture_output=True, check=True).stdout)
    prot = json.loads(base64.urlsafe_b64decode(tok["jwe"]["protected"] + "=" * (-len(tok["jwe"]["protected"]) % 4)))
    kid = prot["clevis"]["azkv"]["kid"]
    t = time.monotonic()
    initrd = build_initramfs(kdir, kinfo, nic, clock, work, azkv, "clevis", clevis_extra(kdir, kinfo, nic, bindir))
    print("# clevis boot: LUKS2 /dev/vda, slot %d bound to %s; initramfs %d KiB in %.1f s" % (
        CLEVIS_SLOT, kid, os.path.getsize(initrd) // 1024, time.monotonic() - t))
    off = fx.log_offset()
    dns, dnslog = start_dns(work)
    try:
        fields, text, qerr, qrc, t_marker, t_end = boot(kdir, initrd, nic, work, timeout, accel, disk=img)
    finally:
        dns.kill()
        dns.wait()
    for line in text.splitlines():
        if line.startswith(("azkv-boot:", "azkv:")):
            print("#   " + line)
    if t_marker is None:
        return no_result(rep, "boot-clevis-unlock", "clevis", timeout, qrc, text)
    print("# clevis RESULT after %.1f s (guest uptime %s s)" % (t_marker, fields.get("uptime", "?")))
    rc, got_sum, n = fields.get("rc"), fields.get("sha256"), fields.get("bytes")
    why = None
    if rc != "0":
        why = "the askpass stand-in got no passphrase from clevis: exit %s (%s)" % (
            rc, fields.get("why", "143: its 90 s ran out; see build/boot/run/clevis/console.log"))
    elif got_sum != hashlib.sha256(want).hexdigest() or n != str(len(want)):
        why = "passphrase %s bytes sha256 %s, want %d bytes %s" % (
            n, got_sum, len(want), hashlib.sha256(want).hexdigest())
    elif fields.get("open") != "0":
        why = "cryptsetup open --test-passphrase in the guest: exit %s" % fields.get("open")
    rep.check("boot-clevis-unlock", why, "Debian's clevis local-top wrote %s bytes into askpass's FIFO, "
              "sha256 %s, byte-exact; the guest's cryptsetup opened slot %d with it" % (n, got_sum, CLEVIS_SLOT))
    why, note = check_clevis_net(fields, dnslog)
    rep.check("boot-clevis-network", why, note)
    why, note = check_clevis_log(fx.read_log(off), kid)
    rep.check("boot-clevis-unwrap", why, note)
    poweroff = qrc == 0 and t_end - t_marker < 10
    rep.check("boot-clevis-poweroff", None if poweroff else
              "qemu did not exit by itself after the RESULT line (exit %s)" % qrc)


# ---- third boot: a dracut initramfs (Debian's dracut 059, in a chroot) -----

DROOT = os.path.join(ROOT, "build", "boot", "dracut", "root")
DRACUT_TIMEOUT = 420


def sh(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, timeout=600, **kw)


def chroot_run(args, log):
    """args inside the dracut chroot, with /proc mounted in a mount
    namespace of its own (nothing leaks to the host's mounts)."""
    with open(log, "ab") as f:
        return subprocess.run(["unshare", "-m", "--", "sh", "-c",
                               'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"', DROOT] + args,
                              stdout=f, stderr=subprocess.STDOUT, timeout=600).returncode


def dracut_install(kdir, kinfo, bindir, log):
    """What an admin does on a dracut machine: make install (PREFIX
    /usr/local), the module copied into modules.d, and the kernel's modules
    (build/boot/kernel-*/tree, from the same .deb) with their depmod."""
    for f in ("azkv", "clevis-encrypt-azkv", "clevis-decrypt-azkv"):
        put(DROOT, "usr/local/bin/" + f, os.path.join(bindir, f), mode=0o755)
    mods = os.path.join(DROOT, "usr", "lib", "dracut", "modules.d")
    for src, name in ((os.path.join(ROOT, "clevis", "dracut", "60clevis-pin-azkv"), "60clevis-pin-azkv"),
                      (os.path.join(HERE, "dracut", "99azkv-boot"), "99azkv-boot")):
        shutil.rmtree(os.path.join(mods, name), ignore_errors=True)
        shutil.copytree(src, os.path.join(mods, name))
    put(DROOT, "etc/azkv-boot/ca.pem", os.environ["AZKV_TEST_CA"])
    ver = kinfo["version"]
    kmods = os.path.join(DROOT, "lib", "modules", ver)
    shutil.rmtree(kmods, ignore_errors=True)
    shutil.copytree(os.path.join(kdir, "tree", ver), kmods)
    return chroot_run(["depmod", "-a", ver], log)


def volume_plaintext(img, passphrase):
    """sha256 of the first 4 KiB the guest should read from the opened
    volume: the data segment (zeros on disk: luksFormat does not wipe it)
    decrypted with the volume key, AES-XTS with plain64 IVs (512-byte
    sectors), as dm-crypt does."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    meta = json.loads(sh(["cryptsetup", "luksDump", "--dump-json-metadata", img], check=True).stdout)
    seg = meta["segments"]["0"]
    if seg["encryption"] != "aes-xts-plain64" or seg["sector_size"] != 512:
        raise RuntimeError("segment %s, sector %s: not what the check computes" % (
            seg["encryption"], seg["sector_size"]))
    out = sh(["cryptsetup", "luksDump", "--dump-volume-key", "--batch-mode", "--key-slot", "0",
              "--key-file=-", img], input=passphrase, check=True).stdout.decode()
    hexkey = "".join(re.findall(r"[0-9a-f]{2}", out.split("MK dump:", 1)[1]))
    key = bytes.fromhex(hexkey)
    with open(img, "rb") as f:
        f.seek(int(seg["offset"]))
        data = f.read(4096)
    pt = b"".join(Cipher(algorithms.AES(key), modes.XTS(i.to_bytes(16, "little"))).decryptor()
                  .update(data[i * 512:(i + 1) * 512]) for i in range(8))
    return hashlib.sha256(pt).hexdigest()


def dracut_boot(rep, kdir, kinfo, accel, azkv):
    import fixtures as fx
    work = os.path.join(ROOT, "build", "boot", "run", "dracut")
    os.makedirs(work)
    log = os.path.join(work, "dracut.log")
    if not os.path.isfile(os.path.join(DROOT, "usr", "bin", "dracut")):
        rep.notok("boot-dracut-image", "no dracut chroot in %s (tests/boot/run.sh makes it)" % DROOT)
        return
    bindir = pin_bin(work, azkv)
    try:
        img, want = clevis_volume(work, bindir)
        uuid = sh(["cryptsetup", "luksUUID", img], check=True).stdout.decode().strip()
        want_sum = volume_plaintext(img, b"boot test passphrase")
    except (RuntimeError, subprocess.SubprocessError) as e:
        rep.notok("boot-dracut-bind", str(e))
        return
    tok = json.loads(sh(["cryptsetup", "token", "export", "--token-id", "0", img], check=True).stdout)
    prot = json.loads(base64.urlsafe_b64decode(tok["jwe"]["protected"] + "=" * (-len(tok["jwe"]["protected"]) % 4)))
    kid = prot["clevis"]["azkv"]["kid"]

    # dracut as a RHEL-family image runs it: no host-only, the network by
    # dracut's network-manager module (network-legacy runs dhclient from the
    # initqueue, where dracut's crypt job `systemctl start
    # systemd-cryptsetup@...` waits for the passphrase first: the network
    # never comes up), the pin's module and the probe added
    t = time.monotonic()
    ver = kinfo["version"]
    rc = dracut_install(kdir, kinfo, bindir, log)
    if rc == 0:
        rc = chroot_run(["dracut", "--force", "--no-hostonly", "--kver", ver, "--add",
                         "network-manager clevis-pin-azkv azkv-boot", "/boot/azkv-boot.img"], log)
    t_dracut = time.monotonic() - t
    initrd = os.path.join(DROOT, "boot", "azkv-boot.img")
    listing = ""
    if rc == 0:
        with open(os.path.join(work, "lsinitrd.txt"), "wb") as f:
            f.write(sh(["unshare", "-m", "--", "chroot", DROOT, "lsinitrd", "/boot/azkv-boot.img"]).stdout)
        with open(os.path.join(work, "lsinitrd.txt"), errors="replace") as f:
            listing = f.read()
    need = ["usr/bin/azkv", "usr/bin/clevis-decrypt-azkv", "etc/cmdline.d/99clevis-pin-azkv.conf",
            "usr/libexec/clevis-luks-askpass", "usr/sbin/dhclient"]
    missing = [n for n in need if not re.search(r"\s%s$" % re.escape(n), listing, re.M)]
    if rc != 0:
        why = "dracut exit %d: %s" % (rc, open(log, errors="replace").read().strip().splitlines()[-1:])
    elif missing:
        why = "the image lacks %s (build/boot/run/dracut/lsinitrd.txt)" % " ".join(missing)
    else:
        why = None
    rep.check("boot-dracut-image", why, "dracut %s: %d KiB in %.1f s, the pin, azkv and rd.neednet=1 inside" % (
        ver, os.path.getsize(initrd) // 1024 if rc == 0 else 0, t_dracut))
    if why:
        return
    shutil.copy(initrd, os.path.join(work, "initrd.img"))

    append = ("rd.luks.uuid=%s root=/dev/mapper/luks-%s ip=dhcp rd.shell=0 rd.emergency=poweroff "
              "systemd.journald.forward_to_console=1 %s" % (uuid, uuid, os.environ.get("BOOT_DRACUT_APPEND", "")))
    print("# dracut boot: LUKS2 /dev/vda (UUID %s), slot %d bound to %s; kernel: %s" % (
        uuid, CLEVIS_SLOT, kid, append))
    fx.set_control({"vault_cert": "fresh"})
    off = fx.log_offset()
    dns, dnslog = start_dns(work)
    try:
        fields, text, qerr, qrc, t_marker, t_end = boot(
            kdir, os.path.join(work, "initrd.img"), "virtio", work, DRACUT_TIMEOUT, accel,
            disk=img, append=append, mem="512M")
    finally:
        dns.kill()
        dns.wait()
        fx.set_control({})
    for line in text.splitlines():
        if re.search(r"azkv-boot:|azkv:|: Unlocked |dhcp4 \(\w+\): state changed|advancing", line):
            print("#   " + line.strip()[:200])
    if t_marker is None:
        return no_result(rep, "boot-dracut-unlock", "dracut", DRACUT_TIMEOUT, qrc, text)
    print("# dracut RESULT after %.1f s (guest uptime %s s)" % (t_marker, fields.get("uptime", "?")))
    why = None
    if fields.get("rc") != "0":
        why = "systemd-cryptsetup never opened luks-%s (see build/boot/run/dracut/console.log)" % uuid
    elif fields.get("sha256") != want_sum:
        why = "the opened volume's first 4 KiB: sha256 %s, want %s" % (fields.get("sha256"), want_sum)
    elif not re.search(r"clevis-luks-askpass\[\d+\]: Unlocked \S+ \(UUID=%s\) successfully" % uuid, text):
        why = "clevis-luks-askpass did not say it unlocked the volume"
    rep.check("boot-dracut-unlock", why, "clevis's askpass answered systemd-cryptsetup through the "
              "azkv pin; the opened volume reads as the volume key decrypts it (sha256 %s)" % want_sum[:16])
    why, note = check_clevis_net(fields, dnslog, "NetworkManager's lease, dracut's network-manager")
    if not why and fields.get("neednet") != "rd.neednet=1":
        why = "the image's /etc/cmdline.d/99clevis-pin-azkv.conf says %r" % fields.get("neednet")
    rep.check("boot-dracut-network", why, "rd.neednet=1 from the module, ip=dhcp; " + (note or ""))
    why, note = check_clevis_log(fx.read_log(off), kid)
    rep.check("boot-dracut-unwrap", why, note)
    c = int(fields.get("clock", "-1"))
    rep.check("boot-dracut-clock-1970", None if 0 <= c < 31536000 else
              "guest clock %d at the result, not 1970" % c, "guest clock %d" % c)
    poweroff = qrc == 0 and t_end - t_marker < 15
    rep.check("boot-dracut-poweroff", None if poweroff else
              "qemu did not exit by itself after the RESULT line (exit %s)" % qrc)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3])
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "run":
        try:
            return run(sys.argv[2])
        except Exception as e:  # one failure and the count line, not a bare traceback
            import traceback
            traceback.print_exc()
            print("not ok - boot: %s: %s" % (type(e).__name__, e))
            print("boot: 0 passed, 1 failed")
            return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
