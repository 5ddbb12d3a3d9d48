/*
 * ref: secret references as users write them.
 *   https://HOST/secrets/NAME[/VERSION]   (secret identifier URL, optional :port)
 *   VAULT/NAME[/VERSION]                  (VAULT a vault name: public cloud)
 *   HOST/NAME[/VERSION]                   (HOST a full vault host name)
 *   https://HOST/certificates/NAME[/VERSION], VAULT/certificates/NAME[/VERSION],
 *   HOST/certificates/NAME[/VERSION]      (a certificate: REF_CERT)
 * and keys (ref_parse_key: REF_KEY). A selection (ref_parse_sel, akv://
 * values) is a secret's short or URL form whose NAME is PREFIX* (PREFIX
 * possibly empty), without a version: the secrets of the vault whose names
 * start with PREFIX (REF_LIST, listed: vault/list.h).
 * Names are 1-127 of [0-9A-Za-z-]; versions 32 hex-or-alnum characters
 * (docs/protocols.md 4.4); vault names 3-24 of [0-9A-Za-z-] without "--".
 * Pure; returns 0 or REF_E_*, never sends anything.
 */
#ifndef AZKV_REF_H
#define AZKV_REF_H

#include "http/url.h"

#define REF_NAME_MAX 127
#define REF_VERSION_MAX 32

enum {
	REF_E_FORM = -1,    /* not one of the accepted shapes */
	REF_E_NAME = -2,    /* secret name invalid */
	REF_E_VERSION = -3, /* version invalid */
	REF_E_VAULT = -4,   /* vault name or host invalid */
	REF_E_SCHEME = -5,  /* URL not https */
	REF_E_SPACE = -6,   /* ref_target: output buffer too small */
	REF_E_MANY = -7,    /* ref_env_scan: more references than the table */
};

/* What a reference reads. */
enum {
	REF_SECRET,   /* a secret's value */
	REF_CERT,     /* a certificate: its bundle's "cer" (the leaf) */
	REF_CERT_SID, /* a certificate: its bundle's "sid" (set by the caller,
	               * to read the secret holding the key next) */
	REF_KEY,      /* a key (ref_parse_key) */
	REF_LIST,     /* a selection: name is "PREFIX*" */
};

typedef struct ref {
	char host[URL_HOST_MAX + 1]; /* lower-cased vault host */
	unsigned port;               /* 443 unless the URL said otherwise */
	char name[REF_NAME_MAX + 1];
	char version[REF_VERSION_MAX + 1]; /* "" for the latest */
	int kind;                    /* REF_* */
} ref;

/* Parse s into *r (zeroed on error). A trailing '/' after NAME means the
 * latest version; anything after VERSION, a query or a fragment is
 * REF_E_FORM. A short-form VAULT containing '.' is taken as a host. */
int ref_parse(ref *r, const char *s);

/* As ref_parse, also taking a selection. */
int ref_parse_sel(ref *r, const char *s);

/* An environment value that may be a reference (azkv exec):
 *   @Microsoft.KeyVault(SecretUri=https://HOST/secrets/NAME[/VERSION][/])
 *   @Microsoft.KeyVault(VaultName=V;SecretName=N[;SecretVersion=X])
 *   akv://VAULT/NAME[/VERSION]   (VAULT a vault name or host; a selection
 *                                 VAULT/PREFIX* too)
 * Returns 1 and fills *r for a reference, 0 if the value is not one (left
 * alone), or REF_E_* for a malformed one (never silently passed on).
 * Keys of the KeyVault() form compare case-insensitively, in any order. */
int ref_parse_env(ref *r, const char *value);

/* The references among env[] (NAME=VALUE entries, NULL-terminated), in
 * order: refs[k] and the index at[k] of its entry, for k < *n <= max.
 * Returns 0, or REF_E_* for a malformed reference or REF_E_MANY for a
 * (max+1)th one, with *bad the index of that entry. Nothing is written past
 * refs[max - 1] or at[max - 1]. */
int ref_env_scan(char *const *env, ref *refs, size_t *at, size_t max,
	size_t *n, size_t *bad);

/* A key reference: https://HOST/keys/NAME[/VERSION], or the short forms
 * of secrets VAULT/NAME[/VERSION] and HOST/NAME[/VERSION], also with
 * "keys/" before NAME (VAULT/keys/NAME is always the key NAME). Returns 0
 * or REF_E_*; ref_key_strerror says why in a key's words. */
int ref_parse_key(ref *r, const char *s);

/* The request target: "/secrets/NAME[/VERSION][/OP]?api-version=V"
 * ("/certificates/..." for a certificate, "/keys/..." for a key); op NULL:
 * none. Returns 0 or REF_E_SPACE. */
int ref_target(const ref *r, const char *op, const char *api_version, char *out,
	size_t cap);

/* Is s[n] a secret name (1-127 of [0-9A-Za-z-])? */
int ref_name_ok(const char *s, size_t n);

const char *ref_strerror(int code);
const char *ref_key_strerror(int code);

#endif
