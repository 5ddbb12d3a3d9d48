/* prune: --prune's manifest (prune.h). */
#include "cli/prune.h"
#include "base/file.h"
#include "base/fmt.h"
#include "base/log.h"
#include "base/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int prune_parse(char *text, size_t len, const char **names, size_t max, size_t *n)
{
	size_t h = sizeof PRUNE_HEAD - 1, i;
	char *nl;

	*n = 0;
	if (len < h || memcmp(text, PRUNE_HEAD, h) != 0 || text[len - 1] != '\n')
		return -1;
	for (i = h; i < len; i = (size_t)(nl - text) + 1) {
		nl = memchr(text + i, '\n', len - i);
		*nl = 0;
		if (*n == max || !ref_name_ok(text + i, (size_t)(nl - text - i)))
			return -1;
		names[(*n)++] = text + i;
	}
	return 0;
}

/* names[0, k) as a manifest into p->text; *f writes it. */
static void manifest(prune *p, size_t k, out_file *f)
{
	size_t o = fmt(p->text, sizeof p->text, PRUNE_HEAD), i;

	for (i = 0; i < k; i++)
		o += fmt(p->text + o, sizeof p->text - o, "%s\n", p->names[i]);
	f->path = p->path;
	f->data = p->text;
	f->n = o;
}

/* The old manifest's names into p->old and olds; none if there is none.
 * file.h's rule: a regular file, not a link, within the limit. */
static int read_old(prune *p, const char **olds, size_t *nold, err *e)
{
	size_t n;

	*nold = 0;
	errno = 0;
	if (file_read_small(AT_FDCWD, p->path, O_NOFOLLOW, p->old, PRUNE_TEXT_MAX, &n,
		ERR_USAGE, p->path, e) < 0)
		return errno == ENOENT ? (err_clear(e), 0) : -1;
	if (prune_parse(p->old, n, olds, PRUNE_NAMES_MAX, nold) < 0)
		return err_set(e, ERR_USAGE, "--prune: %s: not azkv's manifest", p->path);
	return 0;
}

int prune_start(prune *p, const char *dir, const ref *refs, size_t n, out_file *f, err *e)
{
	const char *olds[PRUNE_NAMES_MAX];
	size_t nold, i, j;

	p->dir = dir;
	if (out_join(p->path, sizeof p->path, dir, PRUNE_FILE) < 0)
		return err_set(e, ERR_USAGE, "--out-dir %s: path too long", dir);
	if (read_old(p, olds, &nold, e) < 0)
		return -1;
	for (p->n = 0; p->n < n; p->n++)
		p->names[p->n] = refs[p->n].name;
	p->nnew = n;
	for (i = 0; i < nold; i++) {
		for (j = 0; j < n && strcmp(olds[i], refs[j].name) != 0; j++)
			;
		if (j == n && p->n < PRUNE_NAMES_MAX)
			p->names[p->n++] = olds[i];
	}
	manifest(p, p->n, f);
	return 0;
}

int prune_finish(prune *p, const out_opts *o, err *e)
{
	char path[OUT_PATH_MAX];
	struct stat st;
	out_file f;
	size_t i;
	int k = 0, gone, reg;

	for (i = p->nnew; i < p->n; i++) {
		if (out_join(path, sizeof path, p->dir, p->names[i]) < 0)
			return err_set(e, ERR_USAGE, "--out-dir %s: path too long", p->dir);
		gone = sys_lstat(path, &st) < 0;
		reg = !gone && S_ISREG(st.st_mode);
		if ((gone && errno != ENOENT) || (reg && unlink(path) < 0))
			return err_set(e, ERR_INTERNAL, "--prune: %s: %s", path, err_errno(errno));
		k += reg;
		if (!gone)
			log_v("--prune: %s %s", reg ? "removed" : "kept (not a file):", path);
	}
	manifest(p, p->nnew, &f); /* (as written when nothing was to go: left alone) */
	gone = out_write_all(&f, 1, o, e);
	return gone < 0 ? -1 : k + gone;
}
