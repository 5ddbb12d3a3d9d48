/* Unit tests for url (parse, encode, query, Host header, NO_PROXY). Tables:
 * one row per input and outcome. (ref has its own: test_ref.c.) */
#include "http/url.h"
#include "t.h"

static const struct {
	const char *in;
	int rc, https;
	const char *host;
	unsigned port;
	const char *path;
} urls[] = {
	{ "http://localhost:4141/MSI/token?x=1", 0, 0, "localhost", 4141, "/MSI/token?x=1" },
	{ "https://vault.azure.net", 0, 1, "vault.azure.net", 443, "/" },
	{ "HTTPS://MyVault.VAULT.azure.NET/Secrets/A", 0, 1, "myvault.vault.azure.net", 443, "/Secrets/A" },
	{ "HtTp://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01", 0, 0, "169.254.169.254", 80, "/metadata/identity/oauth2/token?api-version=2018-02-01" },
	{ "http://h?x=1", 0, 0, "h", 80, "/?x=1" },
	{ "http://h/", 0, 0, "h", 80, "/" },
	{ "http://a_b.example/", 0, 0, "a_b.example", 80, "/" },
	{ "http://xn--bcher-kva.example/", 0, 0, "xn--bcher-kva.example", 80, "/" },
	{ "http://0.0.0.0/", 0, 0, "0.0.0.0", 80, "/" },
	{ "http://255.255.255.255/", 0, 0, "255.255.255.255", 80, "/" },
	/* ports */
	{ "http://h:1/", 0, 0, "h", 1, "/" },
	{ "http://h:65535/", 0, 0, "h", 65535, "/" },
	{ "https://h:80/", 0, 1, "h", 80, "/" },
	{ "http://h:080/", 0, 0, "h", 80, "/" },
	{ "http://h:0/", URL_E_PORT, 0, "", 0, "" },
	{ "http://h:65536/", URL_E_PORT, 0, "", 0, "" },
	{ "http://h:99999999999999999999999/", URL_E_PORT, 0, "", 0, "" },
	{ "http://h:/", URL_E_PORT, 0, "", 0, "" },
	{ "http://h:", URL_E_PORT, 0, "", 0, "" },
	{ "http://h:8a/", URL_E_PORT, 0, "", 0, "" },
	{ "http://h:-1/", URL_E_PORT, 0, "", 0, "" },
	{ "http://h:+80/", URL_E_PORT, 0, "", 0, "" },
	{ "http://h: 80/", URL_E_PORT, 0, "", 0, "" },
	{ "http://h:80:81/", URL_E_PORT, 0, "", 0, "" },
	/* IPv6 */
	{ "http://[::1]:8080/x", 0, 0, "::1", 8080, "/x" },
	{ "https://[FE80::A]/", 0, 1, "fe80::a", 443, "/" },
	{ "http://[::ffff:10.0.0.1]/", 0, 0, "::ffff:10.0.0.1", 80, "/" },
	{ "http://[1:2:3:4:5:6:7:8]", 0, 0, "1:2:3:4:5:6:7:8", 80, "/" },
	{ "http://[1:2:3:4:5:6:7::]/", 0, 0, "1:2:3:4:5:6:7::", 80, "/" },
	{ "http://[::]/", 0, 0, "::", 80, "/" },
	{ "http://[1:2:3:4:5:6:1.2.3.4]/", 0, 0, "1:2:3:4:5:6:1.2.3.4", 80, "/" },
	{ "http://[1:2:3:4:5:6:7:8:9]/", URL_E_HOST, 0, "", 0, "" },
	{ "http://[1:2:3:4:5:6:7]/", URL_E_HOST, 0, "", 0, "" },
	{ "http://[1:2:3:4:5:6:7:8::]/", URL_E_HOST, 0, "", 0, "" },
	{ "http://[1::2::3]/", URL_E_HOST, 0, "", 0, "" },
	{ "http://[:1]/", URL_E_HOST, 0, "", 0, "" },
	{ "http://[1:]/", URL_E_HOST, 0, "", 0, "" },
	{ "http://[:::]/", URL_E_HOST, 0, "", 0, "" },
	{ "http://[12345::]/", URL_E_HOST, 0, "", 0, "" },
	{ "http://[g::1]/", URL_E_HOST, 0, "", 0, "" },
	{ "http://[::1.2.3]/", URL_E_HOST, 0, "", 0, "" },
	{ "http://[::1%25eth0]/", URL_E_HOST, 0, "", 0, "" },
	{ "http://[::1]x/", URL_E_HOST, 0, "", 0, "" },
	{ "http://[::1/", URL_E_HOST, 0, "", 0, "" },
	{ "http://[]/", URL_E_HOST, 0, "", 0, "" },
	{ "http://::1/", URL_E_HOST, 0, "", 0, "" },
	/* userinfo, fragment */
	{ "http://user@host/", URL_E_FORM, 0, "", 0, "" },
	{ "http://user:pw@host/", URL_E_FORM, 0, "", 0, "" },
	{ "http://evil.com\\@good.com/", URL_E_FORM, 0, "", 0, "" },
	{ "http://host/#frag", URL_E_FORM, 0, "", 0, "" },
	{ "http://host#f", URL_E_FORM, 0, "", 0, "" },
	{ "http://host/a?b#c", URL_E_FORM, 0, "", 0, "" },
	{ "http://host/a@b", 0, 0, "host", 80, "/a@b" },
	/* scheme */
	{ "ftp://h/", URL_E_SCHEME, 0, "", 0, "" },
	{ "http:/h/", URL_E_SCHEME, 0, "", 0, "" },
	{ "httpx://h/", URL_E_SCHEME, 0, "", 0, "" },
	{ "h/x", URL_E_SCHEME, 0, "", 0, "" },
	{ " http://h/", URL_E_SCHEME, 0, "", 0, "" },
	{ "", URL_E_SCHEME, 0, "", 0, "" },
	/* hosts */
	{ "http:///x", URL_E_HOST, 0, "", 0, "" },
	{ "http://", URL_E_HOST, 0, "", 0, "" },
	{ "http://:80/", URL_E_HOST, 0, "", 0, "" },
	{ "https:// h/", URL_E_HOST, 0, "", 0, "" },
	{ "http://a..b/", URL_E_HOST, 0, "", 0, "" },
	{ "http://.a/", URL_E_HOST, 0, "", 0, "" },
	{ "http://a.com./", URL_E_HOST, 0, "", 0, "" },
	{ "http://-a.com/", URL_E_HOST, 0, "", 0, "" },
	{ "http://a-.com/", URL_E_HOST, 0, "", 0, "" },
	{ "http://ex%41mple/", URL_E_HOST, 0, "", 0, "" },
	{ "http://\xc3\xa9.com/", URL_E_HOST, 0, "", 0, "" },
	{ "http://a\tb/", URL_E_HOST, 0, "", 0, "" },
	{ "http://256.0.0.1/", URL_E_HOST, 0, "", 0, "" },
	{ "http://1.2.3/", URL_E_HOST, 0, "", 0, "" },
	{ "http://1.2.3.4.5/", URL_E_HOST, 0, "", 0, "" },
	{ "http://010.0.0.1/", URL_E_HOST, 0, "", 0, "" },
	{ "http://127.1/", URL_E_HOST, 0, "", 0, "" },
	{ "http://1234/", URL_E_HOST, 0, "", 0, "" },
	{ "http://1.2.3.4./", URL_E_HOST, 0, "", 0, "" },
	/* paths */
	{ "http://h/a b", URL_E_PATH, 0, "", 0, "" },
	{ "http://h/a\tb", URL_E_PATH, 0, "", 0, "" },
	{ "http://h/a\rb", URL_E_PATH, 0, "", 0, "" },
	{ "http://h/\x7f", URL_E_PATH, 0, "", 0, "" },
	{ "http://h/caf\xc3\xa9", URL_E_PATH, 0, "", 0, "" },
	{ "http://h/?q=a b", URL_E_PATH, 0, "", 0, "" },
};

static void test_url_table(void)
{
	size_t i;

	for (i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		url u;
		int rc = url_parse(&u, urls[i].in);

		CHECKM(rc == urls[i].rc, "%s: got %d want %d", urls[i].in, rc,
		    urls[i].rc);
		if (rc != 0 || urls[i].rc != 0)
			continue;
		CHECKM(u.https == urls[i].https, "%s: https", urls[i].in);
		CHECKM(strcmp(u.host, urls[i].host) == 0, "%s: host %s",
		    urls[i].in, u.host);
		CHECKM(u.port == urls[i].port, "%s: port %u", urls[i].in, u.port);
		CHECKM(strcmp(u.path, urls[i].path) == 0, "%s: path %s",
		    urls[i].in, u.path);
	}
}

/* "http://" + host of n bytes built from labels of lab bytes. */
static void long_host(char *buf, size_t n, size_t lab)
{
	size_t i, o = strlen("http://");

	memcpy(buf, "http://", o);
	for (i = 0; i < n; i++)
		buf[o + i] = (i % (lab + 1) == lab) ? '.' : 'a';
	buf[o + n] = '/';
	buf[o + n + 1] = 0;
}

static void test_url_limits(void)
{
	static char buf[URL_PATH_MAX + 64];
	url u;

	long_host(buf, 63, 63);
	CHECK_EQ(url_parse(&u, buf), 0);
	long_host(buf, 64, 64);
	CHECK_EQ(url_parse(&u, buf), URL_E_HOST);
	long_host(buf, 253, 50); /* 50+1+50+1+50+1+50+1+49 */
	CHECK_EQ(url_parse(&u, buf), 0);
	CHECK_EQ(strlen(u.host), 253);
	long_host(buf, 254, 50);
	CHECK_EQ(url_parse(&u, buf), URL_E_HOST);

	strcpy(buf, "http://h");
	memset(buf + 8, 'p', URL_PATH_MAX);
	buf[8] = '/';
	buf[8 + URL_PATH_MAX] = 0;
	CHECK_EQ(url_parse(&u, buf), 0);
	CHECK_EQ(strlen(u.path), URL_PATH_MAX);
	strcat(buf, "p");
	CHECK_EQ(url_parse(&u, buf), URL_E_PATH);
	buf[8] = '?'; /* the implied '/' counts too */
	buf[8 + URL_PATH_MAX] = 0;
	CHECK_EQ(url_parse(&u, buf), URL_E_PATH);
	CHECK_STR(u.host, ""); /* zeroed on error */
}

static void test_encode(void)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "https://vault.azure.net", "https%3A%2F%2Fvault.azure.net" },
		{ "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1",
		  "%2Fsubscriptions%2F0000%2FresourceGroups%2Frg%2Fproviders%2FMicrosoft.ManagedIdentity%2FuserAssignedIdentities%2Fid1" },
		{ "a b+c&d=e~_.-Z9", "a%20b%2Bc%26d%3De~_.-Z9" },
		{ "\xff\x01?#%", "%FF%01%3F%23%25" },
		{ "", "" },
	};
	size_t i;
	char b[256];

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		CHECK_EQ(url_encode(b, sizeof b, t[i].in), (long)strlen(t[i].out));
		CHECK_STR(b, t[i].out);
	}
	CHECK_EQ(url_encode(b, 4, "abc"), 3);
	CHECK_EQ(url_encode(b, 3, "abc"), URL_E_SPACE);
	CHECK_STR(b, "");
	CHECK_EQ(url_encode(b, 4, "/"), 3);
	CHECK_STR(b, "%2F");
	CHECK_EQ(url_encode(b, 3, "/"), URL_E_SPACE);
	CHECK_EQ(url_encode(b, 1, ""), 0);
	b[0] = 'x';
	CHECK_EQ(url_encode(b, 0, ""), URL_E_SPACE);
	CHECK_EQ(b[0], 'x');
}

static void test_add_query(void)
{
	static const struct {
		const char *path, *name, *value, *out;
	} t[] = {
		{ "/metadata/identity/oauth2/token", "resource", "https://vault.azure.net",
		  "/metadata/identity/oauth2/token?resource=https%3A%2F%2Fvault.azure.net" },
		{ "/MSI/token?x=1", "resource", "https://vault.azure.net",
		  "/MSI/token?x=1&resource=https%3A%2F%2Fvault.azure.net" },
		{ "/p?", "n", "v", "/p?n=v" },
		{ "/p?a=1&", "n", "v", "/p?a=1&n=v" },
		{ "/p", "a b", "", "/p?a%20b=" },
	};
	size_t i;
	char b[256];

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		strcpy(b, t[i].path);
		CHECK_EQ(url_add_query(b, sizeof b, t[i].name, t[i].value), 0);
		CHECK_STR(b, t[i].out);
	}
	strcpy(b, "/p?x=1");
	CHECK_EQ(url_add_query(b, strlen("/p?x=1&n=%2F") + 1, "n", "/"), 0);
	CHECK_STR(b, "/p?x=1&n=%2F");
	strcpy(b, "/p?x=1");
	CHECK_EQ(url_add_query(b, strlen("/p?x=1&n=%2F"), "n", "/"), URL_E_SPACE);
	CHECK_STR(b, "/p?x=1"); /* left as it was */
	CHECK_EQ(url_add_query(b, strlen("/p?x=1&n"), "n", ""), URL_E_SPACE);
	CHECK_STR(b, "/p?x=1");
	CHECK_EQ(url_add_query(b, strlen("/p?x=1&n="), "n", ""), URL_E_SPACE);
	CHECK_STR(b, "/p?x=1");
	CHECK_EQ(url_add_query(b, strlen("/p?x=1&n=") + 1, "n", ""), 0);
	CHECK_STR(b, "/p?x=1&n=");
}

static void test_host_header(void)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "http://h/", "h" },
		{ "http://h:8080/", "h:8080" },
		{ "https://h/", "h" },
		{ "https://h:443/", "h" },
		{ "https://h:80/", "h:80" },
		{ "http://h:443/", "h:443" },
		{ "https://H:1/", "h:1" },
		{ "http://[::1]/", "[::1]" },
		{ "https://[::1]:8443/", "[::1]:8443" },
		{ "http://10.0.0.1:65535/", "10.0.0.1:65535" },
	};
	size_t i;
	char b[64];
	url u;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		CHECK_EQ(url_parse(&u, t[i].in), 0);
		CHECK_EQ(url_host_header(&u, b, sizeof b), 0);
		CHECK_STR(b, t[i].out);
	}
	CHECK_EQ(url_parse(&u, "https://[::1]:8443/"), 0);
	CHECK_EQ(url_host_header(&u, b, 11), 0);
	CHECK_EQ(url_host_header(&u, b, 10), URL_E_SPACE);
	CHECK_STR(b, "");
}

static void test_url_strerror(void)
{
	int c, d;

	for (c = URL_E_SPACE; c <= 0; c++) {
		CHECK(url_strerror(c) != NULL);
		for (d = URL_E_SPACE; d < c; d++)
			CHECKM(strcmp(url_strerror(c), url_strerror(d)) != 0,
			    "%d and %d share a message", c, d);
	}
}

static void test_no_proxy(void)
{
	static const struct {
		const char *list, *host;
		int want;
	} t[] = {
		{ NULL, "a.vault.azure.net", 0 },
		{ "", "a.vault.azure.net", 0 },
		{ "*", "a.vault.azure.net", 1 },
		{ ".vault.azure.net", "a.vault.azure.net", 1 },
		{ "vault.azure.net", "a.vault.azure.net", 1 },
		{ "vault.azure.net", "vault.azure.net", 1 },
		{ "vault.azure.net", "evilvault.azure.net", 0 },
		{ "localhost, .VAULT.Azure.NET", "a.vault.azure.net", 1 },
		{ "localhost,,example.com", "a.vault.azure.net", 0 },
		{ "login.microsoftonline.com", "a.vault.azure.net", 0 },
		{ "a.vault.azure.net.example", "a.vault.azure.net", 0 },
		{ "10.0.0.0/8", "10.1.2.3", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECKM(url_no_proxy(t[i].list, t[i].host) == t[i].want, "%s vs %s",
		    t[i].list ? t[i].list : "(null)", t[i].host);
}

/* A rejected URL leaves nothing behind, even a scheme read before the
 * error (found by fuzz_ref: "https://#"). */
static void test_url_zeroed(void)
{
	static const char *const bad[] = { "https://#", "https://user@h/", "http://h:0/" };
	static const url zero;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		url u;

		memset(&u, 0xa5, sizeof u);
		CHECKM(url_parse(&u, bad[i]) < 0, "%s", bad[i]);
		CHECKM(memcmp(&u, &zero, sizeof u) == 0, "%s: not zeroed", bad[i]);
	}
}

/* Proxy URLs: curl's forms, userinfo percent-decoded, limits, and a
 * failure leaves no byte of the password behind. */
static void test_proxy(void)
{
	static const struct {
		const char *in;
		int rc;
		const char *host;
		unsigned port;
		int auth;
		const char *user, *pass;
	} t[] = {
		{ "http://proxy.corp:3128", 0, "proxy.corp", 3128, 0, "", "" },
		{ "HTTP://Proxy.Corp:3128/", 0, "proxy.corp", 3128, 0, "", "" },
		{ "proxy.corp", 0, "proxy.corp", 1080, 0, "", "" },
		{ "http://[::1]:8080", 0, "::1", 8080, 0, "", "" },
		{ "http://bob:s3cret@127.0.0.1:3128", 0, "127.0.0.1", 3128, 1, "bob", "s3cret" },
		{ "bob:s3cret@127.0.0.1:3128", 0, "127.0.0.1", 3128, 1, "bob", "s3cret" },
		{ "http://bob@h", 0, "h", 1080, 1, "bob", "" },
		{ "http://bob:@h:1", 0, "h", 1, 1, "bob", "" },
		{ "http://DOM%5Cbob:p%40ss%3Aw%25rd@h:3", 0, "h", 3, 1, "DOM\\bob", "p@ss:w%rd" },
		{ "http://a:b@c@h:3", 0, "h", 3, 1, "a", "b@c" }, /* the last @ ends it */
		{ "http://bob:p%C3%A4ss@h", 0, "h", 1080, 1, "bob", "p\xc3\xa4ss" },
		{ "https://h:3128", URL_E_SCHEME, "", 0, 0, "", "" },
		{ "socks5://h:1080", URL_E_SCHEME, "", 0, 0, "", "" },
		{ "http://h:3128/path", URL_E_PATH, "", 0, 0, "", "" },
		{ "http://h:0", URL_E_PORT, "", 0, 0, "", "" },
		{ "http://bob:pw@", URL_E_HOST, "", 0, 0, "", "" },
		{ "http://b%3Aob:pw@h", URL_E_USERINFO, "", 0, 0, "", "" },
		{ "http://bob:p%0Aw@h", URL_E_USERINFO, "", 0, 0, "", "" },
		{ "http://bob:p%00w@h", URL_E_USERINFO, "", 0, 0, "", "" },
		{ "http://bob:pw%4@h", URL_E_USERINFO, "", 0, 0, "", "" },
		{ "http://bob:pw%@h", URL_E_USERINFO, "", 0, 0, "", "" },
		{ "http://bob:p%zzw@h", URL_E_USERINFO, "", 0, 0, "", "" },
		{ "http://bob:p\tw@h", URL_E_USERINFO, "", 0, 0, "", "" },
	};
	static const url_proxy zero;
	char in[URL_PROXY_PASS_MAX + 32], longpw[URL_PROXY_PASS_MAX + 2];
	url_proxy p;
	size_t i;
	int rc;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		memset(&p, 0xa5, sizeof p);
		rc = url_proxy_parse(&p, t[i].in);
		CHECKM(rc == t[i].rc, "%s: rc %d", t[i].in, rc);
		if (rc < 0) {
			CHECKM(memcmp(&p, &zero, sizeof p) == 0, "%s: not wiped", t[i].in);
			continue;
		}
		CHECKM(strcmp(p.host, t[i].host) == 0 && p.port == t[i].port, "%s: %s:%u",
			t[i].in, p.host, p.port);
		CHECKM(p.auth == t[i].auth && strcmp(p.user, t[i].user) == 0
			&& strcmp(p.pass, t[i].pass) == 0, "%s: user/pass", t[i].in);
	}
	/* The password's limit, exactly. */
	memset(longpw, 'x', URL_PROXY_PASS_MAX);
	longpw[URL_PROXY_PASS_MAX] = 0;
	snprintf(in, sizeof in, "http://u:%s@h", longpw);
	CHECK_EQ(url_proxy_parse(&p, in), 0);
	CHECK_EQ(strlen(p.pass), URL_PROXY_PASS_MAX);
	longpw[URL_PROXY_PASS_MAX] = 'x';
	longpw[URL_PROXY_PASS_MAX + 1] = 0;
	snprintf(in, sizeof in, "http://u:%s@h", longpw);
	CHECK_EQ(url_proxy_parse(&p, in), URL_E_USERINFO);
	memset(longpw, 'u', URL_PROXY_USER_MAX + 1);
	longpw[URL_PROXY_USER_MAX + 1] = 0;
	snprintf(in, sizeof in, "http://%s@h", longpw);
	CHECK_EQ(url_proxy_parse(&p, in), URL_E_USERINFO);
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_proxy);
	T_RUN(test_url_zeroed);
	T_RUN(test_no_proxy);
	T_RUN(test_url_table);
	T_RUN(test_url_limits);
	T_RUN(test_encode);
	T_RUN(test_add_query);
	T_RUN(test_host_header);
	T_RUN(test_url_strerror);
	T_END();
}
