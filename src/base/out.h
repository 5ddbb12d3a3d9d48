/*
 * out: write secrets to files atomically, all or nothing. A target must be
 * absent or a regular file (a directory, device, FIFO, socket or symbolic
 * link is refused before anything is written). Each file goes to a new
 * temporary in its target's folder (O_EXCL, 0600 whatever the umask), gets
 * its owner, then its mode, and is fsync'd; only when all are ready are they
 * renamed over their targets and the folders fsync'd. A failure before the
 * renames removes every temporary and leaves every target as it was. A
 * target that already holds the same bytes with the same mode (and owner,
 * when set) is left untouched: same inode, same mtime (-v: "unchanged").
 * Errors: ERR_USAGE for a bad path/mode/owner or a refused target,
 * ERR_INTERNAL for I/O.
 */
#ifndef AZKV_OUT_H
#define AZKV_OUT_H

#include <stddef.h>
#include "base/err.h"

#define OUT_PATH_MAX 4096
#define OUT_NO_OWNER (-1L)

typedef struct out_opts {
	unsigned mode; /* default 0600 */
	long uid, gid; /* OUT_NO_OWNER: leave as created */
} out_opts;

/* Parse "0400"-style octal mode (at most 0777). 0 or -1. */
int out_mode_parse(const char *s, unsigned *mode);

/* Parse numeric "UID:GID" (either may be empty: ":GID", "UID:"). 0 or -1. */
int out_owner_parse(const char *s, long *uid, long *gid);

/* One file of out_write_all: the caller sets path, data and n; tmp is the
 * module's (the temporary's path while it exists, else ""). */
typedef struct out_file {
	const char *path;
	const void *data;
	size_t n;
	char tmp[OUT_PATH_MAX + 64]; /* DIR/.BASE.azkv-RANDOM (12 hex digits) */
} out_file;

/* Write f[0..n) as described above: the number of targets replaced (0
 * when all were unchanged), or -1. The renames are the last step: one
 * failing there (a race, or an I/O error) leaves the files before it
 * replaced, and says so. */
int out_write_all(out_file *f, size_t n, const out_opts *o, err *e);

/* path of a file named name in dir (dir + "/" + name) into out[cap]. */
int out_join(char *out, size_t cap, const char *dir, const char *name);

/* Write p[0, n) to stdout, whole (EINTR retried); ERR_INTERNAL otherwise. */
int out_stdout(const char *p, size_t n, err *e);

/* A value as azkv prints it: p[0, n) exactly, then a newline only if
 * newline (-n). */
int out_value(const char *p, size_t n, int newline, err *e);

#endif
