/*
 * tlspin: the X.509 class tls.c puts in the engine for a pinned trust
 * (tls_trust_pin): hashes the first certificate's DER as it arrives,
 * decodes its public key, and accepts only if the SHA-1 is the pin
 * (constant-time compare). Errors are BearSSL's BR_ERR_X509_* codes.
 * Internal to the TLS module (it names BearSSL types).
 */
#ifndef AZKV_TLSPIN_H
#define AZKV_TLSPIN_H

#include <bearssl.h>
#include "tls.h"

/* The pinned X.509 "validator": hashes the leaf's DER as it arrives,
 * decodes its public key, and accepts only if the hash is the pin. */
typedef struct tls_pin {
	const br_x509_class *vtable;
	br_sha1_context sha;
	br_x509_decoder_context dc;
	unsigned char want[TLS_PIN_LEN];
	unsigned certs; /* certificates seen in this chain */
	const br_x509_pkey *pk; /* the leaf's key, once end_chain accepted it */
} tls_pin;

/* The class: a tls_pin starts zeroed, with vtable = &tlspin_vtable and
 * want = the pin. */
extern const br_x509_class tlspin_vtable;

#endif
