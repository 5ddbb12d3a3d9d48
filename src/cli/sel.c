/*
 * sel: the selections (VAULT/PREFIX*) of get and exec made into the run's
 * references: the vault listed with the run's --tag and --include-managed
 * (vault/kvlist.h), each secret selected a copy of the selection named
 * after it (cli.h: sel_add, sel_expand).
 */
#include "cli/cli.h"
#include "base/str.h"
#include "vault/kvlist.h"

#include <string.h>

typedef struct sel_ctx {
	const ref *sel;
	ref *refs;
	size_t *n;
	sel_hook hook;
	void *ctx;
	err *e;
} sel_ctx;

int sel_add(ref *refs, size_t *n, const ref *r, err *e)
{
	if (*n == CLI_SECRETS_MAX)
		return err_set(e, ERR_USAGE, "more than %d secrets to read", CLI_SECRETS_MAX);
	refs[(*n)++] = *r;
	return 0;
}

static int take(void *p, const char *name)
{
	sel_ctx *x = p;
	ref r = *x->sel;
	int rc = 0;

	r.kind = REF_SECRET;
	str_copy(r.name, sizeof r.name, name);
	if (x->hook && *x->n < CLI_SECRETS_MAX)
		rc = x->hook(x->ctx, x->sel, &r, *x->n, x->e);
	return rc ? rc : sel_add(x->refs, x->n, &r, x->e);
}

int sel_expand(client *c, const ref *sel, ref *refs, size_t *n, sel_hook hook, void *ctx,
	err *e)
{
	sel_ctx x = { sel, refs, n, hook, ctx, e };
	list_sel s;

	memset(&s, 0, sizeof s);
	s.tags = opts.tags.v;
	s.ntags = opts.tags.n;
	s.managed = opts.include_managed;
	s.take = take;
	s.ctx = &x;
	return kvlist_select(c, sel, &s, e);
}
