/*
 * tlspin: the X.509 class tls.c puts in the engine for a pinned trust
 * (tls_pin): hashes the first certificate's DER as it arrives and
 * keeps it (up to TLSPIN_CERT_MAX bytes, in the caller's buffer); accepts
 * only if the SHA-1 is the pin (constant-time compare), then reads the
 * server's public key from it (pkey_cert). Errors are BearSSL's
 * BR_ERR_X509_* codes; a leaf over the limit is BR_ERR_X509_LIMIT_EXCEEDED.
 * Internal to the TLS module (it names BearSSL types).
 */
#ifndef AZKV_TLSPIN_H
#define AZKV_TLSPIN_H

#include <bearssl.h>
#include "tls/tls.h"

#define TLSPIN_CERT_MAX TLS_CERT_MAX /* the pinned leaf's DER, 16 KiB */

typedef struct tlspin {
	const br_x509_class *vtable;
	br_sha1_context sha;
	unsigned char want[TLS_PIN_LEN];
	unsigned certs;     /* certificates seen in this chain */
	unsigned char *buf; /* TLSPIN_CERT_MAX bytes of the caller's: the leaf */
	size_t len;         /* bytes of the leaf seen (kept while <= the limit) */
	br_x509_pkey pk;    /* the leaf's key, once end_chain accepted it */
	int ok;             /* end_chain accepted */
} tlspin;

/* The class: a tlspin starts zeroed, with vtable = &tlspin_vtable, want =
 * the pin and buf set. */
extern const br_x509_class tlspin_vtable;

#endif
