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
#include "base/sys.h"
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
#define OPTS_USAGE_MAX 6144 /* the --help text (test_opts checks it fits) */
#define CLI_RESOURCE_DEFAULT "https://vault.azure.net"
#define CLI_EVERY_MIN 30          /* --every: seconds; less would press the vault */
#define CLI_EVERY_MAX (30 * 86400)
#define CLI_GRACE_DEFAULT 10

typedef struct cli {
	/* what every run writes first, the big rarely-used members last: a run
	 * touches one or two pages of it */
	int cmd; /* 'g' get, 't' token, 'x' exec, 'k' key operation */
	int newline;
	int json, decode, allow_missing, keep_identity_env;
	const char *out, *out_dir;
	const char *pem_key, *pem_certs;
	cert_files cert; /* --pem, --pfx-password-file (and the two above) */
	const char *proxy; /* --proxy, else https_proxy / HTTPS_PROXY */
	const char *proxy_from; /* which of those, for messages */
	char **program; /* exec: PROGRAM ARGS..., NULL-terminated (argv's tail) */
	long timeout;
	long wait;
	long every;         /* --every, seconds; 0: one round */
	long grace;         /* exec --every: TERM, then KILL this much later */
	char **on_change;   /* get --every: PROGRAM ARGS..., argv's tail */
	int signal;         /* --signal: a signal number, sent to --pid-file's */
	const char *pid_file;
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

/* The signals exec --every forwards to its program, 0-terminated; --signal
 * takes these names (opts.c). */
extern const unsigned char opts_signals[];

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
 * of each in at[], and the NAME= prefix length in skip[] (exec.c). */
int exec_refs(ref *refs, size_t *at, size_t *skip, size_t *n, err *e);

/* Build the child's environment from the values (exec.c). */
int exec_env(char **env, const size_t *at, const size_t *skip,
	size_t nrefs, err *e);

/* SIGPIPE's disposition as azkv was started with (main.c). */
extern sys_sig main_sigpipe;

/* The --every, --on-change, --signal and --pid-file combinations, checked
 * before anything is sent (every.c). */
int every_check(err *e);

/* --every (every.c): round() now and again every interval, until SIGTERM or
 * SIGINT (get: exit 0) or the program's end (exec: its status). round
 * returns the number of files it replaced (get) or 0 (exec), or -1; env is
 * the environment of the program (exec, as round left it) or of
 * --on-change's (get). A first round that fails
 * ends the run as without --every; a later one is reported on one line and
 * tried again sooner (retry_round), leaving the files or the program as
 * they are. Returns the exit status, or -1 (e set). */
int every_run(int (*round)(err *e), char **env, err *e);

#endif
