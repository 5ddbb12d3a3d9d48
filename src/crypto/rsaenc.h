/*
 * rsaenc: RSA encryption with a public key, for wrapping a key locally
 * with the public half of a Key Vault RSA key. Paddings: OAEP with SHA-256
 * (hash and MGF1) or SHA-1, empty label (RFC 8017 7.1), and PKCS#1 v1.5
 * type 2 (RFC 8017 7.2; the padding is ours, OAEP's is BearSSL's). The
 * exponentiation is BearSSL's constant-time i31 modpow (the message is
 * secret, unlike in rsa.c's verifications); seeds and padding bytes come
 * from rnd_bytes (rnd.h). The second module after tls.c that includes BearSSL
 * headers (and, like it, declares a few of its internals); no BearSSL type
 * leaks out of it.
 */
#ifndef AZKV_RSAENC_H
#define AZKV_RSAENC_H

#include <stddef.h>

enum { RSAENC_OAEP256 = 1, RSAENC_OAEP, RSAENC_PKCS1 }; /* as JWK_OAEP256... */

enum {
	RSAENC_E_KEY = -1,    /* modulus over 4096 bits, or not odd */
	RSAENC_E_LENGTH = -2, /* message too long for the key and padding */
	RSAENC_E_RANDOM = -3, /* getrandom failed */
	RSAENC_E_EXP = -4,    /* e even, below 3, or as long as n */
};

/* Encrypt msg[mlen] with (n, e) into out[cap] (at least the modulus
 * length); *olen gets the modulus length. n, e big-endian, e without
 * leading zeros: odd, at least 3, shorter than n. */
int rsaenc_encrypt(int pad, const unsigned char *n, size_t nlen,
	const unsigned char *e, size_t elen, const unsigned char *msg,
	size_t mlen, unsigned char *out, size_t cap, size_t *olen);

const char *rsaenc_strerror(int code);

#endif
