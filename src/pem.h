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

const char *pem_strerror(int code);

#endif
