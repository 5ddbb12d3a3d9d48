/*
 * client: the state of one azkv run, shared by identity and kv.
 * One absolute deadline; one connection for the identity endpoint (plain
 * HTTP, or TLS for Service Fabric and Entra ID, one exchange each) and
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
#include "source.h"
#include "tls.h"
#include "url.h"

struct retry;

#define CLIENT_TOKENS_MAX 4  /* distinct resources per run (vault, HSM, ...) */
#define CLIENT_VAULTS_MAX 8  /* vault hosts whose resource we remember */
#define CLIENT_UA "azkv/" /* + version */
#define CLIENT_PAGE 4096     /* the page size that resident memory counts in */

/* Identity options: sources (SRC_*) and selectors (SEL_*) are in source.h.
 * The strings point into argv and environ. */
typedef struct client_id_opts {
	int source;            /* SRC_*; SRC_AUTO: detected at the first token */
	int sel;
	const char *sel_value;
	int sel_from_env;      /* sel is AZURE_CLIENT_ID's, not an option's */
	const char *imds_base; /* AZURE_POD_IDENTITY_AUTHORITY_HOST or NULL */
	source_env env;        /* the identity variables (source.h) */
} client_id_opts;

typedef struct client_token {
	char resource[CLOUD_RESOURCE_MAX];
	az_token tok;
} client_token;

typedef struct client_vault {
	char host[URL_HOST_MAX + 1];
	char resource[CLOUD_RESOURCE_MAX];
} client_vault;

/* The identity request being built (identity.c): where, how, and what to
 * say about it. */
#define ARC_KEY_MAX 4096        /* every SDK's limit on the challenge file */
#define WI_ASSERTION_MAX 8192   /* projected service-account JWTs are 1-2 KB */
#define ID_FORM_MAX (WI_ASSERTION_MAX + 2048) /* + client id, scope, names */
#define ID_AUTH_MAX (ARC_KEY_MAX + 8)         /* "Basic " + the key */
#define ID_HDRS_MAX 4           /* per-source headers; + Content-Type, UA */

typedef struct id_req {
	const char *name;       /* source for messages: "App Service" */
	int kind;               /* RETRY_* */
	int transport;          /* ID_PLAIN; ID_TLS: the client's roots; ID_PINNED */
	url u;
	const char *method;
	http_hdr h[ID_HDRS_MAX];
	size_t nh;
	size_t auth_len;        /* bytes of auth to wipe */
	char form[ID_FORM_MAX]; /* POST body, "" for GET */
	char auth[ID_AUTH_MAX]; /* Arc: "Basic " + key file */
} id_req;

typedef struct client {
	/* Small state first, and each big buffer used from its start: a run
	 * makes few pages of this large struct resident. */
	net_cfg net;
	const tls_trust *trust;
	net_ms end;        /* the run's deadline: --timeout, or --wait if longer */
	net_ms attempt_ms; /* one attempt's budget (--timeout) */
	int wait;          /* --wait: also retry while the network is down */
	net_ms deadline;   /* the current attempt's: min(end, start + attempt_ms) */
	client_id_opts id;
	int id_ready;      /* id.source resolved and checked (identity.c) */
	size_t req_used;   /* high-water mark of req, wiped at the end */
	size_t ntokens;
	size_t nvaults;
	conn ident;
	conn vault;
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

/* After a failed attempt (error in last, HTTP status or 0 in status): ask
 * the retry policy, log and sleep. 0: try again; -1: stop, with last copied
 * into e. */
int client_retry(client *c, struct retry *r, const err *last, int status,
	int identity_not_found, err *e);

/* A token for resource from the configured identity source (cached). The
 * first call resolves --source auto from c->id.env (logged under -v with
 * the variables that decided it) and checks the selector: one the source
 * cannot take is ERR_USAGE if given as an option, ignored (with a -v line)
 * if it came from AZURE_CLIENT_ID. Nothing is sent before those checks. */
const az_token *client_token_get(client *c, const char *resource, err *e);

/* Drop a cached token (after the vault refused it). */
void client_token_drop(client *c, const char *resource);

/* Read one secret's value into out[cap] (+NUL), *n its length; with raw,
 * the whole secret bundle as the vault sent it (checked to hold a value).
 * On error out holds nothing (at most a NUL at out[0]).
 * last: no more requests will go to this vault (send Connection: close). */
int kv_get(client *c, const ref *r, int last, int raw, char *out, size_t cap,
	size_t *n, err *e);

/* A request to a vault other than reading a secret (keys): GET, or POST
 * of the JSON body; target is the path and query. */
typedef struct kv_req {
	const char *what;   /* "key HOST/NAME" for messages */
	const char *target;
	const char *body;   /* NULL: GET */
	int last;           /* as kv_get's */
	int cls400;         /* error class of a 400 (0: ERR_MALFORMED) */
} kv_req;

/* Make q with kv_get's resource, challenge and retries. 0: a 200 is in
 * c->resp and its body in c->body (the caller wipes it); else the status
 * mapped as kv_get's, the service's code and message in the error. */
int kv_call(client *c, const ref *r, const kv_req *q, err *e);

#endif
