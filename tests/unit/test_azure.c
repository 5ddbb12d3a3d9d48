/* test_azure: token responses, expiry dates, secret bundles, error texts. */
#define _DEFAULT_SOURCE /* timegm, as an independent reference */
#include "azure/azure.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "t.h"

#define JWT "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJodHRwczovL3ZhdWx0LmF6dXJlLm5ldCJ9.c2ln-_Q="
#define NOW 1700000000LL /* 2023-11-14T22:13:20Z */

static azure_token tk;

static const struct {
	const char *text;
	int rc;
	long long epoch;
} times[] = {
	{ "1506484173", 0, 1506484173 },
	{ "0", 0, 0 },
	{ "9223372036854775807", 0, LLONG_MAX },
	/* App Service 2017, Linux and Windows */
	{ "06/19/2019 23:42:01 +00:00", 0, 1560987721 },
	{ "6/19/2019 23:42:01 +00:00", 0, 1560987721 },
	{ "06/19/2019 23:42:01", 0, 1560987721 },
	{ "06/19/2019 23:42:01 +02:00", 0, 1560987721 - 7200 },
	{ "06/19/2019 23:42:01 -05:30", 0, 1560987721 + 19800 },
	{ "1/16/2020 5:24:12 AM +00:00", 0, 1579152252 },
	{ "1/16/2020 12:24:12 AM +00:00", 0, 1579134252 },
	{ "1/16/2020 12:24:12 PM +00:00", 0, 1579177452 },
	{ "1/16/2020 1:05:09 PM +00:00", 0, 1579179909 },
	{ "01/16/2020 01:05:09 PM +00:00", 0, 1579179909 },
	{ "1/16/2020 11:59:59 PM +00:00", 0, 1579219199 },
	{ "1/16/2020 0:24:12 AM +00:00", AZURE_E_EXPIRY, 0 },
	{ "1/16/2020 13:24:12 PM +00:00", AZURE_E_EXPIRY, 0 },
	{ "1/16/2020 5:24:12 am +00:00", AZURE_E_EXPIRY, 0 },
	{ "1/16/2020 5:24:12 XM +00:00", AZURE_E_EXPIRY, 0 },
	{ "13/19/2019 23:42:01 +00:00", AZURE_E_EXPIRY, 0 },
	{ "0/19/2019 23:42:01 +00:00", AZURE_E_EXPIRY, 0 },
	{ "02/30/2020 00:00:00 +00:00", AZURE_E_EXPIRY, 0 },
	{ "06/19/19 23:42:01 +00:00", AZURE_E_EXPIRY, 0 },
	{ "06/19/2019 23:42 +00:00", AZURE_E_EXPIRY, 0 },
	{ "06/19/2019 24:00:00 +00:00", AZURE_E_EXPIRY, 0 },
	{ "06/19/2019 23:42:01 +00:00 ", AZURE_E_EXPIRY, 0 },
	{ "06/19/2019  23:42:01 +00:00", AZURE_E_EXPIRY, 0 },
	{ "06/19/2019 23:42:01 +0000", AZURE_E_EXPIRY, 0 },
	{ "006/19/2019 23:42:01 +00:00", AZURE_E_EXPIRY, 0 },
	/* ISO 8601 / RFC 3339 and MSAL-GO's "2006-01-02 15:04:05" */
	{ "2024-10-18T19:51:37.0000000+00:00", 0, 1729281097 },
	{ "2024-10-18T19:51:37Z", 0, 1729281097 },
	{ "2024-10-18t19:51:37z", 0, 1729281097 },
	{ "2024-10-18T19:51:37.999999999999Z", 0, 1729281097 },
	{ "2024-10-18T21:51:37+02:00", 0, 1729281097 },
	{ "2024-10-18T14:51:37.123-05:00", 0, 1729281097 },
	{ "2024-10-18 19:51:37", 0, 1729281097 },
	{ "2024-10-18T19:51:37", 0, 1729281097 },
	{ "2024-02-29T23:59:59Z", 0, 1709251199 },
	{ "2000-02-29T00:00:00Z", 0, 951782400 },
	{ "1970-01-01T00:00:00Z", 0, 0 },
	{ "9999-12-31T23:59:59Z", 0, 253402300799 },
	{ "2024-10-18T19:51:37.Z", AZURE_E_EXPIRY, 0 },
	{ "2024-10-18T19:51:37.", AZURE_E_EXPIRY, 0 },
	{ "2024-10-18T19:51:37+0200", AZURE_E_EXPIRY, 0 },
	{ "2024-10-18T19:51:37+24:00", AZURE_E_EXPIRY, 0 },
	{ "2024-10-18T19:51:37+02:60", AZURE_E_EXPIRY, 0 },
	{ "2024-10-18T19:51:37 +00:00", AZURE_E_EXPIRY, 0 },
	{ "2024-10-18T19:51:37Zx", AZURE_E_EXPIRY, 0 },
	{ "2024-10-18T19:51:37.0000000+00:00x", AZURE_E_EXPIRY, 0 },
	{ "2024-10-18T24:00:00Z", AZURE_E_EXPIRY, 0 },
	{ "2024-10-18T19:60:00Z", AZURE_E_EXPIRY, 0 },
	{ "2024-10-18T19:51:60Z", AZURE_E_EXPIRY, 0 },
	{ "2023-02-29T00:00:00Z", AZURE_E_EXPIRY, 0 },
	{ "2100-02-29T00:00:00Z", AZURE_E_EXPIRY, 0 },
	{ "2024-04-31T00:00:00Z", AZURE_E_EXPIRY, 0 },
	{ "2024-00-10T00:00:00Z", AZURE_E_EXPIRY, 0 },
	{ "2024-13-10T00:00:00Z", AZURE_E_EXPIRY, 0 },
	{ "2024-10-00T00:00:00Z", AZURE_E_EXPIRY, 0 },
	{ "0000-01-01T00:00:00Z", AZURE_E_EXPIRY, 0 },
	{ "24-10-18T19:51:37Z", AZURE_E_EXPIRY, 0 },
	{ "2024-10-18", AZURE_E_EXPIRY, 0 },
	{ "2024-10-18T19:51Z", AZURE_E_EXPIRY, 0 },
	{ "2024-1-18T19:51:37Z", AZURE_E_EXPIRY, 0 },
	{ "Fri, 18 Oct 2024 19:51:37 GMT", AZURE_E_EXPIRY, 0 },
	/* not numbers */
	{ "", AZURE_E_EXPIRY, 0 },
	{ "-5", AZURE_E_EXPIRY, 0 },
	{ "+5", AZURE_E_EXPIRY, 0 },
	{ "12ab", AZURE_E_EXPIRY, 0 },
	{ " 1506484173", AZURE_E_EXPIRY, 0 },
	{ "1506484173 ", AZURE_E_EXPIRY, 0 },
	{ "1506484173.5", AZURE_E_EXPIRY, 0 },
	{ "99999999999999999999", AZURE_E_EXPIRY, 0 },
	{ "abc", AZURE_E_EXPIRY, 0 },
};

static void test_time(void)
{
	size_t k;

	for (k = 0; k < sizeof times / sizeof times[0]; k++) {
		long long e = -42;
		int r = azure_time_parse(times[k].text, strlen(times[k].text), &e);

		CHECKM(r == times[k].rc, "\"%s\": got %d want %d", times[k].text,
			r, times[k].rc);
		if (times[k].rc == 0)
			CHECKM(e == times[k].epoch, "\"%s\": %lld want %lld",
				times[k].text, e, times[k].epoch);
	}
}

/* Every day from 1970 to 2199, both date syntaxes, against libc's timegm
 * (UTC by definition, so no TZ dependence here either). */
static void test_time_calendar(void)
{
	static const int md[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	char s[64];
	long bad = 0, days = 0;
	int y, m, dd;

	for (y = 1970; y < 2200; y++)
		for (m = 1; m <= 12; m++)
			for (dd = 1; dd <= md[m - 1]; dd++) {
				struct tm tm;
				long long e1 = -1, e2 = -1;
				int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
				int r1, r2;
				time_t want;

				memset(&tm, 0, sizeof tm);
				tm.tm_year = y - 1900;
				tm.tm_mon = m - 1;
				tm.tm_mday = dd;
				tm.tm_hour = 21;
				tm.tm_min = 7;
				tm.tm_sec = 9;
				want = timegm(&tm);
				snprintf(s, sizeof s, "%04d-%02d-%02dT21:07:09Z", y, m, dd);
				r1 = azure_time_parse(s, strlen(s), &e1);
				snprintf(s, sizeof s, "%d/%d/%04d 9:07:09 PM +00:00", m, dd, y);
				r2 = azure_time_parse(s, strlen(s), &e2);
				if (m == 2 && dd == 29 && !leap) {
					bad += r1 != AZURE_E_EXPIRY || r2 != AZURE_E_EXPIRY;
					continue;
				}
				days++;
				bad += r1 != 0 || r2 != 0 || e1 != (long long)want ||
					e2 != (long long)want;
			}
	CHECKM(bad == 0, "%ld days disagree with timegm", bad);
	CHECK_EQ(days, 84006); /* 230 years, 56 of them leap */
}

static void test_time_bounded(void)
{
	long long e = 0;

	/* n bounds the text; nothing past it is read */
	CHECK_EQ(azure_time_parse("1506484173999", 10, &e), 0);
	CHECK_EQ(e, 1506484173);
	CHECK_EQ(azure_time_parse("2024-10-18T19:51:37Zjunk", 20, &e), 0);
	CHECK_EQ(e, 1729281097);
	CHECK_EQ(azure_time_parse("2024-10-18T19:51:37Z", 19, &e), 0);
	CHECK_EQ(azure_time_parse("2024-10-18T19:51:37Z", 18, &e), AZURE_E_EXPIRY);
}

static const struct {
	const char *name, *body;
	long long now;
	int rc;
	long long at;
} tokens[] = {
	{ "IMDS, all strings (expires_in preferred over a stale expires_on)",
		"{\"access_token\":\"" JWT "\",\"refresh_token\":\"\","
		"\"expires_in\":\"3599\",\"expires_on\":\"1506484173\","
		"\"ext_expires_in\":\"3599\",\"not_before\":\"1506480273\","
		"\"resource\":\"https://vault.azure.net/\",\"token_type\":\"Bearer\"}",
		NOW, 0, NOW + 3599 },
	{ "App Service 2019, epoch string without expires_in",
		"{\"access_token\":\"" JWT "\",\"expires_on\":\"1700003600\","
		"\"resource\":\"https://vault.azure.net\",\"token_type\":\"Bearer\","
		"\"client_id\":\"5c1b1e4f-0000-4000-8000-000000000000\"}",
		NOW, 0, 1700003600 },
	{ "Entra v2, numbers",
		"{\"token_type\":\"Bearer\",\"expires_in\":3599,"
		"\"ext_expires_in\":3599,\"access_token\":\"" JWT "\"}",
		NOW, 0, NOW + 3599 },
	{ "Service Fabric, number",
		"{\"token_type\":\"Bearer\",\"access_token\":\"" JWT "\","
		"\"expires_on\":1700003600,\"resource\":\"https://vault.azure.net\"}",
		NOW, 0, 1700003600 },
	{ "Service Fabric, string",
		"{\"token_type\":\"Bearer\",\"access_token\":\"" JWT "\","
		"\"expires_on\":\"1700003600\",\"resource\":\"https://vault.azure.net\"}",
		NOW, 0, 1700003600 },
	{ "Cloud Shell, expires_in string",
		"{\"access_token\":\"" JWT "\",\"expires_in\":\"3600\","
		"\"token_type\":\"Bearer\"}", NOW, 0, NOW + 3600 },
	{ "App Service 2017 Linux date",
		"{\"access_token\":\"" JWT "\",\"expires_on\":\"11/15/2023 22:13:20 +00:00\","
		"\"resource\":\"https://vault.azure.net\",\"token_type\":\"Bearer\"}",
		NOW, 0, 1700086400 },
	{ "App Service 2017 Windows date, 12 AM",
		"{\"access_token\":\"" JWT "\",\"expires_on\":\"11/15/2023 12:13:20 AM +00:00\"}",
		NOW, 0, 1700007200 },
	{ "App Service 2017 Windows date, 12 PM",
		"{\"access_token\":\"" JWT "\",\"expires_on\":\"11/15/2023 12:13:20 PM +00:00\"}",
		NOW, 0, 1700050400 },
	{ "App Service 2017 Windows date, 11 PM",
		"{\"access_token\":\"" JWT "\",\"expires_on\":\"11/14/2023 11:13:20 PM +00:00\"}",
		NOW, 0, 1700003600 },
	{ "ISO 8601 with fraction",
		"{\"access_token\":\"" JWT "\",\"expires_on\":\"2023-11-15T00:13:20.0000000+00:00\"}",
		NOW, 0, 1700007200 },
	{ "ISO 8601 with fraction and offset",
		"{\"access_token\":\"" JWT "\",\"expires_on\":\"2023-11-15T02:13:20.1234567+02:00\"}",
		NOW, 0, 1700007200 },
	{ "expires_in null: expires_on used",
		"{\"access_token\":\"" JWT "\",\"expires_in\":null,\"expires_on\":1700003600}",
		NOW, 0, 1700003600 },
	{ "expires_in wins, expires_on not even read",
		"{\"access_token\":\"" JWT "\",\"expires_in\":60,\"expires_on\":\"garbage\"}",
		NOW, 0, NOW + 60 },
	{ "one second left", "{\"access_token\":\"" JWT "\",\"expires_in\":1}",
		NOW, 0, NOW + 1 },
	{ "escaped token bytes are decoded",
		"{\"access_token\":\"a\\/b\\u002dc\",\"expires_in\":1}", NOW, 0, NOW + 1 },
	/* token missing or unusable */
	{ "no access_token", "{\"expires_in\":3599}", NOW, AZURE_E_NO_TOKEN, 0 },
	{ "access_token null", "{\"access_token\":null,\"expires_in\":3599}",
		NOW, AZURE_E_NO_TOKEN, 0 },
	{ "access_token number", "{\"access_token\":12,\"expires_in\":3599}",
		NOW, AZURE_E_NO_TOKEN, 0 },
	{ "access_token object", "{\"access_token\":{\"a\":\"b\"},\"expires_in\":3599}",
		NOW, AZURE_E_NO_TOKEN, 0 },
	{ "access_token empty", "{\"access_token\":\"\",\"expires_in\":3599}",
		NOW, AZURE_E_NO_TOKEN, 0 },
	{ "nested access_token only",
		"{\"data\":{\"access_token\":\"" JWT "\"},\"expires_in\":3599}",
		NOW, AZURE_E_NO_TOKEN, 0 },
	{ "top-level array", "[{\"access_token\":\"" JWT "\",\"expires_in\":3599}]",
		NOW, AZURE_E_NO_TOKEN, 0 },
	{ "duplicate access_token",
		"{\"access_token\":\"" JWT "\",\"access_token\":\"x\",\"expires_in\":3599}",
		NOW, AZURE_E_DUP, 0 },
	{ "duplicate access_token, escaped key",
		"{\"access_token\":\"" JWT "\",\"access\\u005ftoken\":\"x\",\"expires_in\":1}",
		NOW, AZURE_E_DUP, 0 },
	{ "duplicate expires_in",
		"{\"access_token\":\"" JWT "\",\"expires_in\":3599,\"expires_in\":1}",
		NOW, AZURE_E_DUP, 0 },
	{ "duplicate expires_on",
		"{\"access_token\":\"" JWT "\",\"expires_on\":1700003600,\"expires_on\":1}",
		NOW, AZURE_E_DUP, 0 },
	{ "space in token", "{\"access_token\":\"ab cd\",\"expires_in\":1}",
		NOW, AZURE_E_TOKEN_CHARS, 0 },
	{ "escaped newline in token", "{\"access_token\":\"ab\\r\\nX-Evil: 1\",\"expires_in\":1}",
		NOW, AZURE_E_TOKEN_CHARS, 0 },
	{ "tab in token", "{\"access_token\":\"ab\\tcd\",\"expires_in\":1}",
		NOW, AZURE_E_TOKEN_CHARS, 0 },
	{ "NUL in token", "{\"access_token\":\"ab\\u0000cd\",\"expires_in\":1}",
		NOW, AZURE_E_TOKEN_CHARS, 0 },
	{ "DEL in token", "{\"access_token\":\"ab\\u007fcd\",\"expires_in\":1}",
		NOW, AZURE_E_TOKEN_CHARS, 0 },
	{ "raw UTF-8 in token", "{\"access_token\":\"caf\xc3\xa9\",\"expires_in\":1}",
		NOW, AZURE_E_TOKEN_CHARS, 0 },
	{ "escaped non-ASCII in token", "{\"access_token\":\"caf\\u00e9\",\"expires_in\":1}",
		NOW, AZURE_E_TOKEN_CHARS, 0 },
	{ "lone surrogate in token", "{\"access_token\":\"a\\ud800\",\"expires_in\":1}",
		NOW, AZURE_E_TOKEN_CHARS, 0 },
	/* expiry missing or unusable */
	{ "no expiry at all", "{\"access_token\":\"" JWT "\",\"token_type\":\"Bearer\"}",
		NOW, AZURE_E_EXPIRY, 0 },
	{ "expires_on null only", "{\"access_token\":\"" JWT "\",\"expires_on\":null}",
		NOW, AZURE_E_EXPIRY, 0 },
	{ "expires_in words", "{\"access_token\":\"" JWT "\",\"expires_in\":\"abc\"}",
		NOW, AZURE_E_EXPIRY, 0 },
	{ "expires_in fraction", "{\"access_token\":\"" JWT "\",\"expires_in\":3599.5}",
		NOW, AZURE_E_EXPIRY, 0 },
	{ "expires_in \"3599.0\"", "{\"access_token\":\"" JWT "\",\"expires_in\":\"3599.0\"}",
		NOW, AZURE_E_EXPIRY, 0 },
	{ "expires_in exponent", "{\"access_token\":\"" JWT "\",\"expires_in\":3.6e3}",
		NOW, AZURE_E_EXPIRY, 0 },
	{ "expires_in true", "{\"access_token\":\"" JWT "\",\"expires_in\":true}",
		NOW, AZURE_E_EXPIRY, 0 },
	{ "expires_in object", "{\"access_token\":\"" JWT "\",\"expires_in\":{}}",
		NOW, AZURE_E_EXPIRY, 0 },
	{ "expires_in overflows the clock",
		"{\"access_token\":\"" JWT "\",\"expires_in\":9223372036854775807}",
		NOW, AZURE_E_EXPIRY, 0 },
	{ "expires_on garbage", "{\"access_token\":\"" JWT "\",\"expires_on\":\"soon\"}",
		NOW, AZURE_E_EXPIRY, 0 },
	{ "expires_on bad date", "{\"access_token\":\"" JWT "\",\"expires_on\":\"02/30/2024 00:00:00 +00:00\"}",
		NOW, AZURE_E_EXPIRY, 0 },
	{ "expires_on fraction", "{\"access_token\":\"" JWT "\",\"expires_on\":1700003600.5}",
		NOW, AZURE_E_EXPIRY, 0 },
	{ "expires_on true", "{\"access_token\":\"" JWT "\",\"expires_on\":true}",
		NOW, AZURE_E_EXPIRY, 0 },
	{ "expires_on too long a string",
		"{\"access_token\":\"" JWT "\",\"expires_on\":\"2023-11-15T00:13:20."
		"00000000000000000000000000000000000000000000000000000000+00:00\"}",
		NOW, AZURE_E_EXPIRY, 0 },
	/* expired */
	{ "expires_in 0", "{\"access_token\":\"" JWT "\",\"expires_in\":\"0\"}",
		NOW, AZURE_E_EXPIRED, 0 },
	{ "expires_in negative", "{\"access_token\":\"" JWT "\",\"expires_in\":-10}",
		NOW, AZURE_E_EXPIRED, 0 },
	{ "expires_on now", "{\"access_token\":\"" JWT "\",\"expires_on\":1700000000}",
		NOW, AZURE_E_EXPIRED, 0 },
	{ "expires_on a second ago", "{\"access_token\":\"" JWT "\",\"expires_on\":\"1699999999\"}",
		NOW, AZURE_E_EXPIRED, 0 },
	{ "expires_on old date", "{\"access_token\":\"" JWT "\",\"expires_on\":\"06/19/2019 23:42:01 +00:00\"}",
		NOW, AZURE_E_EXPIRED, 0 },
	{ "expires_on negative epoch", "{\"access_token\":\"" JWT "\",\"expires_on\":-1}",
		NOW, AZURE_E_EXPIRED, 0 },
	/* not JSON */
	{ "HTML", "<html><body>502</body></html>", NOW, AZURE_E_JSON, 0 },
	{ "empty", "", NOW, AZURE_E_JSON, 0 },
	{ "truncated", "{\"access_token\":\"" JWT "\",\"expires_in\":35", NOW, AZURE_E_JSON, 0 },
	{ "trailing comma", "{\"access_token\":\"" JWT "\",\"expires_in\":3599,}",
		NOW, AZURE_E_JSON, 0 },
};

static int all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static void test_tokens(void)
{
	size_t k;

	for (k = 0; k < sizeof tokens / sizeof tokens[0]; k++) {
		int r;

		memset(&tk, 0x55, sizeof tk);
		r = azure_token_parse(&tk, tokens[k].body, strlen(tokens[k].body),
			tokens[k].now);
		CHECKM(r == tokens[k].rc, "%s: got %d want %d", tokens[k].name, r,
			tokens[k].rc);
		if (tokens[k].rc != 0) {
			CHECKM(all_zero(&tk, sizeof tk), "%s: not wiped", tokens[k].name);
			continue;
		}
		CHECKM(tk.expires_at == tokens[k].at, "%s: expires_at %lld want %lld",
			tokens[k].name, tk.expires_at, tokens[k].at);
		if (strstr(tokens[k].name, "escaped token") == NULL) {
			CHECK_STR(tk.access, JWT);
			CHECK_EQ(tk.len, strlen(JWT));
		} else {
			CHECK_STR(tk.access, "a/b-c");
			CHECK_EQ(tk.len, 5);
		}
	}
}

static char body[128 * 1024];
static char out[AZURE_SECRET_MAX];

static void test_token_size(void)
{
	size_t n;

	n = (size_t)snprintf(body, sizeof body, "{\"expires_in\":3599,\"access_token\":\"");
	memset(body + n, 'A', AZURE_TOKEN_MAX);
	strcpy(body + n + AZURE_TOKEN_MAX, "\"}");
	CHECK_EQ(azure_token_parse(&tk, body, strlen(body), NOW), 0);
	CHECK_EQ(tk.len, AZURE_TOKEN_MAX);
	CHECK_EQ(tk.access[AZURE_TOKEN_MAX - 1], 'A');
	CHECK_EQ(tk.access[AZURE_TOKEN_MAX], 0);

	memset(body + n, 'A', AZURE_TOKEN_MAX + 1);
	strcpy(body + n + AZURE_TOKEN_MAX + 1, "\"}");
	CHECK_EQ(azure_token_parse(&tk, body, strlen(body), NOW), AZURE_E_TOKEN_SIZE);
	CHECK(all_zero(&tk, sizeof tk));
}

static const struct {
	const char *name, *body, *want;
	size_t n;
	int rc;
} secrets[] = {
	{ "SPEC-KV example",
		"{\"value\":\"mysecretvalue\",\"id\":\"https://myvault.vault.azure.net/"
		"secrets/mysecretname/4387e9f3d6e14c459867679a90fd0f79\",\"attributes\":"
		"{\"enabled\":true,\"created\":1493938410,\"updated\":1493938410,"
		"\"recoveryLevel\":\"Recoverable+Purgeable\"}}",
		"mysecretvalue", 13, 0 },
	{ "empty", "{\"value\":\"\",\"id\":\"x\"}", "", 0, 0 },
	{ "multi-line", "{\"value\":\"line1\\nline2\\r\\n\\tend\\n\"}",
		"line1\nline2\r\n\tend\n", 18, 0 },
	{ "PEM", "{\"value\":\"-----BEGIN KEY-----\\nAB+/=\\n-----END KEY-----\"}",
		"-----BEGIN KEY-----\nAB+/=\n-----END KEY-----", 43, 0 },
	{ "quotes and backslashes", "{\"value\":\"a\\\"b\\\\c\\\\\\\"d\\/e\"}",
		"a\"b\\c\\\"d/e", 10, 0 },
	{ "raw non-ASCII", "{\"value\":\"caf\xc3\xa9 \xe2\x82\xac\"}",
		"caf\xc3\xa9 \xe2\x82\xac", 9, 0 },
	{ "escaped non-ASCII", "{\"value\":\"caf\\u00e9 \\u20AC\"}",
		"caf\xc3\xa9 \xe2\x82\xac", 9, 0 },
	{ "emoji pair", "{\"value\":\"\\ud83d\\ude00!\"}", "\xf0\x9f\x98\x80!", 5, 0 },
	{ "NUL inside", "{\"value\":\"a\\u0000b\"}", "a\0b", 3, 0 },
	{ "decoys in nested objects",
		"{\"attributes\":{\"value\":\"x\"},\"tags\":{\"value\":\"y\"},"
		"\"id\":\"value\",\"list\":[\"value\",{\"value\":1}],\"value\":\"real\"}",
		"real", 4, 0 },
	{ "escaped key", "{\"v\\u0061lue\":\"k\"}", "k", 1, 0 },
	{ "missing", "{\"id\":\"x\",\"attributes\":{\"value\":\"x\"}}", "", 0,
		AZURE_E_NO_VALUE },
	{ "null", "{\"value\":null}", "", 0, AZURE_E_NO_VALUE },
	{ "number", "{\"value\":42}", "", 0, AZURE_E_NO_VALUE },
	{ "bool", "{\"value\":true}", "", 0, AZURE_E_NO_VALUE },
	{ "object", "{\"value\":{\"a\":\"b\"}}", "", 0, AZURE_E_NO_VALUE },
	{ "array (a list-versions page)", "{\"value\":[],\"nextLink\":null}", "", 0,
		AZURE_E_NO_VALUE },
	{ "top-level array", "[{\"value\":\"x\"}]", "", 0, AZURE_E_NO_VALUE },
	{ "duplicate", "{\"value\":\"a\",\"id\":\"x\",\"value\":\"b\"}", "", 0, AZURE_E_DUP },
	{ "duplicate via escape", "{\"value\":\"a\",\"valu\\u0065\":\"b\"}", "", 0,
		AZURE_E_DUP },
	{ "lone surrogate", "{\"value\":\"a\\udc00\"}", "", 0, AZURE_E_JSON },
	{ "invalid UTF-8", "{\"value\":\"a\xc0\xaf\"}", "", 0, AZURE_E_JSON },
	{ "raw newline", "{\"value\":\"a\nb\"}", "", 0, AZURE_E_JSON },
	{ "truncated", "{\"value\":\"abc", "", 0, AZURE_E_JSON },
	{ "trailing comma", "{\"value\":\"abc\",}", "", 0, AZURE_E_JSON },
	{ "empty body", "", "", 0, AZURE_E_JSON },
};

static void test_secrets(void)
{
	size_t k, n;

	for (k = 0; k < sizeof secrets / sizeof secrets[0]; k++) {
		int r;

		memset(out, 'Z', 64);
		n = 99;
		r = azure_secret_parse(secrets[k].body, strlen(secrets[k].body), out,
			sizeof out, &n);
		CHECKM(r == secrets[k].rc, "%s: got %d want %d", secrets[k].name, r,
			secrets[k].rc);
		CHECKM(n == secrets[k].n, "%s: n %zu want %zu", secrets[k].name, n,
			secrets[k].n);
		CHECKM(memcmp(out, secrets[k].want, secrets[k].n + 1) == 0,
			"%s: bytes differ", secrets[k].name);
	}
}

/* {"value":"<n bytes cycling over a..z, escaped \n every 100th>"} */
static size_t big_secret(size_t n, char *want)
{
	size_t o, i;

	o = (size_t)snprintf(body, sizeof body, "{\"id\":\"x\",\"value\":\"");
	for (i = 0; i < n; i++) {
		if (i % 100 == 99) {
			memcpy(body + o, "\\n", 2);
			o += 2;
			want[i] = '\n';
		} else {
			body[o++] = want[i] = (char)('a' + i % 26);
		}
	}
	memcpy(body + o, "\",\"attributes\":{\"enabled\":true}}", 33);
	return o + 32;
}

static char want_big[AZURE_SECRET_MAX + 16];

static void test_secret_size(void)
{
	size_t len, n = 99;

	len = big_secret(25 * 1024, want_big);
	CHECK_EQ(azure_secret_parse(body, len, out, sizeof out, &n), 0);
	CHECK_EQ(n, 25 * 1024);
	CHECK(memcmp(out, want_big, n) == 0 && out[n] == 0);

	len = big_secret(AZURE_SECRET_MAX - 1, want_big);
	CHECK_EQ(azure_secret_parse(body, len, out, sizeof out, &n), 0);
	CHECK_EQ(n, AZURE_SECRET_MAX - 1);

	len = big_secret(AZURE_SECRET_MAX, want_big);
	CHECK_EQ(azure_secret_parse(body, len, out, sizeof out, &n), AZURE_E_VALUE_SIZE);
	CHECK_EQ(n, 0);
	CHECK(all_zero(out, sizeof out));

	/* the caller's cap is what counts: 9 bytes + NUL fit in 10, 10 don't */
	CHECK_EQ(azure_secret_parse("{\"value\":\"123456789\"}", 21, out, 10, &n), 0);
	CHECK_STR(out, "123456789");
	CHECK_EQ(azure_secret_parse("{\"value\":\"1234567890\"}", 22, out, 10, &n),
		AZURE_E_VALUE_SIZE);
	CHECK(all_zero(out, 10));
	CHECK_EQ(azure_secret_parse("{\"value\":\"\"}", 12, out, 0, &n), AZURE_E_VALUE_SIZE);
}

static void test_secret_tags(void)
{
	size_t o, n;
	int i;

	/* 15 tags (the Key Vault maximum) parse; 600 are too complex */
	o = (size_t)snprintf(body, sizeof body, "{\"value\":\"v\",\"tags\":{");
	for (i = 0; i < 15; i++)
		o += (size_t)snprintf(body + o, sizeof body - o, "%s\"t%d\":\"v%d\"",
			i ? "," : "", i, i);
	o += (size_t)snprintf(body + o, sizeof body - o, "}}");
	CHECK_EQ(azure_secret_parse(body, o, out, sizeof out, &n), 0);
	CHECK_STR(out, "v");
	o = (size_t)snprintf(body, sizeof body, "{\"value\":\"v\",\"tags\":{");
	for (i = 0; i < 600; i++)
		o += (size_t)snprintf(body + o, sizeof body - o, "%s\"t%d\":\"v%d\"",
			i ? "," : "", i, i);
	o += (size_t)snprintf(body + o, sizeof body - o, "}}");
	CHECK_EQ(azure_secret_parse(body, o, out, sizeof out, &n), AZURE_E_JSON);
}

static const struct {
	const char *name, *body, *want;
} errors[] = {
	{ "IMDS identity not found",
		"{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}",
		"invalid_request: Identity not found" },
	{ "IMDS metadata header",
		"{\"error\":\"bad_request_102\",\"error_description\":"
		"\"Required metadata header not specified\"}",
		"bad_request_102: Required metadata header not specified" },
	{ "Key Vault with innererror",
		"{\"error\":{\"code\":\"Forbidden\",\"message\":\"Caller is not authorized "
		"to perform action on resource.\",\"innererror\":{\"code\":\"ForbiddenByRbac\"}}}",
		"Forbidden (ForbiddenByRbac): Caller is not authorized to perform action "
		"on resource." },
	{ "Key Vault, deepest innererror",
		"{\"error\":{\"code\":\"Forbidden\",\"message\":\"m\",\"innererror\":"
		"{\"code\":\"ForbiddenByPolicy\",\"innererror\":{\"code\":\"Deeper\"}}}}",
		"Forbidden (Deeper): m" },
	{ "Key Vault, innererror equal to code",
		"{\"error\":{\"code\":\"Unauthorized\",\"message\":\"AKV10000: Request is "
		"missing a Bearer or PoP token.\",\"innererror\":{\"code\":\"Unauthorized\"}}}",
		"Unauthorized: AKV10000: Request is missing a Bearer or PoP token." },
	{ "Key Vault, not found",
		"{\"error\":{\"code\":\"SecretNotFound\",\"message\":\"A secret with "
		"(name/id) db-password was not found in this key vault.\"}}",
		"SecretNotFound: A secret with (name/id) db-password was not found in "
		"this key vault." },
	{ "App Service statusCode",
		"{\"statusCode\":500,\"message\":\"An unexpected error occured while "
		"fetching the AAD Token.\",\"correlationId\":\"3f1e\"}",
		"500: An unexpected error occured while fetching the AAD Token." },
	{ "App Service 2017",
		"{\"ExceptionMessage\":\"\",\"ErrorCode\":\"service_unavailable\","
		"\"ServiceErrorCodes\":null,\"StatusCode\":503,\"Message\":null,"
		"\"CorrelationId\":\"c0\"}",
		"service_unavailable" },
	{ "Service Fabric error object",
		"{\"error\":{\"correlationId\":\"7f10\",\"code\":\"SecretHeaderNotFound\","
		"\"message\":\"Secret is not found in the request headers.\"}}",
		"SecretHeaderNotFound: Secret is not found in the request headers." },
	{ "Entra AADSTS with error_codes",
		"{\"error\":\"invalid_client\",\"error_description\":\"AADSTS700213: No "
		"matching federated identity record found for presented assertion "
		"subject 'system:serviceaccount:default:wi'.\\r\\nTrace ID: 1f2e\\r\\n"
		"Timestamp: 2024-10-18 19:51:37Z\",\"error_codes\":[700213],"
		"\"timestamp\":\"2024-10-18 19:51:37Z\",\"trace_id\":\"1f2e\","
		"\"error_uri\":\"https://login.microsoftonline.com/error?code=700213\"}",
		"invalid_client: AADSTS700213: No matching federated identity record "
		"found for presented assertion subject 'system:serviceaccount:default:wi'. "
		"Trace ID: 1f2e Timestamp: 2024-10-18 19:51:37Z" },
	{ "message only", "{\"message\":\"just this\"}", "just this" },
	{ "code only", "{\"error\":{\"code\":\"InternalServerError\"}}",
		"InternalServerError" },
	{ "escaped control bytes and non-ASCII",
		"{\"error\":\"e\",\"error_description\":\"a\\u001bb\\u0000c caf\\u00e9 \\\\\"}",
		"e: a\\x1bb\\x00c caf\\xc3\\xa9 \\x5c" },
	{ "HTML with control chars",
		"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
		"<body>\x01\x1b[31m</body>\t</html>\n",
		"<html> <head><title>502 Bad Gateway</title></head> "
		"<body>\\x01\\x1b[31m</body> </html>" },
	{ "plain text (Docker Desktop proxy)",
		"  A socket operation was attempted to an unreachable network.\n",
		"A socket operation was attempted to an unreachable network." },
	{ "empty", "", "" },
	{ "whitespace", " \r\n\t ", "" },
	{ "JSON without known fields", "{\"foo\":\"bar\"}", "" },
	{ "JSON array", "[\"Identity not found\"]", "" },
	{ "token response is never echoed",
		"{\"access_token\":\"" JWT "\",\"expires_in\":3599}", "" },
	{ "truncated token response is never echoed",
		"{\"access_token\":\"" JWT, "" },
	{ "broken array is never echoed", "  [\"hunter2\"", "" },
	{ "secret bundle is never echoed",
		"{\"value\":\"hunter2\",\"id\":\"https://v.vault.azure.net/secrets/s\"}", "" },
	{ "value beside an error is not copied",
		"{\"value\":\"hunter2\",\"error\":\"oops\",\"access_token\":\"" JWT "\"}",
		"oops" },
	{ "null and bool fields skipped",
		"{\"code\":null,\"error\":true,\"ErrorCode\":\"E1\",\"message\":false,"
		"\"error_description\":\"d\"}",
		"E1: d" },
};

static void test_errors(void)
{
	char txt[AZURE_ERRTEXT_MAX];
	size_t k;

	for (k = 0; k < sizeof errors / sizeof errors[0]; k++) {
		memset(txt, 'Z', sizeof txt);
		azure_error_text(errors[k].body, strlen(errors[k].body), txt, sizeof txt);
		CHECKM(strcmp(txt, errors[k].want) == 0, "%s: got \"%s\" want \"%s\"",
			errors[k].name, txt, errors[k].want);
		CHECKM(strstr(txt, "hunter2") == NULL && strstr(txt, "eyJ") == NULL,
			"%s: leaked", errors[k].name);
	}
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void test_error_limits(void)
{
	char txt[AZURE_ERRTEXT_MAX], big_txt[2 * AZURE_ERRTEXT_MAX];
	size_t o;
	int i;

	/* a long message is cut with "..." inside the buffer */
	o = (size_t)snprintf(body, sizeof body,
		"{\"error\":{\"code\":\"Forbidden\",\"message\":\"");
	for (i = 0; i < 1000; i++)
		body[o++] = (char)('a' + i % 26);
	o += (size_t)snprintf(body + o, sizeof body - o, "\"}}");
	azure_error_text(body, o, txt, sizeof txt);
	CHECK(strncmp(txt, "Forbidden: abcdef", 17) == 0);
	CHECK(ends_with(txt, "..."));
	CHECK_EQ(strlen(txt), AZURE_ERRTEXT_MAX - 1);
	/* a bigger caller buffer still gets at most AZURE_ERRTEXT_MAX */
	azure_error_text(body, o, big_txt, sizeof big_txt);
	CHECK_STR(big_txt, txt);

	/* a message too long to decode is shown raw, still cut */
	o = (size_t)snprintf(body, sizeof body, "{\"error\":\"e\",\"error_description\":\"");
	for (i = 0; i < 5000; i++)
		o += (size_t)snprintf(body + o, sizeof body - o, "\\n\\u0041");
	o += (size_t)snprintf(body + o, sizeof body - o, "\"}");
	azure_error_text(body, o, txt, sizeof txt);
	CHECK(strncmp(txt, "e: \\x5cn\\x5cu0041", 17) == 0);
	CHECK(ends_with(txt, "..."));

	/* a long HTML page too */
	for (o = 0; o < 3000; o++)
		body[o] = (char)(o % 50 == 49 ? '\n' : 'h');
	azure_error_text(body, o, txt, sizeof txt);
	CHECK(strncmp(txt, "hhhh", 4) == 0);
	CHECK(ends_with(txt, "..."));
	CHECK(strlen(txt) < AZURE_ERRTEXT_MAX);
	CHECK(strchr(txt, '\n') == NULL);

	/* a text that exactly fits is not marked as cut */
	memset(body, 'x', AZURE_ERRTEXT_MAX - 1);
	azure_error_text(body, AZURE_ERRTEXT_MAX - 1, txt, sizeof txt);
	CHECK_EQ(strlen(txt), AZURE_ERRTEXT_MAX - 1);
	CHECK(!ends_with(txt, "..."));

	/* small and zero caps */
	azure_error_text(errors[0].body, strlen(errors[0].body), txt, 10);
	CHECK_EQ(strlen(txt), 9);
	CHECK(ends_with(txt, "..."));
	txt[0] = 'Q';
	azure_error_text(errors[0].body, strlen(errors[0].body), txt, 0);
	CHECK_EQ(txt[0], 'Q');
	azure_error_text(errors[0].body, strlen(errors[0].body), txt, 1);
	CHECK_EQ(txt[0], 0);
}

static const struct {
	const char *body;
	int want;
} notfound[] = {
	{ "{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}", 1 },
	{ "{\"error\":\"invalid_request\",\"error_description\":\"IDENTITY NOT FOUND\"}", 1 },
	{ "{\"error_description\":\"User assigned identity not found.\",\"error\":\"x\"}", 1 },
	{ "{\"error\":\"Identity not found\"}", 1 },
	{ "{\"error\":\"invalid_request\",\"error_description\":\"Identity\\u0020not found\"}", 1 },
	{ "{\"error\":\"invalid_request\",\"error_description\":\"Required metadata header not specified\"}", 0 },
	{ "{\"error\":\"invalid_request\",\"error_description\":\"Identity not\"}", 0 },
	{ "{\"error\":\"identity_not_found\"}", 0 },
	{ "{\"error\":{\"code\":\"ManagedIdentityNotFound\",\"message\":\"no identity\"}}", 0 },
	{ "{\"message\":\"Identity not found\"}", 0 },
	{ "{\"value\":\"Identity not found\"}", 0 },
	{ "[\"Identity not found\"]", 0 },
	{ "Identity not found", 0 },
	{ "{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\",}", 0 },
	{ "", 0 },
};

static void test_not_found(void)
{
	size_t k;

	for (k = 0; k < sizeof notfound / sizeof notfound[0]; k++)
		CHECKM(azure_identity_not_found(notfound[k].body,
			strlen(notfound[k].body)) == notfound[k].want, "%s",
			notfound[k].body);
}

static void test_strerror(void)
{
	int a, b;

	for (a = AZURE_E_TOKEN_CHARS; a <= 0; a++) {
		CHECKM(azure_strerror(a)[0] != 0, "%d", a);
		for (b = AZURE_E_TOKEN_CHARS; b < a; b++)
			CHECKM(strcmp(azure_strerror(a), azure_strerror(b)) != 0,
				"%d and %d share a text", a, b);
	}
	CHECK_STR(azure_strerror(-99), "unknown azure error");
	CHECK_STR(azure_strerror(1), "unknown azure error");
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_time);
	T_RUN(test_time_calendar);
	T_RUN(test_time_bounded);
	T_RUN(test_tokens);
	T_RUN(test_token_size);
	T_RUN(test_secrets);
	T_RUN(test_secret_size);
	T_RUN(test_secret_tags);
	T_RUN(test_errors);
	T_RUN(test_error_limits);
	T_RUN(test_not_found);
	T_RUN(test_strerror);
	T_END();
}
