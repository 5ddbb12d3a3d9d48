/*
 * conn: one HTTP/1.1 connection, plain or TLS, and request/response exchange.
 * The caller owns the conn, the tls storage and the response (http_resp with
 * its body buffer). A response ends where HTTP framing says, never at the
 * peer's TLS close; a connection is reused only if the response allowed it
 * and nothing followed it. TLS peers the caller allows (the vault, Entra)
 * go through the configured HTTPS proxy (CONNECT tunnel, Basic credentials
 * if given) unless NO_PROXY covers them; identity endpoints (plain HTTP, and
 * Service Fabric's TLS) never do. Errors: ERR_NETWORK, ERR_TLS, ERR_MALFORMED.
 */
#ifndef AZKV_CONN_H
#define AZKV_CONN_H

#include "base/err.h"
#include "http/http.h"
#include "net/net.h"
#include "tls/tls.h"
#include "http/url.h"

#define CONN_READ_CHUNK 4096 /* bytes read per socket call */
/* "Basic " credentials: base64 of user:pass, with its NUL */
#define CONN_PROXY_AUTH_MAX ((URL_PROXY_USER_MAX + URL_PROXY_PASS_MAX + 3) / 3 * 4 + 1)
/* CONNECT host:port host:port, User-Agent, Proxy-Authorization */
#define CONN_CONNECT_MAX (CONN_PROXY_AUTH_MAX + 1024)

/* What every connection of a run shares, read-only: the --resolve
 * entries, the proxy and the roots. */
typedef struct conn_cfg {
	resolve_cfg resolve;
	const char *proxy_host; /* HTTPS_PROXY / --proxy for TLS peers; NULL: none */
	unsigned proxy_port;
	const char *proxy_user; /* Basic credentials for the proxy; NULL: none */
	const char *proxy_pass;
	const char *no_proxy;   /* NO_PROXY list (url_no_proxy), or NULL */
	const trust_anchors *roots; /* TLS servers are checked against these */
} conn_cfg;

typedef struct conn {
	int fd;                 /* -1 when closed */
	tls *tls;               /* NULL for plain HTTP */
	int reusable;
	char host[256];
	unsigned port;
	char peer[300];         /* "host:port" for messages */
	unsigned long requests; /* sent on this connection (0 when closed) */
} conn;

/* Mark c closed; call once before first use. */
void conn_init(conn *c);

/* Connect (and handshake when t != NULL, checking the server against the
 * roots, or pin when not NULL: tls_open) to host:port, through the proxy
 * when proxy is set, t != NULL, cfg names one and NO_PROXY allows it. */
int conn_open(conn *c, const conn_cfg *cfg, const char *host, unsigned port,
	tls *t, int proxy, const tls_pin *pin, clock_ms deadline, err *e);

/* 1 if c is open to host:port with the same transport, reusable, and not
 * closed by the server meanwhile. */
int conn_matches(const conn *c, const char *host, unsigned port, int use_tls);

/* Send req[len] and parse one response into resp (initialised by caller).
 * req is wiped once written, before anything is read: it may hold a
 * token, and resp's body buffer may be the same memory. */
int conn_exchange(conn *c, char *req, size_t len, http_resp *resp,
	clock_ms deadline, err *e);

void conn_close(conn *c);

#endif
