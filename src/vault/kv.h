/*
 * kv: requests to Key Vault over the client's kept-alive vault connection:
 * a secret's (or certificate's) value, or a key's request (keyop.c). The
 * token's resource comes from the vault's DNS suffix, else from its 401
 * challenge (docs/protocols.md 4). Errors: an err, the vault's words made
 * printable.
 */
#ifndef AZKV_KV_H
#define AZKV_KV_H

#include <stddef.h>
#include "base/err.h"
#include "vault/ref.h"

#define KV_API "7.5"
/* "certificate HOST/NAME/VERSION" */
#define KV_WHAT_MAX (URL_HOST_MAX + REF_NAME_MAX + REF_VERSION_MAX + 16)
/* "/certificates/NAME/VERSION/unwrapkey?api-version=7.5" */
#define KV_TARGET_MAX (REF_NAME_MAX + REF_VERSION_MAX + 48)

typedef struct client client;

/* Read one secret's value into out[cap] (+NUL), *n its length; with raw,
 * the whole secret bundle as the vault sent it (checked to hold a value).
 * On error out holds nothing (at most a NUL at out[0]).
 * last: no more requests will go to this vault (send Connection: close). */
int kv_get(client *c, const ref *r, int last, int raw, char *out, size_t cap,
	size_t *n, err *e);

/* A request to a vault other than reading a secret (keys, a listing). */
typedef struct kv_req {
	const ref *r;
	const char *op;     /* after the key's path ("wrapkey"), or NULL; a
	                       listing's (REF_LIST): the page's path and query,
	                       as given */
	const char *body;   /* POSTed JSON; NULL: GET */
	int last;           /* as kv_get's */
	int cls400;         /* error class of a 400 (0: ERR_MALFORMED) */
} kv_req;

/* Make q with kv_get's resource, challenge and retries. 0: a 200 is in
 * c->resp and its body in c->body (the caller wipes it); else the status
 * mapped as kv_get's, the service's code and message in the error. */
int kv_call(client *c, const kv_req *q, err *e);

/* What r names, for messages: "secret HOST/NAME[/VERSION]" (certificate,
 * key; "listing HOST/PREFIX*"). */
void kv_what(const ref *r, char what[KV_WHAT_MAX]);

#endif
