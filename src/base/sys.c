#include "base/sys.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <signal.h>
#include <sys/stat.h>

#if defined(__x86_64__) || defined(__aarch64__)

int sys_fstat(int fd, struct stat *st)
{
	return (int)syscall(SYS_newfstatat, fd, "", st, AT_EMPTY_PATH);
}

int sys_lstat(const char *path, struct stat *st)
{
	return (int)syscall(SYS_newfstatat, AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

int sys_fchmod(int fd, mode_t mode)
{
	return (int)syscall(SYS_fchmod, fd, mode);
}

int sys_fchown(int fd, uid_t uid, gid_t gid)
{
	return (int)syscall(SYS_fchown, fd, uid, gid);
}

int sys_socket(int family, int type)
{
	return (int)syscall(SYS_socket, family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

int sys_nodump(void)
{
	return (int)syscall(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int sys_subreaper(void)
{
	return (int)syscall(SYS_prctl, PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int sys_sigaction(int sig, const sys_sig *act, sys_sig *old)
{
	return (int)syscall(SYS_rt_sigaction, sig, act, old, sizeof act->mask);
}

#else /* libc's calls, where its struct stat or sigaction is not the kernel's */

int sys_fstat(int fd, struct stat *st)
{
	return fstat(fd, st);
}

int sys_lstat(const char *path, struct stat *st)
{
	return lstat(path, st);
}

int sys_fchmod(int fd, mode_t mode)
{
	return fchmod(fd, mode);
}

int sys_fchown(int fd, uid_t uid, gid_t gid)
{
	return fchown(fd, uid, gid);
}

int sys_socket(int family, int type)
{
	return socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

int sys_nodump(void)
{
	return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int sys_subreaper(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int sys_sigaction(int sig, const sys_sig *act, sys_sig *old)
{
	return sigaction(sig, act, old);
}

#endif

/* Arch-independent: the kernel's sigset is 64 bits on every target azkv
 * builds for (two words, low first, on 32-bit little-endian armhf). */

int sys_sigmask(int how, const sys_sigset *set, sys_sigset *old)
{
	return (int)syscall(SYS_rt_sigprocmask, how, set, old, sizeof *set);
}

int sys_signalfd(const sys_sigset *set)
{
	return (int)syscall(SYS_signalfd4, -1, set, sizeof *set, O_NONBLOCK | O_CLOEXEC);
}

int sys_pipe(int p[2])
{
	return (int)syscall(SYS_pipe2, p, O_CLOEXEC);
}

pid_t sys_fork(void)
{
#ifdef SYS_fork
	return (pid_t)syscall(SYS_fork);
#else
	/* arm64 has only clone; its flags come first (s390x's would not) */
	return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
#endif
}

pid_t sys_reap(pid_t pid, int *status)
{
	return (pid_t)syscall(SYS_wait4, pid, status, WNOHANG, 0);
}
