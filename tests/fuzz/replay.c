/*
 * replay: run one harness over saved inputs without libFuzzer, so the
 * committed corpus is a regression suite under plain gcc + ASan/UBSan.
 *   replay DIR|FILE...
 * Each file runs in its own child: a sanitizer report, an abort or a hang
 * (REPLAY_TIMEOUT seconds) fails that file alone and the rest still run.
 * Ends with "N passed, N failed"; the exit status is 1 on any failure.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define REPLAY_TIMEOUT 20     /* seconds per input; ASan is slow, not that slow */
#define REPLAY_FILE_MAX (1 << 22) /* corpus inputs are small; 4 MiB is plenty */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int passed, failed;

/* Read path whole into a buffer of exactly its size (ASan sees overreads). */
static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p = NULL;
	long len;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
		len <= REPLAY_FILE_MAX && fseek(f, 0, SEEK_SET) == 0 &&
		(p = malloc(len ? (size_t)len : 1)) != NULL &&
		fread(p, 1, (size_t)len, f) != (size_t)len) {
		free(p);
		p = NULL;
	}
	if (p)
		*n = (size_t)len;
	fclose(f);
	return p;
}

/* The child: one input, then exit 0. Anything else is a failure. */
static void child(const char *path)
{
	size_t n = 0;
	uint8_t *p = slurp(path, &n);

	if (p == NULL) {
		fprintf(stderr, "replay: %s: cannot read: %s\n", path,
			strerror(errno));
		_exit(3);
	}
	alarm(REPLAY_TIMEOUT);
	LLVMFuzzerTestOneInput(p, n);
	free(p);
	_exit(0);
}

static void run(const char *path)
{
	pid_t pid;
	int st;

	fflush(NULL);
	if ((pid = fork()) < 0) {
		perror("replay: fork");
		exit(2);
	}
	if (pid == 0)
		child(path);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			perror("replay: waitpid");
			exit(2);
		}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		passed++;
		return;
	}
	failed++;
	if (WIFSIGNALED(st))
		fprintf(stderr, "FAIL %s: %s\n", path,
			WTERMSIG(st) == SIGALRM ? "timeout" : strsignal(WTERMSIG(st)));
	else
		fprintf(stderr, "FAIL %s: exit %d\n", path, WEXITSTATUS(st));
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, in name order (stable output). */
static void run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, path[4096];
	size_t n = 0, i;
	struct stat sb;

	if (d == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		failed++;
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		names = realloc(names, (n + 1) * sizeof *names);
		if (names == NULL || (names[n] = strdup(path)) == NULL) {
			perror("replay");
			exit(2);
		}
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, cmp);
	for (i = 0; i < n; i++) {
		run(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	struct stat sb;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			run_dir(argv[i]);
		else
			run(argv[i]);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
