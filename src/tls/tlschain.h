/*
 * tlschain: part of the TLS module (it speaks BearSSL's X.509 interface).
 * An X.509 "validator" in front of BearSSL's minimal one: it keeps the
 * server's chain (TLSCHAIN_CERTS certificates, TLSCHAIN_BYTES in all, in the
 * caller's buffer), orders it leaf, issuer, issuer's issuer by name
 * (servers send intermediates out of order or with strays; those not on
 * the path are dropped, said under -v), then feeds the minimal engine in
 * that order, each certificate at the time x509_check_time picks (the
 * clock rule). A leaf whose extendedKeyUsage excludes TLS servers is
 * refused. tlschain_why puts a refusal in words.
 */
#ifndef AZKV_TLSCHAIN_H
#define AZKV_TLSCHAIN_H

#include <bearssl.h>
#include <stddef.h>

#define TLSCHAIN_CERTS 8             /* Azure sends 2; long real chains 4 or 5 */
#define TLSCHAIN_BYTES (24 * 1024)   /* Azure's chain is about 5 KiB */

typedef struct tlschain {
	const br_x509_class *vtable;
	br_x509_minimal_context *xc; /* the validator, fed in path order */
	const char *server_name;
	long long now, build;        /* Unix seconds: the clock, the build time */
	unsigned char *buf;          /* TLSCHAIN_BYTES of the caller's */
	size_t n, used;              /* certificates, bytes kept */
	size_t off[TLSCHAIN_CERTS], len[TLSCHAIN_CERTS];
	unsigned cur_want;           /* bytes the current certificate still lacks */
	int why;                     /* TLSCHAIN_WHY_*: our reason, if we refused */
	size_t why_cert;             /* which certificate (1 = the leaf, as sent) */
	long long why_time;          /* the date that reason names */
	int result;                  /* what end_chain returned */
} tlschain;

/* Set the vtable, the validator behind it and the buffer; the times are
 * those certificates are checked against (x509_check_time). */
void tlschain_init(tlschain *ch, br_x509_minimal_context *xc, unsigned char *buf,
	long long now, long long build);

/* Our sentence for a handshake that failed with BearSSL code, if the chain
 * check has one: 1 and out filled, else 0. */
int tlschain_why(const tlschain *ch, int code, char *out, size_t cap);

#endif
