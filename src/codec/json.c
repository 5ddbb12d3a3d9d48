#include "codec/json.h"

#include <limits.h>
#include <string.h>

#include "base/str.h"

#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

/*
 * The validator: an iterative walk of the RFC 8259 grammar with an explicit
 * stack of open containers, so depth is bounded without recursion. jsmn only
 * runs on documents it has accepted.
 */
typedef struct vld {
	const unsigned char *s;
	size_t n, i;
	int depth;
	unsigned char stk[JSON_DEPTH_MAX]; /* '{' or '[' per open container */
} vld;

static int peek(const vld *v)
{
	return v->i < v->n ? v->s[v->i] : -1;
}

static void skip_ws(vld *v)
{
	while (v->i < v->n && str_isspace((unsigned char)v->s[v->i]))
		v->i++;
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629 table: no
 * overlongs, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, k;

	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		lo = c == 0xe0 ? 0xa0 : lo;
		hi = c == 0xed ? 0x9f : hi;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		lo = c == 0xf0 ? 0x90 : lo;
		hi = c == 0xf4 ? 0x8f : hi;
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k < len; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* One escape after the backslash at v->i; only its syntax (surrogate pairing
 * is checked when the string is decoded). */
static int v_escape(vld *v)
{
	size_t k;

	if (v->i + 1 >= v->n)
		return JSON_E_SYNTAX;
	v->i++;
	if (strchr("\"\\/bfnrt", v->s[v->i]) && v->s[v->i] != 0) {
		v->i++;
		return 0;
	}
	if (v->s[v->i] != 'u')
		return JSON_E_ESCAPE;
	for (k = 1; k <= 4; k++) {
		if (v->i + k >= v->n)
			return JSON_E_SYNTAX;
		if (!str_isxdigit(v->s[v->i + k]))
			return JSON_E_ESCAPE;
	}
	v->i += 5;
	return 0;
}

static int v_string(vld *v)
{
	int r;
	size_t u;

	for (v->i++; v->i < v->n; ) {
		unsigned c = v->s[v->i];

		if (c == '"') {
			v->i++;
			return 0;
		}
		if (c < 0x20)
			return JSON_E_ESCAPE;
		if (c == '\\') {
			if ((r = v_escape(v)) < 0)
				return r;
		} else if (c < 0x80) {
			v->i++;
		} else if ((u = utf8_len(v->s + v->i, v->n - v->i)) == 0) {
			return JSON_E_ESCAPE;
		} else {
			v->i += u;
		}
	}
	return JSON_E_SYNTAX; /* unterminated */
}

static int v_digits(vld *v)
{
	size_t start = v->i;

	while (str_isdigit(peek(v)))
		v->i++;
	return v->i > start ? 0 : JSON_E_SYNTAX;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int v_number(vld *v)
{
	if (peek(v) == '-')
		v->i++;
	if (peek(v) == '0')
		v->i++;
	else if (v_digits(v) < 0)
		return JSON_E_SYNTAX;
	if (peek(v) == '.') {
		v->i++;
		if (v_digits(v) < 0)
			return JSON_E_SYNTAX;
	}
	if (peek(v) == 'e' || peek(v) == 'E') {
		v->i++;
		if (peek(v) == '+' || peek(v) == '-')
			v->i++;
		if (v_digits(v) < 0)
			return JSON_E_SYNTAX;
	}
	return 0;
}

static int v_word(vld *v, const char *w)
{
	size_t k = strlen(w);

	if (v->n - v->i < k || memcmp(v->s + v->i, w, k) != 0)
		return JSON_E_SYNTAX;
	v->i += k;
	return 0;
}

static int v_scalar(vld *v)
{
	int c = peek(v);

	if (c == '"')
		return v_string(v);
	if (c == '-' || str_isdigit(c))
		return v_number(v);
	if (c == 't')
		return v_word(v, "true");
	if (c == 'f')
		return v_word(v, "false");
	if (c == 'n')
		return v_word(v, "null");
	return JSON_E_SYNTAX;
}

/* A member's key and colon; the value follows. */
static int v_key(vld *v)
{
	int r;

	skip_ws(v);
	if (peek(v) != '"')
		return JSON_E_SYNTAX;
	if ((r = v_string(v)) < 0)
		return r;
	skip_ws(v);
	if (peek(v) != ':')
		return JSON_E_SYNTAX;
	v->i++;
	return 0;
}

/* Open the container at v->i. 1: it was empty and is already closed;
 * 0: a value is expected next. */
static int v_open(vld *v)
{
	unsigned char c = v->s[v->i];

	if (v->depth == JSON_DEPTH_MAX)
		return JSON_E_TOO_BIG;
	v->stk[v->depth++] = c;
	v->i++;
	skip_ws(v);
	if (peek(v) == (c == '{' ? '}' : ']')) {
		v->i++;
		v->depth--;
		return 1;
	}
	return c == '{' ? v_key(v) : 0;
}

/* After a complete value: close containers, or step to the next member.
 * 1: the top-level value is complete; 0: a value is expected next. */
static int v_next(vld *v)
{
	while (v->depth > 0) {
		unsigned char top = v->stk[v->depth - 1];

		skip_ws(v);
		if (peek(v) == ',') {
			v->i++;
			return top == '{' ? v_key(v) : 0;
		}
		if (peek(v) != (top == '{' ? '}' : ']'))
			return JSON_E_SYNTAX;
		v->i++;
		v->depth--;
	}
	return 1;
}

static int validate(const char *src, size_t len)
{
	vld v = { (const unsigned char *)src, len, 0, 0, { 0 } };
	int r, c;

	skip_ws(&v);
	if (peek(&v) != '{' && peek(&v) != '[')
		return JSON_E_SYNTAX; /* the top value is an object or array */
	for (;;) {
		skip_ws(&v);
		c = peek(&v);
		if (c == '{' || c == '[') {
			if ((r = v_open(&v)) < 0)
				return r;
			if (r == 0)
				continue; /* a value is expected inside */
		} else if ((r = v_scalar(&v)) < 0) {
			return r;
		}
		/* a value is complete */
		if ((r = v_next(&v)) < 0)
			return r;
		if (r == 1)
			break;
	}
	skip_ws(&v);
	return v.i == v.n ? 0 : JSON_E_SYNTAX;
}

_Static_assert(sizeof (jsmntok_t) == sizeof (json_tok) && (int)JSMN_PRIMITIVE == JSON_PRIMITIVE
	&& (int)JSMN_STRING == JSON_STRING, "jsmn's tokens become ours in place");

int json_parse_in(json_doc *d, json_tok *table, int cap, const char *src, size_t len)
{
	jsmntok_t *jt = (jsmntok_t *)(void *)table;
	jsmn_parser p;
	int r, i;

	d->src = src;
	d->len = len;
	d->ntok = 0;
	d->tok = table;
	if (len >= INT_MAX)
		return JSON_E_TOO_BIG; /* jsmn offsets are ints */
	if ((r = validate(src, len)) < 0)
		return r;
	jsmn_init(&p);
	r = jsmn_parse(&p, src, len, jt, (unsigned)cap);
	if (r == JSMN_ERROR_NOMEM)
		return JSON_E_TOO_BIG;
	if (r <= 0)
		return JSON_E_SYNTAX; /* jsmn disagrees with us: fail closed */
	for (i = 0; i < r; i++) { /* each read whole, then written over as ours */
		jsmntok_t t = jt[i];
		json_tok o = { (int)t.type, t.start, t.end, t.size };

		memcpy(&table[i], &o, sizeof o);
	}
	d->ntok = r;
	return 0;
}

int json_parse(json_doc *d, const char *src, size_t len)
{
	return json_parse_in(d, d->own, JSON_TOKENS_MAX, src, len);
}

int json_skip(const json_doc *d, int tok)
{
	int pending = 1;

	if (tok < 0 || tok >= d->ntok)
		return d->ntok;
	/* Every token owns size children: an object counts its keys, each key
	 * its one value. */
	while (pending > 0 && tok < d->ntok) {
		pending += d->tok[tok].size - 1;
		tok++;
	}
	return tok;
}

static int hex4(const char *s)
{
	int v = 0, k;

	for (k = 0; k < 4; k++) /* checked to be hex digits */
		v = v * 16 + str_hexval((unsigned char)s[k]);
	return v;
}

static int put_utf8(unsigned long cp, unsigned char *o)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* \uXXXX at s[*i] (the backslash), with its low half if it is a high
 * surrogate. Lone halves are errors: they have no UTF-8 form. */
static int dec_u(const char *s, size_t n, size_t *i, unsigned char *o)
{
	unsigned long hi, lo;

	if (n - *i < 6)
		return JSON_E_ESCAPE;
	hi = (unsigned long)hex4(s + *i + 2);
	*i += 6;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return JSON_E_ESCAPE;
	if (hi < 0xd800 || hi > 0xdbff)
		return put_utf8(hi, o);
	if (n - *i < 6 || s[*i] != '\\' || s[*i + 1] != 'u')
		return JSON_E_ESCAPE;
	lo = (unsigned long)hex4(s + *i + 2);
	if (lo < 0xdc00 || lo > 0xdfff)
		return JSON_E_ESCAPE;
	*i += 6;
	return put_utf8(0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00), o);
}

/* Decode one unit of raw string s[n] at *i (a byte or an escape) into o[4].
 * Returns the byte count or JSON_E_ESCAPE. The validator already checked
 * the escape syntax and UTF-8. */
static int dec_next(const char *s, size_t n, size_t *i, unsigned char *o)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *p;

	if (s[*i] != '\\') {
		o[0] = (unsigned char)s[(*i)++];
		return 1;
	}
	if (*i + 1 >= n)
		return JSON_E_ESCAPE;
	if (s[*i + 1] == 'u')
		return dec_u(s, n, i, o);
	if (s[*i + 1] == 0 || (p = strchr(from, s[*i + 1])) == NULL)
		return JSON_E_ESCAPE;
	o[0] = (unsigned char)to[p - from];
	*i += 2;
	return 1;
}

int json_string(const json_doc *d, int tok, char *out, size_t cap, size_t *n)
{
	const char *s;
	size_t len, i = 0, o = 0;
	unsigned char u[4];
	int k = 0;

	*n = 0;
	if (tok < 0 || tok >= d->ntok || d->tok[tok].type != JSON_STRING)
		return JSON_E_TYPE;
	if (cap == 0)
		return JSON_E_SPACE;
	s = d->src + d->tok[tok].start;
	len = (size_t)(d->tok[tok].end - d->tok[tok].start);
	while (i < len) {
		if ((k = dec_next(s, len, &i, u)) < 0)
			break;
		if (o + (size_t)k + 1 > cap) {
			k = JSON_E_SPACE;
			break;
		}
		memcpy(out + o, u, (size_t)k);
		o += (size_t)k;
	}
	if (k < 0) {
		memset(out, 0, o + 1); /* no partial (truncated) value survives */
		return k;
	}
	out[o] = 0;
	*n = o;
	return 0;
}

/* Does string token tok decode to exactly key? Undecodable keys match
 * nothing. */
static int key_eq(const json_doc *d, int tok, const char *key)
{
	const char *s = d->src + d->tok[tok].start;
	size_t len = (size_t)(d->tok[tok].end - d->tok[tok].start);
	size_t i = 0, klen = strlen(key), o = 0;
	unsigned char u[4];
	int k;

	if (d->tok[tok].type != JSON_STRING)
		return 0;
	while (i < len) {
		if ((k = dec_next(s, len, &i, u)) < 0 || o + (size_t)k > klen ||
			memcmp(key + o, u, (size_t)k) != 0)
			return 0;
		o += (size_t)k;
	}
	return o == klen;
}

int json_find(const json_doc *d, int obj, const char *key)
{
	int i, m, found = -1;

	if (obj < 0 || obj >= d->ntok || d->tok[obj].type != JSON_OBJECT)
		return JSON_E_TYPE;
	i = obj + 1;
	for (m = 0; m < d->tok[obj].size && i + 1 < d->ntok; m++) {
		if (key_eq(d, i, key)) {
			if (found >= 0)
				return JSON_E_DUP;
			found = i + 1;
		}
		i = json_skip(d, i + 1);
	}
	return found;
}

int json_int(const json_doc *d, int tok, long long *v)
{
	const json_tok *t;
	const char *s;
	size_t len, neg;
	unsigned long long x, max = (unsigned long long)LLONG_MAX;

	if (tok < 0 || tok >= d->ntok)
		return JSON_E_TYPE;
	t = &d->tok[tok];
	s = d->src + t->start;
	len = (size_t)(t->end - t->start);
	if (t->type == JSON_PRIMITIVE && s[0] != '-' && !str_isdigit(s[0]))
		return JSON_E_TYPE; /* true, false, null */
	if (t->type != JSON_PRIMITIVE && t->type != JSON_STRING)
		return JSON_E_TYPE;
	neg = len > 0 && s[0] == '-';
	if (str_udec(s + neg, len - neg, max + neg, &x) < 0)
		return JSON_E_RANGE;
	if (!neg || x == 0)
		*v = (long long)x;
	else /* reach LLONG_MIN without overflowing a signed value */
		*v = -(long long)(x - 1) - 1;
	return 0;
}

int json_is(const json_doc *d, int tok, const char *literal)
{
	size_t k = strlen(literal);

	if (tok < 0 || tok >= d->ntok || d->tok[tok].type != JSON_PRIMITIVE)
		return 0;
	return (size_t)(d->tok[tok].end - d->tok[tok].start) == k &&
		memcmp(d->src + d->tok[tok].start, literal, k) == 0;
}

const char *json_strerror(int code)
{
	static const char *const msg[] = {
		"ok",
		"not valid JSON",
		"JSON too complex (too many tokens or too deep)",
		"JSON value of the wrong type",
		"bad string in JSON (escape, surrogate, control byte or UTF-8)",
		"JSON string too long for its buffer",
		"duplicate key in JSON object",
		"JSON number not an integer in range",
	};

	if (code > 0 || code < JSON_E_RANGE)
		return "unknown JSON error";
	return msg[-code];
}
