/*
 * pem: split a PEM bundle (a certificate secret's value: the private key and
 * its chain) into the key and the certificates, for --pem-key/--pem-certs.
 * Pure. Blocks are "-----BEGIN LABEL-----" ... "-----END LABEL-----" with the
 * same label; each is copied whole with a final newline. Labels ending in
 * "PRIVATE KEY" go to the key (exactly one allowed), "CERTIFICATE" to the
 * certificates in their order; other labels and text between blocks are
 * skipped. Returns 0 or a negative PEM_E_*.
 */
#ifndef AZKV_PEM_H
#define AZKV_PEM_H

#include <stddef.h>

enum {
	PEM_E_FORM = -1,  /* BEGIN without a matching END */
	PEM_E_KEYS = -2,  /* more than one private key */
	PEM_E_SPACE = -3, /* output does not fit */
};

typedef struct pem_out {
	char *buf;
	size_t cap, len;
	int blocks;
} pem_out;

int pem_split(const char *in, size_t n, pem_out *key, pem_out *certs);

/* Append der[n] as a PEM block "-----BEGIN label-----" (base64 lines of
 * 64 characters) to o, NUL-terminated. 0 or PEM_E_SPACE (o unchanged). */
int pem_write(pem_out *o, const char *label, const unsigned char *der, size_t n);

/*
 * pem_reader: the certificates of a CA file, read in pieces of any size
 * (no whole-file buffer). Each "-----BEGIN CERTIFICATE-----" (or X509
 * CERTIFICATE) block's base64 body is decoded into der[cap]; other blocks
 * and text between blocks are skipped. Inside a certificate only base64
 * characters, '=' padding at the end and white space are allowed. Lines
 * outside blocks may be any length; a BEGIN/END line longer than
 * PEM_LINE_MAX is not recognised as one.
 */
#define PEM_LINE_MAX 128

enum {
	PEM_NEED = 0,  /* everything fed was consumed: feed more (or finish) */
	PEM_CERT = 1,  /* a certificate's DER is in der[0..len) */
	PEM_E_B64 = -4,  /* a certificate's body is not base64 */
	PEM_E_BIG = -5,  /* a certificate over cap bytes */
};

typedef struct pem_reader {
	unsigned char *der;
	size_t cap, len;
	int state;            /* outside a block, in a certificate, in another block */
	int kind;             /* the current line: kept, decoded body, too long */
	unsigned bits, nbits; /* base64 bits not yet a byte */
	int pad;              /* '=' seen: only padding and space may follow */
	size_t ll;
	char line[PEM_LINE_MAX];
} pem_reader;

void pem_reader_init(pem_reader *r, unsigned char *der, size_t cap);

/* Feed p[n]; *used gets how much was consumed. PEM_CERT: a certificate is
 * complete (feed the rest, p + *used, after using it); PEM_NEED: all was
 * consumed; < 0: an error (PEM_E_B64, PEM_E_BIG). */
int pem_reader_feed(pem_reader *r, const char *p, size_t n, size_t *used);

/* At the end of the input (a last line may lack its newline): PEM_CERT if
 * that line completed a certificate, 0, PEM_E_FORM if a block is still
 * open, or another error as pem_reader_feed. */
int pem_reader_end(pem_reader *r);

const char *pem_strerror(int code);

#endif
