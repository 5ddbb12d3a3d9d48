/*
 * exec: the environment azkv exec gives its program: the references found
 * in azkv's own environment, and each replaced by its secret (NAME=value)
 * or dropped, with azkv's identity variables left out.
 */
#include "cli/cli.h"
#include "base/str.h"

#include <string.h>

extern char **environ;

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

int exec_refs(ref *refs, size_t *at, size_t *skip, size_t *n, err *e)
{
	size_t i, bad;
	int rc = ref_env_scan(environ, refs, at, CLI_SECRETS_MAX, n, &bad);

	if (rc == REF_E_MANY)
		return err_set(e, ERR_USAGE, "exec: more than %d references in the environment",
			CLI_SECRETS_MAX);
	if (rc < 0)
		return err_set(e, ERR_USAGE, "environment variable %.*s: bad reference: %s",
			(int)str_cspn(environ[bad], "="), environ[bad], ref_strerror(rc));
	for (i = 0; i < *n; i++) {
		skip[i] = str_cspn(environ[at[i]], "=") + 1;
		if (skip[i] >= CLI_VALUE_MAX / 2)
			return err_set(e, ERR_USAGE, "exec: variable name too long");
	}
	return 0;
}

/* References replaced (or dropped when missing), identity variables
 * dropped unless asked. */
int exec_env(char **env, const size_t *at, const size_t *skip,
	char *const *values, const size_t *lens, size_t nrefs, err *e)
{
	size_t i, k, o = 0;

	for (i = 0; environ[i]; i++) {
		char *entry = environ[i];

		for (k = 0; k < nrefs && at[k] != i; k++)
			;
		if (k < nrefs) {
			if (lens[k] == (size_t)-1)
				continue;
			if (memchr(values[k] + skip[k], 0, lens[k]))
				return err_set(e, ERR_MALFORMED, "%.*s: the secret holds a NUL byte, "
					"which an environment variable cannot", (int)skip[k] - 1, values[k]);
			values[k][skip[k] + lens[k]] = 0;
			entry = values[k];
		} else if (!opts.keep_identity_env && identity_var(entry)) {
			continue;
		}
		if (o + 1 == CLI_ENV_MAX)
			return err_set(e, ERR_USAGE, "exec: more than %d environment variables",
				CLI_ENV_MAX - 1);
		env[o++] = entry;
	}
	env[o] = NULL;
	return 0;
}
