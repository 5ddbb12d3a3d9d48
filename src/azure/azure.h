/*
 * azure: pure parsers of Azure response bodies, built on json.
 * Token responses of every identity source (docs/protocols.md 1.11), Key
 * Vault secret bundles (4.3) and the error bodies of all of them (1.11, 4.5).
 * Output goes to caller buffers sized by the AZ_*_MAX constants; a value that
 * does not fit is an error, never truncated. Error text returned for display
 * is made printable and never includes a token or secret value.
 * Returns 0 or a negative AZURE_E_* code; azure_strerror names it.
 */
#ifndef AZKV_AZURE_H
#define AZKV_AZURE_H

#include <stddef.h>

#define AZURE_TOKEN_MAX 16384         /* access token; Entra JWTs run 1.5-6 KB */
#define AZURE_SECRET_MAX (25 * 1024 + 1024) /* Key Vault caps values at 25 KB */
#define AZURE_ERRTEXT_MAX 300         /* "code: message" shown to the user */

enum {
	AZURE_E_JSON = -1,       /* body is not valid JSON (or too complex) */
	AZURE_E_NO_TOKEN = -2,   /* no access_token string */
	AZURE_E_TOKEN_SIZE = -3, /* access_token longer than AZURE_TOKEN_MAX */
	AZURE_E_EXPIRY = -4,     /* no usable expires_in/expires_on */
	AZURE_E_EXPIRED = -5,    /* the token is already expired */
	AZURE_E_NO_VALUE = -6,   /* secret bundle without a string "value" */
	AZURE_E_VALUE_SIZE = -7, /* value longer than the caller's buffer */
	AZURE_E_DUP = -8,        /* a key we read appears twice */
	AZURE_E_TOKEN_CHARS = -9, /* token has bytes not allowed in a header */
};

typedef struct azure_token {
	size_t len;
	long long expires_at; /* Unix seconds, by our clock */
	char access[AZURE_TOKEN_MAX + 1]; /* last: a short token leaves most pages
	                                * of it untouched */
} azure_token;

/* Parse a token response. now: our clock (Unix seconds). Prefers the
 * relative expires_in (number or numeric string; null counts as absent);
 * else expires_on as an epoch number, or a string azure_time_parse reads.
 * A token with <= 0 s left is AZURE_E_EXPIRED. The token must be non-empty
 * visible ASCII (it goes into a header). On error *t is wiped. */
int azure_token_parse(azure_token *t, const char *body, size_t len, long long now);

/* Parse an expires_on text into Unix seconds: epoch digits;
 * "M/D/YYYY H:MM:SS[ AM| PM][ ±HH:MM]" (App Service 2017, Linux/Windows);
 * "YYYY-MM-DD(T| )HH:MM:SS[.fraction][Z|±HH:MM]" (no zone = UTC).
 * Fields are range-checked; no libc time functions (no TZ). */
int azure_time_parse(const char *s, size_t n, long long *epoch);

/* Parse a Key Vault secret bundle: the decoded "value" into out[cap]
 * (+ NUL), *n its byte length. A lone surrogate in it is AZURE_E_JSON; on
 * error out is left empty. */
int azure_secret_parse(const char *body, size_t len, char *out, size_t cap,
	size_t *n);

/* As azure_secret_parse for another string member of the bundle (a
 * certificate bundle's "cer" or "sid"); AZURE_E_NO_VALUE when absent. */
int azure_field_parse(const char *body, size_t len, const char *field, char *out,
	size_t cap, size_t *n);

/* Describe an error body for humans into out[cap] (printable, one line):
 * {"error":{"code","message","innererror":{"code"}}} -> "code (inner): message"
 * {"error":"code","error_description":"text"} -> "code: text"
 * {"statusCode":500,"message":"text"} / {"Message"/"ErrorCode"...} -> best effort.
 * Falls back to the first bytes of a non-JSON body made printable; "" if
 * empty, or if the body is (or starts like) JSON with none of these fields:
 * it is never echoed raw, as it might hold a token or value. */
void azure_error_text(const char *body, size_t len, char *out, size_t cap);

/* 1 if an error body's code/description says "Identity not found" (IMDS). */
int azure_identity_not_found(const char *body, size_t len);

const char *azure_strerror(int code);

#endif
