/* opts: the option table drives parsing and --help (src/cli/opts.c). */
#include "cli/cli.h"
#include "base/log.h"
#include "t.h"

#include <signal.h>
#include <stdarg.h>

/* Parse a NULL-terminated list after "azkv" into fresh opts. */
static int parse(err *e, ...)
{
	char *argv[16] = { "azkv" };
	int argc = 1;
	va_list ap;

	va_start(ap, e);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	memset(&opts, 0, sizeof opts);
	log_verbose = 0;
	err_clear(e);
	return opts_parse(argc, argv, e);
}

typedef struct vcase {
	const char *name, *value;
} vcase;

/* Every option that takes a value, with one good value. */
static const vcase values_ok[] = {
	{ "--timeout", "5" }, { "--wait", "7" }, { "--cacert", "ca.pem" },
	{ "--resolve", "h.example:443:127.0.0.1" }, { "--proxy", "http://p:3128" },
	{ "--source", "imds" }, { "--client-id", "c" }, { "--object-id", "o" },
	{ "--resource-id", "/subscriptions/r" }, { "--resource", "https://x" },
	{ "--out", "f" }, { "--out-dir", "d" }, { "--pem-key", "k.pem" },
	{ "--pem-certs", "c.pem" }, { "--mode", "0400" }, { "--owner", "1:2" },
	{ "--decode", "base64" }, { "--pem", "all.pem" }, { "--pfx-password-file", "pw" },
	{ "--alg", "RSA-OAEP" }, { "--every", "5m" }, { "--signal", "HUP" },
	{ "--pid-file", "nginx.pid" }, { "--grace", "3" },
	{ "--alg", "RSA-OAEP" }, { "--tag", "env=prod" }, { "--env-from", "v/app-*" },
	{ "--env-prefix", "APP_" },
};

static const char *const flags_ok[] = {
	"-n", "--newline", "-v", "--verbose", "--json", "--allow-missing",
	"--keep-identity-env", "--include-managed", "--prune", "--env-override",
};

/* The field each value option sets, as a string to compare. */
static int applied(const char *name, const char *v)
{
	if (!strcmp(name, "--timeout"))
		return opts.timeout == 5;
	if (!strcmp(name, "--wait"))
		return opts.wait == 7;
	if (!strcmp(name, "--cacert"))
		return opts.cacert == v;
	if (!strcmp(name, "--resolve"))
		return opts.nresolve == 1 && opts.resolve[0].port == 443 &&
			!strcmp(opts.resolve[0].addr, "127.0.0.1");
	if (!strcmp(name, "--proxy"))
		return opts.proxy == v && !strcmp(opts.proxy_from, "--proxy");
	if (!strcmp(name, "--source"))
		return opts.cfg.id.source == SRC_IMDS;
	if (!strcmp(name, "--client-id"))
		return opts.cfg.id.sel == SEL_CLIENT_ID && opts.cfg.id.sel_value == v;
	if (!strcmp(name, "--object-id"))
		return opts.cfg.id.sel == SEL_OBJECT_ID && opts.cfg.id.sel_value == v;
	if (!strcmp(name, "--resource-id"))
		return opts.cfg.id.sel == SEL_RESOURCE_ID && opts.cfg.id.sel_value == v;
	if (!strcmp(name, "--resource"))
		return opts.resource == v;
	if (!strcmp(name, "--out"))
		return opts.out == v;
	if (!strcmp(name, "--out-dir"))
		return opts.out_dir == v;
	if (!strcmp(name, "--pem-key"))
		return opts.cert.key == v;
	if (!strcmp(name, "--pem-certs"))
		return opts.cert.certs == v;
	if (!strcmp(name, "--mode"))
		return opts.file.mode == 0400;
	if (!strcmp(name, "--owner"))
		return opts.file.uid == 1 && opts.file.gid == 2;
	if (!strcmp(name, "--decode"))
		return opts.decode == 1;
	if (!strcmp(name, "--pem"))
		return opts.cert.both == v;
	if (!strcmp(name, "--pfx-password-file"))
		return opts.cert.pass_file == v;
	if (!strcmp(name, "--alg"))
		return opts.key.alg == v;
	if (!strcmp(name, "--every"))
		return opts.every == 300;
	if (!strcmp(name, "--signal"))
		return opts.signal == SIGHUP;
	if (!strcmp(name, "--pid-file"))
		return opts.pid_file == v;
	if (!strcmp(name, "--grace"))
		return opts.grace == 3;
	if (!strcmp(name, "--tag"))
		return opts.tags.n == 1 && opts.tags.v[0] == v;
	if (!strcmp(name, "--env-from"))
		return opts.env_from.n == 1 && opts.env_from.v[0] == v;
	if (!strcmp(name, "--env-prefix"))
		return opts.env_prefix == v;
	return 0;
}

static int flag_applied(const char *f)
{
	if (!strcmp(f, "-n") || !strcmp(f, "--newline"))
		return opts.newline == 1;
	if (!strcmp(f, "-v") || !strcmp(f, "--verbose"))
		return log_verbose == 1;
	if (!strcmp(f, "--json"))
		return opts.json == 1;
	if (!strcmp(f, "--allow-missing"))
		return opts.allow_missing == 1;
	if (!strcmp(f, "--include-managed"))
		return opts.include_managed == 1;
	if (!strcmp(f, "--prune"))
		return opts.prune == 1;
	if (!strcmp(f, "--env-override"))
		return opts.env_override == 1;
	return opts.keep_identity_env == 1;
}

static void test_values(void)
{
	char joined[128];
	size_t i;
	err e;

	for (i = 0; i < sizeof values_ok / sizeof values_ok[0]; i++) {
		const vcase *c = &values_ok[i];

		CHECKM(parse(&e, "get", c->name, c->value, "s", NULL) == 0, "%s: %s", c->name, e.msg);
		CHECKM(applied(c->name, c->value), "%s VALUE", c->name);
		CHECKM(opts.nsecrets == 1, "%s took one argument", c->name);
		snprintf(joined, sizeof joined, "%s=%s", c->name, c->value);
		CHECKM(parse(&e, joined, "get", NULL) == 0, "%s: %s", joined, e.msg);
		CHECKM(applied(c->name, joined + strlen(c->name) + 1), "%s", joined);
		CHECKM(parse(&e, "get", c->name, NULL) == -1, "%s alone", c->name);
		snprintf(joined, sizeof joined, "%s needs a value", c->name);
		CHECK_STR(e.msg, joined);
		CHECK_EQ(e.code, ERR_USAGE);
	}
}

static void test_flags(void)
{
	char joined[64];
	size_t i;
	err e;

	for (i = 0; i < sizeof flags_ok / sizeof flags_ok[0]; i++) {
		CHECKM(parse(&e, flags_ok[i], "token", NULL) == 0, "%s: %s", flags_ok[i], e.msg);
		CHECKM(flag_applied(flags_ok[i]), "%s", flags_ok[i]);
		CHECK_EQ(opts.cmd, CMD_TOKEN);
		snprintf(joined, sizeof joined, "%s=1", flags_ok[i]);
		CHECKM(parse(&e, "token", joined, NULL) == -1, "%s takes no value", joined);
	}
}

static void test_refused(void)
{
	static const char *const bad[][2] = {
		{ "--timeout", "0" }, { "--timeout", "86401" }, { "--wait", "x" },
		{ "--mode", "0800" }, { "--owner", "a:b" }, { "--decode", "hex" },
		{ "--source", "nope" }, { "--resolve", "nocolon" }, { "--client-id", "" },
		{ "--every", "29s" }, { "--every", "31d" }, { "--every", "30" },
		{ "--every", "1w" }, { "--every", "1hh" }, { "--every", "h" }, { "--every", "" },
		{ "--every", "99999999999999999999d" }, { "--every", "-5m" },
		{ "--signal", "KILL" }, { "--signal", "SIGSTOP" }, { "--signal", "hup" },
		{ "--signal", "9" }, { "--grace", "0" },
		{ "--tag", "novalue" }, { "--tag", "=v" },
	};
	size_t i;
	err e;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECKM(parse(&e, "get", bad[i][0], bad[i][1], NULL) == -1, "%s %s", bad[i][0], bad[i][1]);
		CHECK_EQ(e.code, ERR_USAGE);
	}
	CHECK(parse(&e, "get", "--nope", NULL) == -1);
	CHECK_STR(e.msg, "unknown option --nope (try --help)");
	CHECK(parse(&e, "get", "-x", NULL) == -1);
	CHECK_STR(e.msg, "unknown option -x (try --help)");
	CHECK(parse(&e, "get", "--out-dirx=d", NULL) == -1);
	CHECK(parse(&e, "--client-id", "a", "--object-id", "b", NULL) == -1);
	CHECK(parse(&e, "frobnicate", NULL) == -1);
	CHECK_STR(e.msg, "unknown command frobnicate (try --help)");
}

/* Durations: s m h d, 30 s to 30 days; signal names with or without SIG. */
static void test_every(void)
{
	static const struct {
		const char *v;
		long s;
	} ok[] = { { "30s", 30 }, { "1m", 60 }, { "5m", 300 }, { "90m", 5400 },
		{ "1h", 3600 }, { "1d", 86400 }, { "30d", 2592000 }, { "2592000s", 2592000 } };
	static const struct {
		const char *v;
		int s;
	} sig[] = { { "HUP", SIGHUP }, { "SIGHUP", SIGHUP }, { "USR1", SIGUSR1 },
		{ "SIGUSR2", SIGUSR2 }, { "TERM", SIGTERM }, { "INT", SIGINT },
		{ "QUIT", SIGQUIT }, { "WINCH", SIGWINCH } };
	size_t i;
	err e;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		CHECKM(parse(&e, "get", "--every", ok[i].v, NULL) == 0, "%s: %s", ok[i].v, e.msg);
		CHECK_EQ(opts.every, ok[i].s);
	}
	CHECK(parse(&e, "get", "--every", "29s", NULL) == -1);
	CHECK_STR(e.msg, "--every 29s: want 30s to 30d, as 30s, 5m, 1h or 1d");
	for (i = 0; i < sizeof sig / sizeof sig[0]; i++) {
		CHECKM(parse(&e, "get", "--signal", sig[i].v, NULL) == 0, "%s: %s", sig[i].v, e.msg);
		CHECK_EQ(opts.signal, sig[i].s);
	}
	for (i = 0; opts_signals[i]; i++)
		;
	CHECK_EQ(i, 7);
}

/* --on-change takes the rest of the command line, whatever it holds. */
static void test_rest(void)
{
	err e;

	CHECK(parse(&e, "get", "--out", "f", "v/s", "--on-change", "/bin/prog", "-v", "--",
		"x", NULL) == 0);
	CHECK_STR(opts.on_change[0], "/bin/prog");
	CHECK_STR(opts.on_change[1], "-v");
	CHECK_STR(opts.on_change[2], "--");
	CHECK_STR(opts.on_change[3], "x");
	CHECK(opts.on_change[4] == NULL);
	CHECK(!log_verbose);
	CHECK_EQ(opts.nsecrets, 1);
	CHECK(parse(&e, "get", "v/s", "--on-change", NULL) == -1);
	CHECK_STR(e.msg, "--on-change needs a value");
	CHECK(parse(&e, "get", "v/s", "--on-change=/bin/prog", NULL) == -1);
	CHECK_STR(e.msg, "--on-change: PROGRAM [ARGS...] must follow, as separate words");
}

/* --tag and --env-from add up, to CLI_LIST_MAX each; a tag may have an
 * empty value or '=' in it. */
static void test_lists(void)
{
	char *argv[2 * CLI_LIST_MAX + 4] = { "azkv", "get" };
	int argc = 2, i;
	err e = { 0, 0, "" };

	memset(&opts, 0, sizeof opts);
	for (i = 0; i < CLI_LIST_MAX; i++) {
		argv[argc++] = "--tag";
		argv[argc++] = i ? "k=v=w" : "k=";
	}
	CHECK_EQ(opts_parse(argc, argv, &e), 0);
	CHECK_EQ(opts.tags.n, CLI_LIST_MAX);
	CHECK_STR(opts.tags.v[0], "k=");
	argv[argc++] = "--tag";
	argv[argc++] = "one=more";
	memset(&opts, 0, sizeof opts);
	CHECK_EQ(opts_parse(argc, argv, &e), -1);
	CHECK_STR(e.msg, "--tag: at most 8");
	CHECK(parse(&e, "exec", "--env-from", "a/*", "--env-from=b/c*", "--", "p", NULL) == 0);
	CHECK_EQ(opts.env_from.n, 2);
	CHECK_STR(opts.env_from.v[1], "b/c*");
}

static void test_operands(void)
{
	err e;

	CHECK(parse(&e, "get", "v/a", "-n", "v/b", NULL) == 0);
	CHECK_EQ(opts.nsecrets, 2);
	CHECK(opts.newline);
	CHECK(parse(&e, "get", "--", "-v", NULL) == 0);
	CHECK_EQ(opts.nsecrets, 1);
	CHECK_STR(opts.secrets[0], "-v");
	CHECK(parse(&e, "exec", "--json", "--", "prog", "-v", NULL) == 0);
	CHECK_STR(opts.program[0], "prog");
	CHECK_STR(opts.program[1], "-v");
	CHECK(opts.json && !log_verbose);
	CHECK(parse(&e, "exec", "prog", NULL) == 0);
	CHECK_STR(opts.program[0], "prog");
	CHECK(parse(&e, "exec", "--", NULL) == -1);
	CHECK(parse(&e, "token", "extra", NULL) == -1);
	CHECK(parse(&e, "unwrap", "--alg", "RSA1_5", "v/keys/k", NULL) == 0);
	CHECK_EQ(opts.cmd, CMD_KEY);
	CHECK_EQ(opts.key.op, JWK_UNWRAP);
	CHECK_STR(opts.key.key, "v/keys/k");
	CHECK(parse(&e, "wrap", "v/keys/k", "v/keys/j", NULL) == -1);
	CHECK(parse(&e, "--timeout", "5", NULL) == 0);
	CHECK_EQ(opts.cmd, CMD_NONE);
	CHECK_EQ(parse(&e, "get", "--version", "v/a", NULL), OPTS_DONE);
	CHECK(parse(&e, "sign", "v/keys/k", NULL) == -1);
}

/* --help: every option's head line once, at the start of a line. */
static void test_usage(void)
{
	static char text[OPTS_USAGE_MAX];
	static const char *const names[] = {
		"--newline", "--verbose", "--timeout", "--wait", "--cacert", "--resolve",
		"--proxy", "--source", "--client-id", "--object-id", "--resource-id",
		"--resource", "--out", "--out-dir", "--pem-key", "--pem-certs", "--pem",
		"--pfx-password-file", "--mode", "--owner", "--decode", "--json", "--alg",
		"--every", "--on-change", "--signal", "--pid-file", "--grace",
		"--allow-missing", "--keep-identity-env",
		"--prune", "--tag", "--include-managed", "--env-from", "--env-prefix", "--env-override",
		"--help", "--version",
	};
	size_t n = opts_usage(text, sizeof text), i, heads = 0;
	const char *p;

	CHECK(n < sizeof text);
	CHECK(strstr(text, "usage: azkv get") == text);
	CHECK(strstr(text, "\nexit: 0 ok") != NULL);
	for (p = text; (p = strstr(p, "\n  -")) != NULL; p++)
		heads++;
	for (p = text; (p = strstr(p, "\n      --")) != NULL; p++)
		heads++;
	CHECK_EQ(heads, sizeof names / sizeof names[0]);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		char a[40], b[40];
		size_t found = 0;

		snprintf(a, sizeof a, "\n      %s ", names[i]);
		snprintf(b, sizeof b, ", %s ", names[i]);
		for (p = text; (p = strstr(p, a)) != NULL; p++)
			found++;
		for (p = text; (p = strstr(p, b)) != NULL; p++)
			found++;
		CHECKM(found == 1, "%s listed %zu times", names[i], found);
	}
	CHECK(strstr(text, "  -n, --newline           newline after each value\n") != NULL);
	CHECK(strstr(text, "      --keep-identity-env exec: keep") != NULL);
	CHECK(strstr(text, "      --resolve HOST:PORT:ADDR  connect") != NULL);
	CHECK(strstr(text, "\n                          A128KW A192KW A256KW\n") != NULL);
	CHECK_EQ(opts_usage(text, 100), 100);
	CHECK_EQ(strlen(text), 99);
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_values);
	T_RUN(test_flags);
	T_RUN(test_refused);
	T_RUN(test_lists);
	T_RUN(test_operands);
	T_RUN(test_every);
	T_RUN(test_rest);
	T_RUN(test_usage);
	T_END();
}
