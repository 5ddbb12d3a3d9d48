/*
 * sys: the direct file-status calls against libc's own (glibc in the ASan
 * build, musl in the static one), on a regular file, a symbolic link, a
 * folder, a device, a missing path and a closed descriptor: the same
 * result, errno and fields. fchmod and fchown change what libc then reads,
 * and fail as libc's do. sys_sigaction sets what libc's sigaction reads,
 * and reads what it set. sys_nodump makes the process undumpable.
 * sys_socket's descriptors are non-blocking and close-on-exec, and it fails
 * as libc's socket does. sys_sigmask blocks what libc's sigprocmask then
 * reads; sys_signalfd reads a blocked signal, non-blocking and
 * close-on-exec; sys_pipe's ends are close-on-exec; a sys_fork child's
 * exit status comes back through sys_reap, which then has none left.
 * sys_subreaper sets what prctl then reads.
 */
#include "base/sys.h"
#include "t.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/test_sys.XXXXXX";

static int same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_mode == b->st_mode
		&& a->st_nlink == b->st_nlink && a->st_uid == b->st_uid && a->st_gid == b->st_gid
		&& a->st_rdev == b->st_rdev && a->st_size == b->st_size
		&& a->st_blocks == b->st_blocks && a->st_mtim.tv_sec == b->st_mtim.tv_sec
		&& a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* sys_lstat and lstat, sys_fstat and fstat (of path opened) agree. */
static void compare(const char *path, int follow_fd)
{
	struct stat a, b;
	int ra, rb, ea, eb, fd;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	errno = 0;
	ra = sys_lstat(path, &a);
	ea = errno;
	errno = 0;
	rb = lstat(path, &b);
	eb = errno;
	CHECKM(ra == rb && (ra == 0 ? same_stat(&a, &b) : ea == eb), "lstat %s: %d/%d %d/%d",
		path, ra, rb, ea, eb);
	if (!follow_fd)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	CHECKM(fd >= 0, "open %s", path);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	ra = sys_fstat(fd, &a);
	rb = fstat(fd, &b);
	CHECKM(ra == 0 && rb == 0 && same_stat(&a, &b), "fstat %s", path);
	close(fd);
}

static void test_socket(void)
{
	int types[] = { SOCK_STREAM, SOCK_DGRAM }, fams[] = { AF_INET, AF_INET6 }, i, j;

	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++) {
			int fd = sys_socket(fams[j], types[i]), t = -1;
			socklen_t tl = sizeof t;

			CHECKM(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC)
				&& (fcntl(fd, F_GETFL) & O_NONBLOCK)
				&& getsockopt(fd, SOL_SOCKET, SO_TYPE, &t, &tl) == 0 && t == types[i],
				"family %d type %d", fams[j], types[i]);
			close(fd);
		}
	errno = 0;
	CHECK(sys_socket(4242, SOCK_STREAM) == -1 && errno == EAFNOSUPPORT);
	errno = 0;
	CHECK(socket(4242, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) == -1
		&& errno == EAFNOSUPPORT);
}

/* SIGPIPE: ignored and given back, as libc sees it. */
static void test_sigaction(void)
{
	static const sys_sig ign = SYS_SIG_IGN;
	sys_sig was, now;
	struct sigaction lc, dfl;

	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	CHECK(sigaction(SIGPIPE, &dfl, NULL) == 0);
	CHECK_EQ(sys_sigaction(SIGPIPE, &ign, &was), 0);
	CHECK(SYS_SIG_HANDLER(was) == (unsigned long)SIG_DFL);
	CHECK(sigaction(SIGPIPE, NULL, &lc) == 0 && lc.sa_handler == SIG_IGN);
	CHECK_EQ(raise(SIGPIPE), 0); /* ignored: still here */
	CHECK_EQ(sys_sigaction(SIGPIPE, NULL, &now), 0);
	CHECK(SYS_SIG_HANDLER(now) == (unsigned long)SIG_IGN);
	CHECK_EQ(sys_sigaction(SIGPIPE, &was, NULL), 0);
	CHECK(sigaction(SIGPIPE, NULL, &lc) == 0 && lc.sa_handler == SIG_DFL);
	errno = 0;
	CHECK(sys_sigaction(SIGKILL, &ign, NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(sys_sigaction(0, NULL, &now) == -1 && errno == EINVAL);
}

static void test_files(void)
{
	char file[64], link[64], other[64], rm[96];
	struct stat st;
	int fd, fd2, ra, rb, ea, eb;

	if (mkdtemp(dir) == NULL) {
		CHECKM(0, "mkdtemp %s", dir);
		return;
	}
	snprintf(file, sizeof file, "%s/file", dir);
	snprintf(link, sizeof link, "%s/link", dir);
	snprintf(other, sizeof other, "%s/other", dir);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	CHECK(fd >= 0 && write(fd, "hello", 5) == 5);
	CHECK(symlink("file", link) == 0);

	compare(file, 1);
	compare(link, 1); /* lstat: the link itself; fstat: the file */
	compare(dir, 1);
	compare("/dev/null", 1);
	compare("/nonexistent/azkv", 0);
	compare("", 0);
	CHECK(sys_lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(sys_fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 5);

	/* fchmod: the mode libc then reads */
	CHECK_EQ(sys_fchmod(fd, 0640), 0);
	CHECK(stat(file, &st) == 0 && (st.st_mode & 07777) == 0640);
	CHECK_EQ(sys_fchmod(fd, 0400), 0);
	CHECK(stat(file, &st) == 0 && (st.st_mode & 07777) == 0400);

	/* fchown: to its own owner always works; to another, as libc's does
	 * (root: done; anyone else: EPERM) */
	CHECK_EQ(sys_fchown(fd, getuid(), getgid()), 0);
	fd2 = open(other, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	CHECK(fd2 >= 0);
	errno = 0;
	ra = sys_fchown(fd, 4242, 4343);
	ea = errno;
	errno = 0;
	rb = fchown(fd2, 4242, 4343);
	eb = errno;
	CHECKM(ra == rb && ea == eb, "fchown: %d/%d %d/%d", ra, rb, ea, eb);
	if (ra == 0)
		CHECK(stat(file, &st) == 0 && st.st_uid == 4242 && st.st_gid == 4343);

	/* a closed descriptor: EBADF from all three, as from libc */
	close(fd2);
	errno = 0;
	CHECK(sys_fstat(fd2, &st) == -1 && errno == EBADF);
	errno = 0;
	CHECK(sys_fchmod(fd2, 0600) == -1 && errno == EBADF);
	errno = 0;
	CHECK(sys_fchown(fd2, 0, 0) == -1 && errno == EBADF);
	close(fd);

	snprintf(rm, sizeof rm, "rm -rf %s", dir);
	CHECK(system(rm) == 0);
}

/* The signal mask, a signalfd, a pipe, a child and its reaping. */
static void test_process(void)
{
	sys_sigset set = SYS_SIGBIT(SIGUSR1), old = 0;
	struct signalfd_siginfo si;
	struct timespec ms = { 0, 1000000 };
	sigset_t lc;
	int p[2], fd, st = -1, i;
	pid_t pid, got = 0;

	CHECK_EQ(sys_sigmask(SIG_BLOCK, &set, &old), 0);
	CHECK(!(old & set));
	CHECK(sigprocmask(SIG_BLOCK, NULL, &lc) == 0 && sigismember(&lc, SIGUSR1) == 1
		&& sigismember(&lc, SIGUSR2) == 0);
	fd = sys_signalfd(&set);
	CHECK(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC));
	CHECK(fd >= 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK));
	errno = 0;
	if (fd >= 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK)) /* (else it would wait for ever) */
		CHECK(read(fd, &si, sizeof si) == -1 && errno == EAGAIN);
	CHECK_EQ(raise(SIGUSR1), 0); /* blocked: waits in the signalfd */
	CHECK(read(fd, &si, sizeof si) == (ssize_t)sizeof si && si.ssi_signo == SIGUSR1);
	close(fd);
	CHECK_EQ(sys_sigmask(SIG_SETMASK, &old, NULL), 0);
	CHECK(sigprocmask(SIG_BLOCK, NULL, &lc) == 0 && sigismember(&lc, SIGUSR1) == 0);

	CHECK_EQ(sys_pipe(p), 0);
	CHECK((fcntl(p[0], F_GETFD) & FD_CLOEXEC) && (fcntl(p[1], F_GETFD) & FD_CLOEXEC));
	CHECK(write(p[1], "x", 1) == 1 && read(p[0], &st, 1) == 1);
	close(p[0]);
	close(p[1]);

	pid = sys_fork();
	if (pid == 0)
		_exit(7);
	CHECK(pid > 0);
	for (i = 0; i < 5000 && (got = sys_reap(pid, &st)) == 0; i++)
		nanosleep(&ms, NULL);
	CHECK(got == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7);
	errno = 0;
	CHECK(sys_reap(-1, &st) == -1 && errno == ECHILD);
}

static void test_subreaper(void)
{
	int on = -1;

	if (prctl(PR_GET_CHILD_SUBREAPER, &on, 0, 0, 0) < 0) {
		/* qemu-user (make test-arm64) has no subreapers: then ours
		 * fails as libc's does */
		errno = 0;
		CHECK(sys_subreaper() == -1 && errno == EINVAL);
		return;
	}
	CHECK_EQ(on, 0);
	CHECK_EQ(sys_subreaper(), 0);
	CHECK(prctl(PR_GET_CHILD_SUBREAPER, &on, 0, 0, 0) == 0 && on == 1);
}

static void test_nodump(void)
{
	CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) > 0); /* dumpable after exec */
	CHECK_EQ(sys_nodump(), 0);
	CHECK_EQ(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_files);
	T_RUN(test_sigaction);
	T_RUN(test_socket);
	T_RUN(test_process);
	T_RUN(test_subreaper);
	T_RUN(test_nodump);
	T_END();
}
