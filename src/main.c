/*
 * main: azkv's command line: runs get, exec or token over the options
 * opts.c parsed (cli.h), prints values to stdout only when every one was
 * read, and reports a failure as one stderr line "azkv: what: why"
 * with the exit code of its class (err.h, README "Exit codes").
 */
#include "codec/b64.h"
#include "vault/cert.h"
#include "cli/cli.h"
#include "azure/client.h"
#include "azure/identity.h"
#include "vault/kv.h"
#include "base/fmt.h"
#include "vault/keyop.h"
#include "base/log.h"
#include "vault/meta.h"
#include "base/out.h"
#include "codec/pem.h"
#include "cli/prune.h"
#include "vault/ref.h"
#include "base/str.h"
#include "vault/tags.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "buildinfo.h"

extern char **environ;

client cl;
/* SIGPIPE as azkv found it: azkv ignores it (a write to a closed pipe is an
 * error to report), exec's program gets it back as it would without azkv.
 * The only signal azkv changes; it blocks none. */
static struct sigaction sigpipe_inherited;
static const struct sigaction sigpipe_ignored = { .sa_handler = SIG_IGN };
static tls_trust trust;
/* The values, one after another in fetch order (each at most CLI_VALUE_MAX,
 * so 64 always fit): a run touches the pages its values need, not one per
 * secret. values[i] points into it; arena[0, arena_used) is wiped at exit. */
static char arena[CLI_SECRETS_MAX * CLI_VALUE_MAX];
static size_t arena_used;
char *values[CLI_SECRETS_MAX];
size_t lens[CLI_SECRETS_MAX];

static int print_value(const char *p, size_t n, err *e)
{
	if (out_stdout(p, n, e) < 0)
		return -1;
	return opts.newline ? out_stdout("\n", 1, e) : 0;
}

static int setup(err *e)
{
	cl.net.resolve = opts.resolve;
	cl.net.nresolve = opts.nresolve;
	if (env_proxy(e) < 0)
		return -1;
	cl.id = opts.id;
	cl.trust = &trust;
	cl.attempt_ms = (clock_ms)opts.timeout * 1000;
	/* The run ends at --wait when given, else at --timeout; an attempt
	 * also ends at --timeout (client_attempt takes the earlier). */
	cl.end = clock_now() + (clock_ms)(opts.wait > 0 ? opts.wait : opts.timeout) * 1000;
	cl.wait = opts.wait > 0;
	client_attempt(&cl);
	if (opts.cacert) {
		log_v("trust: roots from %s", opts.cacert);
		return tls_trust_load(&trust, opts.cacert, e);
	}
	tls_trust_builtin(&trust);
	return 0;
}

/* A certificate's value (its bundle's "cer", base64 DER) as the leaf's PEM,
 * in place: v is the arena's last value, which may grow to half of
 * CLI_VALUE_MAX (exec's NAME= prefix takes less than the other half). */
static int leaf_pem(const ref *r, char *v, size_t *n, err *e)
{
	size_t old = *n;

	if (cert_leaf_pem(v, n, CLI_VALUE_MAX / 2) < 0)
		return err_set(e, ERR_MALFORMED, "certificate %s/%s: cer is not a base64 certificate",
			r->host, r->name);
	if (*n > old)
		arena_used += *n - old;
	return 0;
}

/* Turn each value into what is printed: --decode base64 in place. */
static int post_process(const ref *r, char *v, size_t *n, err *e)
{
	long d;

	if (r->cert == 1 && !opts.json)
		return leaf_pem(r, v, n, e);
	if (!opts.decode)
		return 0;
	d = b64_decode((unsigned char *)v, *n, v, *n);
	if (d < 0)
		return err_set(e, ERR_MALFORMED, "secret %s/%s: value is not valid base64",
			r->host, r->name);
	explicit_bzero(v + d, *n - (size_t)d);
	*n = (size_t)d;
	return 0;
}

/* Fetch refs[i] for each i in order[0..n) (grouped by vault) into the
 * arena: values[i] is prefix[i]'s first skip[i] bytes (exec's NAME=; no
 * prefix: NULL) then the value. On failure with allow, the entry is marked
 * missing (lens = SIZE_MAX) and a warning printed; else the first error
 * stops. */
static int fetch_all(const ref *refs, const size_t *order, size_t n,
	const char *const *prefix, const size_t *skip, int allow, err *e)
{
	size_t k;

	for (k = 0; k < n; k++) {
		size_t i = order[k];
		int last = k + 1 == n || strcmp(refs[order[k + 1]].host, refs[i].host) != 0;
		err one = { 0, 0, "" };
		int rc;

		values[i] = arena + arena_used; /* CLI_VALUE_MAX bytes left at least */
		if (prefix)
			memcpy(values[i], prefix[i], skip[i]);
		rc = kv_get(&cl, &refs[i], last, opts.json, values[i] + skip[i],
			CLI_VALUE_MAX - skip[i], &lens[i], &one);
		if (rc == 0) { /* (on error kv_get left nothing after the prefix) */
			arena_used += skip[i] + lens[i] + 1;
			rc = post_process(&refs[i], values[i] + skip[i], &lens[i], &one);
		}
		if (rc < 0) {
			char line[ERR_MSG_MAX + 32];

			if (!allow)
				return err_set(e, one.code, "%s", one.msg);
			fmt(line, sizeof line, "azkv: warning: %s\n", one.msg);
			fmt_put(2, line);
			lens[i] = (size_t)-1;
			conn_close(&cl.vault);
			continue;
		}
	}
	return 0;
}

/* Order references so that each vault's are fetched together (one
 * connection each), keeping argument order within a vault. */
static void group_by_vault(const ref *refs, size_t n, size_t *order)
{
	size_t i, j, k = 0;
	unsigned char done[CLI_SECRETS_MAX] = { 0 };

	for (i = 0; i < n; i++) {
		if (done[i])
			continue;
		for (j = i; j < n; j++)
			if (!done[j] && strcmp(refs[j].host, refs[i].host) == 0) {
				order[k++] = j;
				done[j] = 1;
			}
	}
}

/* --out / --out-dir: every value to its file, all or nothing (out.h);
 * --prune's manifest with them (prune.h). */
static int write_files(const ref *refs, size_t n, err *e)
{
	/* static: every path and temporary lives until the renames (~0.5 MB of
	 * .bss, pages touched only for the files written) */
	static out_file files[CLI_SECRETS_MAX + 1];
	static char paths[CLI_SECRETS_MAX][OUT_PATH_MAX];
	static prune pr;
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < i && opts.out_dir; j++)
			if (strcmp(refs[i].name, refs[j].name) == 0)
				return err_set(e, ERR_USAGE, "--out-dir: two secrets named %s",
					refs[i].name);
	for (i = 0; i < n; i++) {
		files[i].path = opts.out;
		if (opts.out_dir) {
			if (out_join(paths[i], sizeof paths[i], opts.out_dir, refs[i].name) < 0)
				return err_set(e, ERR_USAGE, "--out-dir %s: path too long", opts.out_dir);
			files[i].path = paths[i];
		}
		files[i].data = values[i];
		files[i].n = lens[i];
	}
	if (opts.prune && prune_start(&pr, opts.out_dir, refs, n, &files[n], e) < 0)
		return -1;
	if (out_write_all(files, n + (size_t)opts.prune, &opts.file, e) < 0)
		return -1;
	for (i = 0; i < n; i++)
		log_v("wrote %s (%zu bytes, mode 0%o)", files[i].path, lens[i], opts.file.mode);
	return opts.prune ? prune_finish(&pr, &opts.file, e) : 0;
}

/* A certificate reference with --pem-*: what was read is its bundle's sid;
 * read that secret (in the same vault only) in place of it. */
static int follow_sid(const ref *c, err *e)
{
	static ref s;

	if (ref_parse(&s, values[0]) < 0 || s.cert || strcmp(s.host, c->host) != 0
		|| s.port != c->port)
		return err_set(e, ERR_MALFORMED, "certificate %s/%s: sid is not a secret of its vault",
			c->host, c->name);
	log_v("certificate %s/%s: reading its secret", c->host, c->name);
	if (kv_get(&cl, &s, 1, 0, values[0], CLI_VALUE_MAX, &lens[0], e) < 0)
		return -1;
	if (arena_used < lens[0] + 1) /* the exit wipe covers it */
		arena_used = lens[0] + 1;
	return 0;
}

/* --pem-key / --pem-certs / --pem: the one value (a PEM bundle or a
 * PKCS#12 file) into PEM files (cert.c). */
static int write_pem(const ref *r, err *e)
{
	char what[URL_HOST_MAX + REF_NAME_MAX + 16];

	if (r->cert == 2 && follow_sid(r, e) < 0)
		return -1;

	fmt(what, sizeof what, "secret %s/%s", r->host, r->name);
	opts.cert.key = opts.pem_key;
	opts.cert.certs = opts.pem_certs;
	return cert_write(what, values[0], lens[0], &opts.cert, &opts.file, e);
}

/* The operands as references into refs[*n]; each selection's secrets
 * listed in its place. */
static int parse_refs(ref *refs, size_t *n, err *e)
{
	size_t i;
	int rc;

	for (i = 0; i < opts.nsecrets; i++) {
		const char *tag = tags_ref(opts.secrets[i]);
		char val[TAGS_VALUE_MAX + 1];
		ref r;

		if (tag && meta_tag(&cl, tag, val, sizeof val, e) < 0)
			return -1;
		rc = ref_parse_sel(&r, tag ? val : opts.secrets[i]);
		if (rc < 0 && tag)
			return err_set(e, ERR_USAGE, "tag %s: value is not a secret reference: %s",
				tag, ref_strerror(rc));
		if (rc < 0)
			return err_set(e, ERR_USAGE, "secret reference %s: %s",
				opts.secrets[i], ref_strerror(rc));
		if (r.list && (opts.out || opts.pem_key || opts.pem_certs || opts.cert.both))
			return err_set(e, ERR_USAGE, "%s: a selection goes to stdout or --out-dir",
				opts.secrets[i]);
		if (r.list ? sel_expand(&r, refs, n, NULL, NULL, e) : sel_add(refs, n, &r, e))
			return -1;
	}
	return 0;
}

static int cmd_get(err *e)
{
	static ref refs[CLI_SECRETS_MAX];
	size_t order[CLI_SECRETS_MAX], skip[CLI_SECRETS_MAX] = { 0 }, i, n = 0;

	if (opts.nsecrets == 0)
		return err_set(e, ERR_USAGE, "get: no secret given (try --help)");
	if (opts.out && (opts.out_dir || opts.nsecrets != 1))
		return err_set(e, ERR_USAGE, "--out takes one secret; use --out-dir for several");
	if ((opts.pem_key || opts.pem_certs || opts.cert.both) && (opts.nsecrets != 1 || opts.out
		|| opts.out_dir || opts.json))
		return err_set(e, ERR_USAGE, "--pem-key/--pem-certs/--pem take one secret and no other output");
	if (opts.prune && !opts.out_dir)
		return err_set(e, ERR_USAGE, "--prune goes with --out-dir");
	if (parse_refs(refs, &n, e) < 0)
		return -1;
	if (refs[0].cert && (opts.pem_key || opts.pem_certs || opts.cert.both))
		refs[0].cert = 2; /* read the bundle's sid, then that secret */
	group_by_vault(refs, n, order);
	if (fetch_all(refs, order, n, NULL, skip, 0, e) < 0)
		return -1;
	if (opts.pem_key || opts.pem_certs || opts.cert.both)
		return write_pem(&refs[0], e);
	if (opts.out || opts.out_dir)
		return write_files(refs, n, e);
	for (i = 0; i < n; i++)
		if (print_value(values[i], lens[i], e) < 0)
			return -1;
	return 0;
}

static int cmd_exec(err *e)
{
	static ref refs[CLI_SECRETS_MAX];
	static char *env[CLI_ENV_MAX];
	size_t at[CLI_SECRETS_MAX], skip[CLI_SECRETS_MAX], order[CLI_SECRETS_MAX], n;
	const char *prefix[CLI_SECRETS_MAX];
	int why;

	if (!opts.program)
		return err_set(e, ERR_USAGE, "exec: no program given (azkv exec -- PROGRAM ARGS...)");
	if (exec_refs(refs, at, skip, prefix, &n, e) < 0)
		return -1;
	log_v("exec: %zu secrets to read", n);
	group_by_vault(refs, n, order);
	if (fetch_all(refs, order, n, prefix, skip, opts.allow_missing, e) < 0
		|| exec_env(env, at, skip, n, e) < 0)
		return -1;
	client_done(&cl);
	log_v("exec: %s", opts.program[0]);
	sigaction(SIGPIPE, &sigpipe_inherited, NULL);
	execvpe(opts.program[0], opts.program, env);
	why = errno;
	sigaction(SIGPIPE, &sigpipe_ignored, NULL);
	return err_set(e, ERR_USAGE, "exec %s: %s", opts.program[0], err_errno(why));
}

static int cmd_token(err *e)
{
	char resource[CLOUD_RESOURCE_MAX];
	const char *r = opts.resource ? opts.resource : CLI_RESOURCE_DEFAULT;
	size_t n = strlen(r);
	const azure_token *tok;
	size_t k = sizeof CLOUD_DEFAULT_SUFFIX - 1;

	/* A scope names its resource with "/.default" (docs/protocols.md 3). */
	if (n > k && strcmp(r + n - k, CLOUD_DEFAULT_SUFFIX) == 0)
		n -= k;
	if (str_copyn(resource, sizeof resource, r, n) < 0 || n == 0)
		return err_set(e, ERR_USAGE, "--resource: empty or too long");
	tok = identity_token(&cl, resource, e);
	if (!tok)
		return -1;
	return print_value(tok->access, tok->len, e);
}

static int cmd_key(err *e)
{
	if (!opts.key.key)
		return err_set(e, ERR_USAGE, "%s: no KEY given (try --help)", jwk_op_name(opts.key.op));
	opts.key.json = opts.json;
	opts.key.newline = opts.newline;
	return keyop_run(&cl, &opts.key, e);
}

int main(int argc, char **argv)
{
	err e = { 0, 0, "" };
	int rc;

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* no core dumps of tokens */
	sigaction(SIGPIPE, &sigpipe_ignored, &sigpipe_inherited);
	log_start();
	opts.timeout = CLI_TIMEOUT_DEFAULT;
	opts.file.mode = 0600;
	opts.file.uid = opts.file.gid = OUT_NO_OWNER;
	rc = opts_parse(argc, argv, &e);
	if (rc == 2)
		return 0;
	if (rc == 0 && !opts.cmd)
		rc = err_set(&e, ERR_USAGE, "no command (try --help)");
	if (rc == 0) {
		client_init(&cl);
		env_apply();
		rc = setup(&e);
		if (rc == 0)
			rc = opts.cmd == 'g' ? cmd_get(&e) : opts.cmd == 'x' ? cmd_exec(&e)
				: opts.cmd == 'k' ? cmd_key(&e) : cmd_token(&e);
		client_done(&cl);
		explicit_bzero(arena, arena_used);
	}
	if (rc < 0) {
		char line[ERR_MSG_MAX + 8];

		fmt(line, sizeof line, "azkv: %s\n", e.msg);
		fmt_put(2, line);
		return e.code;
	}
	return 0;
}
