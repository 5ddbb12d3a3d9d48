/*
 * tls: a thin TLS 1.2 client over the BearSSL engine. No BearSSL type leaks
 * out: the caller owns opaque, fixed-size storage (tls), checked against
 * the real size at compile time; the roots are trust.h's. Profile: ECDHE_ECDSA/ECDHE_RSA with
 * AES-GCM (what Key Vault, Entra and the identity endpoints negotiate;
 * ChaCha20-Poly1305 was cut for size); ECDHE on x25519, P-256, P-384,
 * P-521, offered in that order in one ClientHello; RSA to 4096 bits. No
 * client certificate: a server that asks gets none, and its refusal says so.
 * SNI and host name verification always, except with a pin: then the one
 * check is that the SHA-1 of the leaf certificate's DER equals the pin
 * (Service Fabric's self-signed token endpoint). The chain is put in
 * issuer order first, SHA-1 signatures and non-serverAuth leaves are refused,
 * and a clock before the build time (1970 at early boot) is unknown: then a
 * certificate need only not have expired at the build time (tlschain.h).
 * Every read and write waits until the caller's deadline. Errors: ERR_TLS
 * (handshake, certificate, pin, any alert: named as in the TLS registry),
 * ERR_NETWORK (socket, deadline), ERR_USAGE (bad CA file).
 */
#ifndef AZKV_TLS_H
#define AZKV_TLS_H

#include <stddef.h>
#include "base/err.h"
#include "base/clock.h"

#define TLS_CTX_SIZE (56 * 1024)      /* engine, X.509 state, one 16 KiB record buffer,
                                       * the server's chain (TLSCHAIN_BYTES) */
#define TLS_CERT_MAX (16 * 1024)      /* one DER certificate (a root, a pinned leaf) */
#define TLS_PIN_LEN 20                /* a pin is a SHA-1 */
#define TLS_CLOSE_MS 100              /* close_notify: the socket takes it at once */
#define TLS_LATE_ALERT_MS 200         /* a reset handshake: the alert is already here */

typedef struct tls {
	_Alignas(16) unsigned char opaque[TLS_CTX_SIZE];
} tls;

/* The roots (trust.h). */
typedef struct trust_anchors trust_anchors;

/* A server known by the SHA-1 of its leaf certificate's DER, compared in
 * constant time. No chain, name or date check: the pin is the whole
 * decision; never a "verification off". */
typedef struct tls_pin {
	unsigned char sha1[TLS_PIN_LEN];
} tls_pin;

/* Handshake on connected fd with host: SNI, then the server checked against
 * the roots (name and chain), or against pin when it is not NULL. Both must
 * outlive the connection. 0, or -1 with e set: an alert from the server is
 * ERR_TLS, also when it arrives as a reset of our handshake writes (its
 * alert is read back from the socket); never worth a second try. */
int tls_open(tls *t, const trust_anchors *roots, const tls_pin *pin, int fd, const char *host,
	const char *peer, clock_ms deadline, err *e);

/* Read: >0 bytes, 0 the peer closed (cleanly or not: HTTP framing decides),
 * -1 error. */
long tls_read(tls *t, void *buf, size_t n, clock_ms deadline, err *e);

/* Write all and flush; 0 or -1. */
int tls_write(tls *t, const void *buf, size_t n, clock_ms deadline, err *e);

/* "TLS1.2 ECDHE_RSA_WITH_AES_128_GCM_SHA256" for -v. */
void tls_describe(const tls *t, char *out, size_t cap);

/* Send close_notify if the connection is up and healthy (not waiting for
 * the peer's), then forget the session and wipe the context (keys,
 * buffers). The caller closes the fd after. */
void tls_close(tls *t);

#endif
