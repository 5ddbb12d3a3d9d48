/*
 * out: write a secret to a file atomically. The bytes go to a new temporary
 * file in the target's folder (O_EXCL, mode 0600 from the start, whatever
 * the umask), are fsync'd, get the final mode and owner, and are renamed over
 * the target; then the folder is fsync'd. A reader sees the old file or the
 * whole new one; a failure removes the temporary. A regular file that
 * already holds the same bytes with the same mode (and owner, when set) is
 * left untouched (same inode, same mtime; -v says "unchanged"). Errors:
 * ERR_USAGE for a bad path/mode/owner, ERR_INTERNAL for I/O.
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

/* Write data[n] to path atomically. */
int out_write(const char *path, const void *data, size_t n, const out_opts *o,
	err *e);

/* path of a file named name in dir (dir + "/" + name) into out[cap]. */
int out_join(char *out, size_t cap, const char *dir, const char *name);

#endif
