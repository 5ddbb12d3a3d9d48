#include "vault/kvlist.h"
#include "base/fmt.h"
#include "base/log.h"
#include "vault/kv.h"

#include <string.h>
#include <time.h>

#include "buildinfo.h"

/* FNV-1a: the nextLinks seen, to stop at one that comes back. */
static unsigned long long hash(const char *s)
{
	unsigned long long h = 14695981039346656037ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

__attribute__((noinline)) /* the page's token table: not under every run's calls */
int kvlist_select(client *c, const ref *sel, list_sel *s, err *e)
{
	json_doc d;
	json_tok tok[LIST_TOKENS];
	char what[KV_WHAT_MAX], tail[200];
	unsigned long long seen[LIST_PAGES_MAX + 1];
	const char *target = LIST_FIRST KV_API LIST_PAGE;
	unsigned *w = s->why;
	size_t o = fmt(what, sizeof what, "listing %s/%s*", sel->host, sel->name);
	int pages = 0, k, rc;

	for (k = 0; k < (int)s->ntags && o < sizeof what; k++)
		o += fmt(what + o, sizeof what - o, " --tag %s", s->tags[k]);
	s->host = sel->host;
	s->port = sel->port;
	s->prefix = sel->name;
	s->now = (long long)time(NULL);
	s->nbf = s->now >= AZKV_BUILD_TIME;
	if (!s->nbf)
		s->now = AZKV_BUILD_TIME;
	memset(w, 0, sizeof s->why);
	do {
		kv_req q = { what, target, NULL, 0, 0 };

		seen[pages] = hash(target);
		rc = pages == LIST_PAGES_MAX ? LIST_E_PAGES : 0;
		for (k = 0; k < pages; k++)
			if (seen[k] == seen[pages])
				rc = LIST_E_LOOP;
		if (!rc && kv_call(c, sel, &q, e) < 0)
			return -1;
		if (!rc)
			rc = list_page(s, &d, tok, (const char *)c->body, c->resp.body_len);
		pages++;
		if (rc < 0)
			return err_set(e, ERR_MALFORMED, "%s: page %d: %s", what, pages,
				list_strerror(rc));
		target = s->next;
	} while (target[0]);
	fmt(tail, sizeof tail, "%d pages, %u items, %u selected; %u other names, %u disabled, "
		"%u expired, %u not yet valid, %u managed, %u other tags", pages,
		w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6], w[LIST_OK], w[LIST_NAME],
		w[LIST_DISABLED], w[LIST_EXPIRED], w[LIST_NOT_YET], w[LIST_MANAGED], w[LIST_TAGS]);
	if (!w[LIST_OK])
		return err_set(e, ERR_NOTFOUND, "%s: no secret selected (%s)", what, tail);
	log_v("%s: %s", what, tail);
	return 0;
}
