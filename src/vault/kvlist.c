/* kvlist: a selection listed page by page over kv_call (kvlist.h). */
#include "vault/kvlist.h"
#include "base/clock.h"
#include "base/fmt.h"
#include "base/log.h"
#include "base/mem.h"
#include "vault/kv.h"

#include <string.h>

#include "buildinfo.h"

/* FNV-1a: the nextLinks seen, to stop at one that comes back. */
static unsigned long long hash(const char *s)
{
	unsigned long long h = 14695981039346656037ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

/* Each page in turn into tok[LIST_TOKENS]: the number of pages, or -1
 * with e set. */
static int pages(client *c, const ref *sel, list_sel *s, json_tok *tok, const char *what,
	err *e)
{
	unsigned long long seen[LIST_PAGES_MAX + 1];
	const char *target = LIST_FIRST KV_API LIST_PAGE;
	json_doc d;
	int n = 0, k, rc;

	do {
		kv_req q = { sel, target, NULL, 0, 0 };

		seen[n] = hash(target);
		rc = n == LIST_PAGES_MAX ? LIST_E_PAGES : 0;
		for (k = 0; k < n; k++)
			if (seen[k] == seen[n])
				rc = LIST_E_LOOP;
		if (!rc && kv_call(c, &q, e) < 0)
			return -1;
		if (!rc)
			rc = list_page(s, &d, tok, (const char *)c->body, c->resp.body_len);
		n++;
		if (rc < 0)
			return err_set(e, ERR_MALFORMED, "%s: page %d: %s", what, n,
				list_strerror(rc));
		target = s->next;
	} while (target[0]);
	return n;
}

int kvlist_select(client *c, const ref *sel, list_sel *s, err *e)
{
	char what[KV_WHAT_MAX + 256], tail[200];
	const unsigned *w = s->why;
	json_tok *tok = mem_take(LIST_TOKENS * sizeof *tok, e);
	size_t o, k;
	int n;

	kv_what(sel, what); /* "listing HOST/PREFIX*" */
	for (k = 0, o = strlen(what); k < s->ntags && o < sizeof what; k++)
		o += fmt(what + o, sizeof what - o, " --tag %s", s->tags[k]);
	s->sel = sel;
	s->now = clock_epoch();
	s->nbf = s->now >= AZKV_BUILD_TIME;
	if (!s->nbf)
		s->now = AZKV_BUILD_TIME;
	memset(s->why, 0, sizeof s->why);
	n = tok ? pages(c, sel, s, tok, what, e) : -1;
	mem_give(tok, LIST_TOKENS * sizeof *tok, 0);
	if (n < 0)
		return -1;
	fmt(tail, sizeof tail, "%d pages, %u items, %u selected; %u other names, %u disabled, "
		"%u expired, %u not yet valid, %u managed, %u other tags", n,
		w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6], w[LIST_OK], w[LIST_NAME],
		w[LIST_DISABLED], w[LIST_EXPIRED], w[LIST_NOT_YET], w[LIST_MANAGED], w[LIST_TAGS]);
	if (!w[LIST_OK])
		return err_set(e, ERR_NOTFOUND, "%s: no secret selected (%s)", what, tail);
	log_v("%s: %s", what, tail);
	return 0;
}
