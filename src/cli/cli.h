/*
 * cli: the command line and environment, parsed once: the options shared
 * by main.c (the commands), opts.c (the option table and argv), env.c
 * (environment defaults; the run's configuration, client_cfg) and exec.c
 * (the program's environment). The options live in one struct in static
 * storage, written only while parsing; nothing writes the configuration
 * env_config builds from them.
 */
#ifndef AZKV_CLI_H
#define AZKV_CLI_H

#include <stddef.h>
#include "base/err.h"
#include "base/sys.h"
#include "vault/cert.h"
#include "azure/client.h"
#include "azure/identity.h"
#include "vault/keyop.h"
#include "net/resolve.h"
#include "base/out.h"
#include "vault/ref.h"
#include "tls/trust.h"

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
#define CLI_LIST_MAX 8      /* --tag, --env-from: each given at most */
#define CLI_VAR_MAX 191     /* a variable --env-from makes: --env-prefix and a name */

typedef struct cli_list {
	size_t n;
	const char *v[CLI_LIST_MAX];
} cli_list;

/* The commands (cli.cmd); CMD_NONE until argv names one. */
enum { CMD_NONE, CMD_GET, CMD_TOKEN, CMD_EXEC, CMD_KEY };

/* opts_parse's answer when an option did all there was to do (--help,
 * --version): the run is over, successfully. */
#define OPTS_DONE 2

typedef struct cli {
	/* what every run writes first, the big rarely-used members last: a run
	 * touches one or two pages of it */
	int cmd; /* CMD_* */
	int newline;
	int json, decode, allow_missing, keep_identity_env;
	int include_managed, prune, env_override;
	const char *env_prefix;
	cli_list tags, env_from; /* --tag KEY=VALUE, --env-from VAULT/PREFIX* */
	const char *out, *out_dir;
	cert_files cert; /* --pem-key, --pem-certs, --pem, --pfx-password-file */
	const char *proxy; /* --proxy, else https_proxy / HTTPS_PROXY */
	const char *proxy_from; /* which of those, for messages */
	const char *no_proxy; /* no_proxy / NO_PROXY */
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
	client_cfg cfg;   /* the run's configuration: identity options from the
	                     command line and environment, the rest env_config's */
	trust_anchors roots; /* what cfg points into: the roots */
	url_proxy proxy_url; /* the proxy (its credentials: wiped by env_done) */
	const char *secrets[CLI_SECRETS_MAX];
	resolve_entry resolve[RESOLVE_MAX];
} cli;

/* The options (opts.c); main.c sets the defaults before opts_parse. */
extern cli opts;

/* The signals exec --every forwards to its program, 0-terminated; --signal
 * takes these names (opts.c). */
extern const unsigned char opts_signals[];

/* Parse argv into opts (opts.c). Returns 0 to run, OPTS_DONE when done
 * (help, version), -1 on error. */
int opts_parse(int argc, char **argv, err *e);

/* The --help text, generated from the option table, into out[cap] (NUL
 * included); returns its length, or cap if it did not fit (opts.c). */
size_t opts_usage(char *out, size_t cap);

/* Environment defaults, applied after the command line (env.c). */
void env_apply(void);

/* The run's configuration from the options (after env_apply): the proxy
 * URL parsed, the roots (--cacert, else built in) loaded. NULL with e set
 * (ERR_USAGE: a bad proxy URL or CA file). Read-only from then on; it
 * lives until the end of the run (env.c). */
const client_cfg *env_config(err *e);

/* Wipe what the configuration holds of the proxy's credentials; give back
 * the roots' memory. */
void env_done(void);

/* Collect the references in the environment: refs[], the environ index
 * of each in at[], the NAME= each value follows in prefix[] (skip[]
 * bytes); and the selections (akv://VAULT/PREFIX* values, --env-from)
 * into sels[CLI_SECRETS_MAX + CLI_LIST_MAX], kept for exec_lists, which
 * lists them: an akv:// one's variable is taken out of environ (the
 * program never gets it). Returns their number, or -1 (exec.c). */
int exec_refs(ref *refs, ref *sels, size_t *at, size_t *skip, const char **prefix, size_t *n,
	err *e);

/* A round's secrets of the selections, appended to refs[*n] as exec_refs
 * makes them, at[] SIZE_MAX, NAME as list_env_name makes it (exec.c). Two
 * of them making one NAME, or no variable name, is ERR_USAGE before any
 * is read; a NAME set in the environment keeps its value (its secret not
 * read) unless --env-override. */
int exec_lists(client *c, ref *refs, size_t *at, size_t *skip, const char **prefix,
	size_t *n, err *e);

/* Build the child's environment from the values read: values[k] holds
 * lens[k] bytes after its NAME= prefix (skip[k] bytes), SIZE_MAX if
 * missing; each selection's variable dropped and its secrets added
 * (exec.c). */
int exec_env(char **env, const size_t *at, const size_t *skip,
	char *const *values, const size_t *lens, size_t nrefs, err *e);

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

/* Append r to refs[*n] (sel.c): at most CLI_SECRETS_MAX in all, more is
 * ERR_USAGE. */
int sel_add(ref *refs, size_t *n, const ref *r, err *e);

/* Append the secrets that selection sel (REF_LIST) selects, listed with
 * the run's --tag and --include-managed (vault/kvlist.h), in the vault's
 * order, as sel_add does (sel.c). Each is given first to hook, if any, with
 * the index it would take: 0 takes it, 1 leaves it out, -1 is an error. */
typedef int (*sel_hook)(void *ctx, const ref *sel, const ref *r, size_t k, err *e);
int sel_expand(client *c, const ref *sel, ref *refs, size_t *n, sel_hook hook, void *ctx,
	err *e);

#endif
