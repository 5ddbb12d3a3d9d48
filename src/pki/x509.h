/*
 * x509: a pure DER walker over one X.509 certificate, for what the TLS
 * module checks beside BearSSL's validator: the issuer and subject names
 * (to put a chain in issuer order), the validity dates (the clock rule),
 * whether it is signed with SHA-1, its extendedKeyUsage, and whether its
 * basicConstraints say it is a CA (a --cacert root's flag). Fed bytes, no
 * allocation: names point into the caller's DER. Read with der.h's walker;
 * strict: definite lengths of at most 3 bytes, RFC 5280 time forms;
 * anything else is X509_E_DER.
 */
#ifndef AZKV_X509_H
#define AZKV_X509_H

#include <stddef.h>

#define X509_E_DER (-1)  /* not a certificate this walker can read */

#define X509_EKU_ABSENT 0 /* no extendedKeyUsage: any use */
#define X509_EKU_SERVER 1 /* lists serverAuth (1.3.6.1.5.5.7.3.1) */
#define X509_EKU_ANY 2    /* lists anyExtendedKeyUsage (2.5.29.37.0) */
#define X509_EKU_OTHER 3  /* present, with neither: not for a TLS server */

typedef struct x509_cert {
	const unsigned char *issuer, *subject; /* whole Name TLVs, in the DER */
	size_t issuer_len, subject_len;
	long long not_before, not_after; /* Unix seconds */
	int sha1;                        /* signed with SHA-1 (RSA or ECDSA) */
	int eku;                         /* X509_EKU_* */
	int ca;                          /* basicConstraints cA is TRUE */
} x509_cert;

/* Read the certificate der[len] into c. 0 or X509_E_DER. */
int x509_parse(x509_cert *c, const unsigned char *der, size_t len);

/* The extendedKeyUsage extension's value (the DER SEQUENCE OF OID inside
 * its OCTET STRING): X509_EKU_SERVER, _ANY, _OTHER, or X509_E_DER. */
int x509_eku(const unsigned char *v, size_t len);

/* Whether a leaf with this eku may serve TLS: absent, serverAuth, any. */
int x509_eku_server_ok(int eku);

/* The time to check a certificate's validity at. A known clock (now >=
 * build, the build time) is the answer. An unknown one (1970 at boot)
 * checks only that the certificate had not expired at the build time, and
 * ignores its notBefore: max(build, not_before), a moment within the
 * validity exactly when notAfter >= build (and notBefore <= notAfter). */
long long x509_check_time(long long now, long long build, long long not_before);

/* Order a chain: order[0] = 0 (the leaf), then the certificate whose
 * subject is the previous one's issuer (the first such not yet used),
 * until a self-issued one or no issuer. Returns how many of the n it
 * put in order[]; the others are not on the path. */
size_t x509_path(const x509_cert *c, size_t n, size_t *order); /* n <= 64 */


#endif
