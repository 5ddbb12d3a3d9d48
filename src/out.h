/*
 * out: write secrets to files atomically, all or nothing. A target must be
 * absent or a regular file: anything else (directory, device, FIFO, socket,
 * symbolic link) is refused before anything is written. Each file's bytes go
 * to a new temporary in the target's folder (O_EXCL, mode 0600 from the
 * start, whatever the umask), get their owner, then their mode, and are
 * fsync'd; only when every temporary is ready are they renamed over their
 * targets, and the folders fsync'd. A reader sees the old file or the whole
 * new one; a failure before the renames removes every temporary and leaves
 * every target as it was. Errors: ERR_USAGE for a bad path/mode/owner or a
 * refused target, ERR_INTERNAL for I/O.
 */
#ifndef AZKV_OUT_H
#define AZKV_OUT_H

#include <stddef.h>
#include "err.h"

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
	char tmp[OUT_PATH_MAX + 64]; /* path + "/." + ".azkv-" + 12 hex digits */
} out_file;

/* Write f[0..n) as described above. The renames are the last step: one
 * failing there (a race, or an I/O error) leaves the files before it
 * replaced, and says so. */
int out_write_all(out_file *f, size_t n, const out_opts *o, err *e);

/* Why a target of this lstat mode is refused ("a directory", ...), or NULL
 * for a regular file. */
const char *out_refused(unsigned st_mode);

/* path of a file named name in dir (dir + "/" + name) into out[cap]. */
int out_join(char *out, size_t cap, const char *dir, const char *name);

#endif
