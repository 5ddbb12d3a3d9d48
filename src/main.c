/*
 * main: azkv's command line. Parses options into one cli struct (the only
 * global state), runs the command, prints values to stdout only when every
 * one was read, and reports a failure as one stderr line "azkv: what: why"
 * with the exit code of its class (err.h, README "Exit codes").
 */
#include "b64.h"
#include "client.h"
#include "identity.h"
#include "kv.h"
#include "fmt.h"
#include "log.h"
#include "out.h"
#include "pem.h"
#include "ref.h"
#include "str.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "buildinfo.h"

extern char **environ;

#define CLI_SECRETS_MAX 64 /* secrets per run (or references in exec) */
#define CLI_VALUE_MAX (64 * 1024) /* per secret: a 25 KB value, its bundle for
				    --json, or NAME=value for exec */
#define CLI_ENV_MAX 1024    /* environment entries exec passes on */
#define CLI_TIMEOUT_DEFAULT 30
#define CLI_TIMEOUT_MAX 86400
#define CLI_RESOURCE_DEFAULT "https://vault.azure.net"

static const char usage_text[] =
"usage: azkv get [OPTIONS] SECRET...\n"
"       azkv exec [OPTIONS] -- PROGRAM [ARGS...]\n"
"       azkv token [OPTIONS] [--resource URI]\n"
"       azkv --help | --version\n"
"\n"
"Read Azure Key Vault secrets with the host's managed identity.\n"
"SECRET is https://HOST/secrets/NAME[/VERSION], VAULT/NAME[/VERSION]\n"
"(VAULT a public-cloud vault name) or HOST/NAME[/VERSION].\n"
"Values go to stdout byte for byte, in argument order, nothing added.\n"
"exec replaces every environment variable whose value is a reference\n"
"(@Microsoft.KeyVault(SecretUri=...), @Microsoft.KeyVault(VaultName=V;\n"
"SecretName=N[;SecretVersion=X]) or akv://VAULT/NAME[/VERSION]) by the\n"
"secret, then executes PROGRAM; if any reference fails, nothing runs.\n"
"\n"
"options:\n"
"  -n, --newline           print a newline after each value or token\n"
"  -v, --verbose           trace each step on stderr (never tokens or values)\n"
"      --timeout SECONDS   deadline of each attempt (default 30), and of\n"
"                          the whole run unless --wait is given\n"
"      --wait SECONDS      the whole run's deadline: keep retrying (network\n"
"                          down, IMDS updating, 429, 5xx) until SECONDS\n"
"                          have passed: for boot\n"
"      --cacert FILE       trust these PEM roots instead of the built-in ones\n"
"                          (also SSL_CERT_FILE)\n"
"      --resolve HOST:PORT:ADDR  connect to ADDR for HOST:PORT (as curl)\n"
"      --proxy URL         HTTPS proxy (CONNECT) for the vault and Entra:\n"
"                          http://[USER:PASSWORD@]HOST[:PORT]; also\n"
"                          HTTPS_PROXY, NO_PROXY;\n"
"                          identity endpoints are never proxied\n"
"      --source NAME       identity source: auto (default: detected from the\n"
"                          environment), imds, vm-extension, app-service,\n"
"                          app-service-2017, arc, service-fabric, azure-ml,\n"
"                          cloud-shell, workload-identity\n"
"      --client-id ID      user-assigned identity by client id\n"
"                          (default: AZURE_CLIENT_ID; workload identity's app)\n"
"      --object-id ID      user-assigned identity by object (principal) id\n"
"      --resource-id ID    user-assigned identity by ARM resource id\n"
"                          (selectors: imds, vm-extension and app-service take\n"
"                          all three; app-service-2017 and azure-ml a client\n"
"                          id; arc, service-fabric and cloud-shell none)\n"
"      --resource URI      token: resource to ask for\n"
"                          (default https://vault.azure.net)\n"
"      --out FILE          get: write the (one) value to FILE, atomically\n"
"      --out-dir DIR       get: write each value to DIR/NAME, atomically\n"
"      --pem-key FILE      get: write the PEM private key of the (one)\n"
"                          secret to FILE (a certificate's secret)\n"
"      --pem-certs FILE    get: write its PEM certificates to FILE\n"
"      --mode OCTAL        mode of written files (default 0600)\n"
"      --owner UID:GID     owner of written files (numeric)\n"
"      --decode base64     decode each value from base64 before output\n"
"      --json              get: print each whole secret bundle (JSON)\n"
"      --allow-missing     exec: run even if some references failed\n"
"                          (those variables are removed, with a warning)\n"
"      --keep-identity-env exec: pass IDENTITY_HEADER, MSI_SECRET and\n"
"                          AZURE_FEDERATED_TOKEN_FILE on (default: removed)\n"
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
	/* what every run writes first, the big rarely-used members last: a run
	 * touches one or two pages of it */
	int cmd; /* 'g' get, 't' token, 'x' exec */
	int newline;
	int json, decode, allow_missing, keep_identity_env;
	const char *out, *out_dir;
	const char *pem_key, *pem_certs;
	const char *proxy; /* --proxy, else https_proxy / HTTPS_PROXY */
	const char *proxy_from; /* which of those, for messages */
	char **program; /* exec: PROGRAM ARGS..., NULL-terminated (argv's tail) */
	long timeout;
	long wait;
	const char *cacert;
	const char *resource;
	size_t nsecrets;
	size_t nresolve;
	out_opts file;
	client_id_opts id;
	const char *secrets[CLI_SECRETS_MAX];
	net_resolve resolve[NET_RESOLVE_MAX];
} cli;

static cli opts;
static client cl;
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
static char *values[CLI_SECRETS_MAX];
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
	int src = source_from_name(v);

	if (src < 0)
		return err_set(e, ERR_USAGE, "--source %s: unknown source (auto, imds, "
			"vm-extension, app-service, app-service-2017, arc, service-fabric, "
			"azure-ml, cloud-shell, workload-identity)", v);
	opts.id.source = src;
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
	if (opts.nresolve == NET_RESOLVE_MAX)
		return err_set(e, ERR_USAGE, "--resolve: at most %d", NET_RESOLVE_MAX);
	if (net_resolve_parse(&opts.resolve[opts.nresolve], v) < 0)
		return err_set(e, ERR_USAGE, "--resolve %s: want HOST:PORT:ADDR", v);
	opts.nresolve++;
	return 0;
}

/* Output options of get. 1 if name was one, -1 on error, 0 otherwise. */
static int file_opt(const char *name, const char *v, err *e)
{
	if (strcmp(name, "--out") == 0)
		return opts.out = v, 1;
	if (strcmp(name, "--out-dir") == 0)
		return opts.out_dir = v, 1;
	if (strcmp(name, "--pem-key") == 0)
		return opts.pem_key = v, 1;
	if (strcmp(name, "--pem-certs") == 0)
		return opts.pem_certs = v, 1;
	if (strcmp(name, "--mode") == 0)
		return out_mode_parse(v, &opts.file.mode) < 0 ? err_set(e, ERR_USAGE,
			"--mode %s: want octal permissions such as 0400", v) : 1;
	if (strcmp(name, "--owner") == 0)
		return out_owner_parse(v, &opts.file.uid, &opts.file.gid) < 0 ? err_set(e,
			ERR_USAGE, "--owner %s: want numeric UID:GID", v) : 1;
	if (strcmp(name, "--decode") == 0)
		return strcmp(v, "base64") == 0 ? (opts.decode = 1) : err_set(e,
			ERR_USAGE, "--decode %s: only base64 is known", v);
	return 0;
}

static int is_value_opt(const char *name)
{
	static const char *const names[] = {
		"--timeout", "--wait", "--cacert", "--resolve", "--source", "--client-id",
		"--object-id", "--resource-id", "--resource", "--out", "--out-dir",
		"--mode", "--owner", "--decode", "--proxy", "--pem-key", "--pem-certs",
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
		return set_seconds(name, v, &opts.timeout, e) < 0 ? -1 : 1;
	if (strcmp(name, "--wait") == 0)
		return set_seconds(name, v, &opts.wait, e) < 0 ? -1 : 1;
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
	if (strcmp(name, "--proxy") == 0)
		return opts.proxy = v, opts.proxy_from = "--proxy", 1;
	return file_opt(name, v, e);
}

/* A flag: apply it. 1 if it was one, 2 if the run is over (help, version). */
static int flag_opt(const char *a)
{
	if (strcmp(a, "-n") == 0 || strcmp(a, "--newline") == 0)
		return opts.newline = 1, 1;
	if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)
		return log_verbose = 1, 1;
	if (strcmp(a, "--json") == 0)
		return opts.json = 1, 1;
	if (strcmp(a, "--allow-missing") == 0)
		return opts.allow_missing = 1, 1;
	if (strcmp(a, "--keep-identity-env") == 0)
		return opts.keep_identity_env = 1, 1;
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
		if (strcmp(a, "exec") == 0)
			return opts.cmd = 'x', 0;
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

		if (opts.cmd == 'x' && (dashdash || a[0] != '-' || strcmp(a, "--") == 0)) {
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
	size_t i;

	if (opts.id.sel == SEL_NONE && (v = getenv("AZURE_CLIENT_ID")) && v[0]) {
		opts.id.sel = SEL_CLIENT_ID;
		opts.id.sel_value = v;
		opts.id.sel_from_env = 1;
		logv("identity: client id from AZURE_CLIENT_ID");
	}
	for (i = 0; environ[i]; i++)
		source_env_add(&opts.id.env, environ[i]);
	if ((v = getenv("AZURE_POD_IDENTITY_AUTHORITY_HOST")) && v[0])
		opts.id.imds_base = v;
	if (!opts.cacert && (v = getenv("SSL_CERT_FILE")) && v[0])
		opts.cacert = v;
	if (!opts.proxy && (v = getenv("https_proxy")) && v[0])
		opts.proxy = v, opts.proxy_from = "https_proxy";
	if (!opts.proxy && (v = getenv("HTTPS_PROXY")) && v[0])
		opts.proxy = v, opts.proxy_from = "HTTPS_PROXY";
	if (((v = getenv("no_proxy")) && v[0]) || ((v = getenv("NO_PROXY")) && v[0]))
		cl.net.no_proxy = v;
}

/* HTTPS_PROXY as curl takes it (url_proxy_parse). Messages name the
 * proxy by host:port only: the URL may hold a password. */
static int setup_proxy(err *e)
{
	url_proxy *p = &cl.proxy;
	int rc;

	if (!opts.proxy)
		return 0;
	rc = url_proxy_parse(p, opts.proxy);
	if (rc < 0)
		return err_set(e, ERR_USAGE, "proxy URL (%s): %s; want http://[USER:PASSWORD@]HOST[:PORT]",
			opts.proxy_from, url_strerror(rc));
	cl.net.proxy_host = p->host;
	cl.net.proxy_port = p->port;
	cl.net.proxy_user = p->auth ? p->user : NULL;
	cl.net.proxy_pass = p->auth ? p->pass : NULL;
	logv("proxy: %s:%u for the vault and Entra%s%s%s", p->host, p->port,
		p->auth ? ", with Basic credentials" : "",
		cl.net.no_proxy ? ", except NO_PROXY " : "", cl.net.no_proxy ? cl.net.no_proxy : "");
	return 0;
}

static int setup(err *e)
{
	cl.net.resolve = opts.resolve;
	cl.net.nresolve = opts.nresolve;
	if (setup_proxy(e) < 0)
		return -1;
	cl.id = opts.id;
	cl.trust = &trust;
	cl.attempt_ms = (net_ms)opts.timeout * 1000;
	/* The run ends at --wait when given, else at --timeout; an attempt
	 * also ends at --timeout (client_attempt takes the earlier). */
	cl.end = net_now() + (net_ms)(opts.wait > 0 ? opts.wait : opts.timeout) * 1000;
	cl.wait = opts.wait > 0;
	client_attempt(&cl);
	if (opts.cacert) {
		logv("trust: roots from %s", opts.cacert);
		return tls_trust_load(&trust, opts.cacert, e);
	}
	tls_trust_builtin(&trust);
	return 0;
}

/* Turn each value into what is printed: --decode base64 in place. */
static int post_process(const ref *r, char *v, size_t *n, err *e)
{
	long d;

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

/* --out / --out-dir: every value to its file, all or nothing (out.h). */
static int write_files(const ref *refs, err *e)
{
	/* static: every path and temporary lives until the renames (~0.5 MB of
	 * .bss, pages touched only for the files written) */
	static out_file files[CLI_SECRETS_MAX];
	static char paths[CLI_SECRETS_MAX][OUT_PATH_MAX];
	size_t i, j;

	for (i = 0; i < opts.nsecrets; i++)
		for (j = 0; j < i && opts.out_dir; j++)
			if (strcmp(refs[i].name, refs[j].name) == 0)
				return err_set(e, ERR_USAGE, "--out-dir: two secrets named %s",
					refs[i].name);
	for (i = 0; i < opts.nsecrets; i++) {
		files[i].path = opts.out;
		if (opts.out_dir) {
			if (out_join(paths[i], sizeof paths[i], opts.out_dir, refs[i].name) < 0)
				return err_set(e, ERR_USAGE, "--out-dir %s: path too long", opts.out_dir);
			files[i].path = paths[i];
		}
		files[i].data = values[i];
		files[i].n = lens[i];
	}
	if (out_write_all(files, opts.nsecrets, &opts.file, e) < 0)
		return -1;
	for (i = 0; i < opts.nsecrets; i++)
		logv("wrote %s (%zu bytes, mode 0%o)", files[i].path, lens[i], opts.file.mode);
	return 0;
}

/* --pem-key / --pem-certs: split the one value, write both parts together. */
static int write_pem(const ref *r, err *e)
{
	static char kb[CLI_VALUE_MAX], cb[CLI_VALUE_MAX];
	static out_file files[2];
	pem_out k = { kb, sizeof kb, 0, 0 }, c = { cb, sizeof cb, 0, 0 };
	size_t n = 0;
	int rc = pem_split(values[0], lens[0], opts.pem_key ? &k : NULL,
		opts.pem_certs ? &c : NULL);

	if (rc == 0 && opts.pem_key && k.blocks == 0)
		rc = err_set(e, ERR_MALFORMED, "secret %s/%s: no PEM private key in the value",
			r->host, r->name);
	else if (rc == 0 && opts.pem_certs && c.blocks == 0)
		rc = err_set(e, ERR_MALFORMED, "secret %s/%s: no PEM certificate in the value",
			r->host, r->name);
	else if (rc < 0)
		rc = err_set(e, ERR_MALFORMED, "secret %s/%s: %s", r->host, r->name,
			pem_strerror(rc));
	if (opts.pem_key) {
		files[n].path = opts.pem_key;
		files[n].data = kb;
		files[n++].n = k.len;
	}
	if (opts.pem_certs) {
		files[n].path = opts.pem_certs;
		files[n].data = cb;
		files[n++].n = c.len;
	}
	if (rc == 0)
		rc = out_write_all(files, n, &opts.file, e);
	explicit_bzero(kb, k.len);
	return rc;
}

static int parse_refs(ref *refs, err *e)
{
	size_t i;
	int rc;

	for (i = 0; i < opts.nsecrets; i++) {
		rc = ref_parse(&refs[i], opts.secrets[i]);
		if (rc < 0)
			return err_set(e, ERR_USAGE, "secret reference %s: %s",
				opts.secrets[i], ref_strerror(rc));
	}
	return 0;
}

static int cmd_get(err *e)
{
	static ref refs[CLI_SECRETS_MAX];
	size_t order[CLI_SECRETS_MAX], skip[CLI_SECRETS_MAX] = { 0 }, i;

	if (opts.nsecrets == 0)
		return err_set(e, ERR_USAGE, "get: no secret given (try --help)");
	if (opts.out && (opts.out_dir || opts.nsecrets != 1))
		return err_set(e, ERR_USAGE, "--out takes one secret; use --out-dir for several");
	if ((opts.pem_key || opts.pem_certs) && (opts.nsecrets != 1 || opts.out
		|| opts.out_dir || opts.json))
		return err_set(e, ERR_USAGE, "--pem-key/--pem-certs take one secret and no other output");
	if (parse_refs(refs, e) < 0)
		return -1;
	group_by_vault(refs, opts.nsecrets, order);
	if (fetch_all(refs, order, opts.nsecrets, NULL, skip, 0, e) < 0)
		return -1;
	if (opts.pem_key || opts.pem_certs)
		return write_pem(&refs[0], e);
	if (opts.out || opts.out_dir)
		return write_files(refs, e);
	for (i = 0; i < opts.nsecrets; i++)
		if (print_value(values[i], lens[i], e) < 0)
			return -1;
	return 0;
}

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

/* Collect the references in the environment: refs[], the environ index
 * of each in at[], and the NAME= prefix length in skip[]. */
static int env_refs(ref *refs, size_t *at, size_t *skip, size_t *n, err *e)
{
	size_t i, bad;
	int rc = ref_env_scan(environ, refs, at, CLI_SECRETS_MAX, n, &bad);

	if (rc == REF_E_MANY)
		return err_set(e, ERR_USAGE, "exec: more than %d references in the environment",
			CLI_SECRETS_MAX);
	if (rc < 0)
		return err_set(e, ERR_USAGE, "environment variable %.*s: bad reference: %s",
			(int)strcspn(environ[bad], "="), environ[bad], ref_strerror(rc));
	for (i = 0; i < *n; i++) {
		skip[i] = strcspn(environ[at[i]], "=") + 1;
		if (skip[i] >= CLI_VALUE_MAX / 2)
			return err_set(e, ERR_USAGE, "exec: variable name too long");
	}
	return 0;
}

/* Build the child's environment: references replaced (or dropped when
 * missing), identity variables dropped unless asked. */
static int child_env(char **env, const size_t *at, const size_t *skip,
	size_t nrefs, err *e)
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
				return err_set(e, ERR_MALFORMED, "%.*s: the secret holds a NUL byte, which an environment variable cannot",
					(int)skip[k] - 1, values[k]);
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

static int cmd_exec(err *e)
{
	static ref refs[CLI_SECRETS_MAX];
	static char *env[CLI_ENV_MAX];
	size_t at[CLI_SECRETS_MAX], skip[CLI_SECRETS_MAX], order[CLI_SECRETS_MAX], n, i;
	const char *prefix[CLI_SECRETS_MAX];
	int why;

	if (!opts.program)
		return err_set(e, ERR_USAGE, "exec: no program given (azkv exec -- PROGRAM ARGS...)");
	if (env_refs(refs, at, skip, &n, e) < 0)
		return -1;
	logv("exec: %zu references in the environment", n);
	for (i = 0; i < n; i++)
		prefix[i] = environ[at[i]];
	group_by_vault(refs, n, order);
	if (fetch_all(refs, order, n, prefix, skip, opts.allow_missing, e) < 0
		|| child_env(env, at, skip, n, e) < 0)
		return -1;
	client_done(&cl);
	logv("exec: %s", opts.program[0]);
	sigaction(SIGPIPE, &sigpipe_inherited, NULL);
	execvpe(opts.program[0], opts.program, env);
	why = errno;
	sigaction(SIGPIPE, &sigpipe_ignored, NULL);
	return err_set(e, ERR_USAGE, "exec %s: %s", opts.program[0], strerror(why));
}

static int cmd_token(err *e)
{
	char resource[CLOUD_RESOURCE_MAX];
	const char *r = opts.resource ? opts.resource : CLI_RESOURCE_DEFAULT;
	size_t n = strlen(r);
	const az_token *tok;

	/* A scope names its resource with "/.default" (docs/protocols.md 3). */
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
	err e = { 0, 0, "" };
	int rc;

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* no core dumps of tokens */
	sigaction(SIGPIPE, &sigpipe_ignored, &sigpipe_inherited);
	log_start();
	opts.timeout = CLI_TIMEOUT_DEFAULT;
	opts.file.mode = 0600;
	opts.file.uid = opts.file.gid = OUT_NO_OWNER;
	rc = parse_args(argc, argv, &e);
	if (rc == 2)
		return 0;
	if (rc == 0 && !opts.cmd)
		rc = err_set(&e, ERR_USAGE, "no command (try --help)");
	if (rc == 0) {
		client_init(&cl);
		apply_env();
		rc = setup(&e);
		if (rc == 0)
			rc = opts.cmd == 'g' ? cmd_get(&e) : opts.cmd == 'x' ? cmd_exec(&e)
				: cmd_token(&e);
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
