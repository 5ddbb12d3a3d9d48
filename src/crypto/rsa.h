/*
 * rsa: the RSA public-key operation, x^e mod n, for signature verification
 * only. Pure. Every input of a verification is public (the key, the
 * signature, the expected padding), so this runs in variable time: 64-bit
 * limbs, Montgomery multiplication, left-to-right square-and-multiply.
 * BearSSL's constant-time i62 code, which private keys need, is much slower
 * for the same work (README's bench section has the figures). The PKCS#1
 * padding and hash check stay BearSSL's (tls.c). Needs a 64x64->128
 * multiply (__int128: x86-64, arm64); without it RSA_FAST is 0 and tls.c
 * keeps BearSSL's code.
 */
#ifndef AZKV_RSA_H
#define AZKV_RSA_H

#include <stddef.h>

#define RSA_BITS_MAX 4096 /* as BearSSL's BR_MAX_RSA_SIZE */

#ifdef __SIZEOF_INT128__
#define RSA_FAST 1
#else
#define RSA_FAST 0
#endif

/* x[xlen] (big-endian) := x^e mod n, as br_rsa_public does: n is the
 * big-endian modulus (leading zero bytes ignored), which must be odd, at
 * most RSA_BITS_MAX bits and exactly xlen bytes long; x must be < n; e is
 * the big-endian exponent, not zero. Returns 1, or 0 (x untouched) when any
 * of that does not hold. */
int rsa_public(unsigned char *x, size_t xlen, const unsigned char *n,
	size_t nlen, const unsigned char *e, size_t elen);

#endif
