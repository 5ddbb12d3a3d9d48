/*
 * kv: one secret, or another request (keys), from Key Vault over the client's kept-alive vault
 * connection, the token's resource learnt from the vault's challenge
 * (docs/protocols.md 4). Errors: an err, the vault's words made printable.
 */
#ifndef AZKV_KV_H
#define AZKV_KV_H

#include <stddef.h>
#include "base/err.h"
#include "vault/ref.h"

typedef struct client client;

#define KV_API "7.5" /* docs/protocols.md 4.2 */
#define KV_WHAT_MAX (URL_HOST_MAX + REF_NAME_MAX + REF_VERSION_MAX + 16) /* "secret HOST/NAME/VER" */
#define KV_TARGET_MAX (REF_NAME_MAX + REF_VERSION_MAX + 48) /* a secret's path and query */

/* Read one secret's value into out[cap] (+NUL), *n its length; with raw,
 * the whole secret bundle as the vault sent it (checked to hold a value).
 * On error out holds nothing (at most a NUL at out[0]).
 * last: no more requests will go to this vault (send Connection: close). */
int kv_get(client *c, const ref *r, int last, int raw, char *out, size_t cap,
	size_t *n, err *e);

/* A request to a vault other than reading a secret (keys, a listing): GET,
 * or POST of the JSON body; target is the path and query (what and target
 * must live until kv_call returns). */
typedef struct kv_req {
	const char *what;   /* "key HOST/NAME" for messages */
	const char *target;
	const char *body;   /* NULL: GET */
	int last;           /* as kv_get's */
	int cls400;         /* error class of a 400 (0: ERR_MALFORMED) */
} kv_req;

/* Make q with kv_get's resource, challenge and retries. 0: a 200 is in
 * c->resp and its body in c->body (the caller wipes it); else the status
 * mapped as kv_get's, the service's code and message in the error. */
int kv_call(client *c, const ref *r, const kv_req *q, err *e);

#endif
