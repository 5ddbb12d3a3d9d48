/*
 * main: azkv's command line. Parses options into one cli struct (the only
 * global state), runs the command, prints values to stdout only when every
 * one was read, and reports a failure as one stderr line "azkv: what: why"
 * with the exit code of its class (err.h, README "Exit codes").
 */
#include "client.h"
#include "fmt.h"
#include "log.h"
#include "ref.h"
#include "str.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "buildinfo.h"

#define CLI_SECRETS_MAX 64 /* secrets per run; each buffer is AZ_SECRET_MAX */
#define CLI_TIMEOUT_DEFAULT 30
#define CLI_TIMEOUT_MAX 86400
#define CLI_RESOURCE_DEFAULT "https://vault.azure.net"

static const char usage_text[] =
"usage: azkv get [OPTIONS] SECRET...\n"
"       azkv token [OPTIONS] [--resource URI]\n"
"       azkv --help | --version\n"
"\n"
"Read Azure Key Vault secrets with the host's managed identity.\n"
"SECRET is https://HOST/secrets/NAME[/VERSION], VAULT/NAME[/VERSION]\n"
"(VAULT a public-cloud vault name) or HOST/NAME[/VERSION].\n"
"Values go to stdout byte for byte, in argument order, nothing added.\n"
"\n"
"options:\n"
"  -n, --newline           print a newline after each value or token\n"
"  -v, --verbose           trace each step on stderr (never tokens or values)\n"
"      --timeout SECONDS   deadline for the whole run (default 30)\n"
"      --cacert FILE       trust these PEM roots instead of the built-in ones\n"
"                          (also SSL_CERT_FILE)\n"
"      --resolve HOST:PORT:ADDR  connect to ADDR for HOST:PORT (as curl)\n"
"      --source NAME       auto (default), imds or vm-extension\n"
"      --client-id ID      user-assigned identity by client id\n"
"                          (default: AZURE_CLIENT_ID)\n"
"      --object-id ID      user-assigned identity by object id\n"
"      --resource-id ID    user-assigned identity by ARM resource id\n"
"      --resource URI      token: resource to ask for\n"
"                          (default https://vault.azure.net)\n"
"  -h, --help              this text\n"
"      --version           print the version\n"
"\n"
"exit codes:\n"
"  0 ok                     5 secret not found or disabled\n"
"  1 internal error         6 network: DNS, connect, reset, deadline\n"
"  2 usage or bad reference 7 TLS or certificate verification\n"
"  3 identity unavailable   8 malformed or oversized response\n"
"  4 access denied by the vault (401 after a token, 403)\n";

typedef struct cli {
	int cmd; /* 'g' get, 't' token */
	int newline;
	long timeout;
	const char *cacert;
	const char *resource;
	client_id_opts id;
	net_resolve resolve[NET_RESOLVE_MAX];
	size_t nresolve;
	const char *secrets[CLI_SECRETS_MAX];
	size_t nsecrets;
} cli;

static cli opts;
static client cl;
static tls_trust trust;
static char values[CLI_SECRETS_MAX][AZ_SECRET_MAX + 1];
static size_t lens[CLI_SECRETS_MAX];

static int set_selector(int sel, const char *v, err *e)
{
	if (opts.id.sel != SEL_NONE)
		return err_set(e, ERR_USAGE,
			"options: give at most one of --client-id, --object-id, --resource-id");
	if (!v[0])
		return err_set(e, ERR_USAGE, "options: empty identity selector");
	opts.id.sel = sel;
	opts.id.sel_value = v;
	return 0;
}

static int set_source(const char *v, err *e)
{
	if (strcmp(v, "auto") == 0)
		opts.id.source = SRC_AUTO;
	else if (strcmp(v, "imds") == 0)
		opts.id.source = SRC_IMDS;
	else if (strcmp(v, "vm-extension") == 0)
		opts.id.source = SRC_VM_EXTENSION;
	else
		return err_set(e, ERR_USAGE, "--source %s: unknown source (auto, imds, vm-extension)", v);
	return 0;
}

static int set_timeout(const char *v, err *e)
{
	unsigned long long t;

	if (str_udec(v, strlen(v), CLI_TIMEOUT_MAX, &t) < 0 || t == 0)
		return err_set(e, ERR_USAGE, "--timeout %s: want whole seconds, 1 to %d",
			v, CLI_TIMEOUT_MAX);
	opts.timeout = (long)t;
	return 0;
}

static int add_resolve(const char *v, err *e)
{
	if (opts.nresolve == NET_RESOLVE_MAX)
		return err_set(e, ERR_USAGE, "--resolve: at most %d", NET_RESOLVE_MAX);
	if (net_resolve_parse(&opts.resolve[opts.nresolve], v) < 0)
		return err_set(e, ERR_USAGE, "--resolve %s: want HOST:PORT:ADDR", v);
	opts.nresolve++;
	return 0;
}

static int is_value_opt(const char *name)
{
	static const char *const names[] = {
		"--timeout", "--cacert", "--resolve", "--source", "--client-id",
		"--object-id", "--resource-id", "--resource",
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

/* An option that takes a value: apply it. 1 if name was one, -1 on error. */
static int value_opt(const char *name, const char *v, err *e)
{
	if (strcmp(name, "--timeout") == 0)
		return set_timeout(v, e) < 0 ? -1 : 1;
	if (strcmp(name, "--cacert") == 0)
		return opts.cacert = v, 1;
	if (strcmp(name, "--resolve") == 0)
		return add_resolve(v, e) < 0 ? -1 : 1;
	if (strcmp(name, "--source") == 0)
		return set_source(v, e) < 0 ? -1 : 1;
	if (strcmp(name, "--client-id") == 0)
		return set_selector(SEL_CLIENT_ID, v, e) < 0 ? -1 : 1;
	if (strcmp(name, "--object-id") == 0)
		return set_selector(SEL_OBJECT_ID, v, e) < 0 ? -1 : 1;
	if (strcmp(name, "--resource-id") == 0)
		return set_selector(SEL_RESOURCE_ID, v, e) < 0 ? -1 : 1;
	if (strcmp(name, "--resource") == 0)
		return opts.resource = v, 1;
	return 0;
}

/* A flag: apply it. 1 if it was one, 2 if the run is over (help, version). */
static int flag_opt(const char *a)
{
	if (strcmp(a, "-n") == 0 || strcmp(a, "--newline") == 0)
		return opts.newline = 1, 1;
	if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)
		return log_verbose = 1, 1;
	if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
		return fmt_put(1, usage_text), 2;
	if (strcmp(a, "--version") == 0)
		return fmt_put(1, "azkv " AZKV_VERSION "\n"), 2;
	return 0;
}

static int operand(const char *a, err *e)
{
	if (!opts.cmd) {
		if (strcmp(a, "get") == 0)
			return opts.cmd = 'g', 0;
		if (strcmp(a, "token") == 0)
			return opts.cmd = 't', 0;
		return err_set(e, ERR_USAGE, "unknown command %s (try --help)", a);
	}
	if (opts.cmd != 'g')
		return err_set(e, ERR_USAGE, "token: unexpected argument %s", a);
	if (opts.nsecrets == CLI_SECRETS_MAX)
		return err_set(e, ERR_USAGE, "get: at most %d secrets per run", CLI_SECRETS_MAX);
	opts.secrets[opts.nsecrets++] = a;
	return 0;
}

/* Parse argv. Returns 0 to run, 2 when done (help/version), -1 on error. */
static int parse_args(int argc, char **argv, err *e)
{
	int i, rc, dashdash = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		char name[32];
		const char *eq;

		if (dashdash || a[0] != '-' || a[1] == 0) {
			if (operand(a, e) < 0)
				return -1;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			dashdash = 1;
			continue;
		}
		if ((rc = flag_opt(a)) != 0) {
			if (rc == 2)
				return 2;
			continue;
		}
		eq = strchr(a, '=');
		if (eq && a[1] == '-' && str_copyn(name, sizeof name, a, (size_t)(eq - a)) == 0)
			rc = value_opt(name, eq + 1, e);
		else if (is_value_opt(a) && i + 1 < argc)
			rc = value_opt(a, argv[++i], e);
		else if (is_value_opt(a))
			rc = err_set(e, ERR_USAGE, "%s needs a value", a);
		else
			rc = 0;
		if (rc < 0)
			return -1;
		if (rc == 0)
			return err_set(e, ERR_USAGE, "unknown option %s (try --help)", a);
	}
	return 0;
}

static int write_all(const char *p, size_t n, err *e)
{
	while (n > 0) {
		ssize_t w = write(1, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return err_set(e, ERR_INTERNAL, "write to stdout: %s",
				w < 0 ? strerror(errno) : "no progress");
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int print_value(const char *p, size_t n, err *e)
{
	if (write_all(p, n, e) < 0)
		return -1;
	return opts.newline ? write_all("\n", 1, e) : 0;
}

/* Environment defaults, applied after the command line. */
static void apply_env(void)
{
	const char *v;

	if (opts.id.sel == SEL_NONE && (v = getenv("AZURE_CLIENT_ID")) && v[0]) {
		opts.id.sel = SEL_CLIENT_ID;
		opts.id.sel_value = v;
		logv("identity: client id from AZURE_CLIENT_ID");
	}
	if ((v = getenv("AZURE_POD_IDENTITY_AUTHORITY_HOST")) && v[0])
		opts.id.imds_base = v;
	if (!opts.cacert && (v = getenv("SSL_CERT_FILE")) && v[0])
		opts.cacert = v;
}

static int setup(err *e)
{
	cl.net.resolve = opts.resolve;
	cl.net.nresolve = opts.nresolve;
	cl.id = opts.id;
	cl.trust = &trust;
	cl.deadline = net_now() + (net_ms)opts.timeout * 1000;
	if (opts.cacert) {
		logv("trust: roots from %s", opts.cacert);
		return tls_trust_load(&trust, opts.cacert, e);
	}
	tls_trust_builtin(&trust);
	return 0;
}

static int cmd_get(err *e)
{
	ref refs[CLI_SECRETS_MAX];
	size_t i;
	int rc;

	if (opts.nsecrets == 0)
		return err_set(e, ERR_USAGE, "get: no secret given (try --help)");
	for (i = 0; i < opts.nsecrets; i++) {
		rc = ref_parse(&refs[i], opts.secrets[i]);
		if (rc < 0)
			return err_set(e, ERR_USAGE, "secret reference %s: %s",
				opts.secrets[i], ref_strerror(rc));
	}
	for (i = 0; i < opts.nsecrets; i++) {
		int last = i + 1 == opts.nsecrets || strcmp(refs[i + 1].host, refs[i].host) != 0;

		if (kv_get(&cl, &refs[i], last, values[i], sizeof values[i], &lens[i], e) < 0)
			return -1;
	}
	for (i = 0; i < opts.nsecrets; i++)
		if (print_value(values[i], lens[i], e) < 0)
			return -1;
	return 0;
}

static int cmd_token(err *e)
{
	char resource[CLOUD_RESOURCE_MAX];
	const char *r = opts.resource ? opts.resource : CLI_RESOURCE_DEFAULT;
	size_t n = strlen(r);
	const az_token *tok;

	/* A scope names its resource with "/.default" (PROTOCOLS.md §3). */
	if (n > 9 && strcmp(r + n - 9, "/.default") == 0)
		n -= 9;
	if (str_copyn(resource, sizeof resource, r, n) < 0 || n == 0)
		return err_set(e, ERR_USAGE, "--resource: empty or too long");
	tok = client_token_get(&cl, resource, e);
	if (!tok)
		return -1;
	return print_value(tok->access, tok->len, e);
}

int main(int argc, char **argv)
{
	err e = { 0, "" };
	int rc;

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* no core dumps of tokens */
	signal(SIGPIPE, SIG_IGN);
	log_start();
	opts.timeout = CLI_TIMEOUT_DEFAULT;
	rc = parse_args(argc, argv, &e);
	if (rc == 2)
		return 0;
	if (rc == 0 && !opts.cmd)
		rc = err_set(&e, ERR_USAGE, "no command (try --help)");
	if (rc == 0) {
		apply_env();
		client_init(&cl);
		rc = setup(&e);
		if (rc == 0)
			rc = opts.cmd == 'g' ? cmd_get(&e) : cmd_token(&e);
		client_done(&cl);
		for (size_t i = 0; i < opts.nsecrets; i++)
			explicit_bzero(values[i], lens[i]);
	}
	if (rc < 0) {
		char line[ERR_MSG_MAX + 8];

		fmt(line, sizeof line, "azkv: %s\n", e.msg);
		fmt_put(2, line);
		return e.code;
	}
	return 0;
}
