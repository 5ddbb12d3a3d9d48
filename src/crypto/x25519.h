/*
 * x25519: Curve25519 scalar multiplication (RFC 7748 X25519) for the TLS
 * key exchange, as a BearSSL br_ec_impl for the curve alone (ec.c routes
 * Curve25519 here). Pure, constant time in the scalar: a Montgomery
 * ladder with masked swaps over five 51-bit limbs, products in 128 bits.
 * Needs a 64x64->128-bit multiply (__int128: x86-64, arm64, s390x);
 * without it X25519_FAST is 0 and ec.c keeps BearSSL's c25519_m31 (2 KB
 * more code where this builds, about as fast).
 * Same contract as c25519_m31: points are 32-byte little-endian u
 * coordinates (the top bit ignored, values >= p taken mod p), scalars up to
 * 32 bytes (zero-extended, then clamped); muladd is not implemented (no
 * ECDSA on the curve) and returns 0.
 */
#ifndef AZKV_X25519_H
#define AZKV_X25519_H

#include <bearssl.h>

#ifdef __SIZEOF_INT128__
#define X25519_FAST 1
#else
#define X25519_FAST 0
#endif

#if X25519_FAST
extern const br_ec_impl x25519_impl;
#endif

#endif
