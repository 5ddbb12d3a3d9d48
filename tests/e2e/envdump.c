/*
 * envdump: the "real program" azkv exec starts in the delivery tests, and the
 * only other file in the scratch chroot. Static, no libc needs at run time.
 * Writes to the file argv[1] (default /dump, for an image's ENTRYPOINT): "pid N", then "argv HEX" of /proc/self/cmdline
 * (if /proc is there), then "env HEX" for each environment entry, one per
 * line. Hex keeps every byte exact. Exit 0, or 1 if the file can't be written.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static void hex(FILE *f, const char *tag, const unsigned char *p, size_t n)
{
	size_t i;

	fputs(tag, f);
	fputc(' ', f);
	for (i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
	fputc('\n', f);
}

int main(int argc, char **argv)
{
	unsigned char cmd[65536];
	FILE *f;
	ssize_t n;
	int fd;
	char **e;

	if (!(f = fopen(argc > 1 ? argv[1] : "/dump", "w")))
		return 1;
	fprintf(f, "pid %ld\n", (long)getpid());
	fd = open("/proc/self/cmdline", O_RDONLY);
	if (fd >= 0) {
		n = read(fd, cmd, sizeof cmd);
		if (n > 0)
			hex(f, "argv", cmd, (size_t)n);
		close(fd);
	}
	for (e = environ; *e; e++)
		hex(f, "env", (const unsigned char *)*e, strlen(*e));
	return fclose(f) == 0 ? 0 : 1;
}
