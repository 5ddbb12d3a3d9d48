/*
 * cert: a certificate's secret (what Key Vault keeps under the
 * certificate's name) into PEM files: --pem-key (the private key as PKCS#8
 * "PRIVATE KEY"), --pem-certs (the leaf, then its issuers) and --pem (key,
 * leaf, chain in one file). The value is a PEM bundle
 * (application/x-pem-file: blocks copied as they are) or standard base64 of
 * a PKCS#12 file (application/x-pkcs12: converted; the leaf is the
 * certificate holding the key's public key, never picked by position;
 * certificates off the leaf's issuer path are dropped, said under -v).
 * Its buffers (CERT_OUT_MAX each, the PKCS#12 reader's) are taken for each
 * call (mem.h), and wiped and given back after it.
 */
#ifndef AZKV_CERT_H
#define AZKV_CERT_H

#include <stddef.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/out.h"

#define CERT_OUT_MAX (128 * 1024) /* one PEM file: 16 certificates of 8 KB */

typedef struct cert_files {
	const char *key, *certs, *both; /* paths, or NULL */
	const char *pass_file;          /* --pfx-password-file, or NULL */
	clock_ms deadline;              /* the run's: a PKCS#12 conversion stops
	                                 * there (0: none) */
} cert_files;

/* Convert value[n] of the secret named what and write the files asked
 * for in f (each atomically, with o's mode and owner): the number of files
 * replaced (out_write_all), or -1. Errors: ERR_USAGE (password file),
 * ERR_MALFORMED (value, or a PKCS#12 file over its key derivation budget),
 * ERR_NETWORK (the deadline passed while converting), ERR_INTERNAL
 * (writing). */
int cert_write(const char *what, const char *value, size_t n, const cert_files *f,
	const out_opts *o, err *e);

/* A certificate bundle's "cer" (standard base64 of the DER leaf) v[*n]
 * replaced by its PEM, in place, at most cap bytes (+ NUL). 0 or -1. */
int cert_leaf_pem(char *v, size_t *n, size_t cap);

#endif
