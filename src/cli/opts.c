/*
 * opts: the option table and argv. One row per option (its names, what it
 * takes, where it goes, its --help lines) drives both parsing and --help,
 * as curl's tool_getparam.c does. Options may come before or after the
 * command and its operands; --name=VALUE and --name VALUE are the same.
 */
#include "cli/cli.h"
#include "base/fmt.h"
#include "base/log.h"
#include "azure/source.h"
#include "base/str.h"

#include <signal.h>
#include <stddef.h>
#include <string.h>

#include "buildinfo.h"

#define OPTS_COLUMN 26 /* where --help's descriptions start */
#define OPTS_LIST_WIDTH 44 /* a list of names in --help wraps there */
#define OPTS_LIST_MAX 256  /* such a list (sources, algorithms) */

cli opts;

static const char usage_head[] =
"usage: azkv get [OPTIONS] SECRET...\n"
"       azkv exec [OPTIONS] -- PROGRAM [ARGS...]\n"
"       azkv token [OPTIONS]\n"
"       azkv wrap|unwrap|encrypt|decrypt [OPTIONS] KEY < INPUT\n"
"SECRET: https://HOST/secrets/NAME[/VER], VAULT/NAME[/VER], HOST/NAME[/VER],\n"
"HOST/certificates/NAME[/VER] (leaf as PEM), tag:NAME (a VM tag's reference),\n"
"VAULT/PREFIX*, VAULT/* (the vault's valid secrets so named).\n"
"exec: variables holding @Microsoft.KeyVault(...) or akv://VAULT/NAME get\n"
"their secrets, then PROGRAM runs (not if any fails). KEY: HOST/keys/NAME[/VER].\n"
"Details: man azkv.\n";

static const char usage_tail[] =
"exit: 0 ok, 1 internal, 2 usage, 3 identity, 4 denied, 5 not found,\n"
"6 network, 7 TLS, 8 bad response\n";

static int set_selector(int sel, const char *v, err *e)
{
	if (opts.cfg.id.sel != SEL_NONE)
		return err_set(e, ERR_USAGE,
			"options: give at most one of --client-id, --object-id, --resource-id");
	if (!v[0])
		return err_set(e, ERR_USAGE, "options: empty identity selector");
	opts.cfg.id.sel = sel;
	opts.cfg.id.sel_value = v;
	return 0;
}

static const char *source_at(int i)
{
	return i < SRC_COUNT ? source_name(i) : NULL;
}

/* --alg's list in --help, its default marked. */
static const char *alg_help(int i)
{
	const char *n = jwk_alg_name(i);

	return n && strcmp(n, KEYOP_DEFAULT_ALG) == 0 ? KEYOP_DEFAULT_ALG " (default)" : n;
}

static int set_source(const char *v, err *e)
{
	int src = source_from_name(v);
	char names[OPTS_LIST_MAX];

	if (src < 0) {
		fmt_list(names, sizeof names, source_at, ", ", 0);
		return err_set(e, ERR_USAGE, "--source %s: unknown source (%s)", v, names);
	}
	opts.cfg.id.source = src;
	return 0;
}

static int set_seconds(const char *name, const char *v, long *out, err *e)
{
	unsigned long long t;

	if (str_udec(v, strlen(v), CLI_TIMEOUT_MAX, &t) < 0 || t == 0)
		return err_set(e, ERR_USAGE, "%s %s: want whole seconds, 1 to %d",
			name, v, CLI_TIMEOUT_MAX);
	*out = (long)t;
	return 0;
}

static int add_resolve(const char *v, err *e)
{
	if (opts.nresolve == RESOLVE_MAX)
		return err_set(e, ERR_USAGE, "--resolve: at most %d", RESOLVE_MAX);
	if (resolve_parse(&opts.resolve[opts.nresolve], v) < 0)
		return err_set(e, ERR_USAGE, "--resolve %s: want HOST:PORT:ADDR", v);
	opts.nresolve++;
	return 0;
}

/* --every: digits and a unit, s m h d. */
static int set_every(const char *v, err *e)
{
	static const char unit[] = "smhd";
	static const long mult[] = { 1, 60, 3600, 86400 };
	size_t n = str_spn(v, "0123456789");
	const char *u = n && v[n] && !v[n + 1] ? strchr(unit, v[n]) : NULL;
	unsigned long long t;

	if (!u || str_udec(v, n, CLI_EVERY_MAX, &t) < 0
		|| (t *= (unsigned long long)mult[u - unit]) < CLI_EVERY_MIN || t > CLI_EVERY_MAX)
		return err_set(e, ERR_USAGE, "--every %s: want 30s to 30d, as 30s, 5m, 1h or 1d", v);
	opts.every = (long)t;
	return 0;
}

/* In the order of opts_signals. */
static const char signal_names[] = "HUP\0INT\0QUIT\0USR1\0USR2\0TERM\0WINCH\0";
const unsigned char opts_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2,
	SIGTERM, SIGWINCH, 0 };

static int set_signal(const char *v, err *e)
{
	const char *n = signal_names, *w = strncmp(v, "SIG", 3) ? v : v + 3;
	size_t i;

	for (i = 0; opts_signals[i]; i++, n += strlen(n) + 1)
		if (strcmp(w, n) == 0)
			return opts.signal = opts_signals[i], 0;
	return err_set(e, ERR_USAGE, "--signal %s: want HUP INT QUIT USR1 USR2 TERM WINCH", v);
}

typedef struct opt opt;

/* What an option takes, and so how a row is applied. */
enum {
	OPT_FLAG, /* no value: the int at off becomes 1 */
	OPT_DO,   /* no value: set(o, NULL) acts; OPTS_DONE ends the run */
	OPT_STR,  /* a value (this and those below): the const char * at off
	             points to it */
	OPT_SET,  /* a value: set(o, value) checks and stores it */
	OPT_REST, /* the rest of argv: the char ** at off points to it;
	             --NAME=VALUE is set(o, VALUE), which refuses it */
};

struct opt {
	const char *name;  /* "--timeout" */
	int (*set)(const opt *o, const char *v, err *e); /* 0, OPTS_DONE, -1 */
	const char *arg;   /* the value's name in --help */
	const char *help;  /* --help lines, '\n' between; NULL: the names of
	                      the sources (--source) or algorithms (--alg) */
	unsigned short off; /* FLAG, STR, seconds: the field; selectors: SEL_* */
	char shrt;         /* 'n' for -n, or 0 */
	unsigned char kind; /* OPT_* */
};

static int opt_seconds(const opt *o, const char *v, err *e)
{
	return set_seconds(o->name, v, (long *)(void *)((char *)&opts + o->off), e);
}

static int opt_resolve(const opt *o, const char *v, err *e)
{
	(void)o;
	return add_resolve(v, e);
}

static int opt_source(const opt *o, const char *v, err *e)
{
	(void)o;
	return set_source(v, e);
}

static int opt_selector(const opt *o, const char *v, err *e)
{
	return set_selector((int)o->off, v, e);
}

static int opt_proxy(const opt *o, const char *v, err *e)
{
	(void)o, (void)e;
	opts.proxy = v;
	opts.proxy_from = "--proxy";
	return 0;
}

static int opt_mode(const opt *o, const char *v, err *e)
{
	(void)o;
	return out_mode_parse(v, &opts.file.mode) < 0 ? err_set(e, ERR_USAGE,
		"--mode %s: want octal permissions such as 0400", v) : 0;
}

static int opt_owner(const opt *o, const char *v, err *e)
{
	(void)o;
	return out_owner_parse(v, &opts.file.uid, &opts.file.gid) < 0 ? err_set(e,
		ERR_USAGE, "--owner %s: want numeric UID:GID", v) : 0;
}

static int opt_decode(const opt *o, const char *v, err *e)
{
	(void)o;
	return strcmp(v, "base64") == 0 ? (opts.decode = 1, 0) : err_set(e,
		ERR_USAGE, "--decode %s: only base64 is known", v);
}

static int opt_verbose(const opt *o, const char *v, err *e)
{
	(void)o, (void)v, (void)e;
	log_verbose = 1;
	return 0;
}

static int opt_every(const opt *o, const char *v, err *e)
{
	(void)o;
	return set_every(v, e);
}

static int opt_signal(const opt *o, const char *v, err *e)
{
	(void)o;
	return set_signal(v, e);
}

static int opt_rest(const opt *o, const char *v, err *e)
{
	(void)v;
	return err_set(e, ERR_USAGE, "%s: PROGRAM [ARGS...] must follow, as separate words", o->name);
}

/* --env-from, --tag: one more value in the list at off. */
static int opt_add(const opt *o, const char *v, err *e)
{
	cli_list *l = (cli_list *)(void *)((char *)&opts + o->off);

	if (l->n == CLI_LIST_MAX)
		return err_set(e, ERR_USAGE, "%s: at most %d", o->name, CLI_LIST_MAX);
	l->v[l->n++] = v;
	return 0;
}

static int opt_tag(const opt *o, const char *v, err *e)
{
	return v[0] == '=' || !strchr(v, '=') ? err_set(e, ERR_USAGE,
		"--tag %s: want KEY=VALUE", v) : opt_add(o, v, e);
}

static int opt_help(const opt *o, const char *v, err *e);

static int opt_version(const opt *o, const char *v, err *e)
{
	(void)o, (void)v, (void)e;
	fmt_put(1, "azkv " AZKV_VERSION "\n");
	return OPTS_DONE;
}

#define F(field) offsetof(cli, field)

/* In --help's order. */
static const opt table[] = {
	{ "--newline", NULL, NULL, "newline after each value", F(newline), 'n', OPT_FLAG },
	{ "--verbose", opt_verbose, NULL, "trace on stderr (never secrets)", 0, 'v', OPT_DO },
	{ "--timeout", opt_seconds, "S", "deadline of each attempt (30)", F(timeout), 0, OPT_SET },
	{ "--wait", opt_seconds, "S", "the run's deadline: retry until then", F(wait), 0, OPT_SET },
	{ "--cacert", NULL, "FILE", "PEM roots (also SSL_CERT_FILE)", F(cacert), 0, OPT_STR },
	{ "--resolve", opt_resolve, "HOST:PORT:ADDR", "connect to ADDR", 0, 0, OPT_SET },
	{ "--proxy", opt_proxy, "URL", "http://[USER:PASS@]HOST[:PORT] (HTTPS_PROXY)",
		0, 0, OPT_SET },
	{ "--source", opt_source, "NAME", NULL, 0, 0, OPT_SET },
	{ "--client-id", opt_selector, "ID", "user-assigned identity (AZURE_CLIENT_ID)",
		SEL_CLIENT_ID, 0, OPT_SET },
	{ "--object-id", opt_selector, "ID", "user-assigned identity", SEL_OBJECT_ID, 0, OPT_SET },
	{ "--resource-id", opt_selector, "ID", "user-assigned identity", SEL_RESOURCE_ID, 0, OPT_SET },
	{ "--resource", NULL, "URI", "token: for URI (https://vault.azure.net)",
		F(resource), 0, OPT_STR },
	{ "--out", NULL, "FILE", "get: write the value there, atomically", F(out), 0, OPT_STR },
	{ "--out-dir", NULL, "DIR", "get: write DIR/NAME for each", F(out_dir), 0, OPT_STR },
	{ "--prune", NULL, NULL, "--out-dir: remove files azkv wrote, now unread",
		F(prune), 0, OPT_FLAG },
	{ "--tag", opt_tag, "KEY=VALUE", "PREFIX*: only secrets so tagged", F(tags), 0, OPT_SET },
	{ "--include-managed", NULL, NULL, "PREFIX*: also certificates' secrets",
		F(include_managed), 0, OPT_FLAG },
	{ "--pem-key", NULL, "FILE", "get: a certificate's private key", F(cert.key), 0, OPT_STR },
	{ "--pem-certs", NULL, "FILE", "get: its leaf and chain", F(cert.certs), 0, OPT_STR },
	{ "--pem", NULL, "FILE", "get: key, leaf and chain in one file", F(cert.both), 0, OPT_STR },
	{ "--pfx-password-file", NULL, "FILE", "PKCS#12 password (default empty)",
		F(cert.pass_file), 0, OPT_STR },
	{ "--mode", opt_mode, "OCTAL", "of written files (0600; a key: 0640 at most)", 0, 0,
		OPT_SET },
	{ "--owner", opt_owner, "UID:GID", "of written files", 0, 0, OPT_SET },
	{ "--decode", opt_decode, "base64", "decode each value", 0, 0, OPT_SET },
	{ "--json", NULL, NULL, "get: whole bundles; wrap: {kid, alg, value}", F(json), 0, OPT_FLAG },
	{ "--alg", NULL, "ALG", NULL, F(key.alg), 0, OPT_STR },
	{ "--every", opt_every, "D", "get to files, exec: again every D (30s-30d)",
		0, 0, OPT_SET },
	{ "--on-change", opt_rest, "PROG...", "get --every: run PROG ARGS (the rest) on a change",
		F(on_change), 0, OPT_REST },
	{ "--signal", opt_signal, "SIG", "get --every: kill -SIG the pid in", 0, 0, OPT_SET },
	{ "--pid-file", NULL, "FILE", "FILE on a change", F(pid_file), 0, OPT_STR },
	{ "--grace", opt_seconds, "S", "exec --every: restart: TERM, S s (10), KILL",
		F(grace), 0, OPT_SET },
	{ "--allow-missing", NULL, NULL, "exec: run anyway, drop failed variables",
		F(allow_missing), 0, OPT_FLAG },
	{ "--keep-identity-env", NULL, NULL, "exec: keep IDENTITY_HEADER, MSI_SECRET...",
		F(keep_identity_env), 0, OPT_FLAG },
	{ "--env-from", opt_add, "VAULT/PREFIX*", "exec: a variable per secret", F(env_from),
		0, OPT_SET },
	{ "--env-prefix", NULL, "P", "exec: before their names", F(env_prefix), 0, OPT_STR },
	{ "--env-override", NULL, NULL, "exec: they replace set variables",
		F(env_override), 0, OPT_FLAG },
	{ "--help", opt_help, NULL, "this text", 0, 'h', OPT_DO },
	{ "--version", opt_version, NULL, "print the version", 0, 0, OPT_DO },
};

/* Pad out[0, o) with spaces to column col (at least min of them). */
static size_t pad(char *out, size_t cap, size_t o, size_t col, size_t min)
{
	size_t want = o + min > col ? o + min : col;

	while (o < want && o + 1 < cap)
		out[o++] = ' ';
	out[o < cap ? o : cap - 1] = 0;
	return o;
}

/* One row of --help: "  -n, --newline" or "      --wait SECONDS", then
 * its lines from OPTS_COLUMN on (two spaces at least after a long head). */
static size_t usage_row(const opt *r, char *out, size_t cap)
{
	char names[OPTS_LIST_MAX];
	const char *h = r->help ? r->help : names;
	size_t o = r->shrt ? fmt(out, cap, "  -%c, ", r->shrt) : fmt(out, cap, "      ");

	if (!r->help)
		fmt_list(names, sizeof names, r->set == opt_source ? source_at : alg_help, " ",
			OPTS_LIST_WIDTH);

	o += fmt(out + (o < cap ? o : cap), o < cap ? cap - o : 0, "%s%s%s", r->name,
		r->arg ? " " : "", r->arg ? r->arg : "");
	o = pad(out, cap, o, OPTS_COLUMN, o + 1 == OPTS_COLUMN ? 1 : 2);
	for (;;) {
		size_t n = str_cspn(h, "\n");

		o += fmt(out + (o < cap ? o : cap), o < cap ? cap - o : 0, "%.*s\n",
			(int)n, h);
		if (!h[n])
			return o;
		h += n + 1;
		o = pad(out, cap, o, o + OPTS_COLUMN, 0);
	}
}

size_t opts_usage(char *out, size_t cap)
{
	size_t o = fmt(out, cap, "%s", usage_head), i;

	for (i = 0; i < sizeof table / sizeof table[0] && o < cap; i++)
		o += usage_row(&table[i], out + o, cap - o);
	if (o < cap)
		o += fmt(out + o, cap - o, "%s", usage_tail);
	return o < cap ? o : cap;
}

static int opt_help(const opt *o, const char *v, err *e)
{
	char text[OPTS_USAGE_MAX];

	(void)o, (void)v, (void)e;
	opts_usage(text, sizeof text);
	fmt_put(1, text);
	return OPTS_DONE;
}

/* The row for a (its long or short name); with_value: only options that
 * take one, else only those that do not. NULL if none. */
static const opt *opt_find(const char *a, int with_value)
{
	size_t i;

	for (i = 0; i < sizeof table / sizeof table[0]; i++) {
		const opt *r = &table[i];

		if ((r->kind >= OPT_STR) != with_value)
			continue;
		if (strcmp(a, r->name) == 0 || (r->shrt && a[1] == r->shrt && !a[2]))
			return r;
	}
	return NULL;
}

/* Apply row r with value v (NULL for FLAG and DO): 0, OPTS_DONE, -1. */
static int opt_apply(const opt *r, const char *v, err *e)
{
	int rc;

	switch (r->kind) {
	case OPT_FLAG:
		*(int *)(void *)((char *)&opts + r->off) = 1;
		return 0;
	case OPT_STR:
		*(const char **)(void *)((char *)&opts + r->off) = v;
		return 0;
	default:
		rc = r->set(r, v, e);
		return rc < 0 ? -1 : rc;
	}
}

static int operand(const char *a, err *e)
{
	if (!opts.cmd) {
		if (strcmp(a, "get") == 0)
			return opts.cmd = CMD_GET, 0;
		if (strcmp(a, "token") == 0)
			return opts.cmd = CMD_TOKEN, 0;
		if (strcmp(a, "exec") == 0)
			return opts.cmd = CMD_EXEC, 0;
		for (opts.key.op = JWK_WRAP; opts.key.op <= JWK_DECRYPT; opts.key.op <<= 1)
			if (strcmp(a, jwk_op_name(opts.key.op)) == 0)
				return opts.cmd = CMD_KEY, 0;
		return err_set(e, ERR_USAGE, "unknown command %s (try --help)", a);
	}
	if (opts.cmd == CMD_KEY) {
		if (opts.key.key)
			return err_set(e, ERR_USAGE, "%s: one KEY only", jwk_op_name(opts.key.op));
		return opts.key.key = a, 0;
	}
	if (opts.cmd != CMD_GET)
		return err_set(e, ERR_USAGE, "token: unexpected argument %s", a);
	if (opts.nsecrets == CLI_SECRETS_MAX)
		return err_set(e, ERR_USAGE, "get: at most %d secrets per run", CLI_SECRETS_MAX);
	opts.secrets[opts.nsecrets++] = a;
	return 0;
}

/* Parse argv. Returns 0 to run, OPTS_DONE (help/version), -1 on error. */
int opts_parse(int argc, char **argv, err *e)
{
	int i, dashdash = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL, *eq;
		const opt *r;
		char name[32];

		if (opts.cmd == CMD_EXEC && (dashdash || a[0] != '-' || strcmp(a, "--") == 0)) {
			opts.program = argv + i + (!dashdash && strcmp(a, "--") == 0);
			return opts.program[0] ? 0 : err_set(e, ERR_USAGE, "exec: no program given");
		}
		if (dashdash || a[0] != '-' || a[1] == 0) {
			if (operand(a, e) < 0)
				return -1;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			dashdash = 1;
			continue;
		}
		if ((r = opt_find(a, 0)) != NULL) {
			if (opt_apply(r, NULL, e) == OPTS_DONE)
				return OPTS_DONE;
			continue;
		}
		eq = strchr(a, '=');
		if (eq && a[1] == '-' && str_copyn(name, sizeof name, a, (size_t)(eq - a)) == 0)
			r = opt_find(name, 1), v = eq + 1;
		else if ((r = opt_find(a, 1)) != NULL && r->kind == OPT_REST && i + 1 < argc) {
			*(char ***)(void *)((char *)&opts + r->off) = argv + i + 1;
			return 0;
		} else if (r && i + 1 < argc)
			v = argv[++i];
		else if (r)
			return err_set(e, ERR_USAGE, "%s needs a value", a);
		if (!r)
			return err_set(e, ERR_USAGE, "unknown option %s (try --help)", a);
		if (opt_apply(r, v, e) < 0)
			return -1;
	}
	return 0;
}
