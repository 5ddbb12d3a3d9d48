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

struct retry;

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
	const tls_trust *trust;
	clock_ms end;        /* the run's deadline: --timeout, or --wait if longer */
	clock_ms attempt_ms; /* one attempt's budget (--timeout) */
	int wait;          /* --wait: also retry while the network is down */
	clock_ms deadline;   /* the current attempt's: min(end, start + attempt_ms) */
	identity_opts id;
	int id_ready;      /* id.source resolved and checked (identity.c) */
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
	tls_trust ident_pin;  /* Service Fabric: the thumbprint pin only */
} client;

/* Prepare c, which must be zeroed storage (static): connections closed,
 * caches empty. */
void client_init(client *c);

/* Close connections and wipe tokens, requests and bodies. */
void client_done(client *c);

/* Start an attempt: set c->deadline. */
void client_attempt(client *c);

/* 32 random bits for a jitter (getrandom, else the clock: any spread). */
unsigned client_rnd(void);

/* After a failed attempt (error in last, HTTP status or 0 in status): ask
 * the retry policy, log and sleep (net_poll: --every's stop ends it). 0: try
 * again; -1: stop, with last copied into e. */
int client_retry(client *c, struct retry *r, const err *last, int status,
	int identity_not_found, err *e);

#endif
