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
#include "base/mem.h"
#include "vault/meta.h"
#include "base/out.h"
#include "codec/pem.h"
#include "cli/prune.h"
#include "vault/ref.h"
#include "base/str.h"
#include "base/sys.h"
#include "vault/tags.h"
#include "tls/trust.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buildinfo.h"

extern char **environ;

static client cl;
/* SIGPIPE as azkv found it: azkv ignores it (a write to a closed pipe is an
 * error to report), exec's program gets it back as it would without azkv.
 * The only signal azkv changes; it blocks none (but --every: every.c). */
sys_sig main_sigpipe;
static const sys_sig sigpipe_ignored = SYS_SIG_IGN;
/* The run's references and values, in one struct: its used start is one
 * page. The values follow each other in fetch order (each at most
 * CLI_VALUE_MAX) in the arena, a mapping taken once they are counted, of
 * which a run touches the pages it needs; arena[0, arena_used) is wiped
 * when it is given back at exit. */
static struct run {
	char *arena;
	size_t arena_size, arena_used, nvalues; /* room for nvalues values */
	char *values[CLI_SECRETS_MAX]; /* into the arena */
	size_t lens[CLI_SECRETS_MAX];  /* SIZE_MAX: missing (exec --allow-missing) */
	ref refs[CLI_SECRETS_MAX];
	/* how a round reads them: in order[] (grouped by vault), exec's NAME=
	 * (prefix, skip bytes; get: none) before each */
	size_t nrefs, order[CLI_SECRETS_MAX], at[CLI_SECRETS_MAX], skip[CLI_SECRETS_MAX];
	const char *prefix[CLI_SECRETS_MAX];
	char *env[CLI_ENV_MAX];
	size_t nfixed;             /* exec: the references a round starts with */
	/* get: the operands, selections listed each round; exec: its selections */
	ref ops[CLI_SECRETS_MAX + CLI_LIST_MAX];
} run;

/* A round starts (the run, or each of --every's): the values of the last
 * one wiped, the run's deadline set again (--wait when given, else
 * --timeout), an attempt started. */
static void round_start(void)
{
	if (run.arena)
		explicit_bzero(run.arena, run.arena_used);
	run.arena_used = 0;
	cl.end = clock_now() + cl.cfg->run_ms;
	client_attempt(&cl);
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
		run.arena_used += *n - old;
	return 0;
}

/* Turn each value into what is printed: --decode base64 in place. */
static int post_process(const ref *r, char *v, size_t *n, err *e)
{
	long d;

	if (r->kind == REF_CERT && !opts.json)
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

/* Fetch run.refs[i] for each i in run.order[0..nrefs) (grouped by vault)
 * into the arena: run.values[i] is run.prefix[i]'s first skip[i] bytes
 * (exec's NAME=; get: none) then the value. On failure with allow, the
 * entry is marked missing (lens = SIZE_MAX) and a warning printed; else the
 * first error stops. */
static int fetch_all(int allow, err *e)
{
	const ref *rs = run.refs;
	const size_t *order = run.order, *skip = run.skip;
	size_t k, n = run.nrefs;

	for (k = 0; k < n; k++) {
		size_t i = order[k];
		/* --every keeps the connection for the next round */
		int last = !opts.every && (k + 1 == n
			|| strcmp(rs[order[k + 1]].host, rs[i].host) != 0);
		err one = { 0, 0, "" };
		int rc;

		run.values[i] = run.arena + run.arena_used; /* CLI_VALUE_MAX bytes left at least */
		if (skip[i])
			memcpy(run.values[i], run.prefix[i], skip[i]);
		rc = kv_get(&cl, &rs[i], last, opts.json, run.values[i] + skip[i],
			CLI_VALUE_MAX - skip[i], &run.lens[i], &one);
		if (rc == 0) { /* (on error kv_get left nothing after the prefix) */
			run.arena_used += skip[i] + run.lens[i] + 1;
			rc = post_process(&rs[i], run.values[i] + skip[i], &run.lens[i], &one);
		}
		if (rc < 0) {
			if (!allow)
				return err_set(e, one.code, "%s", one.msg);
			log_err("warning: %s", one.msg);
			run.lens[i] = (size_t)-1;
			conn_close(&cl.vault);
			continue;
		}
	}
	return 0;
}

/* Room for n values; get also gets room for --out's and --out-dir's
 * files (and --prune's manifest) and paths after them (write_files). */
static int take_values(size_t n, err *e)
{
	size_t files = opts.cmd == CMD_GET ? n * (sizeof(out_file) + OUT_PATH_MAX)
		+ sizeof(out_file) : 0;

	run.nvalues = n;
	if (n == 0) /* exec with no reference */
		return 0;
	run.arena = mem_take(run.arena_size = n * CLI_VALUE_MAX + files, e);
	return run.arena ? 0 : -1;
}

/* Order references so that each vault's are fetched together (one
 * connection each), keeping argument order within a vault. */
static void group_by_vault(void)
{
	const ref *rs = run.refs;
	size_t i, j, k = 0, n = run.nrefs, *order = run.order;
	unsigned char done[CLI_SECRETS_MAX] = { 0 };

	for (i = 0; i < n; i++) {
		if (done[i])
			continue;
		for (j = i; j < n; j++)
			if (!done[j] && strcmp(rs[j].host, rs[i].host) == 0) {
				order[k++] = j;
				done[j] = 1;
			}
	}
}

/* --out / --out-dir: every value to its file, all or nothing (out.h),
 * --prune's manifest with them (prune.h): the number of files replaced or
 * removed, or -1. */
static int write_files(err *e)
{
	static prune *pr; /* a mapping, taken by --prune's first round */
	out_file *files = (out_file *)(void *)(run.arena + run.nvalues * CLI_VALUE_MAX);
	char (*paths)[OUT_PATH_MAX] = (char (*)[OUT_PATH_MAX])(void *)(files + run.nvalues + 1);
	size_t i, j, n = run.nrefs;
	int k, p = 0;

	for (i = 0; i < n; i++)
		for (j = 0; j < i && opts.out_dir; j++)
			if (strcmp(run.refs[i].name, run.refs[j].name) == 0)
				return err_set(e, ERR_USAGE, "--out-dir: two secrets named %s",
					run.refs[i].name);
	for (i = 0; i < n; i++) {
		files[i].path = opts.out;
		if (opts.out_dir) {
			if (out_join(paths[i], sizeof paths[i], opts.out_dir, run.refs[i].name) < 0)
				return err_set(e, ERR_USAGE, "--out-dir %s: path too long", opts.out_dir);
			files[i].path = paths[i];
		}
		files[i].data = run.values[i];
		files[i].n = run.lens[i];
	}
	if (opts.prune && ((!pr && !(pr = mem_take(sizeof *pr, e)))
		|| prune_start(pr, opts.out_dir, run.refs, n, &files[n], e) < 0))
		return -1;
	k = out_write_all(files, n + (size_t)opts.prune, &opts.file, e);
	for (i = 0; i < n && k >= 0; i++)
		log_v("wrote %s (%zu bytes, mode 0%o)", files[i].path, run.lens[i], opts.file.mode);
	if (k >= 0 && opts.prune && (p = prune_finish(pr, &opts.file, e)) < 0)
		return -1;
	return k < 0 ? -1 : k + p;
}

/* A certificate reference with --pem-*: what was read is its bundle's sid;
 * read that secret (in the same vault only) in place of it. */
static int follow_sid(const ref *c, err *e)
{
	ref s;

	if (ref_parse(&s, run.values[0]) < 0 || s.kind || strcmp(s.host, c->host) != 0
		|| s.port != c->port)
		return err_set(e, ERR_MALFORMED, "certificate %s/%s: sid is not a secret of its vault",
			c->host, c->name);
	log_v("certificate %s/%s: reading its secret", c->host, c->name);
	if (kv_get(&cl, &s, !opts.every, 0, run.values[0], CLI_VALUE_MAX, &run.lens[0], e) < 0)
		return -1;
	if (run.arena_used < run.lens[0] + 1) /* the exit wipe covers it */
		run.arena_used = run.lens[0] + 1;
	return 0;
}

/* --pem-key / --pem-certs / --pem: the one value (a PEM bundle or a
 * PKCS#12 file) into PEM files (cert.c). */
static int write_pem(const ref *r, err *e)
{
	char what[URL_HOST_MAX + REF_NAME_MAX + 16];
	cert_files files;

	if (r->kind == REF_CERT_SID && follow_sid(r, e) < 0)
		return -1;

	fmt(what, sizeof what, "secret %s/%s", r->host, r->name);
	files = opts.cert;
	files.deadline = cl.end; /* the run's, not an option */
	return cert_write(what, run.values[0], run.lens[0], &files, &opts.file, e);
}

/* The operands into run.ops: their number of selections, or -1. */
static int parse_refs(err *e)
{
	size_t i;
	int rc, lists = 0;

	for (i = 0; i < opts.nsecrets; i++) {
		const char *tag = tags_ref(opts.secrets[i]);
		char val[TAGS_VALUE_MAX + 1];

		if (tag && meta_tag(&cl, tag, val, sizeof val, e) < 0)
			return -1;
		rc = ref_parse_sel(&run.ops[i], tag ? val : opts.secrets[i]);
		if (rc < 0 && tag)
			return err_set(e, ERR_USAGE, "tag %s: value is not a secret reference: %s",
				tag, ref_strerror(rc));
		if (rc < 0)
			return err_set(e, ERR_USAGE, "secret reference %s: %s",
				opts.secrets[i], ref_strerror(rc));
		if (run.ops[i].kind == REF_LIST && lists++ >= 0 && (opts.out || opts.cert.key
			|| opts.cert.certs || opts.cert.both))
			return err_set(e, ERR_USAGE, "%s: a selection goes to stdout or --out-dir",
				opts.secrets[i]);
	}
	return lists;
}

/* The round's references: the operands, each selection's secrets listed
 * in its place, grouped by vault. */
static int select_refs(err *e)
{
	size_t i;

	run.nrefs = 0;
	for (i = 0; i < opts.nsecrets; i++)
		if (run.ops[i].kind == REF_LIST ? sel_expand(&cl, &run.ops[i], run.refs,
			&run.nrefs, NULL, NULL, e) : sel_add(run.refs, &run.nrefs, &run.ops[i], e))
			return -1;
	group_by_vault();
	return 0;
}

/* One round of get: the values read, then written; the number of files
 * replaced (0 for stdout), or -1. */
static int get_round(err *e)
{
	size_t i;

	round_start();
	if (select_refs(e) < 0 || fetch_all(0, e) < 0)
		return -1;
	if (opts.cert.key || opts.cert.certs || opts.cert.both)
		return write_pem(&run.refs[0], e);
	if (opts.out || opts.out_dir)
		return write_files(e);
	for (i = 0; i < run.nrefs; i++)
		if (out_value(run.values[i], run.lens[i], opts.newline, e) < 0)
			return -1;
	return 0;
}

static int cmd_get(err *e)
{
	int lists;

	if (opts.nsecrets == 0)
		return err_set(e, ERR_USAGE, "get: no secret given (try --help)");
	if (opts.out && (opts.out_dir || opts.nsecrets != 1))
		return err_set(e, ERR_USAGE, "--out takes one secret; use --out-dir for several");
	if ((opts.cert.key || opts.cert.certs || opts.cert.both) && (opts.nsecrets != 1 || opts.out
		|| opts.out_dir || opts.json))
		return err_set(e, ERR_USAGE, "--pem-key/--pem-certs/--pem take one secret and no other output");
	if ((opts.cert.key || opts.cert.both) && (opts.file.mode & ~0640u))
		return err_set(e, ERR_USAGE, "--mode 0%o: wider than 0640 for a private key "
			"(--pem-key, --pem)", opts.file.mode);
	if (opts.prune && !opts.out_dir)
		return err_set(e, ERR_USAGE, "--prune goes with --out-dir");
	if ((lists = parse_refs(e)) < 0
		|| take_values(lists ? CLI_SECRETS_MAX : opts.nsecrets, e) < 0)
		return -1;
	if (run.ops[0].kind && (opts.cert.key || opts.cert.certs || opts.cert.both))
		run.ops[0].kind = REF_CERT_SID; /* then the secret it names */
	if (opts.every) /* env: --on-change's, azkv's own less its identity */
		return exec_env(run.env, run.at, run.skip, run.values, run.lens, 0, e) < 0 ? -1
			: every_run(get_round, run.env, e);
	return get_round(e) < 0 ? -1 : 0;
}

/* One round of exec: the selections listed, the values read into the
 * program's environment. */
static int exec_round(err *e)
{
	round_start();
	run.nrefs = run.nfixed;
	if (exec_lists(&cl, run.refs, run.at, run.skip, run.prefix, &run.nrefs, e) < 0)
		return -1;
	group_by_vault();
	log_v("exec: %zu secrets to read", run.nrefs);
	if (fetch_all(opts.allow_missing, e) < 0)
		return -1;
	return exec_env(run.env, run.at, run.skip, run.values, run.lens, run.nrefs, e);
}

static int cmd_exec(err *e)
{
	int why, lists;

	if (!opts.program)
		return err_set(e, ERR_USAGE, "exec: no program given (azkv exec -- PROGRAM ARGS...)");
	if ((lists = exec_refs(run.refs, run.ops, run.at, run.skip, run.prefix, &run.nfixed, e)) < 0
		|| take_values(lists ? CLI_SECRETS_MAX : run.nfixed, e) < 0)
		return -1;
	log_v("exec: %zu references in the environment", run.nfixed);
	if (opts.every)
		return every_run(exec_round, run.env, e);
	if (exec_round(e) < 0)
		return -1;
	client_done(&cl);
	log_v("exec: %s", opts.program[0]);
	sys_sigaction(SIGPIPE, &main_sigpipe, NULL);
	execvpe(opts.program[0], opts.program, run.env);
	why = errno;
	sys_sigaction(SIGPIPE, &sigpipe_ignored, NULL);
	return err_set(e, ERR_USAGE, "exec %s: %s", opts.program[0], err_errno(why));
}

static int cmd_token(err *e)
{
	char resource[CLOUD_RESOURCE_MAX];
	const char *r = opts.resource ? opts.resource : CLI_RESOURCE_DEFAULT;
	/* A scope names its resource with "/.default" (docs/protocols.md 3). */
	size_t n = cloud_scope_resource(r, strlen(r));
	const azure_token *tok;

	if (str_copyn(resource, sizeof resource, r, n) < 0 || n == 0)
		return err_set(e, ERR_USAGE, "--resource: empty or too long");
	tok = identity_token(&cl, resource, e);
	if (!tok)
		return -1;
	return out_value(tok->access, tok->len, opts.newline, e);
}

static int cmd_key(err *e)
{
	if (!opts.key.key)
		return err_set(e, ERR_USAGE, "%s: no KEY given (try --help)", jwk_op_name(opts.key.op));
	return keyop_run(&cl, &opts.key, opts.json, opts.newline, e);
}

int main(int argc, char **argv)
{
	err e = { 0, 0, "" };
	int rc;

	sys_nodump(); /* no core dumps of tokens */
	sys_sigaction(SIGPIPE, &sigpipe_ignored, &main_sigpipe);
	log_start();
	opts.timeout = CLI_TIMEOUT_DEFAULT;
	opts.file.mode = 0600;
	opts.file.uid = opts.file.gid = OUT_NO_OWNER;
	opts.grace = CLI_GRACE_DEFAULT;
	rc = opts_parse(argc, argv, &e);
	if (rc == OPTS_DONE)
		return 0;
	if (rc == 0 && !opts.cmd)
		rc = err_set(&e, ERR_USAGE, "no command (try --help)");
	if (rc == 0)
		rc = every_check(&e);
	if (rc == 0) {
		const client_cfg *cfg;

		env_apply();
		cfg = env_config(&e);
		rc = cfg ? 0 : -1;
		if (cfg) {
			client_init(&cl, cfg);
			rc = opts.cmd == CMD_GET ? cmd_get(&e) : opts.cmd == CMD_EXEC ? cmd_exec(&e)
				: opts.cmd == CMD_KEY ? cmd_key(&e) : cmd_token(&e);
			client_done(&cl);
		}
		env_done();
		mem_give(run.arena, run.arena_size, run.arena_used);
	}
	if (rc < 0) {
		log_err("%s", e.msg);
		return e.code;
	}
	return rc; /* exec --every: the program's status */
}
