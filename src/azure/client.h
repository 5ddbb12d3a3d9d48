/*
 * client: one azkv run: its configuration (client_cfg, built once by the
 * command line and only read here, as curl's "set") apart from its state
 * (client, as curl's "state"), shared by identity.c, kv.c and meta.c.
 * One absolute deadline; one connection for the identity endpoint (plain
 * HTTP, or TLS for Service Fabric and Entra ID, one exchange each) and
 * one TLS connection for the current vault (kept alive between secrets);
 * one response parser and body buffer reused for every exchange; small
 * caches: tokens by resource, vault resources, the VM's tags. The
 * buffers are taken when the run first needs them (mem.h: the response
 * body grows with the largest response) and given back wiped by
 * client_done, which the caller must call. Out of memory is ERR_INTERNAL.
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

#define CLIENT_TAGS_MAX 16384 /* the VM's tag list: 50 tags, 2048 characters,
                                JSON escapes (tags.h) */

/* The run's configuration. */
typedef struct client_cfg {
	conn_cfg net;         /* --resolve, the proxy, NO_PROXY, the roots */
	identity_opts id;     /* --source, the selector, their variables */
	clock_ms attempt_ms;  /* one attempt's budget: --timeout */
	clock_ms run_ms;      /* the run's: --wait, else --timeout */
	int wait;             /* --wait: also retry while the network is down */
} client_cfg;

typedef struct client {
	const client_cfg *cfg;
	clock_ms end;        /* the run's deadline */
	clock_ms deadline;   /* the current attempt's: min(end, start + attempt_ms) */
	int src_ready;       /* src and sel resolved and checked (identity.c) */
	int src;             /* the identity source: SRC_* */
	int sel;             /* the selector it takes: SEL_* */
	const char *src_why; /* what decided src, for messages */
	size_t ntokens;
	size_t nvaults;
	unsigned char *body; /* the request going out, then its response's body
	                        coming in: taken by the first request, it
	                        grows up to HTTP_BODY_MAX */
	size_t body_cap;
	tls *vault_tls;      /* the vault's TLS, at its first connection */
	tls *ident_tls;      /* Service Fabric's and Entra ID's */
	size_t tags_len;     /* tags' bytes (meta.c); 0: not read */
	conn ident;
	conn vault;
	tls_pin ident_pin;   /* Service Fabric: IDENTITY_SERVER_THUMBPRINT */
	client_vault vaults[CLIENT_VAULTS_MAX];
	/* Every run that sends needs these: each starts on a page, so its used
	 * start costs the fewest pages (one, for most). */
	_Alignas(CLIENT_PAGE) http_resp resp; /* ends with its line buffer */
	_Alignas(CLIENT_PAGE) client_token tokens[CLIENT_TOKENS_MAX];
	_Alignas(CLIENT_PAGE) char tags[CLIENT_TAGS_MAX]; /* the VM's tag list */
} client;

/* Prepare c, which must be zeroed storage (static), for a run of cfg
 * (which must outlive it): connections closed, caches empty, the run's
 * deadline set from now. */
void client_init(client *c, const client_cfg *cfg);

/* Close connections; wipe tokens, requests and bodies and give their
 * memory back. */
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
	tls **tls;          /* &c->vault_tls or &c->ident_tls (taken when
	                       NULL); NULL: plain HTTP */
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

#define CLIENT_HDRS_MAX 4 /* a request's own headers (client_req.h) */

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

/* 32 random bits for a jitter (rnd_bytes without waiting, else the clock:
 * any spread). */
unsigned client_rnd(void);

#endif
