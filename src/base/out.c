#include "base/out.h"
#include "base/fmt.h"
#include "base/log.h"
#include "base/rnd.h"
#include "base/str.h"
#include "base/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h> /* rename */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int out_mode_parse(const char *s, unsigned *mode)
{
	unsigned m = 0;
	size_t i, n = strlen(s);

	if (n == 0 || n > 4)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '7')
			return -1;
		m = m * 8 + (unsigned)(s[i] - '0');
	}
	if (m > 0777)
		return -1;
	*mode = m;
	return 0;
}

static int id_parse(const char *s, size_t n, long *id)
{
	unsigned long long v;

	if (n == 0) {
		*id = OUT_NO_OWNER;
		return 0;
	}
	if (str_udec(s, n, 0x7fffffff, &v) < 0)
		return -1;
	*id = (long)v;
	return 0;
}

int out_owner_parse(const char *s, long *uid, long *gid)
{
	const char *c = strchr(s, ':');

	if (!c || strcmp(s, ":") == 0)
		return -1;
	return id_parse(s, (size_t)(c - s), uid) < 0
		|| id_parse(c + 1, strlen(c + 1), gid) < 0 ? -1 : 0;
}

int out_join(char *out, size_t cap, const char *dir, const char *name)
{
	size_t n = fmt(out, cap, "%s%s%s", dir,
		dir[0] && dir[strlen(dir) - 1] != '/' ? "/" : "", name);

	return n < cap ? 0 : -1;
}

/* Split path into its folder (for the temp file and fsync) and base name. */
static int split(const char *path, char *dir, size_t cap, const char **base)
{
	const char *sl = strrchr(path, '/');

	if (!sl) {
		*base = path;
		return str_copy(dir, cap, ".");
	}
	*base = sl + 1;
	if (sl == path)
		return str_copy(dir, cap, "/");
	return str_copyn(dir, cap, path, (size_t)(sl - path));
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Create the temporary: DIR/.BASE.azkv-RANDOM, exclusive, 0600. */
static int make_temp(char *tmp, size_t cap, const char *dir, const char *base)
{
	unsigned char r[6];
	int tries, fd = -1;

	for (tries = 0; tries < 8 && fd < 0; tries++) {
		if (rnd_bytes(r, sizeof r, 0))
			return -1;
		if (fmt(tmp, cap, "%s/.%s.azkv-%x%x%x%x%x%x", dir, base, r[0], r[1],
			r[2], r[3], r[4], r[5]) >= cap)
			return -1;
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0 && errno != EEXIST)
			return -1;
	}
	return fd;
}

/* Owner before mode: a --mode wider than 0600 never applies to the old
 * owner or group, not even for a moment. */
static int fill(int fd, const void *data, size_t n, const out_opts *o)
{
	if (write_all(fd, data, n) < 0)
		return -1;
	if ((o->uid != OUT_NO_OWNER || o->gid != OUT_NO_OWNER)
		&& sys_fchown(fd, (uid_t)o->uid, (gid_t)o->gid) < 0)
		return -1;
	if (sys_fchmod(fd, o->mode) < 0)
		return -1;
	return fsync(fd);
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Why a target of this lstat mode is refused, or NULL for a regular file. */
static const char *refused(unsigned st_mode)
{
	switch (st_mode & S_IFMT) {
	case S_IFREG:
		return NULL;
	case S_IFDIR:
		return "a directory";
	case S_IFLNK:
		return "a symbolic link";
	case S_IFCHR:
	case S_IFBLK:
		return "a device";
	case S_IFIFO:
		return "a FIFO";
	case S_IFSOCK:
		return "a socket";
	}
	return "not a regular file";
}

/* The target must be absent or a regular file. A symbolic link is neither
 * followed (a link in a folder others can write could aim a root-owned write
 * anywhere) nor replaced (it was put there on purpose): the user names the
 * file itself. Replacing a device, FIFO or socket would break whatever uses
 * it (rename() happily turns /dev/null into a regular file). */
static int check_target(const char *path, err *e)
{
	struct stat st;
	const char *why;

	if (sys_lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : err_set(e, ERR_INTERNAL, "output %s: %s",
			path, err_errno(errno));
	why = refused((unsigned)st.st_mode);
	return why ? err_set(e, ERR_USAGE, "output %s: refusing to replace %s", path,
		why) : 0;
}

/* Every path names a file whose target may be replaced. */
static int check_all(const out_file *f, size_t n, err *e)
{
	char dir[OUT_PATH_MAX];
	const char *base;
	size_t i;

	for (i = 0; i < n; i++) {
		if (split(f[i].path, dir, sizeof dir, &base) < 0 || !base[0])
			return err_set(e, ERR_USAGE, "output %s: not a file path", f[i].path);
		if (check_target(f[i].path, e) < 0)
			return -1;
	}
	return 0;
}

/* Is path a regular file that already holds exactly data[n], with the mode
 * (and owner, when set) o asks for? Then a rewrite would change nothing:
 * it is left alone (same inode and mtime), so that a rotation job run every
 * hour wakes what watches the file only when the secret changed. */
static int unchanged(const char *path, const void *data, size_t n, const out_opts *o)
{
	struct stat st;
	char buf[4096];
	size_t at = 0;
	ssize_t r;
	int same = 0, fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (sys_fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == n
		&& (st.st_mode & 07777) == o->mode
		&& (o->uid == OUT_NO_OWNER || st.st_uid == (uid_t)o->uid)
		&& (o->gid == OUT_NO_OWNER || st.st_gid == (gid_t)o->gid))
		for (same = 1; same && at < n; at += (size_t)r) {
			r = read(fd, buf, n - at < sizeof buf ? n - at : sizeof buf);
			if (r < 0 && errno == EINTR)
				r = 0;
			else
				same = r > 0 && memcmp(buf, (const char *)data + at, (size_t)r) == 0;
		}
	explicit_bzero(buf, sizeof buf);
	close(fd);
	return same;
}

/* Create, fill and close f's temporary (f->tmp); none for a target that
 * already holds the data (f->tmp stays ""). 0 or -1 (e set). */
static int stage(out_file *f, const out_opts *o, err *e)
{
	char dir[OUT_PATH_MAX];
	const char *base;
	int fd, rc, saved;

	if (unchanged(f->path, f->data, f->n, o))
		return log_v("output %s: unchanged", f->path), 0;

	split(f->path, dir, sizeof dir, &base); /* checked by check_all */
	fd = make_temp(f->tmp, sizeof f->tmp, dir, base);
	if (fd < 0) {
		f->tmp[0] = 0;
		return err_set(e, ERR_INTERNAL, "output %s: cannot create a temporary file in %s: %s",
			f->path, dir, err_errno(errno));
	}
	rc = fill(fd, f->data, f->n, o);
	saved = errno;
	if (close(fd) < 0 && rc == 0)
		rc = -1, saved = errno;
	return rc < 0 ? err_set(e, ERR_INTERNAL, "output %s: %s", f->path,
		err_errno(saved)) : 0;
}

/* Remove the temporaries still there. */
static void discard(out_file *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (f[i].tmp[0]) {
			unlink(f[i].tmp);
			f[i].tmp[0] = 0;
		}
}

/* Rename every temporary over its target, then sync the folders: the
 * number of targets replaced, or -1. */
static int commit(out_file *f, size_t n, err *e)
{
	char dir[OUT_PATH_MAX];
	const char *base;
	size_t i;
	int k = 0;

	for (i = 0; i < n && (!f[i].tmp[0] || rename(f[i].tmp, f[i].path) == 0); i++)
		if (f[i].tmp[0]) /* (no temporary: the target was unchanged) */
			f[i].tmp[0] = 0, k++;
	if (i < n && i == 0)
		return err_set(e, ERR_INTERNAL, "output %s: %s", f[i].path,
			err_errno(errno));
	if (i < n)
		return err_set(e, ERR_INTERNAL,
			"output %s: %s (the %zu file(s) before it were replaced)",
			f[i].path, err_errno(errno), i);
	for (i = 0; i < n; i++) {
		split(f[i].path, dir, sizeof dir, &base);
		sync_dir(dir);
	}
	return k;
}

int out_write_all(out_file *f, size_t n, const out_opts *o, err *e)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		f[i].tmp[0] = 0;
	if (check_all(f, n, e) < 0)
		return -1;
	for (i = 0, rc = 0; i < n && rc == 0; i++)
		rc = stage(&f[i], o, e);
	/* again just before the renames: the targets may have changed meanwhile */
	if (rc == 0)
		rc = check_all(f, n, e);
	if (rc == 0)
		rc = commit(f, n, e);
	discard(f, n);
	return rc;
}

int out_stdout(const char *p, size_t n, err *e)
{
	errno = 0;
	if (write_all(1, (const unsigned char *)p, n) < 0)
		return err_set(e, ERR_INTERNAL, "write to stdout: %s",
			errno ? err_errno(errno) : "no progress");
	return 0;
}

int out_value(const char *p, size_t n, int newline, err *e)
{
	if (out_stdout(p, n, e) < 0)
		return -1;
	return newline ? out_stdout("\n", 1, e) : 0;
}
