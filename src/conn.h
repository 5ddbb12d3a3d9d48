/*
 * conn: one HTTP/1.1 connection, plain or TLS, and request/response exchange.
 * The caller owns the conn, the tls storage and the response (http_resp with
 * its body buffer). A response ends where HTTP framing says, never at the
 * peer's TLS close; a connection is reused only if the response allowed it
 * and nothing followed it. TLS peers go through the configured HTTPS proxy
 * (CONNECT tunnel) unless NO_PROXY covers them; plain HTTP (the identity
 * endpoints) never does. Errors: ERR_NETWORK, ERR_TLS, ERR_MALFORMED.
 */
#ifndef AZKV_CONN_H
#define AZKV_CONN_H

#include "err.h"
#include "http.h"
#include "net.h"
#include "tls.h"

#define CONN_READ_CHUNK 4096 /* bytes read per socket call */

typedef struct conn {
	int fd;                 /* -1 when closed */
	tls *tls;               /* NULL for plain HTTP */
	int reusable;
	char host[256];
	unsigned port;
	char peer[300];         /* "host:port" for messages */
	unsigned long requests; /* sent on this connection */
} conn;

/* Mark c closed; call once before first use. */
void conn_init(conn *c);

/* Connect (and handshake when t != NULL) to host:port, through the proxy
 * when cfg names one and t != NULL. */
int conn_open(conn *c, const net_cfg *cfg, const char *host, unsigned port,
	tls *t, const tls_trust *trust, net_ms deadline, err *e);

/* 1 if c is open to host:port with the same transport and reusable. */
int conn_matches(const conn *c, const char *host, unsigned port, int use_tls);

/* Send req[len] and parse one response into resp (initialised by caller). */
int conn_exchange(conn *c, const char *req, size_t len, http_resp *resp,
	net_ms deadline, err *e);

void conn_close(conn *c);

#endif
