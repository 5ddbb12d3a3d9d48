/*
 * pkcs12: read a PKCS#12 file (RFC 7292, a "PFX": what Key Vault stores as
 * a certificate's secret) into its private key and certificates. Pure: fed
 * bytes, no I/O; crypto from BearSSL (SHA-1/256, HMAC, DES, AES) and rc2.
 * PFX v3 -> data authSafe -> data / encryptedData contents -> safe bags:
 * keyBag, pkcs8ShroudedKeyBag, certBag (x509Certificate); other bags are
 * skipped. Encryption: none; PBES1 SHA-1 with 3DES, RC2-40, RC2-128; PBES2
 * PBKDF2 (HMAC-SHA-1/256) with AES-128/192/256-CBC or DES-EDE3-CBC. The
 * MAC (HMAC-SHA-1/256) is checked when present. Limits below: the key
 * derivations of one file, whatever it holds, are bounded together
 * (PKCS12_ITER_MAX) and stop at the caller's deadline (read from base/clock
 * between two of them). The caller owns the context (big: it holds the
 * password and the decrypted parts) and wipes it.
 */
#ifndef AZKV_PKCS12_H
#define AZKV_PKCS12_H

#include <stddef.h>

#include "base/clock.h"

#define PKCS12_PFX_MAX (48 * 1024)   /* a PFX: Key Vault values are <= 25 KB */
#define PKCS12_CERTS_MAX 16          /* certificates kept (a chain and a few) */
#define PKCS12_CERT_MAX (16 * 1024)  /* one certificate's DER */
#define PKCS12_KEY_MAX (8 * 1024)    /* one PKCS#8 key (RSA-8192 is ~4.7 KB) */
#define PKCS12_ITER_MAX 2000000UL    /* KDF iterations of one file, the
                                      * counts of its derivations summed: a
                                      * CPU cost the file chooses (Key Vault
                                      * writes 2,000, OpenSSL 2,048) */
#define PKCS12_PASS_MAX 1024         /* password bytes (UTF-8) */
#define PKCS12_BMP_MAX (2 * PKCS12_PASS_MAX + 2) /* its BMPString, 00 00 ended */
#define PKCS12_SALT_MAX 64

enum {
	PKCS12_E_DER = -1,      /* not well-formed DER where PKCS#12 wants it */
	PKCS12_E_VERSION = -2,  /* PFX version is not 3 */
	PKCS12_E_OID = -3,      /* an unsupported algorithm or content: oid[] */
	PKCS12_E_MAC = -4,      /* the MAC does not verify */
	PKCS12_E_DECRYPT = -5,  /* decryption failed (padding or contents) */
	PKCS12_E_ITER = -6,     /* iteration count 0, or the derivations (each
	                         * encrypted part, each password tried, the
	                         * MAC) over PKCS12_ITER_MAX in all */
	PKCS12_E_BIG = -7,      /* PFX over PKCS12_PFX_MAX, or a salt/IV size */
	PKCS12_E_CERTS = -8,    /* more than PKCS12_CERTS_MAX certificates */
	PKCS12_E_CERT_SIZE = -9, /* a certificate over PKCS12_CERT_MAX */
	PKCS12_E_KEY_SIZE = -10, /* a key over PKCS12_KEY_MAX */
	PKCS12_E_KEYS = -11,    /* more than one private key */
	PKCS12_E_PASS = -12,    /* password over PKCS12_PASS_MAX */
	PKCS12_E_TIME = -13,    /* the deadline passed between two derivations */
};

typedef struct pkcs12_item {
	const unsigned char *der; /* into the input or the context's work */
	size_t len;
} pkcs12_item;

typedef struct pkcs12 {
	/* results */
	int has_key, has_mac;
	pkcs12_item key;
	pkcs12_item certs[PKCS12_CERTS_MAX];
	size_t ncerts;
	char oid[64];         /* PKCS12_E_OID: the dotted OID */
	/* internal */
	clock_ms deadline;    /* set by the caller after pkcs12_init (0: none) */
	unsigned long spent;  /* KDF iterations spent so far */
	int pass_given, cand; /* candidate password in use (-1: not chosen) */
	size_t plen;
	long bmplen;          /* -1: the password is not UTF-8 (PBES2 only) */
	struct {              /* the password, as given and as a BMPString */
		unsigned char pass[PKCS12_PASS_MAX], bmp[PKCS12_BMP_MAX];
	} pw;
	size_t used;
	unsigned char work[PKCS12_PFX_MAX]; /* decrypted contents */
	unsigned char retry[PKCS12_PFX_MAX]; /* a ciphertext kept while
	                                      * passwords are tried */
} pkcs12;

/* Prepare p: pass[plen] is the password (UTF-8), or NULL for none given,
 * in which case, as OpenSSL, the absent and the empty password are tried.
 * No deadline: set p->deadline afterwards for one. Returns 0 or
 * PKCS12_E_PASS. */
int pkcs12_init(pkcs12 *p, const char *pass, size_t plen);

/* Parse pfx[n] into p's results. 0 or PKCS12_E_*. */
int pkcs12_parse(pkcs12 *p, const unsigned char *pfx, size_t n);

/* Wipe the password and every decrypted byte. */
void pkcs12_wipe(pkcs12 *p);

/* The PKCS#12 key derivation (RFC 7292 appendix B) with SHA-1 (hash 1)
 * or SHA-256 (hash 256): id 1 key, 2 IV, 3 MAC key; pass is the BMPString
 * form. out[n], n <= 64. 0 or -1 (bad hash, sizes). */
int pkcs12_kdf(int hash, int id, const unsigned char *pass, size_t plen,
	const unsigned char *salt, size_t slen, unsigned long iter,
	unsigned char *out, size_t n);

/* The BMPString form of a UTF-8 password (UTF-16BE plus 00 00) into
 * out[cap]; a password that is not UTF-8 is refused. Length or -1. */
long pkcs12_bmp(const unsigned char *pass, size_t n, unsigned char *out, size_t cap);

/* An EC private key's public point from its scalar d[dlen] on curve
 * (23 P-256, 24 P-384: TLS numbering) into out[cap]; length or 0. */
size_t pkcs12_ec_public(int curve, const unsigned char *d, size_t dlen,
	unsigned char *out, size_t cap);

/* A sentence for a PKCS12_E_* code (the OID comes from p->oid). */
const char *pkcs12_strerror(int code);

#endif
