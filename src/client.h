/*
 * client: the state of one azkv run, shared by identity and kv.
 * One absolute deadline; one plain connection for the identity endpoint and
 * one TLS connection for the current vault (kept alive between secrets);
 * one response parser and body buffer reused for every exchange; a small
 * cache of tokens by resource. The caller owns the (large) struct, normally
 * in static storage, and must client_done() it to wipe tokens and buffers.
 */
#ifndef AZKV_CLIENT_H
#define AZKV_CLIENT_H

#include "azure.h"
#include "cloud.h"
#include "conn.h"
#include "http.h"
#include "net.h"
#include "ref.h"
#include "tls.h"
#include "url.h"

struct retry;

#define CLIENT_TOKENS_MAX 4  /* distinct resources per run (vault, HSM, ...) */
#define CLIENT_VAULTS_MAX 8  /* vault hosts whose resource we remember */
#define CLIENT_UA "azkv/" /* + version */

/* Identity sources (--source). */
enum { SRC_AUTO, SRC_IMDS, SRC_VM_EXTENSION };
/* User-assigned identity selectors. */
enum { SEL_NONE, SEL_CLIENT_ID, SEL_OBJECT_ID, SEL_RESOURCE_ID };

typedef struct client_id_opts {
	int source;
	int sel;
	const char *sel_value;
	const char *imds_base; /* AZURE_POD_IDENTITY_AUTHORITY_HOST or NULL */
} client_id_opts;

typedef struct client_token {
	char resource[CLOUD_RESOURCE_MAX];
	az_token tok;
} client_token;

typedef struct client_vault {
	char host[URL_HOST_MAX + 1];
	char resource[CLOUD_RESOURCE_MAX];
} client_vault;

typedef struct client {
	net_cfg net;
	const tls_trust *trust;
	net_ms end;        /* the run's deadline: --timeout, or --wait if longer */
	net_ms attempt_ms; /* one attempt's budget (--timeout) */
	int wait;          /* --wait: also retry while the network is down */
	net_ms deadline;   /* the current attempt's: min(end, start + attempt_ms) */
	client_id_opts id;
	conn ident;
	conn vault;
	tls vault_tls;
	http_resp resp;
	char req[HTTP_REQ_MAX];
	unsigned char body[HTTP_BODY_MAX];
	client_token tokens[CLIENT_TOKENS_MAX];
	size_t ntokens;
	client_vault vaults[CLIENT_VAULTS_MAX];
	size_t nvaults;
} client;

/* Prepare c (connections closed, caches empty). */
void client_init(client *c);

/* Close connections and wipe tokens, requests and bodies. */
void client_done(client *c);

/* Start an attempt: set c->deadline. */
void client_attempt(client *c);

/* After a failed attempt (error in last, HTTP status or 0 in status): ask
 * the retry policy, log and sleep. 0: try again; -1: stop, with last copied
 * into e. */
int client_retry(client *c, struct retry *r, const err *last, int status,
	int identity_not_found, err *e);

/* A token for resource from the configured identity source (cached). */
const az_token *client_token_get(client *c, const char *resource, err *e);

/* Drop a cached token (after the vault refused it). */
void client_token_drop(client *c, const char *resource);

/* Read one secret's value into out[cap] (+NUL), *n its length; with raw,
 * the whole secret bundle as the vault sent it (checked to hold a value).
 * last: no more requests will go to this vault (send Connection: close). */
int kv_get(client *c, const ref *r, int last, int raw, char *out, size_t cap,
	size_t *n, err *e);

#endif
