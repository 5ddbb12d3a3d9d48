/*
 * cli: the parsed command line shared by main.c (the commands), opts.c
 * (the option table and argv), env.c (environment defaults, the proxy) and
 * exec.c (the program's environment). One struct, in static storage: the
 * only global state azkv keeps besides the client and the values.
 */
#ifndef AZKV_CLI_H
#define AZKV_CLI_H

#include <stddef.h>
#include "base/err.h"
#include "vault/cert.h"
#include "azure/identity.h"
#include "vault/keyop.h"
#include "net/net.h"
#include "base/out.h"
#include "vault/ref.h"

#define CLI_SECRETS_MAX 64 /* secrets per run (or references in exec) */
#define CLI_VALUE_MAX (64 * 1024) /* per secret: a 25 KB value, its bundle for
				    --json, or NAME=value for exec */
#define CLI_ENV_MAX 1024    /* environment entries exec passes on */
#define CLI_TIMEOUT_DEFAULT 30
#define CLI_TIMEOUT_MAX 86400
#define OPTS_USAGE_MAX 6144 /* the --help text (about 4.3 KB) */
#define CLI_RESOURCE_DEFAULT "https://vault.azure.net"
#define CLI_LIST_MAX 8      /* --tag, --env-from: each given at most */
#define CLI_VAR_MAX 191     /* a variable --env-from makes: --env-prefix and a name */

typedef struct cli_list {
	size_t n;
	const char *v[CLI_LIST_MAX];
} cli_list;

typedef struct cli {
	/* what every run writes first, the big rarely-used members last: a run
	 * touches one or two pages of it */
	int cmd; /* 'g' get, 't' token, 'x' exec, 'k' key operation */
	int newline;
	int json, decode, allow_missing, keep_identity_env;
	int include_managed, prune, env_override;
	const char *env_prefix;
	cli_list tags, env_from; /* --tag KEY=VALUE, --env-from VAULT/PREFIX* */
	const char *out, *out_dir;
	const char *pem_key, *pem_certs;
	cert_files cert; /* --pem, --pfx-password-file (and the two above) */
	const char *proxy; /* --proxy, else https_proxy / HTTPS_PROXY */
	const char *proxy_from; /* which of those, for messages */
	char **program; /* exec: PROGRAM ARGS..., NULL-terminated (argv's tail) */
	long timeout;
	long wait;
	const char *cacert;
	const char *resource;
	keyop_opts key; /* cmd 'k' */
	size_t nsecrets;
	size_t nresolve;
	out_opts file;
	identity_opts id;
	const char *secrets[CLI_SECRETS_MAX];
	net_resolve resolve[NET_RESOLVE_MAX];
} cli;

/* The options (opts.c); main.c sets the defaults before opts_parse. */
extern cli opts;

/* The values read, as main.c fetched them (exec.c builds the child's
 * environment from them): values[i] of lens[i] bytes, SIZE_MAX if missing. */
extern char *values[CLI_SECRETS_MAX];
extern size_t lens[CLI_SECRETS_MAX];

/* Parse argv into opts (opts.c). Returns 0 to run, 2 when done (help,
 * version), -1 on error. */
int opts_parse(int argc, char **argv, err *e);

/* The --help text, generated from the option table, into out[cap] (NUL
 * included); returns its length, or cap if it did not fit (opts.c). */
size_t opts_usage(char *out, size_t cap);

/* The run's client (main.c): env.c sets its proxy and NO_PROXY. */
extern client cl;

/* Environment defaults, applied after the command line (env.c). */
void env_apply(void);

/* --proxy / HTTPS_PROXY into the client's network settings (env.c). */
int env_proxy(err *e);

/* Collect the references in the environment: refs[], the environ index
 * of each in at[], and the NAME= each value follows in prefix[] (skip[]
 * bytes); then the secrets each selection (an akv://VAULT/PREFIX* value,
 * --env-from) selects, at[] SIZE_MAX, NAME as list_env_name makes it
 * (exec.c). Two of them making one NAME, or no variable name, is ERR_USAGE;
 * a NAME set in the environment keeps its value unless --env-override. */
int exec_refs(ref *refs, size_t *at, size_t *skip, const char **prefix, size_t *n, err *e);

/* Build the child's environment from the values (exec.c): each reference
 * replaced, each selection's variable dropped and its secrets added. */
int exec_env(char **env, const size_t *at, const size_t *skip,
	size_t nrefs, err *e);

/* Append r to refs[*n] (sel.c): at most CLI_SECRETS_MAX in all, more is
 * ERR_USAGE. */
int sel_add(ref *refs, size_t *n, const ref *r, err *e);

/* Append the secrets that selection sel (ref.list set) selects, listed with
 * the run's --tag and --include-managed (vault/kvlist.h), in the vault's
 * order, as sel_add does (sel.c). Each is given first to hook, if any, with
 * the index it would take: 0 takes it, 1 leaves it out, -1 is an error. */
typedef int (*sel_hook)(void *ctx, const ref *sel, const ref *r, size_t k, err *e);
int sel_expand(const ref *sel, ref *refs, size_t *n, sel_hook hook, void *ctx, err *e);

#endif
