/*
 * list: one page of a Key Vault secret listing (GET /secrets, docs/protocols.md
 * 4.9) and what a selection takes from it; the variable name exec gives a
 * listed secret. Pure: the caller makes the requests (vault/kvlist.h).
 * A page is {"value": [ITEM...], "nextLink": URL | null}; an ITEM's id must
 * name a secret of the listed vault. An item is selected when its name
 * starts with the prefix (any case), it is enabled, not expired, not yet to
 * be valid (nbf, when the clock is known), not a certificate's secret
 * (managed) unless asked, and has every KEY=VALUE tag asked for.
 * Limits: LIST_TOKENS JSON tokens a page; the nextLink's path and query
 * URL_PATH_MAX. Returns 0 or LIST_E_*.
 */
#ifndef AZKV_LIST_H
#define AZKV_LIST_H

#include <stddef.h>
#include "codec/json.h"
#include "http/url.h"
#include "vault/ref.h"

#define LIST_TOKENS 2048   /* a page of 25 items with 15 tags each takes ~1,400 */
#define LIST_PAGES_MAX 100 /* 2,500 secrets at 25 a page */
#define LIST_TAG_MAX 256   /* Key Vault's longest tag name or value */
#define LIST_FIRST "/secrets?api-version=" /* + KV_API + LIST_PAGE */
#define LIST_PAGE "&maxresults=25"

enum {
	LIST_E_JSON = -1,  /* not a page: no value array, an item without id... */
	LIST_E_BIG = -2,   /* more than LIST_TOKENS tokens */
	LIST_E_ID = -3,    /* an item's id is not a secret of this vault */
	LIST_E_NEXT = -4,  /* nextLink: not https://VAULT[:443]/secrets[?...] */
	LIST_E_TAKE = -5,  /* the caller's take() refused (its error stands) */
	LIST_E_LOOP = -6,  /* (kvlist) a nextLink already followed */
	LIST_E_PAGES = -7, /* (kvlist) more than LIST_PAGES_MAX pages */
};

/* Why an item is not selected (list_sel.why[]); LIST_OK counts those that are. */
enum { LIST_OK, LIST_NAME, LIST_DISABLED, LIST_EXPIRED, LIST_NOT_YET, LIST_MANAGED,
	LIST_TAGS, LIST_WHY };

typedef struct list_sel {
	/* the caller's */
	const ref *sel;           /* the selection (REF_LIST): its vault's host and
	                             port; its name "PREFIX*", compared in any case */
	const char *const *tags;  /* KEY=VALUE each, all must match */
	size_t ntags;
	int managed;              /* also certificates' secrets */
	long long now;            /* unix seconds */
	int nbf;                  /* the clock is known: check nbf too */
	int (*take)(void *ctx, const char *name); /* each name selected: 0 or -1 */
	void *ctx;
	/* list_page's, added up over pages */
	unsigned why[LIST_WHY];
	char next[URL_PATH_MAX + 1]; /* the nextLink's path and query; "" at the end */
} list_sel;

/* Read one page body[len] with table (json_parse_in, LIST_TOKENS tokens):
 * s->take for each item selected, in the page's order; s->why counted;
 * s->next set. */
int list_page(list_sel *s, json_doc *d, json_tok *table, const char *body, size_t len);

/* A nextLink link[n]: https, the vault's host and port (443 may be
 * written), path /secrets; its path and query, as given, into out[cap]. */
int list_next(const list_sel *s, const char *link, char *out, size_t cap);

/* The variable name of secret name listed under a prefix of strip bytes:
 * pfx as it is, then name without its first strip bytes, upper-cased, '-'
 * as '_', into out[cap]. 0, or -1 if that is no variable name
 * ([A-Za-z_][A-Za-z0-9_]*) or does not fit. */
int list_env_name(char *out, size_t cap, const char *pfx, const char *name, size_t strip);

const char *list_strerror(int code);

#endif
