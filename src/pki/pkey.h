/*
 * pkey: the public part of a PKCS#8 private key (RSA, or EC P-256, P-384,
 * P-521, secp256k1), and whether a certificate holds it: how a
 * certificate's leaf is found among a PKCS#12 file's certificates (never
 * by position). A curve is named by its OID or by explicit parameters
 * equal to a named curve's (Key Vault writes P-256K keys and certificates
 * so); other explicit parameters are refused naming the field that
 * differs. Pure, over der; results point into the caller's DER.
 */
#ifndef AZKV_PKEY_H
#define AZKV_PKEY_H

#include <stddef.h>

enum {
	PKEY_E_DER = -1, /* not a key (or certificate) we can read */
	PKEY_E_OID = -2, /* key algorithm or curve not supported: oid[] */
};

typedef struct pkey {
	int curve;                /* EC: 22 secp256k1, 23 P-256, 24 P-384, 25 P-521; RSA: 0 */
	const unsigned char *pub; /* RSA modulus, or the EC point if the key has it */
	size_t publen;
	const unsigned char *e;   /* RSA public exponent (pkey_cert only) */
	size_t elen;
	const unsigned char *d;   /* EC private scalar */
	size_t dlen;
	char oid[72];             /* PKEY_E_OID: the algorithm's dotted OID, or
	                           * what keeps its curve out (a field of explicit
	                           * parameters, a secp256k1 key without its point) */
} pkey;

/* Parse a PKCS#8 PrivateKeyInfo. A secp256k1 key must carry its point
 * (BearSSL, which computes a missing one, lacks the curve). 0 or PKEY_E_*. */
int pkey_parse(const unsigned char *der, size_t n, pkey *k);

/* Does the DER certificate cert[n] hold the public part pub[publen] (the
 * RSA modulus without leading zeros, or the EC point): do those bytes occur
 * in its SubjectPublicKeyInfo's BIT STRING? 1, 0, or PKEY_E_DER. */
int pkey_in_cert(const unsigned char *cert, size_t n, const unsigned char *pub,
	size_t publen);

/* The public key of the DER certificate cert[n] (its SubjectPublicKeyInfo):
 * RSA (curve 0, pub the modulus and e the exponent, both without leading
 * zeros) or EC on a curve above but secp256k1 (pub the point): keys for
 * BearSSL to verify with. 0 or PKEY_E_*. */
int pkey_cert(const unsigned char *cert, size_t n, pkey *k);

#endif
