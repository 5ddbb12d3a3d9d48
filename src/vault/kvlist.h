/*
 * kvlist: a selection (VAULT/PREFIX*, ref.h) made into secret names by
 * listing its vault page by page (docs/protocols.md 4.9) over kv_call: the
 * same token, and the same kept-alive connection, as the reads after it.
 * The first page is LIST_FIRST KV_API LIST_PAGE; each nextLink is followed
 * when list_next accepts it and it was not seen before, up to
 * LIST_PAGES_MAX pages. The page's token table (list.h) is a mapping
 * (base/mem.h) taken only while listing.
 * Errors: a page that is not one, a nextLink refused or repeated, or more
 * pages than the limit, ERR_MALFORMED (nothing is asked of such a link);
 * nothing selected ERR_NOTFOUND, saying what was matched against; the
 * vault's own errors as kv_call's.
 */
#ifndef AZKV_KVLIST_H
#define AZKV_KVLIST_H

#include "azure/client.h"
#include "vault/list.h"
#include "vault/ref.h"

/* List sel's vault and select from it: s has tags, ntags, managed, take
 * and ctx set; kvlist sets the rest (s->sel; the clock: now, or the build
 * time when the clock is before it, nbf then unchecked). -v: the pages,
 * items, items skipped and why, and those selected. */
int kvlist_select(client *c, const ref *sel, list_sel *s, err *e);

#endif
