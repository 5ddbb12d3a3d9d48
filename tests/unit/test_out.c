/* out: paths, modes and owners parsed; files written all or nothing into
 * a temporary folder (mkdtemp under $TMPDIR or /tmp, removed at the end). */
#include "base/out.h"
#include "t.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[256];

static void test_join(void)
{
	char b[16];

	CHECK(out_join(b, sizeof b, "d", "n") == 0);
	CHECK_STR(b, "d/n");
	CHECK(out_join(b, sizeof b, "d/", "n") == 0);
	CHECK_STR(b, "d/n");
	CHECK(out_join(b, sizeof b, "/", "n") == 0);
	CHECK_STR(b, "/n");
	CHECK(out_join(b, sizeof b, "", "n") == 0);
	CHECK_STR(b, "n");
	CHECK(out_join(b, sizeof b, "0123456789", "abcd") == 0); /* 15 + NUL */
	CHECK(out_join(b, sizeof b, "0123456789", "abcde") == -1);
}

static void test_parse(void)
{
	unsigned m = 1;
	long u = 0, g = 0;

	CHECK(out_mode_parse("0400", &m) == 0);
	CHECK_EQ(m, 0400);
	CHECK(out_mode_parse("640", &m) == 0);
	CHECK_EQ(m, 0640);
	CHECK(out_mode_parse("0", &m) == 0);
	CHECK_EQ(m, 0);
	CHECK(out_mode_parse("", &m) == -1);
	CHECK(out_mode_parse("0800", &m) == -1);
	CHECK(out_mode_parse("1777", &m) == -1);
	CHECK(out_mode_parse("00600", &m) == -1);
	CHECK(out_mode_parse("rw", &m) == -1);
	CHECK(out_owner_parse("1:2", &u, &g) == 0);
	CHECK(u == 1 && g == 2);
	CHECK(out_owner_parse(":5", &u, &g) == 0);
	CHECK(u == OUT_NO_OWNER && g == 5);
	CHECK(out_owner_parse("7:", &u, &g) == 0);
	CHECK(u == 7 && g == OUT_NO_OWNER);
	CHECK(out_owner_parse(":", &u, &g) == -1);
	CHECK(out_owner_parse("7", &u, &g) == -1);
	CHECK(out_owner_parse("root:root", &u, &g) == -1);
	CHECK(out_owner_parse("1:2147483648", &u, &g) == -1);
}

/* tmpdir/name into p. */
static const char *path(char *p, size_t cap, const char *name)
{
	CHECK(out_join(p, cap, tmpdir, name) == 0);
	return p;
}

static void put(const char *p, const char *text)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

/* The file's content, "" if absent. */
static const char *get(const char *p)
{
	static char b[64];
	int fd = open(p, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, b, sizeof b - 1);

	if (fd >= 0)
		close(fd);
	b[n > 0 ? n : 0] = 0;
	return b;
}

/* Entries of tmpdir (no temporary may be left behind). */
static int entries(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) != NULL)
		n += de->d_name[0] != '.' || strstr(de->d_name, ".azkv-") != NULL;
	if (d)
		closedir(d);
	return n;
}

static void test_write(void)
{
	char a[300], b[300], l[300], s[300];
	out_file f[2];
	out_opts o = { 0640, OUT_NO_OWNER, OUT_NO_OWNER };
	struct stat st;
	err e;

	memset(f, 0, sizeof f);
	f[0].path = path(a, sizeof a, "a");
	f[0].data = "one";
	f[0].n = 3;
	f[1].path = path(b, sizeof b, "b");
	f[1].data = "two";
	f[1].n = 3;
	put(b, "old b");
	err_clear(&e);
	CHECKM(out_write_all(f, 2, &o, &e) == 0, "%s", e.msg);
	CHECK_STR(get(a), "one");
	CHECK_STR(get(b), "two");
	CHECK(stat(a, &st) == 0 && (st.st_mode & 0777) == 0640);
	CHECK(stat(b, &st) == 0 && (st.st_mode & 0777) == 0640);
	CHECK_EQ(entries(), 2);

	/* A refused target: nothing replaced, nothing left behind. */
	path(l, sizeof l, "link");
	CHECK(symlink("a", l) == 0);
	f[0].data = "new";
	f[1].path = l;
	err_clear(&e);
	CHECK(out_write_all(f, 2, &o, &e) == -1);
	CHECK_EQ(e.code, ERR_USAGE);
	CHECKM(strstr(e.msg, "refusing to replace a symbolic link") != NULL, "%s", e.msg);
	CHECK_STR(get(a), "one");
	CHECK_EQ(entries(), 3);
	unlink(l);

	f[1].path = tmpdir;
	err_clear(&e);
	CHECK(out_write_all(f, 2, &o, &e) == -1);
	CHECKM(strstr(e.msg, "refusing to replace a directory") != NULL, "%s", e.msg);
	CHECK_STR(get(a), "one");

	path(s, sizeof s, "fifo");
	CHECK(mkfifo(s, 0600) == 0);
	f[1].path = s;
	err_clear(&e);
	CHECK(out_write_all(f, 2, &o, &e) == -1);
	CHECKM(strstr(e.msg, "refusing to replace a FIFO") != NULL, "%s", e.msg);
	unlink(s);

	/* A folder that does not exist: the first file is not written either. */
	path(s, sizeof s, "nodir/x");
	f[1].path = s;
	err_clear(&e);
	CHECK(out_write_all(f, 2, &o, &e) == -1);
	CHECK_EQ(e.code, ERR_INTERNAL);
	CHECK_STR(get(a), "one");
	CHECK_EQ(entries(), 2);

	f[1].path = "dir/";
	err_clear(&e);
	CHECK(out_write_all(f, 2, &o, &e) == -1);
	CHECKM(strstr(e.msg, "not a file path") != NULL, "%s", e.msg);
	unlink(a);
	unlink(b);
}

int main(int argc, char **argv)
{
	const char *t = getenv("TMPDIR");

	T_MAIN(argc, argv);
	snprintf(tmpdir, sizeof tmpdir, "%s/azkv-test-out.XXXXXX", t && t[0] ? t : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	T_RUN(test_join);
	T_RUN(test_parse);
	T_RUN(test_write);
	CHECK(rmdir(tmpdir) == 0);
	T_END();
}
