/*
 * kv: one secret from Key Vault over the client's kept-alive vault
 * connection, the token's resource learnt from the vault's challenge
 * (docs/protocols.md 4). Errors: an err, the vault's words made printable.
 */
#ifndef AZKV_KV_H
#define AZKV_KV_H

#include <stddef.h>
#include "err.h"
#include "ref.h"

typedef struct client client;

/* Read one secret's value into out[cap] (+NUL), *n its length; with raw,
 * the whole secret bundle as the vault sent it (checked to hold a value).
 * On error out holds nothing (at most a NUL at out[0]).
 * last: no more requests will go to this vault (send Connection: close). */
int kv_get(client *c, const ref *r, int last, int raw, char *out, size_t cap,
	size_t *n, err *e);

#endif
