/*
 * keyop: azkv wrap, unwrap, encrypt, decrypt with a Key Vault or Managed
 * HSM key. The input is stdin (at most KEYOP_INPUT_MAX bytes, not empty),
 * checked against the algorithm's limits before anything is sent. wrap and
 * encrypt with an RSA key read the public key (GET, key_ops checked) and
 * encrypt here; with an oct-HSM key they POST to the key's version read
 * that way. unwrap and decrypt always POST to the vault, to the version
 * given or, without one, versionless (the service uses the latest).
 * KEY may be tag:NAME (meta.h).
 */
#ifndef AZKV_KEYOP_H
#define AZKV_KEYOP_H

#include "azure/client.h"
#include "vault/jwk.h"

#define KEYOP_INPUT_MAX (64 * 1024) /* stdin: far above any algorithm's limit */
#define KEYOP_DEFAULT_ALG "RSA-OAEP-256"

typedef struct keyop_opts {
	int op;          /* JWK_WRAP, JWK_UNWRAP, JWK_ENCRYPT, JWK_DECRYPT */
	const char *alg; /* NULL: KEYOP_DEFAULT_ALG */
	const char *key; /* the KEY operand */
} keyop_opts;

/* Run it and write the result to stdout: raw bytes (then a newline if
 * newline: -n), or with json (wrap, encrypt) the line {"kid", "alg",
 * "value"}; nothing is written on failure. Buffers holding plaintext are
 * wiped. */
int keyop_run(client *c, const keyop_opts *o, int json, int newline, err *e);

#endif
