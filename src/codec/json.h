/*
 * json: strict JSON reading over jsmn, for small response bodies.
 * The document is checked against the RFC 8259 grammar by our own validator
 * (jsmn strict still accepts trailing commas), then tokenised by jsmn into a
 * fixed token array inside the caller's json_doc (or a larger table of the
 * caller's: json_parse_in). The top value must be an object or array; raw
 * string bytes must be well-formed UTF-8 (no overlongs,
 * surrogates or > U+10FFFF). Strings are decoded by us, \uXXXX surrogate pairs
 * into 4-byte UTF-8; lone surrogates are errors; \u0000 decodes to a NUL byte
 * (lengths are explicit). Only this module includes jsmn.h. Errors are < 0.
 */
#ifndef AZKV_JSON_H
#define AZKV_JSON_H

#include <stddef.h>

/* a VM's 50 tags from IMDS need 251 tokens; a secret bundle with 15 tags ~60 */
#define JSON_TOKENS_MAX 256
#define JSON_DEPTH_MAX 32   /* nesting the validator accepts */

enum { JSON_OBJECT = 1, JSON_ARRAY, JSON_STRING, JSON_PRIMITIVE };

enum {
	JSON_E_SYNTAX = -1,   /* not valid JSON */
	JSON_E_TOO_BIG = -2,  /* more than JSON_TOKENS_MAX tokens or too deep */
	JSON_E_TYPE = -3,     /* value of the wrong type */
	JSON_E_ESCAPE = -4,   /* bad escape, lone surrogate, raw control char
	                       * or invalid UTF-8 inside a string */
	JSON_E_SPACE = -5,    /* decoded string does not fit the buffer */
	JSON_E_DUP = -6,      /* the key appears twice in one object */
	JSON_E_RANGE = -7,    /* number not an integer in range */
};

typedef struct json_tok {
	int type, start, end, size; /* as jsmn: byte offsets, child count */
} json_tok;

typedef struct json_doc {
	const char *src;
	size_t len;
	int ntok;
	json_tok *tok; /* own, or the table given to json_parse_in */
	json_tok own[JSON_TOKENS_MAX];
} json_doc;

/* Validate and tokenise src[len]. Token 0 is the top-level value (an object
 * or array; a bare scalar is JSON_E_SYNTAX). */
int json_parse(json_doc *d, const char *src, size_t len);

/* As json_parse, into the caller's table[cap] instead of d's own tokens:
 * for documents of more than JSON_TOKENS_MAX (a listing page). */
int json_parse_in(json_doc *d, json_tok *table, int cap, const char *src, size_t len);

/* Index of the value for key in object token obj (direct members only):
 * >= 0 found, -1 absent, JSON_E_TYPE if obj is no object, JSON_E_DUP if the
 * key occurs twice. Keys compare after decoding, exactly; a key that does
 * not decode (lone surrogate) matches nothing. */
int json_find(const json_doc *d, int obj, const char *key);

/* Index of the token after tok's whole subtree (to skip nested values). */
int json_skip(const json_doc *d, int tok);

/* Decode string token tok into out[cap] plus a terminating NUL; *n gets the
 * byte length (which may include NULs). JSON_E_TYPE if not a string. On any
 * error out is left empty (never a truncated value) and *n is 0. */
int json_string(const json_doc *d, int tok, char *out, size_t cap, size_t *n);

/* Integer from a number or a numeric string ("3599"): -?[0-9]+ only.
 * Fractions, exponents, other signs, spaces, empty or non-numeric strings
 * are JSON_E_RANGE; so is overflow. Literals/containers: JSON_E_TYPE. */
int json_int(const json_doc *d, int tok, long long *v);

/* 1 if tok is the literal null, true or false respectively. */
int json_is(const json_doc *d, int tok, const char *literal);

const char *json_strerror(int code);

#endif
