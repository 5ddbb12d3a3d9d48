/*
 * exec: the environment azkv exec gives its program: the references found
 * in azkv's own environment, and each replaced by its secret (NAME=value)
 * or dropped, with azkv's identity variables left out; the variables the
 * selections make (akv://VAULT/PREFIX* values, --env-from) added.
 */
#include "cli/cli.h"
#include "base/log.h"
#include "base/str.h"
#include "vault/list.h"

#include <string.h>

extern char **environ;

/* The selections (exec_refs: akv:// values, --env-from), in the caller's
 * room; "NAME=" of each variable they made in this round (exec_lists). */
static ref *lists;
static size_t nlists;
static char made[CLI_SECRETS_MAX][CLI_VAR_MAX + 2];
static size_t nmade;

typedef struct exec_ctx {
	size_t *at, *skip;
	const char **prefix;
} exec_ctx;

/* Variables that carry azkv's own credentials: not for the child. */
static int identity_var(const char *entry)
{
	static const char *const names[] = {
		"IDENTITY_HEADER=", "MSI_SECRET=", "AZURE_FEDERATED_TOKEN_FILE=",
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strncmp(entry, names[i], strlen(names[i])) == 0)
			return 1;
	return 0;
}

int exec_refs(ref *refs, ref *sels, size_t *at, size_t *skip, const char **prefix, size_t *n,
	err *e)
{
	size_t i, m = 0, bad;
	int rc = ref_env_scan(environ, refs, at, CLI_SECRETS_MAX, n, &bad);

	nlists = 0;
	lists = sels;
	if (rc == REF_E_MANY)
		return err_set(e, ERR_USAGE, "exec: more than %d references in the environment",
			CLI_SECRETS_MAX);
	if (rc < 0)
		return err_set(e, ERR_USAGE, "environment variable %.*s: bad reference: %s",
			(int)str_cspn(environ[bad], "="), environ[bad], ref_strerror(rc));
	for (i = 0; i < *n; i++) {
		char **p = &environ[at[i] - nlists]; /* after the entries taken out */

		if (refs[i].kind == REF_LIST) {
			lists[nlists++] = refs[i];
			while ((p[0] = p[1]) != NULL) /* out of azkv's own environment: */
				p++;                  /* the program never gets it */
			continue;
		}
		refs[m] = refs[i];
		at[m] = at[i] - nlists;
		prefix[m] = *p;
		skip[m] = str_cspn(prefix[m], "=") + 1;
		if (skip[m++] >= CLI_VALUE_MAX / 2)
			return err_set(e, ERR_USAGE, "exec: variable name too long");
	}
	*n = m;
	for (i = 0; i < opts.env_from.n; i++, nlists++) {
		if (ref_parse_sel(&lists[nlists], opts.env_from.v[i]) < 0
			|| lists[nlists].kind != REF_LIST)
			return err_set(e, ERR_USAGE, "--env-from %s: want VAULT/PREFIX*",
				opts.env_from.v[i]);
	}
	return (int)nlists;
}

/* Does entry set a variable a selection made (--env-override: the
 * program gets the selection's)? */
static int overridden(const char *entry)
{
	size_t k;

	for (k = 0; k < nmade; k++)
		if (strncmp(entry, made[k], strlen(made[k])) == 0)
			return 1;
	return 0;
}

/* sel_hook: the variable secret r makes, unless the environment has it. */
static int make_var(void *ctx, const ref *sel, const ref *r, size_t k, err *e)
{
	exec_ctx *x = ctx;
	char *v = made[nmade];
	size_t i, l;

	if (list_env_name(v, CLI_VAR_MAX + 1, opts.env_prefix ? opts.env_prefix : "", r->name,
		strlen(sel->name) - 1) < 0)
		return err_set(e, ERR_USAGE, "exec: %s/%s makes no variable name",
			r->host, r->name);
	l = strlen(v);
	v[l] = '=';
	for (i = 0; i < nmade; i++)
		if (strncmp(made[i], v, l + 1) == 0)
			return err_set(e, ERR_USAGE, "exec: variable %.*s made twice (%s/%s)",
				(int)l, v, r->host, r->name);
	for (i = 0; environ[i] && !opts.env_override; i++)
		if (strncmp(environ[i], v, l + 1) == 0)
			return log_v("exec: %.*s is set, kept", (int)l, v), 1;
	x->at[k] = (size_t)-1;
	x->skip[k] = l + 1;
	x->prefix[k] = v;
	nmade++;
	return 0;
}

int exec_lists(client *c, ref *refs, size_t *at, size_t *skip, const char **prefix,
	size_t *n, err *e)
{
	exec_ctx x = { at, skip, prefix };
	size_t i;

	nmade = 0;
	for (i = 0; i < nlists; i++)
		if (sel_expand(c, &lists[i], refs, n, make_var, &x, e) < 0)
			return -1;
	return 0;
}

static int put(char **env, size_t *o, char *entry, err *e)
{
	if (*o + 1 == CLI_ENV_MAX)
		return err_set(e, ERR_USAGE, "exec: more than %d environment variables",
			CLI_ENV_MAX - 1);
	env[(*o)++] = entry;
	return 0;
}

/* The entries no reference or selection replaces, identity variables
 * dropped unless asked; then each reference's NAME=value (none when it is
 * missing). */
int exec_env(char **env, const size_t *at, const size_t *skip,
	char *const *values, const size_t *lens, size_t nrefs, err *e)
{
	size_t i, k, o = 0;

	for (i = 0; environ[i]; i++) {
		for (k = 0; k < nrefs && at[k] != i; k++)
			;
		if (k == nrefs && !(opts.env_override && overridden(environ[i])) && (opts.keep_identity_env
			|| !identity_var(environ[i])) && put(env, &o, environ[i], e) < 0)
			return -1;
	}
	for (k = 0; k < nrefs; k++) {
		if (lens[k] == (size_t)-1)
			continue;
		if (memchr(values[k] + skip[k], 0, lens[k]))
			return err_set(e, ERR_MALFORMED, "%.*s: the secret holds a NUL byte, "
				"which an environment variable cannot", (int)skip[k] - 1, values[k]);
		values[k][skip[k] + lens[k]] = 0;
		if (put(env, &o, values[k], e) < 0)
			return -1;
	}
	env[o] = NULL;
	return 0;
}
