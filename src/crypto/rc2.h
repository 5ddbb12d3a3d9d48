/*
 * rc2: RC2 decryption (RFC 2268), only what PKCS#12 files written by
 * Windows and "openssl pkcs12 -legacy" need: certificates encrypted with
 * pbeWithSHAAnd40BitRC2-CBC (and the 128-bit variant). Pure; 8-byte blocks,
 * little-endian 16-bit words; CBC without padding removal (the caller
 * checks it). Keys of 1 to 128 bytes, effective bits 1 to 1024.
 */
#ifndef AZKV_RC2_H
#define AZKV_RC2_H

#include <stddef.h>

#define RC2_BLOCK 8
#define RC2_KEY_MAX 128

typedef struct rc2_ctx {
	unsigned short k[64]; /* the expanded key K[0..63] */
} rc2_ctx;

/* Expand key[n] with the given effective key bits (RFC 2268 section 2).
 * Returns 0, or -1 for a length or bit count out of range. */
int rc2_init(rc2_ctx *c, const unsigned char *key, size_t n, unsigned bits);

/* Decrypt one 8-byte block in place. */
void rc2_decrypt_block(const rc2_ctx *c, unsigned char b[RC2_BLOCK]);

/* CBC-decrypt buf[n] in place (n a multiple of 8); iv is updated to the
 * last ciphertext block. */
void rc2_cbc_decrypt(const rc2_ctx *c, unsigned char iv[RC2_BLOCK],
	unsigned char *buf, size_t n);

#endif
