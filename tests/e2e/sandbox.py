"""sandbox.py: make chosen system calls of a child fail, for black-box tests
of what azkv does when the kernel says no (entropy not ready, fchown denied).

    subprocess.run(argv, preexec_fn=sandbox.failing([("getrandom", EAGAIN, 1)]))

Each rule is (syscall name, errno, flag bits): the call fails with errno
when its flags argument has any of the bits (None: always). Implemented as a
seccomp BPF filter installed in the child between fork and exec (with
no_new_privs, so it needs no privilege); it stays for the exec'd program.
x86-64 and arm64 only; any other architecture makes failing() raise.
"""
import ctypes
import os
import platform
import struct

# audit arch, then the numbers of the calls the tests use
ARCHES = {
    "x86_64": (0xC000003E, {"getrandom": 318, "fchown": 93, "fchownat": 260,
                            "unlink": 87, "unlinkat": 263}),
    "aarch64": (0xC00000B7, {"getrandom": 278, "fchown": 55, "fchownat": 54,
                             "unlinkat": 35}),
}
# which argument holds the flags
FLAGS_ARG = {"getrandom": 2}

BPF_LD_W_ABS, BPF_JEQ_K, BPF_JSET_K, BPF_RET_K = 0x20, 0x15, 0x45, 0x06
RET_ALLOW, RET_ERRNO = 0x7FFF0000, 0x00050000
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2


def _insn(code, jt, jf, k):
    return struct.pack("<HBBI", code, jt, jf, k)


def program(rules):
    """The filter's instructions (bytes) for rules on this machine."""
    machine = platform.machine()
    if machine not in ARCHES:
        raise RuntimeError("sandbox: no syscall table for %s" % machine)
    arch, nrs = ARCHES[machine]
    out = [_insn(BPF_LD_W_ABS, 0, 0, 4),            # arch
           _insn(BPF_JEQ_K, 1, 0, arch),
           _insn(BPF_RET_K, 0, 0, RET_ALLOW)]
    for name, err, bits in rules:
        if name not in nrs:
            continue  # (unlink: arm64 has only unlinkat)
        deny = _insn(BPF_RET_K, 0, 0, RET_ERRNO | err)
        if bits is None:
            body = [deny]
        else:  # the flags argument's low 32 bits (little-endian)
            body = [_insn(BPF_LD_W_ABS, 0, 0, 16 + 8 * FLAGS_ARG[name]),
                    _insn(BPF_JSET_K, 0, 1, bits), deny]
        out += [_insn(BPF_LD_W_ABS, 0, 0, 0),          # nr
                _insn(BPF_JEQ_K, 0, len(body), nrs[name])] + body
    out.append(_insn(BPF_RET_K, 0, 0, RET_ALLOW))
    return b"".join(out)


def failing(rules):
    """A preexec_fn installing the filter for rules."""
    code = program(rules)
    n = len(code) // 8

    def install():
        libc = ctypes.CDLL(None, use_errno=True)
        buf = ctypes.create_string_buffer(code, len(code))
        prog = struct.pack("<HxxxxxxQ", n, ctypes.addressof(buf))
        pbuf = ctypes.create_string_buffer(prog, len(prog))
        ul = ctypes.c_ulong
        if libc.prctl(PR_SET_NO_NEW_PRIVS, ul(1), ul(0), ul(0), ul(0)) != 0 or \
                libc.prctl(PR_SET_SECCOMP, ul(SECCOMP_MODE_FILTER), pbuf, ul(0), ul(0)) != 0:
            raise OSError(ctypes.get_errno(), "seccomp filter: " + os.strerror(ctypes.get_errno()))
    return install
