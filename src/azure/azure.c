#include "azure/azure.h"
#include "base/date.h"
#include "base/frame.h"

#include <limits.h>
#include <string.h>

#include "codec/json.h"
#include "base/str.h"

#define AZURE_DATE_MAX 64    /* longest expires_on text we parse (ISO ~33) */
#define AZURE_CODE_MAX 256   /* an error code shown to the user */
#define AZURE_FIELD_MAX 4096 /* a message decoded before the display cut */

/* ---- time ---- */

typedef struct cur {
	const char *s;
	size_t n, i;
} cur;

typedef struct civil {
	int y, mo, d, h, mi, s;
	long long off; /* seconds east of UTC */
} civil;

/* Between lo (> 0) and hi decimal digits into *v. */
static int c_num(cur *c, int lo, int hi, int *v)
{
	int k = 0;

	while (k < hi && c->i + (size_t)k < c->n
		&& str_isdigit((unsigned char)c->s[c->i + (size_t)k]))
		k++;
	if (k < lo || str_digits(c->s + c->i, (size_t)k, v) < 0)
		return -1;
	c->i += (size_t)k;
	return 0;
}

/* Consume lit if it comes next. */
static int c_lit(cur *c, const char *lit)
{
	size_t k = strlen(lit);

	if (c->n - c->i < k || memcmp(c->s + c->i, lit, k) != 0)
		return 0;
	c->i += k;
	return 1;
}

static int c_end(const cur *c)
{
	return c->i == c->n;
}

static int civil_epoch(const civil *t, long long *epoch)
{
	/* an expiry is in year 1 or later, and never on a leap second */
	if (t->y < 1 || t->s > 59 || !date_valid(t->y, t->mo, t->d, t->h, t->mi, t->s))
		return AZURE_E_EXPIRY;
	*epoch = date_timegm(t->y, t->mo, t->d, t->h, t->mi, t->s) - t->off;
	return 0;
}

/* "Z" or "±HH:MM", then the end of the text. */
static int zone(cur *c, civil *t)
{
	int sign, h, m;

	if (c_lit(c, "Z") || c_lit(c, "z"))
		return c_end(c) ? 0 : -1;
	if (c_lit(c, "+"))
		sign = 1;
	else if (c_lit(c, "-"))
		sign = -1;
	else
		return -1;
	if (c_num(c, 2, 2, &h) < 0 || !c_lit(c, ":") || c_num(c, 2, 2, &m) < 0 ||
		h > 23 || m > 59 || !c_end(c))
		return -1;
	t->off = sign * (h * 3600LL + m * 60);
	return 0;
}

/* YYYY-MM-DD(T| )HH:MM:SS[.fraction][Z|±HH:MM]; no zone means UTC. */
static int parse_iso(cur *c, civil *t)
{
	int f;

	if (c_num(c, 4, 4, &t->y) < 0 || !c_lit(c, "-") ||
		c_num(c, 2, 2, &t->mo) < 0 || !c_lit(c, "-") ||
		c_num(c, 2, 2, &t->d) < 0 ||
		!(c_lit(c, "T") || c_lit(c, "t") || c_lit(c, " ")) ||
		c_num(c, 2, 2, &t->h) < 0 || !c_lit(c, ":") ||
		c_num(c, 2, 2, &t->mi) < 0 || !c_lit(c, ":") ||
		c_num(c, 2, 2, &t->s) < 0)
		return -1;
	if (c_lit(c, ".") && c_num(c, 1, 1, &f) < 0)
		return -1;
	while (c_num(c, 1, 1, &f) == 0)
		; /* sub-second digits, any number of them */
	return c_end(c) ? 0 : zone(c, t);
}

/* M/D/YYYY H:MM:SS[ AM| PM][ ±HH:MM] (App Service 2017, Linux/Windows). */
static int parse_us(cur *c, civil *t)
{
	int pm;

	if (c_num(c, 1, 2, &t->mo) < 0 || !c_lit(c, "/") ||
		c_num(c, 1, 2, &t->d) < 0 || !c_lit(c, "/") ||
		c_num(c, 4, 4, &t->y) < 0 || !c_lit(c, " ") ||
		c_num(c, 1, 2, &t->h) < 0 || !c_lit(c, ":") ||
		c_num(c, 2, 2, &t->mi) < 0 || !c_lit(c, ":") ||
		c_num(c, 2, 2, &t->s) < 0)
		return -1;
	if ((pm = c_lit(c, " PM")) || c_lit(c, " AM")) {
		if (t->h < 1 || t->h > 12)
			return -1;
		t->h = t->h % 12 + (pm ? 12 : 0); /* 12 AM is 00h, 12 PM 12h */
	}
	if (c_end(c))
		return 0;
	return c_lit(c, " ") ? zone(c, t) : -1;
}

int azure_time_parse(const char *s, size_t n, long long *epoch)
{
	unsigned long long u;
	civil t;
	cur c = { s, n, 0 };

	if (str_udec(s, n, LLONG_MAX, &u) == 0) {
		*epoch = (long long)u;
		return 0;
	}
	memset(&t, 0, sizeof t);
	if (parse_iso(&c, &t) == 0)
		return civil_epoch(&t, epoch);
	memset(&t, 0, sizeof t);
	c.i = 0;
	if (parse_us(&c, &t) == 0)
		return civil_epoch(&t, epoch);
	return AZURE_E_EXPIRY;
}

/* ---- token ---- */

static int token_field(const json_doc *d, azure_token *t)
{
	int i = json_find(d, 0, "access_token"), r;
	size_t k;

	if (i == JSON_E_DUP)
		return AZURE_E_DUP;
	if (i < 0 || d->tok[i].type != JSON_STRING)
		return AZURE_E_NO_TOKEN;
	r = json_string(d, i, t->access, sizeof t->access, &t->len);
	if (r == JSON_E_SPACE)
		return AZURE_E_TOKEN_SIZE;
	if (r < 0)
		return AZURE_E_TOKEN_CHARS; /* a lone surrogate: no header form */
	if (t->len == 0)
		return AZURE_E_NO_TOKEN;
	for (k = 0; k < t->len; k++) {
		unsigned char c = (unsigned char)t->access[k];

		if (c < 0x21 || c > 0x7e)
			return AZURE_E_TOKEN_CHARS;
	}
	return 0;
}

/* expires_in seconds from now: a lifetime, immune to a wrong clock. */
static int expires_in(const json_doc *d, int i, long long now, long long *at)
{
	long long v;

	if (json_int(d, i, &v) < 0)
		return AZURE_E_EXPIRY;
	if (v <= 0) {
		*at = now; /* already expired */
		return 0;
	}
	if (now > 0 && v > LLONG_MAX - now)
		return AZURE_E_EXPIRY;
	*at = now + v;
	return 0;
}

static int expires_on(const json_doc *d, int i, long long *at)
{
	char buf[AZURE_DATE_MAX];
	size_t n;

	if (d->tok[i].type == JSON_PRIMITIVE)
		return json_int(d, i, at) == 0 ? 0 : AZURE_E_EXPIRY;
	if (json_string(d, i, buf, sizeof buf, &n) < 0)
		return AZURE_E_EXPIRY;
	return azure_time_parse(buf, n, at);
}

static int expiry(const json_doc *d, long long now, long long *at)
{
	int i = json_find(d, 0, "expires_in");

	if (i == JSON_E_DUP)
		return AZURE_E_DUP;
	if (i >= 0 && !json_is(d, i, "null"))
		return expires_in(d, i, now, at);
	i = json_find(d, 0, "expires_on");
	if (i == JSON_E_DUP)
		return AZURE_E_DUP;
	if (i < 0 || json_is(d, i, "null"))
		return AZURE_E_EXPIRY;
	return expires_on(d, i, at);
}

int azure_token_parse(azure_token *t, const char *body, size_t len, long long now)
{
	json_doc d;
	int r;

	t->access[0] = 0;
	t->len = 0;
	t->expires_at = 0;
	if (json_parse(&d, body, len) < 0)
		r = AZURE_E_JSON;
	else if (d.tok[0].type != JSON_OBJECT)
		r = AZURE_E_NO_TOKEN;
	else if ((r = token_field(&d, t)) == 0 &&
		(r = expiry(&d, now, &t->expires_at)) == 0 &&
		t->expires_at <= now)
		r = AZURE_E_EXPIRED;
	if (r < 0)
		explicit_bzero(t, sizeof *t); /* no token outlives a failure */
	return r;
}

/* ---- secret ---- */

int azure_secret_parse(const char *body, size_t len, char *out, size_t cap,
	size_t *n)
{
	return azure_field_parse(body, len, "value", out, cap, n);
}

int azure_field_parse(const char *body, size_t len, const char *field, char *out,
	size_t cap, size_t *n)
{
	json_doc d;
	int i, r;

	*n = 0;
	if (cap > 0)
		out[0] = 0;
	if (json_parse(&d, body, len) < 0)
		return AZURE_E_JSON;
	if (d.tok[0].type != JSON_OBJECT)
		return AZURE_E_NO_VALUE;
	if ((i = json_find(&d, 0, field)) == JSON_E_DUP)
		return AZURE_E_DUP;
	if (i < 0 || d.tok[i].type != JSON_STRING)
		return AZURE_E_NO_VALUE;
	r = json_string(&d, i, out, cap, n);
	if (r == JSON_E_SPACE)
		return AZURE_E_VALUE_SIZE;
	return r < 0 ? AZURE_E_JSON : 0;
}

/* ---- error text ---- */

/* Display text being built: whitespace runs fold into one space; one byte
 * beyond AZURE_ERRTEXT_MAX is kept so that str_printable marks the cut. */
typedef struct text {
	char b[AZURE_ERRTEXT_MAX + 1];
	size_t n;
	int space;
} text;

static void text_add(text *x, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && x->n < sizeof x->b; i++) {
		if (str_isspace((unsigned char)p[i])) {
			x->space = x->n > 0;
			continue;
		}
		if (x->space && x->n + 1 < sizeof x->b)
			x->b[x->n++] = ' ';
		x->space = 0;
		x->b[x->n++] = p[i];
	}
}

static int is_number(const json_doc *d, int i)
{
	char c = d->src[d->tok[i].start];

	return d->tok[i].type == JSON_PRIMITIVE &&
		(c == '-' || str_isdigit((unsigned char)c));
}

/* A string (decoded, else raw) or number member as text; 0 if absent,
 * empty or of another type. Only the keys asked for are ever read. */
static size_t field(const json_doc *d, int obj, const char *key, char *buf,
	size_t cap)
{
	int i = json_find(d, obj, key);
	const json_tok *t;
	size_t n = 0;

	if (i < 0)
		return 0;
	t = &d->tok[i];
	if (t->type == JSON_STRING && json_string(d, i, buf, cap, &n) == 0)
		return n;
	if (t->type != JSON_STRING && !is_number(d, i))
		return 0;
	n = (size_t)(t->end - t->start); /* a number; or too long/undecodable */
	n = n < cap ? n : cap - 1;
	memcpy(buf, d->src + t->start, n);
	buf[n] = 0;
	return n;
}

static size_t first_field(const json_doc *d, int obj,
	const char *const *keys, char *buf, size_t cap)
{
	size_t n = 0;

	for (; *keys && n == 0; keys++)
		n = field(d, obj, *keys, buf, cap);
	return n;
}

/* The deepest innererror.code under the error object e. */
static size_t inner_code(const json_doc *d, int e, char *buf, size_t cap)
{
	char tmp[AZURE_CODE_MAX];
	size_t n = 0, m;
	int depth;

	for (depth = 0; depth < JSON_DEPTH_MAX; depth++) {
		e = json_find(d, e, "innererror");
		if (e < 0 || d->tok[e].type != JSON_OBJECT)
			break;
		m = field(d, e, "code", tmp, sizeof tmp);
		if (m > 0 && str_copyn(buf, cap, tmp, m) == 0)
			n = m;
	}
	return n;
}

static void describe(const json_doc *d, text *x)
{
	static const char *const codes[] = { "code", "error", "ErrorCode",
		"errorCode", "statusCode", "StatusCode", NULL };
	static const char *const msgs[] = { "message", "error_description",
		"Message", "ExceptionMessage", "errorMessage", NULL };
	char code[AZURE_CODE_MAX], inner[AZURE_CODE_MAX], msg[AZURE_FIELD_MAX];
	size_t nc, ni = 0, nm;
	int obj = 0, e = json_find(d, 0, "error");

	if (e >= 0 && d->tok[e].type == JSON_OBJECT) {
		obj = e; /* Key Vault, Service Fabric: {"error":{...}} */
		ni = inner_code(d, e, inner, sizeof inner);
	}
	nc = first_field(d, obj, codes, code, sizeof code);
	nm = first_field(d, obj, msgs, msg, sizeof msg);
	text_add(x, code, nc);
	if (ni > 0 && (ni != nc || memcmp(inner, code, nc) != 0)) {
		text_add(x, " (", 2);
		text_add(x, inner, ni);
		text_add(x, ")", 1);
	}
	if (nm > 0 && x->n > 0)
		text_add(x, ": ", 2);
	text_add(x, msg, nm);
}

/* Could this body be (broken) JSON? Then it is never echoed raw: it might
 * be a truncated token response or secret bundle. */
static int looks_json(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && str_isspace((unsigned char)s[i]))
		i++;
	return i < n && (s[i] == '{' || s[i] == '[');
}

BIG_FRAME /* a json_doc and a decoded field */
void azure_error_text(const char *body, size_t len, char *out, size_t cap)
{
	json_doc d;
	text x;

	if (cap == 0)
		return;
	memset(&x, 0, sizeof x);
	if (json_parse(&d, body, len) == 0) {
		if (d.tok[0].type == JSON_OBJECT)
			describe(&d, &x);
	} else if (!looks_json(body, len)) {
		text_add(&x, body, len);
	}
	str_printable(out, cap < AZURE_ERRTEXT_MAX ? cap : AZURE_ERRTEXT_MAX, x.b, x.n);
}

static int icontains(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++) {
		if (str_ieqn(s + i, needle, k))
			return 1;
	}
	return 0;
}

BIG_FRAME /* a json_doc */
int azure_identity_not_found(const char *body, size_t len)
{
	static const char *const keys[] = { "error_description", "error", NULL };
	char buf[AZURE_FIELD_MAX];
	json_doc d;
	size_t n;
	int k;

	if (json_parse(&d, body, len) < 0 || d.tok[0].type != JSON_OBJECT)
		return 0;
	for (k = 0; keys[k]; k++) {
		n = field(&d, 0, keys[k], buf, sizeof buf);
		if (icontains(buf, n, "identity not found"))
			return 1;
	}
	return 0;
}

const char *azure_strerror(int code)
{
	static const char *const msg[] = {
		"ok",
		"response is not valid JSON (or too complex)",
		"no access_token string in token response",
		"access_token too long",
		"no usable expires_in or expires_on in token response",
		"token already expired",
		"secret bundle has no string value",
		"secret value too long",
		"duplicate key in response",
		"access_token has bytes not allowed in a header",
	};

	if (code > 0 || code < AZURE_E_TOKEN_CHARS)
		return "unknown azure error";
	return msg[-code];
}
