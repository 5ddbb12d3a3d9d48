/*
 * trust: the roots a TLS connection checks servers against (tls_open):
 * those built into the binary (certs/ at build time), or the CERTIFICATE
 * blocks of a PEM file (--cacert, SSL_CERT_FILE) decoded into the caller's
 * trust_anchors: each root's subject name, CA flag and key (RSA up to 4096
 * bits, EC P-256, P-384, P-521) copied into an arena, in a mapping taken
 * for the file (mem.h) and given back by trust_done. Limits: the
 * TRUST_*_MAX constants; a file past one is refused, never cut. Errors:
 * ERR_USAGE naming the file and the certificate (out of memory:
 * ERR_INTERNAL).
 */
#ifndef AZKV_TRUST_H
#define AZKV_TRUST_H

#include <stddef.h>
#include "base/err.h"
#include "tls/tls.h"

#define TRUST_ANCHORS_MAX 256        /* roots from --cacert; Debian's bundle has ~140 */
#define TRUST_ANCHOR_SIZE 72         /* bytes per anchor record (checked) */
#define TRUST_ARENA_MAX (192 * 1024) /* names and keys of those roots */

#define TRUST_OWN_SIZE (TRUST_ANCHORS_MAX * TRUST_ANCHOR_SIZE)

struct trust_anchors {
	size_t n;           /* anchors in use */
	const void *tas;    /* the built-in table, or own */
	size_t used;        /* arena bytes used */
	unsigned char *own; /* trust_load's mapping: TRUST_OWN_SIZE bytes of
	                       anchors, then the arena; NULL: none */
};

/* Use the roots built into the binary. */
void trust_builtin(trust_anchors *t);

/* Replace the roots with the CERTIFICATE blocks of the PEM file path. */
int trust_load(trust_anchors *t, const char *path, err *e);

/* Give back what trust_load took (nothing for the built-in roots). */
void trust_done(trust_anchors *t);

#endif
