/*
 * source: which managed-identity source the environment describes, and the
 * small parsers every source needs (docs/protocols.md 1.1, 1.2, 1.7, 1.8,
 * 1.10). Pure: the environment comes in as "NAME=value" entries, nothing is
 * read, sent or allocated. A source_env keeps pointers into the caller's
 * strings (normally environ), so they must outlive it. No function here
 * copies a secret anywhere but into the caller's buffer it was asked for.
 * Returns 0 or a negative SOURCE_E_* code; source_strerror names it.
 */
#ifndef AZKV_SOURCE_H
#define AZKV_SOURCE_H

#include <stddef.h>

#define SOURCE_SHA1_LEN 20    /* a Service Fabric thumbprint, in bytes */
#define SOURCE_AUTHORITY_MAX 512 /* normalised https://host[/path] */

/* Identity sources (--source NAME; source_name gives NAME). */
enum {
	SRC_AUTO, SRC_IMDS, SRC_VM_EXTENSION, SRC_APP_SERVICE,
	SRC_APP_SERVICE_2017, SRC_ARC, SRC_SERVICE_FABRIC, SRC_AZURE_ML,
	SRC_CLOUD_SHELL, SRC_WORKLOAD_IDENTITY, SRC_COUNT
};

/* User-assigned identity selectors (--client-id, --object-id,
 * --resource-id). */
enum { SEL_NONE, SEL_CLIENT_ID, SEL_OBJECT_ID, SEL_RESOURCE_ID, SEL_COUNT };

/* The environment variables sources are detected by and configured with. */
enum {
	SENV_IDENTITY_ENDPOINT, SENV_IDENTITY_HEADER,
	SENV_IDENTITY_SERVER_THUMBPRINT, SENV_IMDS_ENDPOINT, SENV_MSI_ENDPOINT,
	SENV_MSI_SECRET, SENV_DEFAULT_IDENTITY_CLIENT_ID,
	SENV_AZURE_FEDERATED_TOKEN_FILE, SENV_AZURE_TENANT_ID,
	SENV_AZURE_AUTHORITY_HOST, SENV_COUNT
};

enum {
	SOURCE_E_HEX = -1,      /* thumbprint: not 40 hex digits after : and
	                           spaces are stripped */
	SOURCE_E_SCHEME = -2,   /* authority: a scheme other than https */
	SOURCE_E_SYNTAX = -3,   /* authority: empty, or bad bytes */
	SOURCE_E_SPACE = -4,    /* does not fit the caller's buffer */
	SOURCE_E_DIR = -5,      /* key file: not directly in the tokens folder */
	SOURCE_E_SUFFIX = -6,   /* key file: name does not end in ".key" */
	SOURCE_E_EMPTY = -7,    /* federated token: nothing but white space */
	SOURCE_E_CHARS = -8,    /* federated token: a byte that is not visible
	                           ASCII */
};

typedef struct source_env {
	const char *v[SENV_COUNT]; /* value, or NULL when unset or empty */
} source_env;

/* The variable's name, e.g. "IDENTITY_ENDPOINT". */
const char *source_env_name(int which);

/* Take one environment entry "NAME=value": keep value if NAME is one of
 * ours and value is not empty (an empty variable counts as unset). */
void source_env_add(source_env *s, const char *entry);

/* SRC_* for a --source NAME ("auto" included), or -1. */
int source_from_name(const char *name);

/* NAME for --source and -v ("app-service"); "?" if out of range. */
const char *source_name(int src);

/* The source the environment describes, first match wins: Service Fabric,
 * App Service 2019, Arc, Azure ML, Cloud Shell, workload identity (which
 * also needs a client id: client_id, from --client-id or AZURE_CLIENT_ID),
 * else IMDS. *why names the variables that decided it. */
int source_detect(const source_env *env, const char *client_id,
	const char **why);

/* For an explicitly chosen source: NULL if the environment has what it
 * needs, else the text naming the variables that must be set. */
const char *source_missing(int src, const source_env *env);

/* The query or form parameter that carries selector sel (SEL_*) for src,
 * e.g. "principal_id" for App Service's --object-id; NULL if src cannot
 * select a user-assigned identity that way. */
const char *source_selector(int src, int sel);

/* IDENTITY_SERVER_THUMBPRINT text to SHA-1 bytes: hex in either case, ':'
 * and white space ignored anywhere, exactly 40 digits. 0 or SOURCE_E_HEX. */
int source_thumbprint(const char *text, unsigned char sha1[SOURCE_SHA1_LEN]);

/* Normalise an Entra authority (AZURE_AUTHORITY_HOST) into out[cap]:
 * surrounding white space and trailing '/' removed, "https://" added when
 * there is no scheme; any other scheme is SOURCE_E_SCHEME; '?', '#', '\',
 * white space or a control byte inside is SOURCE_E_SYNTAX. The host and
 * path are checked by url_parse later. */
int source_authority(const char *in, char *out, size_t cap);

/* 0 if path names a file directly in dir: dir + "/" + NAME where NAME has
 * no '/' and ends in ".key" after at least one byte.
 * SOURCE_E_DIR or SOURCE_E_SUFFIX otherwise. (Symlinks and the size are
 * checked on the opened file, not here.) */
int source_key_path(const char *path, const char *dir);

/* A federated token file's bytes buf[*n]: trailing white space (the
 * newline) trimmed in place by shortening *n; the rest must be non-empty
 * visible ASCII. 0, SOURCE_E_EMPTY or SOURCE_E_CHARS. */
int source_assertion(const char *buf, size_t *n);

const char *source_strerror(int code);

#endif
