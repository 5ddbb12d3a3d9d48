/*
 * test_http: the response parser fed every input whole, split in two at
 * every offset and one byte at a time (all three must agree exactly), every
 * error code, and the request writer's exact bytes and refusals.
 */
#include "http/http.h"
#include "t.h"

#include <stdio.h>
#include <string.h>

#define CAP 256          /* body buffer of the table cases */
#define CANARY 16        /* guard bytes after the body buffer */
#define SPLIT_ALL 4096   /* inputs longer than this are split with a stride */
#define BIG (HTTP_BODY_MAX + 1024)

static http_resp R;
static unsigned char body_mem[BIG + CANARY];
static char in_buf[BIG];
static size_t cuts[BIG];
static char where[160];

/* ---- runner: feed input cut at cuts[0..ncut), re-init after each DONE ---- */

struct want {
	const char *text;   /* this response's bytes, all consumed */
	int status, minor, keep_alive, chunked, has_location;
	long long cl;
	const char *body;
	const char *www, *retry, *date, *ctype;
};

struct vcase {
	const char *name;
	int no_body, eof_ends; /* eof_ends: the last body is framed by close */
	int nresp;
	struct want w[3];
};

#define EQ(a, b) CHECKM((long long)(a) == (long long)(b), \
	"%s: got %lld want %lld", where, (long long)(a), (long long)(b))
#define SEQ(a, b) CHECKM(strcmp((a), (b)) == 0, "%s: got \"%.60s\" want " \
	"\"%.60s\"", where, (a), (b))

static void check_want(const struct want *w, size_t used)
{
	size_t blen = strlen(w->body);

	EQ(R.status, w->status);
	EQ(R.minor, w->minor);
	EQ(R.keep_alive, w->keep_alive);
	EQ(R.chunked, w->chunked);
	EQ(R.has_location, w->has_location);
	EQ(R.content_length, w->cl);
	EQ(R.body_len, blen);
	CHECKM(R.body_len == blen && memcmp(R.body, w->body, blen) == 0,
		"%s: body differs", where);
	EQ(used, strlen(w->text));
	SEQ(R.www_authenticate, w->www ? w->www : "");
	SEQ(R.retry_after, w->retry ? w->retry : "");
	SEQ(R.date, w->date ? w->date : "");
	SEQ(R.content_type, w->ctype ? w->ctype : "");
}

static void init_resp(size_t cap, int no_body)
{
	memset(body_mem + cap, 0xa5, CANARY);
	http_resp_init(&R, body_mem, cap, no_body);
}

static int canary_ok(size_t cap)
{
	size_t i;

	for (i = 0; i < CANARY; i++)
		if (body_mem[cap + i] != 0xa5)
			return 0;
	return 1;
}

/* Feed in[a..b) to R, starting a new response after each DONE. */
static int feed_segment(const struct vcase *c, size_t a, size_t b,
	size_t *start, int *idx)
{
	for (;;) {
		size_t used = 99;
		int rc = http_resp_feed(&R, in_buf + a, b - a, &used);

		if (rc == HTTP_MORE) {
			EQ(used, b - a);
			return rc;
		}
		if (rc != HTTP_DONE)
			return rc;
		a += used;
		if (*idx < c->nresp)
			check_want(&c->w[*idx], a - *start);
		(*idx)++;
		*start = a;
		init_resp(CAP, c->no_body);
		if (a == b)
			return HTTP_MORE;
	}
}

static void run_valid(const struct vcase *c, size_t len, size_t ncut)
{
	size_t s, a = 0, start = 0;
	int idx = 0, rc = HTTP_MORE;

	init_resp(CAP, c->no_body);
	for (s = 0; s <= ncut && rc == HTTP_MORE; s++) {
		size_t b = s < ncut ? cuts[s] : len;

		rc = feed_segment(c, a, b, &start, &idx);
		a = b;
	}
	EQ(rc, HTTP_MORE);
	if (c->eof_ends && idx == c->nresp - 1) {
		EQ(http_resp_eof(&R), HTTP_DONE);
		check_want(&c->w[idx++], len - start);
	}
	if (!c->eof_ends)
		EQ(start, len);
	EQ(idx, c->nresp);
	CHECKM(canary_ok(CAP), "%s: wrote past body_cap", where);
}

/* Calls fn(ctx, len, ncut) with the cuts of each mode: whole, every two-way
 * split (strided for big inputs), one byte per feed. */
static void each_split(const char *name, size_t len,
	void (*fn)(const void *, size_t, size_t), const void *ctx)
{
	size_t k, step = len > SPLIT_ALL ? 61 : 1;

	snprintf(where, sizeof where, "%s/whole", name);
	fn(ctx, len, 0);
	for (k = 0;; k += step) {
		cuts[0] = k < len ? k : len;
		snprintf(where, sizeof where, "%s/split@%zu", name, cuts[0]);
		fn(ctx, len, 1);
		if (cuts[0] == len)
			break;
	}
	for (k = 0; k + 1 < len; k++)
		cuts[k] = k + 1;
	snprintf(where, sizeof where, "%s/bytes", name);
	fn(ctx, len, len ? len - 1 : 0);
}

static void valid_fn(const void *ctx, size_t len, size_t ncut)
{
	run_valid(ctx, len, ncut);
}

static void test_valid_case(const struct vcase *c)
{
	size_t len = 0;
	int i;

	for (i = 0; i < c->nresp; i++) {
		size_t n = strlen(c->w[i].text);

		memcpy(in_buf + len, c->w[i].text, n);
		len += n;
	}
	each_split(c->name, len, valid_fn, c);
}

/* ---- valid responses ---- */

#define WWW "Bearer authorization=\"https://login.microsoftonline.com/t\", " \
	"resource=\"https://vault.azure.net\""

static const struct vcase valid[] = {
	{ "content-length", 0, 0, 1, { {
		"HTTP/1.1 200 OK\r\n"
		"Content-Type: application/json; charset=utf-8\r\n"
		"Content-Length: 13\r\n"
		"Date: Mon, 01 Jan 2024 00:00:00 GMT\r\n"
		"\r\n{\"value\":\"x\"}",
		200, 1, 1, 0, 0, 13, "{\"value\":\"x\"}", NULL, NULL,
		"Mon, 01 Jan 2024 00:00:00 GMT",
		"application/json; charset=utf-8" } } },
	{ "chunked-ext-trailers", 0, 0, 1, { {
		"HTTP/1.1 200 OK\r\n"
		"Transfer-Encoding: Chunked\r\n"
		"Content-Length: 999\r\n"
		"\r\n"
		"5;foo=bar\r\nhello\r\n"
		"1 ; x=\"y\"\r\n,\r\n"
		"0000A\r\n0123456789\r\n"
		"9\r\n\r\nabc\r\n\x80\xff\r\n"
		"0;last\r\nX-Trailer: t\r\nX-Empty:\r\n\r\n",
		200, 1, 1, 1, 0, -1, "hello,0123456789\r\nabc\r\n\x80\xff",
		NULL, NULL, NULL, NULL } } },
	{ "chunked-empty", 0, 0, 1, { {
		"HTTP/1.1 200 OK\r\ntransfer-encoding:chunked\r\n\r\n0\r\n\r\n",
		200, 1, 1, 1, 0, -1, "", NULL, NULL, NULL, NULL } } },
	{ "204", 0, 0, 1, { {
		"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n",
		204, 1, 0, 0, 0, -1, "", NULL, NULL, NULL, NULL } } },
	{ "304-with-length", 0, 0, 1, { {
		"HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n",
		304, 1, 1, 0, 0, 50, "", NULL, NULL, NULL, NULL } } },
	{ "1xx-then-200", 0, 0, 1, { {
		"HTTP/1.1 100 Continue\r\nRetry-After: 5\r\n\r\n"
		"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\nLocation: /x\r\n\r\n"
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		200, 1, 1, 0, 0, 2, "ok", NULL, NULL, NULL, NULL } } },
	{ "http10-close", 0, 1, 1, { {
		"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil\r\nclose",
		200, 0, 0, 0, 0, -1, "until\r\nclose", NULL, NULL, NULL,
		"text/plain" } } },
	{ "http10-close-empty", 0, 1, 1, { {
		"HTTP/1.0 200 OK\r\n\r\n",
		200, 0, 0, 0, 0, -1, "", NULL, NULL, NULL, NULL } } },
	{ "http10-keepalive-length", 0, 0, 1, { {
		"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n"
		"Content-Length: 3\r\n\r\nabc",
		200, 0, 1, 0, 0, 3, "abc", NULL, NULL, NULL, NULL } } },
	{ "http10-length-default-close", 0, 0, 1, { {
		"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc",
		200, 0, 0, 0, 0, 3, "abc", NULL, NULL, NULL, NULL } } },
	{ "http10-keepalive-but-close-framed", 0, 1, 1, { {
		"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nxyz",
		200, 0, 0, 0, 0, -1, "xyz", NULL, NULL, NULL, NULL } } },
	{ "http11-close-list", 0, 0, 1, { {
		"HTTP/1.1 200 OK\r\nConnection: foo, CLOSE ,keep-alive\r\n"
		"Content-Length: 1\r\n\r\nz",
		200, 1, 0, 0, 0, 1, "z", NULL, NULL, NULL, NULL } } },
	{ "http11-close-then-keepalive", 0, 0, 1, { {
		"HTTP/1.1 200 OK\r\nConnection: close\r\n"
		"Connection: keep-alive\r\nContent-Length: 0\r\n\r\n",
		200, 1, 0, 0, 0, 0, "", NULL, NULL, NULL, NULL } } },
	{ "http11-not-close-token", 0, 0, 1, { {
		"HTTP/1.1 200 OK\r\nConnection: closed, Upgrade\r\n"
		"Content-Length: 0\r\n\r\n",
		200, 1, 1, 0, 0, 0, "", NULL, NULL, NULL, NULL } } },
	{ "http11-read-to-close", 0, 1, 1, { {
		"HTTP/1.1 500 Oops\r\nX: y\r\n\r\nerror text",
		500, 1, 0, 0, 0, -1, "error text", NULL, NULL, NULL, NULL } } },
	{ "pipelined", 0, 0, 2, {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
			200, 1, 1, 0, 0, 3, "abc", NULL, NULL, NULL, NULL },
		{ "HTTP/1.1 401 Unauthorized\r\n"
			"WWW-Authenticate: " WWW "\r\n"
			"www-authenticate: Basic realm=\"second\"\r\n"
			"Content-Length: 0\r\nRetry-After:  10 \r\n"
			"Location: /x\r\n\r\n",
			401, 1, 1, 0, 1, 0, "", WWW, "10", NULL, NULL } } },
	{ "pipelined-chunked-then-close", 0, 1, 3, {
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			"2\r\nab\r\n0\r\n\r\n",
			200, 1, 1, 1, 0, -1, "ab", NULL, NULL, NULL, NULL },
		{ "HTTP/1.1 429 Too Many\r\nRetry-After: 2\r\n"
			"Content-Length: 1\r\n\r\n!",
			429, 1, 1, 0, 0, 1, "!", NULL, "2", NULL, NULL },
		{ "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nrest",
			200, 1, 0, 0, 0, -1, "rest", NULL, NULL, NULL, NULL } } },
	{ "head-request", 1, 0, 1, { {
		"HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n",
		200, 1, 1, 0, 0, 5000000, "", NULL, NULL, NULL, NULL } } },
	{ "head-request-chunked", 1, 0, 1, { {
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
		200, 1, 1, 1, 0, -1, "", NULL, NULL, NULL, NULL } } },
	{ "empty-reason", 0, 0, 1, { {
		"HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n",
		200, 1, 1, 0, 0, 0, "", NULL, NULL, NULL, NULL } } },
	{ "no-reason", 0, 0, 1, { {
		"HTTP/1.1 999\r\nContent-Length: 0\r\n\r\n",
		999, 1, 1, 0, 0, 0, "", NULL, NULL, NULL, NULL } } },
	{ "ows-case-obstext", 0, 0, 1, { {
		"HTTP/1.1 200 \xc3\x89t\xc3\xa9 \t ok\r\n"
		"content-TYPE: \t text/plain;\tx=1 \t\r\n"
		"X-Caf\x65: caf\xc3\xa9\r\n"
		"CONTENT-LENGTH: 002\r\ncontent-length:2\r\n"
		"DATE:\r\n\r\nhi",
		200, 1, 1, 0, 0, 2, "hi", NULL, NULL, NULL,
		"text/plain;\tx=1" } } },
	{ "body-exactly-cap", 0, 0, 1, { {
		"HTTP/1.1 200 OK\r\nContent-Length: 256\r\n\r\n"
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		200, 1, 1, 0, 0, 256,
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		NULL, NULL, NULL, NULL } } },
};

/* ---- error runner ---- */

struct ecase {
	const char *name;
	const char *in;
	size_t len;
	size_t cap;   /* 0: CAP */
	int eof;      /* call http_resp_eof after all input */
	int want;
};

static int run_err(const struct ecase *c, size_t ncut)
{
	size_t s, a = 0, cap = c->cap ? c->cap : CAP;
	int rc = HTTP_MORE;

	init_resp(cap, 0);
	for (s = 0; s <= ncut && rc == HTTP_MORE; s++) {
		size_t b = s < ncut ? cuts[s] : c->len, used;

		rc = http_resp_feed(&R, c->in + a, b - a, &used);
		a = b;
	}
	if (rc == HTTP_MORE && c->eof)
		rc = http_resp_eof(&R);
	CHECKM(canary_ok(cap), "%s: wrote past body_cap", where);
	return rc;
}

static void err_fn(const void *ctx, size_t len, size_t ncut)
{
	const struct ecase *c = ctx;
	size_t used = 99;

	(void)len;
	EQ(run_err(c, ncut), c->want);
	/* the error sticks: more input and eof give it back unchanged */
	EQ(http_resp_feed(&R, "x", 1, &used), c->want);
	EQ(used, 0);
	EQ(http_resp_eof(&R), c->want);
}

static void test_err_case(const struct ecase *c)
{
	each_split(c->name, c->len, err_fn, c);
}

#define E(name, lit, cap, eof, want) { name, lit, sizeof(lit) - 1, cap, eof, want }
#define OK "HTTP/1.1 200 OK\r\n"
#define CH OK "Transfer-Encoding: chunked\r\n\r\n"

static const struct ecase errs[] = {
	E("status-2-digits", "HTTP/1.1 20 OK\r\n\r\n", 0, 0, HTTP_E_STATUS),
	E("status-4-digits", "HTTP/1.1 2000 OK\r\n\r\n", 0, 0, HTTP_E_STATUS),
	E("status-non-numeric", "HTTP/1.1 2x0 OK\r\n", 0, 0, HTTP_E_STATUS),
	E("status-letters", "HTTP/1.1 abc OK\r\n", 0, 0, HTTP_E_STATUS),
	E("status-under-100", "HTTP/1.1 099 OK\r\n", 0, 0, HTTP_E_STATUS),
	E("status-http2", "HTTP/2 200 OK\r\n", 0, 0, HTTP_E_STATUS),
	E("status-http2.0", "HTTP/2.0 200 OK\r\n", 0, 0, HTTP_E_STATUS),
	E("status-http1.2", "HTTP/1.2 200 OK\r\n", 0, 0, HTTP_E_STATUS),
	E("status-lowercase", "http/1.1 200 OK\r\n", 0, 0, HTTP_E_STATUS),
	E("status-icy", "ICY 200 OK\r\n", 0, 0, HTTP_E_STATUS),
	E("status-no-reason-space", "HTTP/1.1 200OK\r\n", 0, 0, HTTP_E_STATUS),
	E("status-double-space", "HTTP/1.1  200 OK\r\n", 0, 0, HTTP_E_STATUS),
	E("status-short", "HTTP/1.1\r\n", 0, 0, HTTP_E_STATUS),
	E("status-bare-lf", "HTTP/1.1 200 OK\nX: y\n\n", 0, 0, HTTP_E_BARE_LF),
	E("status-stray-cr", "HTTP/1.1 200 O\rK\r\n", 0, 0, HTTP_E_STATUS),
	E("status-ctl", "HTTP/1.1 200 O\x01K\r\n", 0, 0, HTTP_E_STATUS),
	E("status-nul", "HTTP/1.1 200 O\0K\r\n", 0, 0, HTTP_E_STATUS),
	E("status-del", "HTTP/1.1 200 OK\x7f\r\n", 0, 0, HTTP_E_STATUS),
	E("status-leading-empty-line", "\r\nHTTP/1.1 200 OK\r\n", 0, 0,
		HTTP_E_STATUS),
	E("status-101", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n"
		"\r\n", 0, 0, HTTP_E_STATUS),
	E("status-bad-after-100", "HTTP/1.1 100 Continue\r\n\r\n"
		"HTTP/1.1 20 OK\r\n", 0, 0, HTTP_E_STATUS),

	E("header-ctl", OK "X: a\x01" "b\r\n\r\n", 0, 0, HTTP_E_HEADER),
	E("header-nul", OK "X: a\0b\r\n\r\n", 0, 0, HTTP_E_HEADER),
	E("header-del", OK "X: a\x7f\r\n\r\n", 0, 0, HTTP_E_HEADER),
	E("header-stray-cr", OK "X: a\rb\r\n\r\n", 0, 0, HTTP_E_HEADER),
	E("header-esc-in-name", OK "X\x1b: a\r\n\r\n", 0, 0, HTTP_E_HEADER),
	E("header-obs-fold-sp", OK "X: a\r\n b\r\n\r\n", 0, 0, HTTP_E_HEADER),
	E("header-obs-fold-tab", OK "X: a\r\n\tb\r\n\r\n", 0, 0, HTTP_E_HEADER),
	E("header-space-before-colon", OK "X : a\r\n\r\n", 0, 0, HTTP_E_HEADER),
	E("header-empty-name", OK ": a\r\n\r\n", 0, 0, HTTP_E_HEADER),
	E("header-no-colon", OK "Xa\r\n\r\n", 0, 0, HTTP_E_HEADER),
	E("header-bad-name", OK "X(y): a\r\n\r\n", 0, 0, HTTP_E_HEADER),
	E("header-8bit-name", OK "X\x80: a\r\n\r\n", 0, 0, HTTP_E_HEADER),
	E("header-bare-lf", OK "X: a\n\r\n", 0, 0, HTTP_E_BARE_LF),
	E("header-bare-lf-end", OK "X: a\r\n\n", 0, 0, HTTP_E_BARE_LF),
	E("header-lone-cr-end", OK "X: a\r\n\r\r\n", 0, 0, HTTP_E_HEADER),
	E("trailer-no-colon", CH "0\r\nBad trailer\r\n\r\n", 0, 0,
		HTTP_E_HEADER),
	E("trailer-bare-lf", CH "0\r\nX: y\n\r\n", 0, 0, HTTP_E_BARE_LF),
	E("trailer-bare-lf-end", CH "0\r\n\n", 0, 0, HTTP_E_BARE_LF),

	E("length-overflow", OK "Content-Length: 99999999999999999999\r\n\r\n",
		0, 0, HTTP_E_LENGTH),
	E("length-llong-max+1", OK "Content-Length: 9223372036854775808\r\n\r\n",
		0, 0, HTTP_E_LENGTH),
	E("length-negative", OK "Content-Length: -1\r\n\r\n", 0, 0,
		HTTP_E_LENGTH),
	E("length-plus", OK "Content-Length: +5\r\n\r\n", 0, 0, HTTP_E_LENGTH),
	E("length-hex", OK "Content-Length: 0x10\r\n\r\n", 0, 0, HTTP_E_LENGTH),
	E("length-inner-space", OK "Content-Length: 1 2\r\n\r\n", 0, 0,
		HTTP_E_LENGTH),
	E("length-empty", OK "Content-Length:\r\n\r\n", 0, 0, HTTP_E_LENGTH),
	E("length-list", OK "Content-Length: 1,1\r\n\r\n", 0, 0, HTTP_E_LENGTH),
	E("length-conflict", OK "Content-Length: 1\r\nContent-Length: 2\r\n\r\n",
		0, 0, HTTP_E_LENGTH),

	E("body-length-over-cap", OK "Content-Length: 257\r\n\r\n", 0, 0,
		HTTP_E_BODY_TOO_BIG),
	E("body-length-llong-max", OK "Content-Length: 9223372036854775807\r\n"
		"\r\n", 0, 0, HTTP_E_BODY_TOO_BIG),
	E("body-chunks-over-cap", CH "5\r\nhello\r\n4\r\nabcd\r\n0\r\n\r\n", 8, 0,
		HTTP_E_BODY_TOO_BIG),
	E("body-chunk-ffff", CH "ffffffffffffffff\r\n", 0, 0,
		HTTP_E_BODY_TOO_BIG),
	E("body-chunk-many-digits", CH "100000000000000000000000000001\r\n", 0,
		0, HTTP_E_BODY_TOO_BIG),
	E("body-close-over-cap", "HTTP/1.0 200 OK\r\n\r\n0123456789", 8, 1,
		HTTP_E_BODY_TOO_BIG),

	E("chunk-bad-hex", CH "zz\r\n", 0, 0, HTTP_E_CHUNK),
	E("chunk-empty-size", CH "\r\n", 0, 0, HTTP_E_CHUNK),
	E("chunk-negative", CH "-1\r\n", 0, 0, HTTP_E_CHUNK),
	E("chunk-trailing-junk", CH "1g\r\n", 0, 0, HTTP_E_CHUNK),
	E("chunk-0x", CH "0x5\r\n", 0, 0, HTTP_E_CHUNK),
	E("chunk-leading-space", CH " 5\r\n", 0, 0, HTTP_E_CHUNK),
	E("chunk-trailing-space", CH "5 \r\n", 0, 0, HTTP_E_CHUNK),
	E("chunk-ext-ctl", CH "5;a\x01\r\n", 0, 0, HTTP_E_CHUNK),
	E("chunk-bare-lf", CH "5\nhello\r\n", 0, 0, HTTP_E_BARE_LF),
	E("chunk-missing-crlf", CH "5\r\nhelloX\r\n0\r\n\r\n", 0, 0,
		HTTP_E_CHUNK),
	E("chunk-missing-lf", CH "5\r\nhello\rX", 0, 0, HTTP_E_CHUNK),
	E("chunk-data-bare-lf", CH "5\r\nhello\n0\r\n\r\n", 0, 0, HTTP_E_BARE_LF),

	E("eof-nothing", "", 0, 1, HTTP_E_TRUNCATED),
	E("eof-mid-status", "HTTP/1.1 200 O", 0, 1, HTTP_E_TRUNCATED),
	E("eof-mid-headers", OK "Content-Le", 0, 1, HTTP_E_TRUNCATED),
	E("eof-before-empty-line", OK "Content-Length: 1\r\n", 0, 1,
		HTTP_E_TRUNCATED),
	E("eof-after-100", "HTTP/1.1 100 Continue\r\n\r\n", 0, 1,
		HTTP_E_TRUNCATED),
	E("eof-length-body", OK "Content-Length: 10\r\n\r\nhello", 0, 1,
		HTTP_E_TRUNCATED),
	E("eof-chunk-data", CH "5\r\nhel", 0, 1, HTTP_E_TRUNCATED),
	E("eof-chunk-size", CH "5\r\nhello\r\n1", 0, 1, HTTP_E_TRUNCATED),
	E("eof-chunk-crlf", CH "5\r\nhello\r", 0, 1, HTTP_E_TRUNCATED),
	E("eof-chunk-no-last", CH "5\r\nhello\r\n", 0, 1, HTTP_E_TRUNCATED),
	E("eof-chunk-no-final-crlf", CH "0\r\n", 0, 1, HTTP_E_TRUNCATED),
	E("eof-chunk-mid-trailer", CH "0\r\nX: y\r\n", 0, 1, HTTP_E_TRUNCATED),

	E("te-gzip", OK "Transfer-Encoding: gzip\r\n\r\n", 0, 0,
		HTTP_E_ENCODING),
	E("te-chunked-gzip", OK "Transfer-Encoding: chunked, gzip\r\n\r\n", 0,
		0, HTTP_E_ENCODING),
	E("te-gzip-chunked", OK "Transfer-Encoding: gzip, chunked\r\n\r\n", 0,
		0, HTTP_E_ENCODING),
	E("te-identity", OK "Transfer-Encoding: identity\r\n\r\n", 0, 0,
		HTTP_E_ENCODING),
	E("te-empty", OK "Transfer-Encoding:\r\n\r\n", 0, 0, HTTP_E_ENCODING),
	E("te-chunkedx", OK "Transfer-Encoding: chunkedx\r\n\r\n", 0, 0,
		HTTP_E_ENCODING),
	E("te-twice", OK "Transfer-Encoding: chunked\r\n"
		"Transfer-Encoding: chunked\r\n\r\n", 0, 0, HTTP_E_ENCODING),
	E("te-on-204", "HTTP/1.1 204 No Content\r\nTransfer-Encoding: gzip\r\n"
		"\r\n", 0, 0, HTTP_E_ENCODING),
};

/* ---- generated inputs: exact limits ---- */

static char gen[128 * 1024];
static char val[4096];

static size_t fill(char *p, int c, size_t n)
{
	memset(p, c, n);
	return n;
}

/* A head of exactly total bytes: padding goes in one X-Pad header. */
static size_t head_of(char *out, size_t total)
{
	static const char pre[] = OK "Content-Length: 0\r\nX-Pad: ";
	size_t n = sizeof pre - 1;

	memcpy(out, pre, n);
	n += fill(out + n, 'p', total - n - 4);
	memcpy(out + n, "\r\n\r\n", 4);
	return n + 4;
}

/* A response with exactly nfields header fields. */
static size_t fields_of(char *out, int nfields)
{
	size_t n = 0;
	int i;

	n += (size_t)sprintf(out + n, OK "Content-Length: 0\r\n");
	for (i = 1; i < nfields; i++)
		n += (size_t)sprintf(out + n, "X-%d: v\r\n", i);
	n += (size_t)sprintf(out + n, "\r\n");
	return n;
}

/* Chunked, empty body, ntrailers trailer fields after the one header. */
static size_t trailers_of(char *out, int ntrailers)
{
	size_t n = (size_t)sprintf(out, CH "0\r\n");
	int i;

	for (i = 0; i < ntrailers; i++)
		n += (size_t)sprintf(out + n, "T-%d: v\r\n", i);
	n += (size_t)sprintf(out + n, "\r\n");
	return n;
}

static void expect_valid_text(const char *name, const char *text,
	const char *www, const char *ctype)
{
	struct vcase c = { name, 0, 0, 1, { { text, 200, 1, 1, 0, 0, 0, "",
		www, NULL, NULL, ctype } } };

	test_valid_case(&c);
}

static void expect_err_text(const char *name, const char *text, size_t len,
	int want)
{
	struct ecase c = { name, text, len, 0, 0, want };

	test_err_case(&c);
}

static void test_head_limit(void)
{
	size_t n = head_of(gen, HTTP_HEAD_MAX);

	EQ(n, HTTP_HEAD_MAX);
	gen[n] = 0;
	expect_valid_text("head-at-limit", gen, NULL, NULL);
	n = head_of(gen, HTTP_HEAD_MAX + 1);
	expect_err_text("head-over-limit", gen, n, HTTP_E_HEAD_TOO_BIG);

	n = (size_t)sprintf(gen, OK "X-Big: ");
	n += fill(gen + n, 'a', 100 * 1000);
	memcpy(gen + n, "\r\n\r\n", 4);
	expect_err_text("header-100k-line", gen, n + 4, HTTP_E_HEAD_TOO_BIG);
}

static void test_field_count(void)
{
	size_t n = fields_of(gen, HTTP_HEADERS_MAX);

	gen[n] = 0;
	expect_valid_text("fields-at-limit", gen, NULL, NULL);
	n = fields_of(gen, HTTP_HEADERS_MAX + 1);
	expect_err_text("fields-over-limit", gen, n, HTTP_E_TOO_MANY);
	/* trailer fields count toward the same limit as the header's */
	n = trailers_of(gen, HTTP_HEADERS_MAX - 1);
	{
		struct vcase c = { "trailers-at-limit", 0, 0, 1, { { gen, 200,
			1, 1, 1, 0, -1, "", NULL, NULL, NULL, NULL } } };

		test_valid_case(&c);
	}
	n = trailers_of(gen, HTTP_HEADERS_MAX);
	expect_err_text("trailers-over-limit", gen, n, HTTP_E_TOO_MANY);
}

/* A kept value of exactly cap-1 bytes fits; cap bytes is HTTP_E_HEADER. */
static void test_kept_len(const char *field, size_t cap)
{
	char name[64];
	size_t n;
	int www = strcmp(field, "WWW-Authenticate") == 0;

	val[fill(val, 'v', cap - 1)] = 0;
	n = (size_t)sprintf(gen, OK "%s: %s\r\nContent-Length: 0\r\n\r\n",
		field, val);
	snprintf(name, sizeof name, "%s-fits", field);
	expect_valid_text(name, gen, www ? val : NULL, www ? NULL : val);
	n = (size_t)sprintf(gen, OK "%s: %sv\r\nContent-Length: 0\r\n\r\n",
		field, val);
	snprintf(name, sizeof name, "%s-too-long", field);
	expect_err_text(name, gen, n, HTTP_E_HEADER);
}

/* The chunk-size line with its CRLF may be HTTP_CHUNK_LINE_MAX bytes. */
static void test_chunk_line_limit(void)
{
	size_t n = (size_t)sprintf(gen, CH "1;");

	n += fill(gen + n, 'x', HTTP_CHUNK_LINE_MAX - 4);
	sprintf(gen + n, "\r\nz\r\n0\r\n\r\n");
	{
		struct vcase c = { "chunk-line-at-limit", 0, 0, 1, { { gen, 200,
			1, 1, 1, 0, -1, "z", NULL, NULL, NULL, NULL } } };

		test_valid_case(&c);
	}
	n = (size_t)sprintf(gen, CH "1;");
	n += fill(gen + n, 'x', HTTP_CHUNK_LINE_MAX - 3);
	n += (size_t)sprintf(gen + n, "\r\nz\r\n0\r\n\r\n");
	expect_err_text("chunk-line-over-limit", gen, n, HTTP_E_CHUNK);
}

/* body_cap above HTTP_BODY_MAX is clamped to it. */
static void test_body_max(void)
{
	size_t n, used = 0;

	n = (size_t)sprintf(in_buf, OK "Content-Length: %d\r\n\r\n",
		HTTP_BODY_MAX + 1);
	snprintf(where, sizeof where, "body-max+1");
	init_resp(BIG, 0);
	EQ(http_resp_feed(&R, in_buf, n, &used), HTTP_E_BODY_TOO_BIG);
	EQ(used, n);

	n = (size_t)sprintf(in_buf, OK "Content-Length: %d\r\n\r\n",
		HTTP_BODY_MAX);
	n += fill(in_buf + n, 'b', HTTP_BODY_MAX);
	snprintf(where, sizeof where, "body-max");
	init_resp(BIG, 0);
	EQ(http_resp_feed(&R, in_buf, n, &used), HTTP_DONE);
	EQ(used, n);
	EQ(R.body_len, HTTP_BODY_MAX);
	EQ(body_mem[HTTP_BODY_MAX - 1], 'b');
}

/* The cap is checked from the Content-Length alone: no body byte is read. */
static void test_length_checked_first(void)
{
	static const char in[] = OK "Content-Length: 257\r\n\r\nxyz";
	size_t used = 0;

	snprintf(where, sizeof where, "length-checked-first");
	init_resp(CAP, 0);
	EQ(http_resp_feed(&R, in, sizeof in - 1, &used), HTTP_E_BODY_TOO_BIG);
	EQ(used, sizeof in - 4);
	EQ(R.body_len, 0);
}

static void test_state(void)
{
	static const char in[] = OK "Content-Length: 1\r\n\r\nzHTTP";
	size_t used = 0;

	snprintf(where, sizeof where, "state");
	init_resp(CAP, 0);
	EQ(http_resp_feed(&R, in, sizeof in - 1, &used), HTTP_DONE);
	EQ(used, sizeof in - 5);
	EQ(http_resp_eof(&R), HTTP_DONE);
	EQ(http_resp_feed(&R, in + used, 4, &used), HTTP_E_STATE);
	EQ(used, 0);
	EQ(http_resp_feed(&R, "", 0, &used), HTTP_E_STATE);
	EQ(http_resp_eof(&R), HTTP_E_STATE);
	EQ(R.status, 200);
	EQ(R.body_len, 1);
}

static void test_strerror(void)
{
	int a, b;

	for (a = HTTP_E_BARE_LF; a <= HTTP_E_STATUS; a++) {
		CHECK(strlen(http_strerror(a)) > 0);
		CHECK(strcmp(http_strerror(a), http_strerror(0)) != 0);
		for (b = HTTP_E_BARE_LF; b < a; b++)
			CHECK(strcmp(http_strerror(a), http_strerror(b)) != 0);
	}
	CHECK_STR(http_strerror(HTTP_E_CHUNK), "malformed chunked encoding");
	CHECK_STR(http_strerror(-99), "unknown HTTP error");
}

/* ---- request writer ---- */

static char out[HTTP_REQ_MAX];

static void check_fmt(long got, const char *want)
{
	EQ(got, (long)strlen(want));
	CHECKM(got == (long)strlen(want) && memcmp(out, want, strlen(want)) == 0,
		"got \"%.*s\"", got > 0 ? (int)got : 0, out);
}

static void test_fmt_exact(void)
{
	static const http_hdr imds[] = { { "Metadata", "true", NULL } };
	static const http_hdr form[] = {
		{ "Content-Type", "application/x-www-form-urlencoded", NULL },
		{ "Accept", "application/json\t;q=1", NULL },
	};
	static const http_hdr bearer[] = { { "Authorization", "tok.en", "Bearer " } };
	static const http_hdr bad_pre[] = { { "Authorization", "tok", "Bearer\r\nX: y " } };

	/* pre is written just before the value */
	check_fmt(http_req_fmt(out, sizeof out, "GET", "v.example", "/s", bearer, 1,
		NULL, 0, 1),
		"GET /s HTTP/1.1\r\nHost: v.example\r\nAuthorization: Bearer tok.en\r\n"
		"Connection: keep-alive\r\n\r\n");
	CHECK_EQ(http_req_fmt(out, sizeof out, "GET", "v.example", "/s", bad_pre, 1,
		NULL, 0, 1), HTTP_E_REQUEST);

	check_fmt(http_req_fmt(out, sizeof out, "GET", "169.254.169.254",
		"/metadata/identity/oauth2/token?api-version=2018-02-01",
		imds, 1, NULL, 0, 0),
		"GET /metadata/identity/oauth2/token?api-version=2018-02-01 "
		"HTTP/1.1\r\nHost: 169.254.169.254\r\nMetadata: true\r\n"
		"Connection: close\r\n\r\n");
	check_fmt(http_req_fmt(out, sizeof out, "POST", "login.example:443",
		"/t/oauth2/v2.0/token", form, 2, "a=b&c=d", 7, 1),
		"POST /t/oauth2/v2.0/token HTTP/1.1\r\nHost: login.example:443\r\n"
		"Content-Type: application/x-www-form-urlencoded\r\n"
		"Accept: application/json\t;q=1\r\n"
		"Content-Length: 7\r\nConnection: keep-alive\r\n\r\na=b&c=d");
	check_fmt(http_req_fmt(out, sizeof out, "POST", "h", "/", NULL, 0,
		NULL, 0, 0),
		"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n"
		"Connection: close\r\n\r\n");
	check_fmt(http_req_fmt(out, sizeof out, "PUT", "h", "/", NULL, 0,
		"", 0, 1),
		"PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n"
		"Connection: keep-alive\r\n\r\n");
}

struct bad_req {
	const char *method, *host, *target, *name, *value;
};

static const struct bad_req bad_reqs[] = {
	{ "GET\r\n", "h", "/", "X", "v" },
	{ "GE T", "h", "/", "X", "v" },
	{ "", "h", "/", "X", "v" },
	{ NULL, "h", "/", "X", "v" },
	{ "GET", "h\r\nX: y", "/", "X", "v" },
	{ "GET", "h h", "/", "X", "v" },
	{ "GET", "", "/", "X", "v" },
	{ "GET", "h", "/a\r\nX: y", "X", "v" },
	{ "GET", "h", "/a\nb", "X", "v" },
	{ "GET", "h", "/a b", "X", "v" },
	{ "GET", "h", "", "X", "v" },
	{ "GET", "h", "/", "X\r\nY", "v" },
	{ "GET", "h", "/", "X Y", "v" },
	{ "GET", "h", "/", "X:", "v" },
	{ "GET", "h", "/", "", "v" },
	{ "GET", "h", "/", "X", "a\r\nEvil: 1" },
	{ "GET", "h", "/", "X", "a\nb" },
	{ "GET", "h", "/", "X", "a\rb" },
	{ "GET", "h", "/", "X", "a\x01" },
	{ "GET", "h", "/", "X", NULL },
	{ "GET", "h", "/", "Host", "v" },
	{ "GET", "h", "/", "content-length", "1" },
	{ "GET", "h", "/", "Connection", "close" },
	{ "GET", "h", "/", "Transfer-Encoding", "chunked" },
};

static void test_fmt_reject(void)
{
	size_t i;

	for (i = 0; i < sizeof bad_reqs / sizeof bad_reqs[0]; i++) {
		const struct bad_req *b = &bad_reqs[i];
		http_hdr h = { b->name, b->value, NULL };

		CHECKM(http_req_fmt(out, sizeof out, b->method, b->host,
			b->target, &h, 1, NULL, 0, 0) == HTTP_E_REQUEST,
			"bad request %zu accepted", i);
	}
	EQ(http_req_fmt(out, sizeof out, "GET", "h", "/", NULL, 1, NULL, 0, 0),
		HTTP_E_REQUEST);
	EQ(http_req_fmt(out, sizeof out, "POST", "h", "/", NULL, 0, NULL, 5, 0),
		HTTP_E_REQUEST);
}

/* Every cap short of the request fails and writes nothing past cap. */
static void test_fmt_small(void)
{
	static const char want[] = "POST / HTTP/1.1\r\nHost: h\r\n"
		"Content-Length: 4\r\nConnection: close\r\n\r\nbody";
	size_t cap, len = sizeof want - 1;

	for (cap = 0; cap < len; cap++) {
		memset(out, 'Z', sizeof out);
		EQ(http_req_fmt(cap ? out : NULL, cap, "POST", "h", "/", NULL, 0,
			"body", 4, 0), HTTP_E_REQUEST);
		CHECKM(out[cap] == 'Z', "wrote past cap %zu", cap);
	}
	memset(out, 'Z', sizeof out);
	check_fmt(http_req_fmt(out, len, "POST", "h", "/", NULL, 0, "body", 4, 0),
		want);
	EQ(out[len], 'Z');
}

/* The reason phrase is kept for messages (a proxy's refusal), cut to its
 * field; none gives "". */
static void test_reason(void)
{
	static const struct { const char *in, *want; } t[] = {
		{ "HTTP/1.1 403 Forbidden\r\n\r\n", "Forbidden" },
		{ "HTTP/1.0 407 Proxy Authentication Required\r\n\r\n", "Proxy Authentication Required" },
		{ "HTTP/1.1 200\r\n\r\n", "" },
		{ "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\n\r\n", "Busy" },
	};
	char line[HTTP_SHORTVAL_MAX * 2 + 32];
	size_t i, used;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		http_resp_init(&R, NULL, 0, 1);
		CHECK_EQ(http_resp_feed(&R, t[i].in, strlen(t[i].in), &used), HTTP_DONE);
		CHECK_STR(R.reason, t[i].want);
	}
	memcpy(line, "HTTP/1.1 502 ", 13);
	memset(line + 13, 'r', HTTP_SHORTVAL_MAX * 2);
	memcpy(line + 13 + HTTP_SHORTVAL_MAX * 2, "\r\n\r\n", 4);
	http_resp_init(&R, NULL, 0, 1);
	CHECK_EQ(http_resp_feed(&R, line, 13 + HTTP_SHORTVAL_MAX * 2 + 4, &used), HTTP_DONE);
	CHECK_EQ(strlen(R.reason), HTTP_SHORTVAL_MAX - 1);
}

int main(int argc, char **argv)
{
	size_t i;

	T_MAIN(argc, argv);
	for (i = 0; i < sizeof valid / sizeof valid[0]; i++)
		T_RUN_WITH(test_valid_case, &valid[i]);
	for (i = 0; i < sizeof errs / sizeof errs[0]; i++)
		T_RUN_WITH(test_err_case, &errs[i]);
	T_RUN(test_reason);
	T_RUN(test_head_limit);
	T_RUN(test_field_count);
	T_RUN_WITH(test_kept_len, "WWW-Authenticate", HTTP_WWWAUTH_MAX);
	T_RUN_WITH(test_kept_len, "Content-Type", HTTP_SHORTVAL_MAX);
	T_RUN(test_chunk_line_limit);
	T_RUN(test_body_max);
	T_RUN(test_length_checked_first);
	T_RUN(test_state);
	T_RUN(test_strerror);
	T_RUN(test_fmt_exact);
	T_RUN(test_fmt_reject);
	T_RUN(test_fmt_small);
	T_END();
}
