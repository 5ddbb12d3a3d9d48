/*
 * der: a small reader of DER (the ASN.1 encoding of certificates, keys and
 * PKCS#12 files). Pure, fed bytes; nothing is copied: a walker is a window
 * on the caller's buffer. One-byte tags only (high tag numbers refused);
 * definite lengths of at most 4 length bytes (indefinite BER refused);
 * an element must fit in its parent. A walker keeps its first failure
 * (bad): later reads fail too, so a parse checks once at the end.
 */
#ifndef AZKV_DER_H
#define AZKV_DER_H

#include <stddef.h>

enum {
	DER_BOOL = 0x01, DER_INT = 0x02, DER_BITS = 0x03, DER_OCTETS = 0x04,
	DER_NULL = 0x05, DER_OID = 0x06, DER_UTCTIME = 0x17, DER_GENTIME = 0x18,
	DER_SEQ = 0x30, DER_SET = 0x31,
	DER_CTX0 = 0xa0, DER_CTX1 = 0xa1, DER_CTX3 = 0xa3, /* [n] constructed */
	DER_IMPL0 = 0x80, DER_IMPL1 = 0x81, DER_IMPL2 = 0x82, /* [n] IMPLICIT primitive */
};

/* Tags as der_fields strings. */
#define T_INT "\x02"
#define T_BITS "\x03"
#define T_OCTETS "\x04"
#define T_NULL "\x05"
#define T_OID "\x06"
#define T_SEQ "\x30"
#define T_SET "\x31"
#define T_CTX0 "\xa0"
#define T_CTX1 "\xa1"
#define T_OPT "?"

#define DER_OID_TEXT_MAX 64 /* dotted text shown in errors (cut beyond) */

typedef struct der {
	const unsigned char *p, *end;
	int bad;
} der;

/* A walker over p[n]. */
void der_init(der *d, const void *p, size_t n);

/* The next element's tag, or -1 at the end, when malformed or bad. */
int der_peek(const der *d);

/* Read the next element, whose tag must be tag: *in walks its contents
 * (its whole encoding is from the old d->p to the new one). On failure d
 * and *in are bad (a bad d gives a bad *in: check the outermost walkers
 * once at the end). 0 or -1. */
int der_get(der *d, int tag, der *in);

/* Skip the next element whatever its tag. 0 or -1 (bad). */
int der_skip(der *d);

/* The walker must be used up and never failed. 0 or -1. */
int der_done(const der *d);

/* Bytes left in the walker. */
size_t der_left(const der *d);

/* The contents of a non-negative INTEGER (as der_get left them), at most
 * max, into *v. 0 or -1. */
int der_num(const der *w, unsigned long max, unsigned long *v);

/* Read a whole SEQUENCE's contents d: one element per byte of tags (a
 * string; "?" before a tag makes that element optional: when absent its
 * walker is bad and empty), each into f[i]; d must then be used up.
 * 0 or -1. */
int der_fields(der *d, const char *tags, der *f);

/* A non-negative INTEGER element of at most max into *v. 0 or -1 (bad). */
int der_uint(der *d, unsigned long max, unsigned long *v);

/* Are the OID contents in w (as der_get left them) the encoded oid[n]? */
int der_oid_is(const der *w, const unsigned char *oid, size_t n);

/* The OID contents p[n] as dotted text into out[cap] (always terminated;
 * "?" for a malformed OID). */
void der_oid_text(const unsigned char *p, size_t n, char *out, size_t cap);

#endif
