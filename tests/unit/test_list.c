/*
 * list: a page of Key Vault's secret listing (src/vault/list.c): what a
 * selection takes from it and why it skips the rest, the nextLink check,
 * limits and malformed pages; the variable names exec makes. Pages are
 * written here in the service's shape (docs/protocols.md 4.9).
 */
#include "vault/list.h"
#include "vault/ref.h"
#include "t.h"

#include <stdlib.h>

#define HOST "kv.vault.azure.net"
#define ID(n) "\"id\":\"https://" HOST "/secrets/" n "\""
#define ATTRS(x) "\"attributes\":{\"enabled\":true" x ",\"created\":1700000000,\"updated\":1700000000,\"recoveryLevel\":\"Recoverable+Purgeable\",\"recoverableDays\":90}"
#define NOW 1750000000LL

static json_tok table[LIST_TOKENS];
static json_doc doc;
static char names[64][REF_NAME_MAX + 1];
static int ntaken, refuse_at = -1;

static int take(void *ctx, const char *name)
{
	(void)ctx;
	if (ntaken == refuse_at)
		return -1;
	if (ntaken < 64)
		snprintf(names[ntaken], sizeof names[0], "%s", name);
	ntaken++;
	return 0;
}

static ref sel; /* the selection listed */

static void sel_init(list_sel *s, const char *prefix)
{
	memset(s, 0, sizeof *s);
	memset(&sel, 0, sizeof sel);
	snprintf(sel.host, sizeof sel.host, "%s", HOST);
	sel.port = 443;
	snprintf(sel.name, sizeof sel.name, "%s", prefix);
	sel.kind = REF_LIST;
	s->sel = &sel;
	s->now = NOW;
	s->nbf = 1;
	s->take = take;
	ntaken = 0;
	refuse_at = -1;
}

static int page(list_sel *s, const char *body)
{
	return list_page(s, &doc, table, body, strlen(body));
}

/* One of each kind of item, in the service's member order. */
static const char mixed[] = "{\"value\":["
	"{" ID("app-db") "," ATTRS("") ",\"tags\":{\"env\":\"prod\",\"team\":\"pay\"}},"
	"{\"contentType\":\"text/plain\"," ID("App-Key") "," ATTRS("") "},"
	"{" ID("app-off") ",\"attributes\":{\"enabled\":false,\"created\":1}},"
	"{" ID("app-old") "," ATTRS(",\"exp\":1700000000") "},"
	"{" ID("app-soon") "," ATTRS(",\"nbf\":1800000000,\"exp\":1900000000") "},"
	"{\"contentType\":\"application/x-pkcs12\"," ID("app-tls") ",\"managed\":true,"
		ATTRS(",\"nbf\":1700000000,\"exp\":1900000000") "},"
	"{" ID("web-db") "," ATTRS("") ",\"tags\":{\"env\":\"dev\"}},"
	"{" ID("app-noattrs") "},"
	"{" ID("app-exact") "," ATTRS(",\"exp\":1750000000") "}"
	"],\"nextLink\":null}";

static void test_selection(void)
{
	list_sel s;
	const char *tags[2] = { "env=prod", "team=pay" };

	sel_init(&s, "app-*");
	CHECK_EQ(page(&s, mixed), 0);
	CHECK_EQ(ntaken, 2);
	CHECK_STR(names[0], "app-db");
	CHECK_STR(names[1], "App-Key"); /* the vault's spelling, any-case prefix */
	CHECK_EQ(s.why[LIST_OK], 2);
	CHECK_EQ(s.why[LIST_NAME], 1);
	CHECK_EQ(s.why[LIST_DISABLED], 2); /* enabled false, no attributes */
	CHECK_EQ(s.why[LIST_EXPIRED], 2);  /* exp before now, and exp == now */
	CHECK_EQ(s.why[LIST_NOT_YET], 1);
	CHECK_EQ(s.why[LIST_MANAGED], 1);
	CHECK_STR(s.next, "");

	sel_init(&s, "*");
	CHECK_EQ(page(&s, mixed), 0);
	CHECK_EQ(ntaken, 3);
	CHECK_STR(names[2], "web-db");

	sel_init(&s, "APP-*");
	s.managed = 1;
	s.nbf = 0; /* the clock is not known: nbf not checked */
	CHECK_EQ(page(&s, mixed), 0);
	CHECK_EQ(ntaken, 4);
	CHECK_STR(names[2], "app-soon");
	CHECK_STR(names[3], "app-tls");

	sel_init(&s, "*");
	s.tags = tags;
	s.ntags = 2;
	CHECK_EQ(page(&s, mixed), 0);
	CHECK_EQ(ntaken, 1);
	CHECK_STR(names[0], "app-db");
	CHECK_EQ(s.why[LIST_TAGS], 2);
	tags[1] = "team=pa";
	sel_init(&s, "*");
	s.tags = tags;
	s.ntags = 2;
	CHECK_EQ(page(&s, mixed), 0);
	CHECK_EQ(ntaken, 0);
	tags[0] = "env=";
	s.ntags = 1;
	CHECK_EQ(page(&s, mixed), 0);
	CHECK_EQ(ntaken, 0);

	sel_init(&s, "app-db-*");
	CHECK_EQ(page(&s, mixed), 0);
	CHECK_EQ(ntaken, 0);
	CHECK_EQ(s.why[LIST_NAME], 9);

	/* take() refusing stops the page */
	sel_init(&s, "*");
	refuse_at = 1;
	CHECK_EQ(page(&s, mixed), LIST_E_TAKE);
	CHECK_EQ(ntaken, 1);
}

/* Tag values decoded before they are compared; a tag list is no list. */
static void test_tags(void)
{
	list_sel s;
	const char *tags[1] = { "k=a&b \xc3\xa9" };

	sel_init(&s, "*");
	s.tags = tags;
	s.ntags = 1;
	CHECK_EQ(page(&s, "{\"value\":[{" ID("a") "," ATTRS("") ",\"tags\":{\"k\":\"a\\u0026b \\u00e9\"}},"
		"{" ID("b") "," ATTRS("") ",\"tags\":[\"k\",\"a&b\"]},"
		"{" ID("c") "," ATTRS("") ",\"tags\":{\"k\":\"a&b \xc3\xa9\\u0000\"}}]}"), 0);
	CHECK_EQ(ntaken, 1);
	CHECK_STR(names[0], "a");
}

static void test_next(void)
{
	static const struct { const char *link; const char *next; } cases[] = {
		{ "https://kv.vault.azure.net:443/secrets?api-version=7.5&$skiptoken=eyJOZXh0&maxresults=25",
		  "/secrets?api-version=7.5&$skiptoken=eyJOZXh0&maxresults=25" },
		{ "https://kv.vault.azure.net/secrets?api-version=7.5&$skiptoken=a%2Bb",
		  "/secrets?api-version=7.5&$skiptoken=a%2Bb" },
		{ "https://KV.Vault.Azure.NET/secrets", "/secrets" },
		{ "https://kv.vault.azure.net/secrets?$skiptoken=..%2F..%2Fkeys", "/secrets?$skiptoken=..%2F..%2Fkeys" },
		{ "https://other.vault.azure.net:443/secrets?api-version=7.5", NULL },
		{ "https://kv.vault.azure.net.evil.example/secrets?x", NULL },
		{ "http://kv.vault.azure.net/secrets?api-version=7.5", NULL },
		{ "https://kv.vault.azure.net:8443/secrets?api-version=7.5", NULL },
		{ "https://kv.vault.azure.net/keys?api-version=7.5", NULL },
		{ "https://kv.vault.azure.net/secrets/x?api-version=7.5", NULL },
		{ "https://kv.vault.azure.net/secretsx?api-version=7.5", NULL },
		{ "https://kv.vault.azure.net/Secrets?api-version=7.5", NULL },
		{ "https://kv.vault.azure.net/secrets/../keys?a", NULL },
		{ "https://u@kv.vault.azure.net/secrets?a", NULL },
		{ "https://kv.vault.azure.net/secrets?a#frag", NULL },
		{ "https://kv.vault.azure.net/secrets?a b", NULL },
		{ "https://kv.vault.azure.net/secrets?a\r\nHost: x", NULL },
		{ "/secrets?api-version=7.5", NULL },
		{ "", NULL },
	};
	list_sel s;
	char out[URL_PATH_MAX + 1];
	size_t i;

	sel_init(&s, "*");
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = list_next(&s, cases[i].link, out, sizeof out);

		if (cases[i].next) {
			CHECKM(rc == 0, "%s", cases[i].link);
			CHECKM(rc == 0 && strcmp(out, cases[i].next) == 0, "%s -> %s", cases[i].link, out);
		} else {
			CHECKM(rc == LIST_E_NEXT, "%s accepted", cases[i].link);
		}
	}
	sel.port = 8443;
	CHECK_EQ(list_next(&s, "https://kv.vault.azure.net:8443/secrets?a", out, sizeof out), 0);
	CHECK_EQ(list_next(&s, "https://kv.vault.azure.net/secrets?a", out, sizeof out), LIST_E_NEXT);
	sel.port = 443;
	CHECK_EQ(list_next(&s, "https://kv.vault.azure.net/secrets?a", out, 8), LIST_E_NEXT);
}

/* The nextLink as a page holds it: absent, null, escaped, not a string. */
static void test_page_next(void)
{
	list_sel s;

	sel_init(&s, "*");
	CHECK_EQ(page(&s, "{\"value\":[],\"nextLink\":\"https://kv.vault.azure.net:443/secrets?"
		"api-version=7.1-preview\\u0026$skiptoken=eyJO\\u0026maxresults=25\"}"), 0);
	CHECK_STR(s.next, "/secrets?api-version=7.1-preview&$skiptoken=eyJO&maxresults=25");
	CHECK_EQ(ntaken, 0);
	CHECK_EQ(page(&s, "{\"value\":[]}"), 0);
	CHECK_STR(s.next, "");
	CHECK_EQ(page(&s, "{\"nextLink\":null,\"value\":[{" ID("x") "," ATTRS("") "}]}"), 0);
	CHECK_STR(s.next, "");
	CHECK_EQ(ntaken, 1);
	CHECK_EQ(page(&s, "{\"value\":[],\"nextLink\":\"https://kv.vault.azure.net/secrets?a\\u0000b\"}"),
		LIST_E_NEXT);
	CHECK_EQ(page(&s, "{\"value\":[],\"nextLink\":\"https://evil.example/secrets?a\"}"), LIST_E_NEXT);
	CHECK_EQ(page(&s, "{\"value\":[],\"nextLink\":42}"), LIST_E_NEXT);
	CHECK_EQ(page(&s, "{\"value\":[],\"nextLink\":\"\"}"), LIST_E_NEXT);
	CHECK_EQ(page(&s, "{\"value\":[],\"nextLink\":null,\"nextLink\":null}"), LIST_E_JSON);
}

static void test_malformed(void)
{
	static const struct { const char *body; int rc; } cases[] = {
		{ "", LIST_E_JSON },
		{ "[]", LIST_E_JSON },
		{ "{}", LIST_E_JSON },
		{ "{\"value\":{}}", LIST_E_JSON },
		{ "{\"value\":null}", LIST_E_JSON },
		{ "{\"value\":[],}", LIST_E_JSON },
		{ "{\"value\":[1]}", LIST_E_JSON },
		{ "{\"value\":[],\"value\":[]}", LIST_E_JSON },
		{ "{\"value\":[{\"attributes\":{\"enabled\":true}}]}", LIST_E_ID },
		{ "{\"value\":[{\"id\":7}]}", LIST_E_ID },
		{ "{\"value\":[{\"id\":\"https://other.vault.azure.net/secrets/a\"}]}", LIST_E_ID },
		{ "{\"value\":[{\"id\":\"https://" HOST "/secrets/a/0123456789abcdef0123456789abcdef\"}]}", LIST_E_ID },
		{ "{\"value\":[{\"id\":\"https://" HOST "/keys/a\"}]}", LIST_E_ID },
		{ "{\"value\":[{\"id\":\"https://" HOST "/certificates/a\"}]}", LIST_E_ID },
		{ "{\"value\":[{\"id\":\"https://" HOST "/secrets/a_b\"}]}", LIST_E_ID },
		{ "{\"value\":[{\"id\":\"https://" HOST "/secrets/a*\"}]}", LIST_E_ID },
		{ "{\"value\":[{\"id\":\"https://" HOST "/secrets/a\\u0000b\"}]}", LIST_E_ID },
		{ "{\"value\":[{" ID("a") ",\"attributes\":[]}]}", LIST_E_JSON },
		{ "{\"value\":[{" ID("a") "," ATTRS(",\"exp\":\"soon\"") "}]}", LIST_E_JSON },
		{ "{\"value\":[{" ID("a") "," ATTRS(",\"nbf\":1.5e9") "}]}", LIST_E_JSON },
	};
	list_sel s;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sel_init(&s, "*");
		CHECKM(page(&s, cases[i].body) == cases[i].rc, "%s: %d", cases[i].body, page(&s, cases[i].body));
	}
	/* a time given as a numeric string or null is read as the service's */
	sel_init(&s, "*");
	CHECK_EQ(page(&s, "{\"value\":[{" ID("a") "," ATTRS(",\"exp\":\"1900000000\",\"nbf\":null") "}]}"), 0);
	CHECK_EQ(ntaken, 1);
}

/* 25 items of 15 tags with values of 256 bytes parse; a page over
 * LIST_TOKENS tokens is refused, not cut. */
static void test_big(void)
{
	size_t cap = 400000, o = 0;
	char *b = malloc(cap);
	int i, t;
	list_sel s;

	o += (size_t)snprintf(b + o, cap - o, "{\"value\":[");
	for (i = 0; i < 25; i++) {
		o += (size_t)snprintf(b + o, cap - o, "%s{\"contentType\":\"text\",\"id\":\"https://" HOST
			"/secrets/s%02d\",\"attributes\":{\"enabled\":true,\"nbf\":1,\"exp\":4000000000,"
			"\"created\":1,\"updated\":1,\"recoveryLevel\":\"Purgeable\",\"recoverableDays\":0},"
			"\"tags\":{", i ? "," : "", i);
		for (t = 0; t < 15; t++)
			o += (size_t)snprintf(b + o, cap - o, "%s\"tag-name-%02d\":\"%0256d\"", t ? "," : "", t, t);
		o += (size_t)snprintf(b + o, cap - o, "}}");
	}
	snprintf(b + o, cap - o, "],\"nextLink\":\"https://" HOST ":443/secrets?api-version=7.5"
		"&$skiptoken=x&maxresults=25\"}");
	sel_init(&s, "s*");
	CHECK_EQ(list_page(&s, &doc, table, b, strlen(b)), 0);
	CHECK_EQ(ntaken, 25);
	CHECK_STR(names[24], "s24");
	CHECK_STR(s.next, "/secrets?api-version=7.5&$skiptoken=x&maxresults=25");

	o = (size_t)snprintf(b, cap, "{\"value\":[");
	for (i = 0; i < LIST_TOKENS - 2; i++) /* with the object, "value" and its array: one too many */
		o += (size_t)snprintf(b + o, cap - o, "%s0", i ? "," : "");
	snprintf(b + o, cap - o, "]}");
	CHECK_EQ(list_page(&s, &doc, table, b, strlen(b)), LIST_E_BIG);
	free(b);
}

static void test_env_name(void)
{
	static const struct {
		const char *pfx, *name;
		size_t strip;
		const char *want; /* NULL: refused */
	} cases[] = {
		{ "", "app-db-password", 4, "DB_PASSWORD" },
		{ "APP_", "app-db-password", 4, "APP_DB_PASSWORD" },
		{ "", "App-Db-Password", 0, "APP_DB_PASSWORD" },
		{ "my_", "x", 0, "my_X" },
		{ "_", "9lives", 0, "_9LIVES" },
		{ "", "app-9lives", 4, NULL },
		{ "", "app-", 4, NULL },
		{ "", "-x", 0, "_X" },
		{ "A-B", "x", 0, NULL },
		{ "A B", "x", 0, NULL },
		{ "9", "x", 0, NULL },
		{ "A=", "x", 0, NULL },
	};
	char out[64];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = list_env_name(out, sizeof out, cases[i].pfx, cases[i].name, cases[i].strip);

		if (cases[i].want) {
			CHECKM(rc == 0, "%s%s", cases[i].pfx, cases[i].name);
			CHECKM(rc == 0 && strcmp(out, cases[i].want) == 0, "%s", out);
		} else {
			CHECKM(rc == -1, "%s%s accepted as %s", cases[i].pfx, cases[i].name, out);
		}
	}
	CHECK_EQ(list_env_name(out, 5, "", "abcd", 0), 0);
	CHECK_EQ(list_env_name(out, 5, "", "abcde", 0), -1);
	CHECK_EQ(list_env_name(out, 5, "abc", "de", 0), -1);
	CHECK_EQ(list_env_name(out, 5, "abcde", "", 0), -1);
}

/* Each code's line, in its place in the packed table. */
static void test_strerror(void)
{
	CHECK_STR(list_strerror(LIST_E_JSON), "not a page of secrets");
	CHECK_STR(list_strerror(LIST_E_BIG), "page of more than 2048 JSON tokens");
	CHECK_STR(list_strerror(LIST_E_ID), "an id is no secret of this vault");
	CHECK_STR(list_strerror(LIST_E_NEXT), "nextLink not https://VAULT/secrets? of this vault");
	CHECK_STR(list_strerror(LIST_E_LOOP), "nextLink already followed (a loop)");
	CHECK_STR(list_strerror(LIST_E_PAGES), "more than 100 pages");
	CHECK_STR(list_strerror(-99), "not a page of secrets");
	CHECK_STR(list_strerror(0), "not a page of secrets");
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_selection);
	T_RUN(test_tags);
	T_RUN(test_next);
	T_RUN(test_page_next);
	T_RUN(test_malformed);
	T_RUN(test_big);
	T_RUN(test_env_name);
	T_RUN(test_strerror);
	T_END();
}
