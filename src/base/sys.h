/*
 * sys: the file-status, socket, signal and process system calls azkv
 * makes, called directly. musl's fstat, lstat, fchmod, fchown and socket
 * carry compatibility code azkv never needs (O_PATH descriptors, kernels
 * before 2.6.39, struct conversion for 32-bit time), its sigaction the
 * machinery for installing handlers (azkv installs none), its prctl a
 * variadic call, its fork the atfork locking of threads azkv never starts,
 * its pipe2 and signalfd fallbacks for kernels before 2.6.27: most of their
 * size. Direct calls only on 64-bit Linux where the kernel's struct stat is
 * libc's (x86-64, arm64); every other target (armhf, s390x: 32-bit time
 * conversion, other layouts) calls libc. Each returns 0, or -1 with errno
 * set, as the libc call does.
 */
#ifndef AZKV_SYS_H
#define AZKV_SYS_H

#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>

int sys_fstat(int fd, struct stat *st);
int sys_lstat(const char *path, struct stat *st);
int sys_fchmod(int fd, mode_t mode);
int sys_fchown(int fd, uid_t uid, gid_t gid);

/* A socket of this family and type (SOCK_STREAM or SOCK_DGRAM), always
 * non-blocking and close-on-exec. The descriptor, or -1. */
int sys_socket(int family, int type);

/* No core dump of this process, no ptrace by other users: it holds tokens
 * and secrets (prctl PR_SET_DUMPABLE 0). */
int sys_nodump(void);

/* Orphaned descendants become this process's children (prctl
 * PR_SET_CHILD_SUBREAPER), as they would PID 1's. */
int sys_subreaper(void);

/* A signal's disposition as the kernel keeps it (rt_sigaction's struct on
 * x86-64 and arm64: handler, flags, restorer, mask). Only SIG_DFL and
 * SIG_IGN are ever set, so no restorer is needed; what a process inherits
 * is one of those two (exec resets handlers). Elsewhere, libc's own. */
#if defined(__x86_64__) || defined(__aarch64__)
typedef struct sys_sig {
	unsigned long handler, flags, restorer, mask;
} sys_sig;
#define SYS_SIG_IGN { (unsigned long)SIG_IGN, 0, 0, 0 }
#define SYS_SIG_HANDLER(s) ((s).handler)
#else
typedef struct sigaction sys_sig;
#define SYS_SIG_IGN { .sa_handler = SIG_IGN }
#define SYS_SIG_HANDLER(s) ((unsigned long)(s).sa_handler)
#endif

/* sigaction(sig, act, old) for such dispositions; act or old may be NULL. */
int sys_sigaction(int sig, const sys_sig *act, sys_sig *old);

/* A set of signals as the kernel takes it: signal N is bit N - 1. */
typedef unsigned long long sys_sigset;

#define SYS_SIGBIT(n) (1ULL << ((n) - 1))

/* sigprocmask(how, set, old) on such sets; set or old may be NULL. */
int sys_sigmask(int how, const sys_sigset *set, sys_sigset *old);

/* A signalfd reading the signals of set (blocked by the caller),
 * non-blocking and close-on-exec. The descriptor, or -1. */
int sys_signalfd(const sys_sigset *set);

/* pipe2(p, O_CLOEXEC). */
int sys_pipe(int p[2]);

/* fork() for a single-threaded process (no atfork handlers run): the
 * child's pid in the parent, 0 in the child, or -1. */
pid_t sys_fork(void);

/* waitpid(pid, status, WNOHANG): the pid of a child that ended (its
 * status in *status), 0 if none has, or -1 (ECHILD: no child left). */
pid_t sys_reap(pid_t pid, int *status);

#endif
