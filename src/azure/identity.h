/*
 * identity: a token for a resource from the configured managed-identity
 * source (docs/protocols.md 1), cached in the client by resource. The
 * options come from the command line and environment (identity_opts, in
 * the run's configuration); the request is built in id_req. Errors: an err
 * with the source named; nothing is sent before the source and selector
 * are checked.
 */
#ifndef AZKV_IDENTITY_H
#define AZKV_IDENTITY_H

#include "azure/azure.h"
#include "base/err.h"
#include "http/http.h"
#include "azure/source.h"
#include "http/url.h"

typedef struct client client;

/* Identity options: sources (SRC_*) and selectors (SEL_*) are in source.h.
 * The strings point into argv and environ. */
typedef struct identity_opts {
	int source;            /* SRC_*; SRC_AUTO: detected at the first token */
	int sel;
	const char *sel_value;
	int sel_from_env;      /* sel is AZURE_CLIENT_ID's, not an option's */
	const char *imds_base; /* AZURE_POD_IDENTITY_AUTHORITY_HOST or NULL */
	source_env env;        /* the identity variables (source.h) */
} identity_opts;

/* The identity request being built (identity.c): where, how, and what to
 * say about it. */
#define ARC_KEY_MAX 4096        /* every SDK's limit on the challenge file */
#define WI_ASSERTION_MAX 8192   /* projected service-account JWTs are 1-2 KB */
#define ID_FORM_MAX (WI_ASSERTION_MAX + 2048) /* + client id, scope, names */
#define ID_AUTH_MAX (ARC_KEY_MAX + 8)         /* "Basic " + the key */
#define ID_HDRS_MAX 3           /* per-source headers, Content-Type included */

typedef struct id_req {
	const char *name;       /* source for messages: "App Service" */
	char what[URL_HOST_MAX + 48]; /* "token from NAME (HOST:PORT)" */
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

#define IDENTITY_RENEW_S 300 /* a cached token is renewed this long before it
                                 expires (the SDKs' margin: 5 minutes) */

/* A token for resource from the configured identity source (cached until
 * IDENTITY_RENEW_S before its expiry). The
 * first call resolves --source auto from the identity variables (logged under -v with
 * the variables that decided it) and checks the selector: one the source
 * cannot take is ERR_USAGE if given as an option, ignored (with a -v line)
 * if it came from AZURE_CLIENT_ID. Nothing is sent before those checks. */
const azure_token *identity_token(client *c, const char *resource, err *e);

/* Drop a cached token (after the vault refused it). */
void identity_drop(client *c, const char *resource);

/* The run's identity source (SRC_*), resolved and checked once as for the
 * first token; c->src_why says why. -1 with e set. */
int identity_source(client *c, err *e);

/* The IMDS URL of path ("/metadata/..."): the base (imds_base:
 * AZURE_POD_IDENTITY_AUTHORITY_HOST, else http://169.254.169.254) with its
 * trailing '/' dropped, then path. 0, or -1 (ERR_USAGE) for a base too
 * long or not http://. */
int identity_imds_url(const client *c, const char *path, url *u, err *e);

#endif
