#include "http/http.h"
#include "base/fmt.h"
#include "base/str.h"

#include <limits.h>
#include <stddef.h>
#include <string.h>

/*
 * Parser states. Lines (status, header, chunk size, trailer) are gathered
 * whole into r->line before they are looked at, so a line split across
 * feeds parses exactly like one fed whole.
 */
enum {
	S_STATUS,     /* status line */
	S_HEADER,     /* header lines, up to the empty line */
	S_BODY_LEN,   /* chunk_left bytes of a Content-Length body */
	S_BODY_CLOSE, /* body until the peer closes */
	S_CHUNK_SIZE, /* chunk-size line */
	S_CHUNK_DATA, /* chunk_left bytes of chunk data */
	S_CHUNK_CR,   /* the CRLF after chunk data */
	S_CHUNK_LF,
	S_TRAILER,    /* trailer lines after the last chunk, skipped */
	S_DONE,
	S_FAILED
};

_Static_assert(HTTP_LINE_MAX >= HTTP_HEAD_MAX, "a head line fits r->line");
_Static_assert(HTTP_LINE_MAX >= HTTP_CHUNK_LINE_MAX, "a chunk line fits");
_Static_assert(HTTP_BODY_MAX < LLONG_MAX / 16, "chunk sizes cannot overflow");

/* Header values we keep; only the first of each is stored. */
static const struct kept {
	const char *name;
	size_t off, cap;
} kept[] = {
	{ "www-authenticate", offsetof(http_resp, www_authenticate),
		HTTP_WWWAUTH_MAX },
	{ "retry-after", offsetof(http_resp, retry_after), HTTP_SHORTVAL_MAX },
	{ "date", offsetof(http_resp, date), HTTP_SHORTVAL_MAX },
	{ "content-type", offsetof(http_resp, content_type), HTTP_SHORTVAL_MAX },
};

/* Headers the request writer produces itself; callers may not pass them. */
static const char *const own_fields[] = {
	"host", "content-length", "connection", "transfer-encoding",
};

/* RFC 7230 tchar. */
static int is_tchar(int c)
{
	if (str_isalnum(c))
		return 1;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Field-value and reason-phrase bytes: HTAB, SP, VCHAR, obs-text. */
static int is_text(int c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static int all_text(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_text((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Narrow s[*a..*b) to drop optional whitespace at both ends. */
static void trim_ows(const char *s, size_t *a, size_t *b)
{
	while (*a < *b && str_isblank(s[*a]))
		(*a)++;
	while (*b > *a && str_isblank(s[*b - 1]))
		(*b)--;
}

static size_t body_limit(const http_resp *r)
{
	return r->grow || r->body_cap > HTTP_BODY_MAX ? HTTP_BODY_MAX : r->body_cap;
}

/* Append n body bytes (within body_limit, checked before), the buffer
 * grown first when it lacks room. */
static int put_body(http_resp *r, const unsigned char *p, size_t n)
{
	if (n > r->body_cap - r->body_len && r->grow(r, r->body_len + n) < 0)
		return HTTP_E_MEMORY;
	memcpy(r->body + r->body_len, p, n);
	r->body_len += n;
	return 0;
}

/* Everything taken from a header block; cleared again after a 1xx. */
static void head_reset(http_resp *r)
{
	r->status = r->minor = r->chunked = r->has_location = 0;
	r->keep_alive = -1; /* -1 no token yet, 0 close seen, 1 keep-alive */
	r->content_length = -1;
	r->www_authenticate[0] = r->retry_after[0] = 0;
	r->date[0] = r->content_type[0] = r->reason[0] = 0;
	r->nheaders = r->seen_cl = 0;
	r->head_len = r->line_len = 0;
	r->state = S_STATUS;
}

void http_resp_init(http_resp *r, unsigned char *body, size_t cap, int no_body)
{
	head_reset(r);
	r->body = body;
	r->body_cap = cap;
	r->body_len = 0;
	r->grow = NULL;
	r->no_body = no_body != 0;
	r->err = 0;
	r->chunk_left = 0;
}

static int fail(http_resp *r, int code)
{
	r->err = code;
	r->state = S_FAILED;
	return code;
}

static int done(http_resp *r)
{
	r->state = S_DONE;
	return HTTP_DONE;
}

/*
 * Move input up to and including the next LF into r->line, at most room
 * bytes for this line. Returns 1 when the line is complete, 0 when it needs
 * more input, -1 when it is too long. *k = bytes taken.
 */
static int take_line(http_resp *r, const unsigned char *p, size_t n,
	size_t room, size_t *k)
{
	const unsigned char *lf = memchr(p, '\n', n);
	size_t take = lf ? (size_t)(lf - p) + 1 : n;

	if (room > sizeof r->line - r->line_len)
		room = sizeof r->line - r->line_len;
	if (take > room)
		return -1;
	memcpy(r->line + r->line_len, p, take);
	r->line_len += take;
	*k = take;
	return lf != NULL;
}

/* Close the gathered line: length without its CRLF, or -1 for a bare LF
 * (refused rather than guessed at: HTTP_E_BARE_LF). A stray CR inside is left for the
 * line's own parser to reject as a control byte. */
static long line_end(http_resp *r)
{
	size_t n = r->line_len;

	r->line_len = 0;
	if (n < 2 || r->line[n - 2] != '\r')
		return -1;
	return (long)(n - 2);
}

/* A line of a header block or trailer: all count against HTTP_HEAD_MAX. */
static int head_take(http_resp *r, const unsigned char *p, size_t n, size_t *k)
{
	int rc = take_line(r, p, n, HTTP_HEAD_MAX - r->head_len, k);

	if (rc < 0)
		return HTTP_E_HEAD_TOO_BIG;
	r->head_len += *k;
	return rc;
}

/* "HTTP/1.x NNN reason" or "HTTP/1.x NNN" (no reason, no space). */
static int status_line(http_resp *r, const char *s, size_t n)
{
	if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0 || s[8] != ' ')
		return HTTP_E_STATUS;
	if ((s[7] != '0' && s[7] != '1') || s[9] < '1' || s[9] > '9')
		return HTTP_E_STATUS;
	if (!str_isdigit(s[10]) || !str_isdigit(s[11]))
		return HTTP_E_STATUS;
	if (n > 12 && (s[12] != ' ' || !all_text(s + 13, n - 13)))
		return HTTP_E_STATUS;
	r->minor = s[7] - '0';
	r->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	if (n > 13) /* cut to its field: it is only ever shown */
		str_copyn(r->reason, sizeof r->reason, s + 13,
			n - 13 < sizeof r->reason ? n - 13 : sizeof r->reason - 1);
	r->state = S_HEADER;
	return HTTP_MORE;
}

/*
 * Split "name: value" in place into two C strings: the name ends at the
 * colon, the value is OWS-trimmed. obs-fold and a space before the colon
 * fail the tchar test. Returns 0 or HTTP_E_HEADER.
 */
static int split_field(char *s, size_t n, char **value, size_t *vlen)
{
	size_t i = 0, a, b = n;

	while (i < n && is_tchar((unsigned char)s[i]))
		i++;
	if (i == 0 || i == n || s[i] != ':' || !all_text(s + i + 1, n - i - 1))
		return HTTP_E_HEADER;
	a = i + 1;
	trim_ows(s, &a, &b);
	s[i] = 0;
	s[b] = 0; /* at most the line's CR */
	*value = s + a;
	*vlen = b - a;
	return 0;
}

static int on_length(http_resp *r, const char *v, size_t n)
{
	unsigned long long x;

	if (str_udec(v, n, LLONG_MAX, &x) < 0)
		return HTTP_E_LENGTH;
	if (r->seen_cl && (long long)x != r->content_length)
		return HTTP_E_LENGTH;
	r->seen_cl = 1;
	r->content_length = (long long)x;
	return 0;
}

/* Only "chunked", once: any other coding (or a second one) we cannot undo. */
static int on_encoding(http_resp *r, const char *v, size_t n)
{
	if (r->chunked || !str_ieqmem(v, n, "chunked"))
		return HTTP_E_ENCODING;
	r->chunked = 1;
	return 0;
}

/* Comma list of tokens; "close" wins over "keep-alive", others ignored. */
static void on_connection(http_resp *r, const char *v)
{
	while (*v) {
		size_t n = str_cspn(v, ","), a = 0, b = n;

		trim_ows(v, &a, &b);
		if (str_ieqmem(v + a, b - a, "close"))
			r->keep_alive = 0;
		else if (str_ieqmem(v + a, b - a, "keep-alive") && r->keep_alive != 0)
			r->keep_alive = 1;
		v += n + (v[n] == ',');
	}
}

/* An over-long kept value fails: a cut challenge would mislead the caller. */
static int on_kept(http_resp *r, const struct kept *f, const char *v,
	size_t n)
{
	char *dst = (char *)r + f->off;

	if (n >= f->cap)
		return HTTP_E_HEADER;
	if (dst[0] == 0)
		memcpy(dst, v, n + 1);
	return 0;
}

static int on_field(http_resp *r, const char *name, const char *v, size_t n)
{
	size_t i;

	if (str_ieq(name, "content-length"))
		return on_length(r, v, n);
	if (str_ieq(name, "transfer-encoding"))
		return on_encoding(r, v, n);
	if (str_ieq(name, "connection"))
		on_connection(r, v);
	if (str_ieq(name, "location"))
		r->has_location = 1;
	for (i = 0; i < sizeof kept / sizeof kept[0]; i++)
		if (str_ieq(name, kept[i].name))
			return on_kept(r, &kept[i], v, n);
	return 0;
}

static int header_line(http_resp *r, char *s, size_t n)
{
	char *v;
	size_t vlen;

	if (++r->nheaders > HTTP_HEADERS_MAX)
		return HTTP_E_TOO_MANY;
	if (split_field(s, n, &v, &vlen) < 0)
		return HTTP_E_HEADER;
	return on_field(r, s, v, vlen);
}

static int start_length(http_resp *r)
{
	if ((unsigned long long)r->content_length > body_limit(r))
		return HTTP_E_BODY_TOO_BIG;
	r->chunk_left = (unsigned long long)r->content_length;
	if (r->chunk_left == 0)
		return done(r);
	r->state = S_BODY_LEN;
	return HTTP_MORE;
}

/* The empty line: decide how the body is framed (RFC 7230 3.3.3). */
static int head_end(http_resp *r)
{
	if (r->status == 101)
		return HTTP_E_STATUS; /* we never ask to switch protocols */
	if (r->status < 200) {
		head_reset(r);
		return HTTP_MORE;
	}
	if (r->keep_alive < 0)
		r->keep_alive = r->minor == 1;
	if (r->chunked)
		r->content_length = -1; /* ignored: chunked framing wins */
	if (r->no_body || r->status == 204 || r->status == 304)
		return done(r);
	if (r->chunked) {
		r->state = S_CHUNK_SIZE;
		return HTTP_MORE;
	}
	if (r->seen_cl)
		return start_length(r);
	r->keep_alive = 0;
	r->state = S_BODY_CLOSE;
	return HTTP_MORE;
}

static int step_head(http_resp *r, const unsigned char *p, size_t n, size_t *k)
{
	int rc = head_take(r, p, n, k);
	long len;

	if (rc <= 0)
		return rc;
	len = line_end(r);
	if (len < 0)
		return HTTP_E_BARE_LF;
	if (r->state == S_STATUS)
		return status_line(r, r->line, (size_t)len);
	if (len == 0)
		return head_end(r);
	return header_line(r, r->line, (size_t)len);
}

/* Trailer fields are checked like headers, counted, and dropped. */
static int step_trailer(http_resp *r, const unsigned char *p, size_t n,
	size_t *k)
{
	int rc = head_take(r, p, n, k);
	long len;
	char *v;
	size_t vlen;

	if (rc <= 0)
		return rc;
	len = line_end(r);
	if (len < 0)
		return HTTP_E_BARE_LF;
	if (len == 0)
		return done(r);
	if (++r->nheaders > HTTP_HEADERS_MAX)
		return HTTP_E_TOO_MANY;
	return split_field(r->line, (size_t)len, &v, &vlen);
}

/*
 * chunk-size [ BWS ";" ext ]: the size is capped by the room left in the
 * body as it is read, so no digit count can overflow it.
 */
static int chunk_size(http_resp *r, const char *s, size_t n)
{
	unsigned long long x = 0, room = body_limit(r) - r->body_len;
	size_t i = 0;
	int d;

	for (; i < n && (d = str_hexval((unsigned char)s[i])) >= 0; i++) {
		x = x * 16 + (unsigned)d;
		if (x > room)
			return HTTP_E_BODY_TOO_BIG;
	}
	if (i == 0)
		return HTTP_E_CHUNK;
	if (i < n) {
		while (i < n && str_isblank(s[i]))
			i++;
		if (i == n || s[i] != ';' || !all_text(s + i, n - i))
			return HTTP_E_CHUNK;
	}
	r->chunk_left = x;
	r->state = x ? S_CHUNK_DATA : S_TRAILER;
	return HTTP_MORE;
}

static int step_chunk_size(http_resp *r, const unsigned char *p, size_t n,
	size_t *k)
{
	int rc = take_line(r, p, n, HTTP_CHUNK_LINE_MAX - r->line_len, k);
	long len;

	if (rc <= 0)
		return rc < 0 ? HTTP_E_CHUNK : HTTP_MORE;
	len = line_end(r);
	if (len < 0)
		return HTTP_E_BARE_LF;
	return chunk_size(r, r->line, (size_t)len);
}

/* Content-Length body or chunk data: the room was checked when the length
 * was read. */
static int step_data(http_resp *r, const unsigned char *p, size_t n, size_t *k)
{
	size_t take = n < r->chunk_left ? n : (size_t)r->chunk_left;

	if (put_body(r, p, take) < 0)
		return HTTP_E_MEMORY;
	r->chunk_left -= take;
	*k = take;
	if (r->chunk_left > 0)
		return HTTP_MORE;
	if (r->state == S_BODY_LEN)
		return done(r);
	r->state = S_CHUNK_CR;
	return HTTP_MORE;
}

static int step_chunk_crlf(http_resp *r, const unsigned char *p, size_t *k)
{
	int cr = r->state == S_CHUNK_CR;

	if (cr && p[0] == '\n')
		return HTTP_E_BARE_LF;
	if (p[0] != (cr ? '\r' : '\n'))
		return HTTP_E_CHUNK;
	*k = 1;
	r->state = cr ? S_CHUNK_LF : S_CHUNK_SIZE;
	return HTTP_MORE;
}

static int step_close(http_resp *r, const unsigned char *p, size_t n, size_t *k)
{
	if (n > body_limit(r) - r->body_len)
		return HTTP_E_BODY_TOO_BIG;
	if (put_body(r, p, n) < 0)
		return HTTP_E_MEMORY;
	*k = n;
	return HTTP_MORE;
}

/* Run the current state over p[0..n); n > 0. */
static int step(http_resp *r, const unsigned char *p, size_t n, size_t *k)
{
	switch (r->state) {
	case S_STATUS:
	case S_HEADER:
		return step_head(r, p, n, k);
	case S_BODY_LEN:
	case S_CHUNK_DATA:
		return step_data(r, p, n, k);
	case S_BODY_CLOSE:
		return step_close(r, p, n, k);
	case S_CHUNK_SIZE:
		return step_chunk_size(r, p, n, k);
	case S_CHUNK_CR:
	case S_CHUNK_LF:
		return step_chunk_crlf(r, p, k);
	case S_TRAILER:
		return step_trailer(r, p, n, k);
	}
	return HTTP_E_STATE;
}

int http_resp_feed(http_resp *r, const void *buf, size_t n, size_t *used)
{
	const unsigned char *p = buf;
	size_t i = 0;
	int rc = HTTP_MORE;

	*used = 0;
	if (r->err)
		return r->err;
	if (r->state == S_DONE)
		return fail(r, HTTP_E_STATE);
	while (rc == HTTP_MORE && i < n) {
		size_t k = 0;

		rc = step(r, p + i, n - i, &k);
		i += k;
	}
	*used = i;
	return rc < 0 ? fail(r, rc) : rc;
}

int http_resp_eof(http_resp *r)
{
	if (r->err)
		return r->err;
	if (r->state == S_BODY_CLOSE || r->state == S_DONE)
		return done(r);
	return fail(r, HTTP_E_TRUNCATED);
}

const char *http_strerror(int code)
{
	switch (code) {
	case HTTP_MORE: return "response incomplete";
	case HTTP_DONE: return "response complete";
	case HTTP_E_STATUS: return "malformed status line";
	case HTTP_E_HEADER: return "malformed header line";
	case HTTP_E_HEAD_TOO_BIG: return "header block too large";
	case HTTP_E_TOO_MANY: return "too many header fields";
	case HTTP_E_LENGTH: return "bad or conflicting Content-Length";
	case HTTP_E_BODY_TOO_BIG: return "response body too large";
	case HTTP_E_CHUNK: return "malformed chunked encoding";
	case HTTP_E_TRUNCATED: return "connection closed before end of response";
	case HTTP_E_ENCODING: return "unsupported Transfer-Encoding";
	case HTTP_E_REQUEST: return "request field invalid or request too large";
	case HTTP_E_STATE: return "response parser used after it finished";
	case HTTP_E_BARE_LF: return "a line ends in a bare LF (HTTP wants CRLF)";
	case HTTP_E_MEMORY: return "no memory for the response body";
	}
	return "unknown HTTP error";
}

static int is_token(const char *s)
{
	if (s == NULL || *s == 0)
		return 0;
	for (; *s; s++)
		if (!is_tchar((unsigned char)*s))
			return 0;
	return 1;
}

/* Host and target: one non-empty word of visible bytes. */
static int is_word(const char *s)
{
	if (s == NULL || *s == 0)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

static int is_value(const char *s)
{
	return s != NULL && all_text(s, strlen(s));
}

static int is_own_field(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof own_fields / sizeof own_fields[0]; i++)
		if (str_ieq(name, own_fields[i]))
			return 1;
	return 0;
}

static int req_valid(const char *method, const char *host,
	const char *target, const http_hdr *hdrs, size_t nhdrs)
{
	size_t i;

	if (!is_token(method) || !is_word(host) || !is_word(target))
		return 0;
	if (nhdrs > 0 && hdrs == NULL)
		return 0;
	for (i = 0; i < nhdrs; i++) {
		if (!is_token(hdrs[i].name) || !is_value(hdrs[i].value)
			|| (hdrs[i].pre && !is_value(hdrs[i].pre)))
			return 0;
		if (is_own_field(hdrs[i].name))
			return 0;
	}
	return 1;
}

long http_req_fmt(char *out, size_t cap, const char *method, const char *host,
	const char *target, const http_hdr *hdrs, size_t nhdrs,
	const void *body, size_t body_len, int keep_alive)
{
	size_t n, i;

	if (!req_valid(method, host, target, hdrs, nhdrs))
		return HTTP_E_REQUEST;
	if (body == NULL && body_len > 0)
		return HTTP_E_REQUEST;
	n = fmt(out, cap, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, target, host);
	for (i = 0; i < nhdrs; i++)
		n = fmt_at(out, cap, n, "%s: %s%s\r\n", hdrs[i].name,
			hdrs[i].pre ? hdrs[i].pre : "", hdrs[i].value);
	if (body != NULL || strcmp(method, "POST") == 0)
		n = fmt_at(out, cap, n, "Content-Length: %zu\r\n", body_len);
	n = fmt_at(out, cap, n, "Connection: %s\r\n\r\n", keep_alive ? "keep-alive" : "close");
	if (n >= cap || body_len >= cap - n || n + body_len > LONG_MAX)
		return HTTP_E_REQUEST;
	if (body_len > 0)
		memcpy(out + n, body, body_len);
	out[n + body_len] = 0;
	return (long)(n + body_len);
}
