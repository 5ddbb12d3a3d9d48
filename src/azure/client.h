/*
 * client: the state of one azkv run, shared by identity.c and kv.c (their
 * contracts: identity.h, kv.h).
 * One absolute deadline; one connection for the identity endpoint (plain
 * HTTP, or TLS for Service Fabric and Entra ID, one exchange each) and
 * one TLS connection for the current vault (kept alive between secrets);
 * one response parser and body buffer reused for every exchange; a small
 * cache of tokens by resource. The caller owns the (large) struct, normally
 * in static storage, and must client_done() it to wipe tokens and buffers.
 */
#ifndef AZKV_CLIENT_H
#define AZKV_CLIENT_H

#include "azure/azure.h"
#include "azure/cloud.h"
#include "http/conn.h"
#include "http/http.h"
#include "azure/identity.h"
#include "net/net.h"
#include "azure/source.h"
#include "tls/tls.h"
#include "http/url.h"

#define CLIENT_TOKENS_MAX 4  /* distinct resources per run (vault, HSM, ...) */
#define CLIENT_VAULTS_MAX 8  /* vault hosts whose resource we remember */
#define CLIENT_UA "azkv/" /* + version */
#define CLIENT_PAGE 4096     /* the page size that resident memory counts in */

typedef struct client_token {
	char resource[CLOUD_RESOURCE_MAX];
	azure_token tok;
} client_token;

typedef struct client_vault {
	char host[URL_HOST_MAX + 1];
	char resource[CLOUD_RESOURCE_MAX];
} client_vault;

typedef struct client {
	/* Small state first, and each big buffer used from its start: a run
	 * makes few pages of this large struct resident. */
	net_cfg net;
	const trust_anchors *trust;
	clock_ms end;        /* the run's deadline: --timeout, or --wait if longer */
	clock_ms attempt_ms; /* one attempt's budget (--timeout) */
	int wait;          /* --wait: also retry while the network is down */
	clock_ms deadline;   /* the current attempt's: min(end, start + attempt_ms) */
	identity_opts id;
	int id_ready;      /* id.source resolved and checked (identity.c) */
	const char *id_why; /* what decided id.source, for messages */
	size_t req_used;   /* high-water mark of req, wiped at the end */
	size_t ntokens;
	size_t nvaults;
	conn ident;
	conn vault;
	url_proxy proxy;   /* --proxy / HTTPS_PROXY; its credentials wiped by
	                      client_done */
	client_vault vaults[CLIENT_VAULTS_MAX];
	/* Each buffer below starts on a page, so its used start costs the
	 * fewest pages (one, for most). */
	_Alignas(CLIENT_PAGE) http_resp resp; /* ends with its line buffer */
	_Alignas(CLIENT_PAGE) char req[HTTP_REQ_MAX];
	_Alignas(CLIENT_PAGE) id_req idq; /* the identity request being built */
	_Alignas(CLIENT_PAGE) client_token tokens[CLIENT_TOKENS_MAX];
	_Alignas(CLIENT_PAGE) tls vault_tls;
	_Alignas(CLIENT_PAGE) unsigned char body[HTTP_BODY_MAX];
	tls ident_tls;        /* Service Fabric, Entra ID */
	tls_pin ident_pin;    /* Service Fabric: IDENTITY_SERVER_THUMBPRINT */
} client;

/* Prepare c, which must be zeroed storage (static): connections closed,
 * caches empty. */
void client_init(client *c);

/* Close connections and wipe tokens, requests and bodies. */
void client_done(client *c);

/* Start an attempt: set c->deadline. */
void client_attempt(client *c);

/* One request of the run, to an identity endpoint or the vault. */
typedef struct client_req {
	const char *what;   /* its subject in messages and -v: "secret V/N" */
	int kind;           /* RETRY_*: the retry policy (retry.h) */
	int cls;            /* the error class of a status not wanted */
	int want;           /* the status wanted; 0: any but 408, 429 and 5xx */
	conn *conn;         /* &c->ident or &c->vault */
	tls *tls;           /* its TLS storage; NULL: plain HTTP */
	int proxy;          /* may go through the proxy (the vault, Entra) */
	const tls_pin *pin; /* TLS: the server's pin; NULL: the roots */
	const char *host;
	unsigned port;
	const char *method, *target;
	const http_hdr *h;  /* at most CLIENT_HDRS_MAX besides Host, User-Agent,
	                       Content-Length and Connection */
	size_t nh;
	const char *body;   /* NULL: none */
	size_t blen;
	int keep;           /* keep the connection: more requests follow */
	const char *note;   /* -v: said after the method (" with token"), or "" */
} client_req;

#define CLIENT_HDRS_MAX 4

/* Send q and read its response into c->resp and c->body, attempt after
 * attempt under the run's deadline as q->kind's retry policy says: a
 * network failure, or a status other than q->want, is retried or ends the
 * call. 0: the response is there (the caller wipes the body); -1 with e
 * set (a status: client_status_err's words, q->cls). The request is wiped
 * after each attempt. */
int client_call(client *c, const client_req *q, err *e);

/* The response in c->resp, of class cls: "WHAT: unexpected redirect (HTTP
 * 302), not followed", or "WHAT: HTTP 404[EXTRA]: the service's words"
 * (azure_error_text). Returns -1. */
int client_status_err(const client *c, const char *what, const char *extra, int cls,
	err *e);

#endif
