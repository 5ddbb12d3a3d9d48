/* file: small files read under one rule (regular files, a cap, links
 * followed only when asked, the buffer wiped on every error), and the
 * bounded read loop keyop uses on stdin; in a temporary folder (mkdtemp
 * under $TMPDIR or /tmp, removed at the end). */
#include "base/file.h"
#include "t.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static char tmpdir[256];

static const char *path(const char *name)
{
	static char p[512];

	snprintf(p, sizeof p, "%s/%s", tmpdir, name);
	return p;
}

static void put(const char *name, const char *data, size_t n)
{
	int fd = open(path(name), O_WRONLY | O_CREAT | O_TRUNC, 0600);

	CHECK(fd >= 0 && write(fd, data, n) == (ssize_t)n);
	close(fd);
}

/* No byte read is left in buf[cap] (prefilled with 'x', which no file
 * here holds). */
static void wiped(const char *what, const char *buf, size_t cap)
{
	size_t i;

	for (i = 0; i < cap && (buf[i] == 0 || buf[i] == 'x'); i++)
		;
	CHECKM(i == cap, "%s: byte %zu left in the buffer", what, i);
}

/* Read name with cap max (and flags) into a buffer of max + 1 bytes;
 * returns the result, *n and the message in e. */
static int rd(const char *name, int flags, size_t max, size_t *n, err *e)
{
	char buf[64];
	int rc;

	memset(buf, 'x', sizeof buf);
	memset(e, 0, sizeof *e);
	rc = file_read_small(AT_FDCWD, path(name), flags, buf, max, n, ERR_USAGE, "F", e);
	if (rc < 0) {
		wiped(name, buf, sizeof buf);
		CHECK(*n == 0 && e->code == ERR_USAGE);
	}
	return rc;
}

/* fstat gives a /proc file size 0, and it reads more: the read loop
 * refuses it ("grew") and wipes what it read. */
static void grew(void)
{
	char buf[18];
	size_t n = 99;
	err e = { 0 };

	memset(buf, 'x', sizeof buf);
	CHECK_EQ(file_read_small(AT_FDCWD, "/proc/self/status", 0, buf, 16, &n, ERR_IDENTITY,
		"F", &e), -1);
	CHECK_STR(e.msg, "F: grew past the limit while read");
	CHECK(n == 0 && e.code == ERR_IDENTITY);
	CHECK_EQ(buf[0], 0); /* it read: "Name:" came first */
	wiped("grew", buf, sizeof buf);
}

static void regular(void)
{
	size_t n = 99;
	err e;

	put("ok", "s3cret\n", 7);
	CHECK_EQ(rd("ok", 0, 16, &n, &e), 0);
	CHECK_EQ(n, 7);
	put("exact", "0123456789abcdef", 16);
	CHECK_EQ(rd("exact", 0, 16, &n, &e), 0);
	CHECK_EQ(n, 16);
	CHECK_EQ(rd("exact", 0, 15, &n, &e), -1);
	CHECK_STR(e.msg, "F: larger than the limit, refused");
	put("empty", "", 0);
	CHECK_EQ(rd("empty", 0, 16, &n, &e), 0);
	CHECK_EQ(n, 0);
	CHECK_EQ(rd("absent", 0, 16, &n, &e), -1);
	CHECK_STR(e.msg, "F: No such file or directory");
}

static void not_regular(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n;
	err e;
	int s;

	/* a FIFO without a writer: refused, not waited on */
	CHECK_EQ(mkfifo(path("fifo"), 0600), 0);
	CHECK_EQ(rd("fifo", 0, 16, &n, &e), -1);
	CHECK_STR(e.msg, "F: not a regular file, refused");
	CHECK_EQ(mkdir(path("dir"), 0700), 0);
	CHECK_EQ(rd("dir", 0, 16, &n, &e), -1);
	CHECK_STR(e.msg, "F: not a regular file, refused");
	CHECK_EQ(file_read_small(AT_FDCWD, "/dev/zero", 0, (char[8]){ 0 }, 7, &n, ERR_USAGE,
		"F", &e), -1);
	CHECK_STR(e.msg, "F: not a regular file, refused");
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path("sock"));
	CHECK(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof sa) == 0);
	CHECK_EQ(rd("sock", 0, 16, &n, &e), -1);
	close(s);
}

static void links(void)
{
	size_t n;
	err e;

	CHECK_EQ(symlink("ok", path("link")), 0);
	CHECK_EQ(rd("link", 0, 16, &n, &e), 0); /* a user's path: followed */
	CHECK_EQ(n, 7);
	CHECK_EQ(rd("link", O_NOFOLLOW, 16, &n, &e), -1); /* a server's: refused */
	CHECK_STR(e.msg, "F: a symbolic link, refused");
	CHECK_EQ(symlink("fifo", path("fifolink")), 0);
	CHECK_EQ(rd("fifolink", 0, 16, &n, &e), -1); /* what it names must be regular */
	CHECK_STR(e.msg, "F: not a regular file, refused");
	/* a folder file descriptor as the base */
	{
		int d = open(tmpdir, O_RDONLY | O_DIRECTORY);
		char buf[17];

		CHECK_EQ(file_read_small(d, "ok", O_NOFOLLOW, buf, 16, &n, ERR_USAGE, "F", &e), 0);
		CHECK(n == 7 && memcmp(buf, "s3cret\n", 7) == 0);
		close(d);
	}
}

/* The loop on a pipe: short reads gathered, max + 1 means "over". */
static void fd_loop(void)
{
	char buf[9];
	size_t n;
	int p[2];

	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(write(p[1], "abc", 3), 3);
	CHECK_EQ(write(p[1], "defgh", 5), 5);
	close(p[1]);
	CHECK_EQ(file_read_fd(p[0], buf, 8, &n), 0);
	CHECK(n == 8 && memcmp(buf, "abcdefgh", 8) == 0);
	close(p[0]);
	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(write(p[1], "abcdefghi", 9), 9);
	close(p[1]);
	CHECK_EQ(file_read_fd(p[0], buf, 8, &n), 0);
	CHECK_EQ(n, 9); /* over the cap: the caller refuses it */
	close(p[0]);
	memset(buf, 'x', sizeof buf);
	CHECK_EQ(file_read_fd(-1, buf, 8, &n), -1);
	CHECK_EQ(n, 0);
}

int main(int argc, char **argv)
{
	const char *t = getenv("TMPDIR");
	char cmd[300];

	T_MAIN(argc, argv);
	snprintf(tmpdir, sizeof tmpdir, "%s/azkv-test-file.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmpdir))
		return perror("mkdtemp"), 1;
	/* in this order: not_regular and links use the files regular makes */
	T_RUN(regular);
	T_RUN(not_regular);
	T_RUN(links);
	T_RUN(fd_loop);
	T_RUN(grew);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		CHECK(0);
	T_END();
}
