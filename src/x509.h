/*
 * x509: the few fields of certificates and private keys that azkv needs to
 * pick a certificate's leaf and order its chain: names, public keys.
 * Pure, over der; results point into the caller's DER. Keys: PKCS#8
 * PrivateKeyInfo holding RSA or EC (P-256, P-384, P-521). Names are
 * compared byte for byte (as the issuer copied them).
 */
#ifndef AZKV_X509_H
#define AZKV_X509_H

#include <stddef.h>

enum {
	X509_E_DER = -1, /* not a certificate / key we can read */
	X509_E_OID = -2, /* key algorithm or curve not supported: oid[] */
};

typedef struct x509_cert {
	const unsigned char *issuer, *subject; /* whole Name encodings */
	size_t ilen, slen;
	const unsigned char *pub; /* the public key BIT STRING's bytes */
	size_t publen;
} x509_cert;

typedef struct x509_key {
	int curve;                /* EC: 23 P-256, 24 P-384, 25 P-521; RSA: 0 */
	const unsigned char *pub; /* RSA modulus, or the EC point if the key has it */
	size_t publen;
	const unsigned char *d;   /* EC private scalar */
	size_t dlen;
	char oid[64];             /* X509_E_OID: the algorithm's dotted OID */
} x509_key;

/* Parse a DER certificate. 0 or X509_E_*. */
int x509_cert_parse(const unsigned char *der, size_t n, x509_cert *c);

/* Parse a PKCS#8 PrivateKeyInfo. 0 or X509_E_*. */
int x509_key_parse(const unsigned char *der, size_t n, x509_key *k);

/* Does certificate c hold a key's public part pub[publen] (the RSA
 * modulus without leading zeros, or the EC point): do those bytes occur
 * in its SubjectPublicKeyInfo's BIT STRING? */
int x509_matches(const x509_cert *c, const unsigned char *pub, size_t publen);

/* Order n certificates as a TLS server sends them: certs[leaf] first, then
 * each one's issuer found by name, until a self-issued one or no issuer is
 * left. leaf == n: none known; take the first certificate that issued none
 * of the others. order[] gets indexes; returns how many (others dropped). */
size_t x509_chain(const x509_cert *certs, size_t n, size_t leaf, size_t *order);

#endif
