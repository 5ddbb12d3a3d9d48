/*
 * fuzz_ref: secret references and URLs from one C string (the input up to
 * its first NUL, as argv or the environment would give it).
 * ref_parse and ref_parse_env: an accepted reference has a lower-case host,
 * a port, a valid name and version, and ref_target builds exactly
 * "/secrets/NAME[/VERSION]?api-version=V" or refuses a short buffer; a
 * refused one leaves *r zeroed. url_parse: an accepted URL has a host and a
 * clean path. url_encode round-trips; url_host and url_add_query hold their
 * caps.
 */
#include "fuzz.h"
#include "vault/ref.h"
#include "http/url.h"

static ref rf, rzero;
static url u, uzero;

static int ichar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		c == '.' || c == '-' || c == '_' || c == ':';
}

static int all(const char *s, int (*ok)(int))
{
	for (; *s; s++)
		if (!ok((unsigned char)*s))
			return 0;
	return 1;
}

static int name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '-';
}

static int alnum(int c)
{
	return name_char(c) && c != '-';
}

static void check_target(const ref *r)
{
	char want[512], *out;
	size_t n;
	int rc;
	const char *coll = r->kind == REF_SECRET ? "secrets" : "certificates";

	if (r->version[0])
		snprintf(want, sizeof want, "/%s/%s/%s?api-version=7.4",
			coll, r->name, r->version);
	else
		snprintf(want, sizeof want, "/%s/%s?api-version=7.4", coll, r->name);
	n = strlen(want);
	out = fuzz_buf(n + 1);
	rc = ref_target(r, NULL, "7.4", out, n + 1);
	FUZZ_CHECK(rc == 0 && strcmp(out, want) == 0);
	free(out);
	out = fuzz_buf(n);
	rc = ref_target(r, NULL, "7.4", out, n);
	FUZZ_CHECK(rc == REF_E_SPACE && out[0] == 0);
	free(out);
}

static void check_ref(const ref *r)
{
	size_t nl = strlen(r->name), vl = strlen(r->version);

	FUZZ_CHECK(fuzz_terminated(r->host, sizeof r->host) && r->host[0]);
	FUZZ_CHECK(all(r->host, ichar));
	FUZZ_CHECK(r->port >= 1 && r->port <= 65535);
	FUZZ_CHECK(fuzz_terminated(r->name, sizeof r->name));
	FUZZ_CHECK(nl >= 1 && nl <= REF_NAME_MAX && all(r->name, name_char));
	FUZZ_CHECK(fuzz_terminated(r->version, sizeof r->version));
	FUZZ_CHECK((vl == 0 || vl == REF_VERSION_MAX) && all(r->version, alnum));
	check_target(r);
}

static int iprefix(const char *s, const char *p)
{
	for (; *p; s++, p++)
		if ((*s >= 'A' && *s <= 'Z' ? *s + 32 : *s) != *p)
			return 0;
	return 1;
}

static void check_refs(const char *s)
{
	int rc = ref_parse(&rf, s);

	FUZZ_CHECK(rc <= 0 && rc >= REF_E_SPACE);
	if (rc == 0)
		check_ref(&rf);
	else
		FUZZ_CHECK(memcmp(&rf, &rzero, sizeof rf) == 0);
	rc = ref_parse_env(&rf, s);
	FUZZ_CHECK(rc <= 1 && rc >= REF_E_SPACE);
	if (rc == 1)
		check_ref(&rf);
	if (rc == 0)
		FUZZ_CHECK(!iprefix(s, "akv://") &&
			!iprefix(s, "@microsoft.keyvault("));
	if (rc < 0)
		FUZZ_CHECK(memcmp(&rf, &rzero, sizeof rf) == 0);
}

static int path_char(int c)
{
	return c > 0x20 && c < 0x7f;
}

static void check_url(const char *s)
{
	char hh[URL_HOST_MAX + 16];
	int rc = url_parse(&u, s);

	FUZZ_CHECK(rc <= 0 && rc >= URL_E_SPACE);
	if (rc != 0) {
		FUZZ_CHECK(memcmp(&u, &uzero, sizeof u) == 0);
		return;
	}
	FUZZ_CHECK(u.https == 0 || u.https == 1);
	FUZZ_CHECK(fuzz_terminated(u.host, sizeof u.host) && u.host[0]);
	FUZZ_CHECK(all(u.host, ichar));
	FUZZ_CHECK(u.port >= 1 && u.port <= 65535);
	FUZZ_CHECK(fuzz_terminated(u.path, sizeof u.path) && u.path[0] == '/');
	FUZZ_CHECK(all(u.path, path_char));
	FUZZ_CHECK(url_host_header(u.host, u.port, u.https, hh, sizeof hh) == 0);
	FUZZ_CHECK(strstr(hh, u.host) != NULL && fuzz_printable(hh));
}

static int hexval(int c)
{
	return c <= '9' ? c - '0' : c - 'A' + 10;
}

/* url_encode: only unreserved bytes and %XX, decoding back to s. */
static void check_encode(const char *s)
{
	size_t n = strlen(s), cap = 3 * n + 1, i, o = 0;
	char *out = fuzz_buf(cap);
	long k = url_encode(out, cap, s);

	FUZZ_CHECK(k >= (long)n && (size_t)k < cap && out[k] == 0);
	for (i = 0; i < (size_t)k; o++) {
		int c = (unsigned char)out[i];

		if (c == '%') {
			FUZZ_CHECK(strchr("0123456789ABCDEF", out[i + 1]) && out[i + 1]);
			FUZZ_CHECK(strchr("0123456789ABCDEF", out[i + 2]) && out[i + 2]);
			c = hexval(out[i + 1]) * 16 + hexval(out[i + 2]);
			FUZZ_CHECK(c == 0 || (!alnum(c) && !strchr("-._~", c)));
			i += 3;
		} else {
			FUZZ_CHECK(alnum(c) || (c && strchr("-._~", c)));
			i++;
		}
		FUZZ_CHECK(o < n && (unsigned char)s[o] == c);
	}
	FUZZ_CHECK(o == n);
	free(out);
	out = fuzz_buf((size_t)k);
	FUZZ_CHECK(url_encode(out, (size_t)k, s) == URL_E_SPACE);
	FUZZ_CHECK(k == 0 || out[0] == 0);
	free(out);
}

static void check_host_query(const char *s)
{
	size_t n = strlen(s);
	char host[URL_HOST_MAX + 1], path[64];
	int rc = url_host(host, sizeof host, s, n);

	if (rc == 0) {
		FUZZ_CHECK(strlen(host) == n && all(host, ichar));
		FUZZ_CHECK(n <= URL_HOST_MAX);
	}
	strcpy(path, "/p?a=1");
	rc = url_add_query(path, sizeof path, "v", s);
	FUZZ_CHECK(fuzz_terminated(path, sizeof path));
	if (rc == 0)
		FUZZ_CHECK(strncmp(path, "/p?a=1&v=", 9) == 0);
	else
		FUZZ_CHECK(rc == URL_E_SPACE && strcmp(path, "/p?a=1") == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);

	check_refs(s);
	check_url(s);
	check_encode(s);
	check_host_query(s);
	free(s);
	return 0;
}
