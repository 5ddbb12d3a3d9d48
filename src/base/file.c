#include "base/file.h"
#include "base/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_read_fd(int fd, void *buf, size_t max, size_t *n)
{
	ssize_t r;

	for (*n = 0; *n <= max; *n += (size_t)r)
		if ((r = read(fd, (char *)buf + *n, max + 1 - *n)) <= 0) {
			if (r == 0)
				break;
			if (errno != EINTR)
				return -1;
			r = 0;
		}
	return 0;
}

int file_read_small(int dirfd, const char *path, int flags, void *buf, size_t max,
	size_t *n, int code, const char *what, err *e)
{
	struct stat st;
	const char *why = NULL;
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | flags);

	*n = 0;
	if (fd < 0 || sys_fstat(fd, &st) < 0 || (S_ISREG(st.st_mode) && st.st_size <= (off_t)max
			&& file_read_fd(fd, buf, max, n) < 0))
		why = errno == ELOOP && flags ? "a symbolic link, refused" : err_errno(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file, refused";
	else if (st.st_size > (off_t)max)
		why = "larger than the limit, refused";
	else if (*n > max)
		why = "grew past the limit while read";
	if (fd >= 0)
		close(fd);
	if (!why)
		return 0;
	explicit_bzero(buf, *n);
	*n = 0;
	return err_set(e, code, "%s: %s", what, why);
}
