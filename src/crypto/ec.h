/*
 * ec: the elliptic-curve code azkv links, as one BearSSL br_ec_impl:
 * Curve25519 (x25519 key exchange) with BearSSL's c25519_i31, and NIST
 * P-256, P-384 and P-521 (ECDHE, ECDSA signatures of the handshake and of
 * certificates, public points of PKCS#12 keys) with its generic constant-
 * time prime-curve code. BearSSL's default implementation adds specialised
 * P-256 code (about 5 KB) to the same generic code; P-256 through the
 * generic code costs a few hundred microseconds more per handshake.
 * c25519_i31 shares the generic code's big-integer arithmetic; it is about
 * 2 KB smaller than c25519_m31 and slower (a few milliseconds a handshake
 * on a slow CPU): vetted constant-time code, no curve arithmetic of ours.
 */
#ifndef AZKV_EC_H
#define AZKV_EC_H

#include <bearssl.h>

/* Supports BR_EC_curve25519, BR_EC_secp256r1, secp384r1 and secp521r1. */
extern const br_ec_impl ec_impl;

#endif
