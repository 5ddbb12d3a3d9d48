/* list: one page of a secret listing, pure (list.h). */
#include "vault/list.h"
#include "base/str.h"
#include "vault/ref.h"

#include <string.h>

int list_next(const list_sel *s, const char *link, char *out, size_t cap)
{
	url u;

	if (url_parse(&u, link) != 0 || !u.https || strcmp(u.host, s->sel->host) != 0
		|| u.port != s->sel->port || strncmp(u.path, "/secrets", 8) != 0
		|| (u.path[8] && u.path[8] != '?'))
		return LIST_E_NEXT;
	return str_copy(out, cap, u.path) < 0 ? LIST_E_NEXT : 0;
}

/* Member key of object obj: its index, or -1 when absent or null. */
static int member(const json_doc *d, int obj, const char *key)
{
	int i = json_find(d, obj, key);

	return i >= 0 && json_is(d, i, "null") ? -1 : i;
}

/* Attribute key (a time) is set and compares with now as 1 (after) or -1
 * (before) says. A time that is not an integer fails the item. */
static int when(const json_doc *d, int attrs, const char *key, long long now, int after,
	int *bad)
{
	long long t;
	int i = member(d, attrs, key);

	if (i < 0)
		return 0;
	if (json_int(d, i, &t) < 0)
		return *bad = 1;
	return after > 0 ? t > now : t <= now;
}

/* Has the tags object every KEY=VALUE asked for? */
static int tags_match(const list_sel *s, const json_doc *d, int tags)
{
	char k[LIST_TAG_MAX + 1], v[LIST_TAG_MAX + 1];
	size_t i, n;

	for (i = 0; i < s->ntags; i++) {
		const char *eq = strchr(s->tags[i], '=');
		int t;

		if (str_copyn(k, sizeof k, s->tags[i], (size_t)(eq - s->tags[i])) < 0
			|| (t = json_find(d, tags, k)) < 0
			|| json_string(d, t, v, sizeof v, &n) < 0
			|| n != strlen(eq + 1) || strcmp(v, eq + 1) != 0)
			return 0;
	}
	return 1;
}

/* Why item it is not selected (LIST_OK: it is), its name into r->name;
 * or LIST_E_*. */
static int judge(const list_sel *s, const json_doc *d, int it, ref *r)
{
	char id[URL_HOST_MAX + REF_NAME_MAX + 32];
	size_t n;
	int a, i = member(d, it, "id"), bad = 0, why;

	if (i < 0 || json_string(d, i, id, sizeof id, &n) < 0 || n != strlen(id)
		|| ref_parse(r, id) < 0 || r->kind || r->version[0]
		|| strcmp(r->host, s->sel->host) != 0)
		return LIST_E_ID;
	a = member(d, it, "attributes");
	if (a >= 0 && d->tok[a].type != JSON_OBJECT)
		return LIST_E_JSON;
	why = !str_ieqn(r->name, s->sel->name, strlen(s->sel->name) - 1) ? LIST_NAME
		: a < 0 || !json_is(d, member(d, a, "enabled"), "true") ? LIST_DISABLED
		: when(d, a, "exp", s->now, -1, &bad) ? LIST_EXPIRED
		: s->nbf && when(d, a, "nbf", s->now, 1, &bad) ? LIST_NOT_YET
		: !s->managed && json_is(d, member(d, it, "managed"), "true") ? LIST_MANAGED
		: s->ntags && !tags_match(s, d, member(d, it, "tags")) ? LIST_TAGS : LIST_OK;
	return bad ? LIST_E_JSON : why;
}

int list_page(list_sel *s, json_doc *d, json_tok *table, const char *body, size_t len)
{
	char link[URL_PATH_MAX + URL_HOST_MAX + 32];
	size_t n;
	ref r;
	int rc = json_parse_in(d, table, LIST_TOKENS, body, len), v, it, k;

	if (rc < 0)
		return rc == JSON_E_TOO_BIG ? LIST_E_BIG : LIST_E_JSON;
	v = json_find(d, 0, "value");
	if (v < 0 || d->tok[v].type != JSON_ARRAY)
		return LIST_E_JSON;
	for (k = 0, it = v + 1; k < d->tok[v].size; k++, it = json_skip(d, it)) {
		if (d->tok[it].type != JSON_OBJECT)
			return LIST_E_JSON;
		if ((rc = judge(s, d, it, &r)) < 0)
			return rc;
		s->why[rc]++;
		if (rc == LIST_OK && s->take(s->ctx, r.name) < 0)
			return LIST_E_TAKE;
	}
	s->next[0] = 0;
	if ((k = member(d, 0, "nextLink")) == JSON_E_DUP)
		return LIST_E_JSON;
	if (k < 0)
		return 0;
	if (json_string(d, k, link, sizeof link, &n) < 0 || n != strlen(link))
		return LIST_E_NEXT;
	return list_next(s, link, s->next, sizeof s->next);
}

int list_env_name(char *out, size_t cap, const char *pfx, const char *name, size_t strip)
{
	size_t o = strlen(pfx), i;

	if (str_copy(out, cap, pfx) < 0 || str_copy(out + o, cap - o, name + strip) < 0)
		return -1;
	for (i = 0; out[i]; i++) {
		char c = out[i];

		if (i >= o) /* the name's part */
			out[i] = c = (char)(c == '-' ? '_' : c >= 'a' && c <= 'z' ? c - 32 : c);
		if (!str_isalnum(c) && c != '_')
			return -1;
	}
	return i && !str_isdigit(out[0]) ? 0 : -1;
}

/* One line per code, LIST_E_JSON (-1) first, packed (test_list checks each). */
#define E(code, text) text "\0"
static const char texts[] =
	E(LIST_E_JSON, "not a page of secrets")
	E(LIST_E_BIG, "page of more than 2048 JSON tokens")
	E(LIST_E_ID, "an id is no secret of this vault")
	E(LIST_E_NEXT, "nextLink not https://VAULT/secrets? of this vault")
	E(LIST_E_TAKE, "not a page of secrets")
	E(LIST_E_LOOP, "nextLink already followed (a loop)")
	E(LIST_E_PAGES, "more than 100 pages")
	"not a page of secrets";
#undef E

const char *list_strerror(int code)
{
	return str_code(texts, code, LIST_E_PAGES);
}
