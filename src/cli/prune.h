/*
 * prune: --prune with --out-dir DIR. The manifest DIR/.azkv-manifest names
 * the files azkv wrote into DIR, one secret name a line after its first
 * line (PRUNE_HEAD). A run removes the files the manifest names that it no
 * longer writes, and nothing else: only names of secrets, only regular
 * files (a link, a directory... stays). The new manifest is written with
 * the files (all or nothing, base/out.h) naming those still to be removed
 * too, and rewritten without them once they are: a run cut short in
 * between leaves them for the next one. Without --prune no manifest is
 * read or written.
 * Limits: PRUNE_NAMES_MAX names. A manifest that is not one, or cannot be
 * read (not a regular file, a link, too big: base/file.h; another first
 * line, a line that is no secret name) is ERR_USAGE; removing a file or
 * writing the manifest fails as ERR_INTERNAL.
 */
#ifndef AZKV_PRUNE_H
#define AZKV_PRUNE_H

#include <stddef.h>
#include "base/err.h"
#include "base/out.h"
#include "vault/ref.h"

#define PRUNE_FILE ".azkv-manifest"
#define PRUNE_HEAD "# azkv --prune\n"
#define PRUNE_NAMES_MAX 128 /* a run's 64 files, and 64 of the run before to remove */
#define PRUNE_TEXT_MAX (sizeof PRUNE_HEAD + PRUNE_NAMES_MAX * (REF_NAME_MAX + 1))

typedef struct prune {
	const char *dir;
	size_t n, nnew;      /* names[0, nnew): this run's files; then those to remove */
	const char *names[PRUNE_NAMES_MAX];
	char old[PRUNE_TEXT_MAX + 1]; /* the manifest read (names point into it) */
	char text[PRUNE_TEXT_MAX];    /* the manifest written */
	char path[OUT_PATH_MAX];
} prune;

/* The names of a manifest text[len] into names[0, *n) (pointing into
 * text, whose newlines become NULs); 0 or -1 if it is not a manifest. */
int prune_parse(char *text, size_t len, const char **names, size_t max, size_t *n);

/* Read dir's manifest (none: nothing to remove) for this run's files,
 * refs[0, n)'s names; *f is the manifest to write with them. */
int prune_start(prune *p, const char *dir, const ref *refs, size_t n, out_file *f, err *e);

/* Once the files and the manifest are written: remove the files that are
 * no longer written, then write the manifest without them. The number of
 * files removed or rewritten (out_write_all's), or -1. */
int prune_finish(prune *p, const out_opts *o, err *e);

#endif
