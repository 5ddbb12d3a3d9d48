/* test_json: grammar, tokens, string decoding, find, int. */
#include "codec/json.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "t.h"

static json_doc d; /* big: keep it off the stack */

/* len 0: strlen(in). want: json_parse result; ntok: expected count, or -1. */
static const struct {
	const char *in;
	size_t len;
	int want, ntok;
} grammar[] = {
	{ "{}", 0, 0, 1 },
	{ "[]", 0, 0, 1 },
	{ " \t\r\n{ } \n", 0, 0, 1 },
	{ "{\"a\":1}", 0, 0, 3 },
	{ "{\"a\":{\"b\":[1,2,{}]},\"c\":\"d\"}", 0, 0, 10 },
	{ "[1,-0,0.5,-12.25e+3,1E9,2e-2,0e0]", 0, 0, 8 },
	{ "[true,false,null]", 0, 0, 4 },
	{ "[\"\",\"a\\\"b\",\"\\u00e9\"]", 0, 0, 4 },
	{ "[ 1 , 2 ]", 0, 0, 3 },
	{ "[[],[[]],{}]", 0, 0, 5 },
	{ "{\"\":\"\"}", 0, 0, 3 },
	{ "[\"\x7f\"]", 0, 0, 2 }, /* DEL is not a control char in JSON */
	/* top-level scalars: refused by design */
	{ "1", 0, JSON_E_SYNTAX, -1 },
	{ "\"a\"", 0, JSON_E_SYNTAX, -1 },
	{ "true", 0, JSON_E_SYNTAX, -1 },
	{ "null", 0, JSON_E_SYNTAX, -1 },
	{ "", 0, JSON_E_SYNTAX, -1 },
	{ "   ", 0, JSON_E_SYNTAX, -1 },
	/* trailing commas, missing pieces */
	{ "{\"a\":1,}", 0, JSON_E_SYNTAX, -1 },
	{ "[1,]", 0, JSON_E_SYNTAX, -1 },
	{ "[,1]", 0, JSON_E_SYNTAX, -1 },
	{ "[1,,2]", 0, JSON_E_SYNTAX, -1 },
	{ "{,}", 0, JSON_E_SYNTAX, -1 },
	{ "{\"a\" 1}", 0, JSON_E_SYNTAX, -1 },
	{ "{\"a\":}", 0, JSON_E_SYNTAX, -1 },
	{ "{\"a\"}", 0, JSON_E_SYNTAX, -1 },
	{ "{\"a\":1 \"b\":2}", 0, JSON_E_SYNTAX, -1 },
	{ "[1 2]", 0, JSON_E_SYNTAX, -1 },
	{ "{1:2}", 0, JSON_E_SYNTAX, -1 },
	{ "{a:1}", 0, JSON_E_SYNTAX, -1 },
	{ "{\"a\"::1}", 0, JSON_E_SYNTAX, -1 },
	{ "[\"a\":1]", 0, JSON_E_SYNTAX, -1 },
	{ "{\"a\":1]", 0, JSON_E_SYNTAX, -1 },
	{ "[1}", 0, JSON_E_SYNTAX, -1 },
	{ "[", 0, JSON_E_SYNTAX, -1 },
	{ "{", 0, JSON_E_SYNTAX, -1 },
	{ "{\"a\":", 0, JSON_E_SYNTAX, -1 },
	{ "[1", 0, JSON_E_SYNTAX, -1 },
	{ "]", 0, JSON_E_SYNTAX, -1 },
	/* numbers */
	{ "[01]", 0, JSON_E_SYNTAX, -1 },
	{ "[-01]", 0, JSON_E_SYNTAX, -1 },
	{ "[00]", 0, JSON_E_SYNTAX, -1 },
	{ "[+1]", 0, JSON_E_SYNTAX, -1 },
	{ "[-]", 0, JSON_E_SYNTAX, -1 },
	{ "[1.]", 0, JSON_E_SYNTAX, -1 },
	{ "[.5]", 0, JSON_E_SYNTAX, -1 },
	{ "[1e]", 0, JSON_E_SYNTAX, -1 },
	{ "[1e+]", 0, JSON_E_SYNTAX, -1 },
	{ "[1.e5]", 0, JSON_E_SYNTAX, -1 },
	{ "[0x10]", 0, JSON_E_SYNTAX, -1 },
	{ "[1_000]", 0, JSON_E_SYNTAX, -1 },
	{ "[NaN]", 0, JSON_E_SYNTAX, -1 },
	{ "[-Infinity]", 0, JSON_E_SYNTAX, -1 },
	/* bare words */
	{ "[tru]", 0, JSON_E_SYNTAX, -1 },
	{ "[True]", 0, JSON_E_SYNTAX, -1 },
	{ "[nul]", 0, JSON_E_SYNTAX, -1 },
	{ "[nullx]", 0, JSON_E_SYNTAX, -1 },
	{ "[truefalse]", 0, JSON_E_SYNTAX, -1 },
	{ "[abc]", 0, JSON_E_SYNTAX, -1 },
	{ "{\"a\":undefined}", 0, JSON_E_SYNTAX, -1 },
	/* strings */
	{ "[\"abc]", 0, JSON_E_SYNTAX, -1 },
	{ "[\"abc", 0, JSON_E_SYNTAX, -1 },
	{ "[\"a\\\"]", 0, JSON_E_SYNTAX, -1 },
	{ "[\"\\", 0, JSON_E_SYNTAX, -1 },
	{ "[\"\\u12", 0, JSON_E_SYNTAX, -1 },
	{ "['a']", 0, JSON_E_SYNTAX, -1 },
	{ "[\"\\x41\"]", 0, JSON_E_ESCAPE, -1 },
	{ "[\"\\a\"]", 0, JSON_E_ESCAPE, -1 },
	{ "[\"\\U0041\"]", 0, JSON_E_ESCAPE, -1 },
	{ "[\"\\u12g4\"]", 0, JSON_E_ESCAPE, -1 },
	{ "[\"\\u123\"]", 0, JSON_E_ESCAPE, -1 },
	{ "[\"\\'\"]", 0, JSON_E_ESCAPE, -1 },
	{ "[\"a\nb\"]", 0, JSON_E_ESCAPE, -1 },
	{ "[\"a\tb\"]", 0, JSON_E_ESCAPE, -1 },
	{ "[\"\x1f\"]", 0, JSON_E_ESCAPE, -1 },
	{ "[\"a\0b\"]", 6, JSON_E_ESCAPE, -1 },
	{ "{\"k\x01\":1}", 0, JSON_E_ESCAPE, -1 },
	/* raw UTF-8 in strings */
	{ "[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]", 0, 0, 2 },
	{ "[\"\xf4\x8f\xbf\xbf\xef\xbf\xbf\xed\x9f\xbf\xee\x80\x80\"]", 0, 0, 2 },
	{ "[\"\xc2\x80\xdf\xbf\"]", 0, 0, 2 },
	{ "[\"\xc3\x28\"]", 0, JSON_E_ESCAPE, -1 },
	{ "[\"\xc0\xaf\"]", 0, JSON_E_ESCAPE, -1 },          /* overlong / */
	{ "[\"\xc1\xbf\"]", 0, JSON_E_ESCAPE, -1 },
	{ "[\"\xe0\x80\xaf\"]", 0, JSON_E_ESCAPE, -1 },      /* overlong */
	{ "[\"\xf0\x80\x80\xaf\"]", 0, JSON_E_ESCAPE, -1 },  /* overlong */
	{ "[\"\xed\xa0\x80\"]", 0, JSON_E_ESCAPE, -1 },      /* U+D800 */
	{ "[\"\xed\xbf\xbf\"]", 0, JSON_E_ESCAPE, -1 },      /* U+DFFF */
	{ "[\"\xf4\x90\x80\x80\"]", 0, JSON_E_ESCAPE, -1 },  /* U+110000 */
	{ "[\"\xf5\x80\x80\x80\"]", 0, JSON_E_ESCAPE, -1 },
	{ "[\"\x80\"]", 0, JSON_E_ESCAPE, -1 },              /* lone continuation */
	{ "[\"\xe2\x82\"]", 0, JSON_E_ESCAPE, -1 },          /* cut sequence */
	{ "[\"\xe2\x82", 0, JSON_E_ESCAPE, -1 },             /* cut at the end */
	{ "[\"\xff\"]", 0, JSON_E_ESCAPE, -1 },
	{ "[\"\xfe\"]", 0, JSON_E_ESCAPE, -1 },
	{ "{\"\xc0\x80\":1}", 0, JSON_E_ESCAPE, -1 },        /* in a key too */
	{ "[\xc3\xa9]", 0, JSON_E_SYNTAX, -1 },              /* outside a string */
	/* trailing garbage */
	{ "{}x", 0, JSON_E_SYNTAX, -1 },
	{ "{}{}", 0, JSON_E_SYNTAX, -1 },
	{ "[] []", 0, JSON_E_SYNTAX, -1 },
	{ "{}\0", 3, JSON_E_SYNTAX, -1 },
	{ "{}}", 0, JSON_E_SYNTAX, -1 },
	{ "\xef\xbb\xbf{}", 0, JSON_E_SYNTAX, -1 },          /* no BOM */
	{ "{}\f", 0, JSON_E_SYNTAX, -1 },                    /* \f is no JSON ws */
};

static void test_grammar(void)
{
	size_t k;

	for (k = 0; k < sizeof grammar / sizeof grammar[0]; k++) {
		size_t len = grammar[k].len ? grammar[k].len : strlen(grammar[k].in);
		int r = json_parse(&d, grammar[k].in, len);

		CHECKM(r == grammar[k].want, "case %zu \"%s\": got %d want %d",
			k, grammar[k].in, r, grammar[k].want);
		if (grammar[k].ntok >= 0)
			CHECKM(d.ntok == grammar[k].ntok, "case %zu: ntok %d want %d",
				k, d.ntok, grammar[k].ntok);
		if (r < 0)
			CHECKM(d.ntok == 0, "case %zu: ntok %d after error", k, d.ntok);
	}
}

static char big[64 * 1024];

/* n levels of [ ... ]. */
static size_t nest(int n)
{
	int i;

	for (i = 0; i < n; i++)
		big[i] = '[';
	for (i = 0; i < n; i++)
		big[n + i] = ']';
	return (size_t)(2 * n);
}

/* An array of n zeros: n + 1 tokens. */
static size_t zeros(int n)
{
	size_t o = 0;
	int i;

	big[o++] = '[';
	for (i = 0; i < n; i++) {
		if (i)
			big[o++] = ',';
		big[o++] = '0';
	}
	big[o++] = ']';
	return o;
}

static void test_limits(void)
{
	size_t len;

	CHECK_EQ(json_parse(&d, big, nest(JSON_DEPTH_MAX)), 0);
	CHECK_EQ(d.ntok, JSON_DEPTH_MAX);
	CHECK_EQ(json_parse(&d, big, nest(JSON_DEPTH_MAX + 1)), JSON_E_TOO_BIG);
	CHECK_EQ(json_parse(&d, big, nest(5000)), JSON_E_TOO_BIG);
	CHECK_EQ(json_parse(&d, big, zeros(JSON_TOKENS_MAX - 1)), 0);
	CHECK_EQ(d.ntok, JSON_TOKENS_MAX);
	CHECK_EQ(json_skip(&d, 0), JSON_TOKENS_MAX);
	CHECK_EQ(json_parse(&d, big, zeros(JSON_TOKENS_MAX)), JSON_E_TOO_BIG);
	CHECK_EQ(d.ntok, 0);
	/* too deep and also broken later on: the depth is seen first */
	len = nest(JSON_DEPTH_MAX + 1);
	big[len - 1] = 'x';
	CHECK_EQ(json_parse(&d, big, len), JSON_E_TOO_BIG);
	len = nest(JSON_DEPTH_MAX);
	big[len - 1] = 'x';
	CHECK_EQ(json_parse(&d, big, len), JSON_E_SYNTAX);
}

/*
 * Exhaustive small documents over a JSON-ish alphabet: whatever the
 * validator accepts, jsmn must tokenise consistently (token 0 spans the
 * document, its subtree covers every token, every object has string keys).
 */
static int consistent(const char *s, size_t n)
{
	size_t a = 0, b = n;
	int i;

	while (a < n && s[a] == ' ')
		a++;
	while (b > a && s[b - 1] == ' ')
		b--;
	if (d.tok[0].start != (int)a || d.tok[0].end != (int)b)
		return 0;
	if (json_skip(&d, 0) != d.ntok)
		return 0;
	for (i = 0; i < d.ntok; i++) {
		if (d.tok[i].type == JSON_OBJECT && d.tok[i].size > 0 &&
			d.tok[i + 1].type != JSON_STRING)
			return 0;
	}
	return 1;
}

static void test_exhaustive(void)
{
	static const char alpha[] = "{}[]\":,1 ";
	const size_t na = sizeof alpha - 1;
	char s[8];
	size_t len, k, idx[8];
	long accepted = 0, bad = 0;

	for (len = 1; len <= 7; len++) {
		memset(idx, 0, sizeof idx);
		for (;;) {
			for (k = 0; k < len; k++)
				s[k] = alpha[idx[k]];
			if (json_parse(&d, s, len) == 0) {
				accepted++;
				if (!consistent(s, len)) {
					bad++;
					fprintf(stderr, "inconsistent: %.*s\n", (int)len, s);
				}
			}
			for (k = 0; k < len && ++idx[k] == na; k++)
				idx[k] = 0;
			if (k == len)
				break;
		}
	}
	CHECKM(bad == 0, "%ld inconsistent", bad);
	/* Python's json.loads accepts exactly this many of these documents
	 * (counting those whose top value is an object or array) */
	CHECKM(accepted == 1550, "%ld accepted, want 1550", accepted);
}

/* Decode the only string of ["<raw>"]. */
static int dec(const char *raw, char *out, size_t cap, size_t *n)
{
	static char doc[256];
	int r;

	snprintf(doc, sizeof doc, "[\"%s\"]", raw);
	if ((r = json_parse(&d, doc, strlen(doc))) < 0)
		return r;
	return json_string(&d, 1, out, cap, n);
}

static const struct {
	const char *raw, *want;
	size_t n;
	int rc;
} strings[] = {
	{ "", "", 0, 0 },
	{ "abc", "abc", 3, 0 },
	{ "\\\"\\\\\\/\\b\\f\\n\\r\\t", "\"\\/\b\f\n\r\t", 8, 0 },
	{ "a\\u0041b", "aAb", 3, 0 },
	{ "\\u00e9", "\xc3\xa9", 2, 0 },
	{ "\\u00E9", "\xc3\xa9", 2, 0 },
	{ "\\u007f\\u0080", "\x7f\xc2\x80", 3, 0 },
	{ "\\u07ff\\u0800", "\xdf\xbf\xe0\xa0\x80", 5, 0 },
	{ "\\u20ac", "\xe2\x82\xac", 3, 0 },
	{ "\\uffff", "\xef\xbf\xbf", 3, 0 },
	{ "\\ud83d\\ude00", "\xf0\x9f\x98\x80", 4, 0 },
	{ "\\uD83D\\uDE00", "\xf0\x9f\x98\x80", 4, 0 },
	{ "\\ud800\\udc00", "\xf0\x90\x80\x80", 4, 0 },
	{ "\\udbff\\udfff", "\xf4\x8f\xbf\xbf", 4, 0 },
	{ "\\u0000", "\0", 1, 0 },
	{ "a\\u0000b", "a\0b", 3, 0 },
	{ "\xc3\xa9\xf0\x9f\x98\x80", "\xc3\xa9\xf0\x9f\x98\x80", 6, 0 },
	{ "\\ud800", "", 0, JSON_E_ESCAPE },
	{ "\\udbff", "", 0, JSON_E_ESCAPE },
	{ "\\udc00", "", 0, JSON_E_ESCAPE },
	{ "\\udfff", "", 0, JSON_E_ESCAPE },
	{ "x\\ud800x", "", 0, JSON_E_ESCAPE },
	{ "\\ud800\\u0041", "", 0, JSON_E_ESCAPE },
	{ "\\ud800\\ud800", "", 0, JSON_E_ESCAPE },
	{ "\\ud800\\n", "", 0, JSON_E_ESCAPE },
	{ "\\ud800xudc00", "", 0, JSON_E_ESCAPE },     /* low half unescaped */
	{ "\\ud800\\\"dc00", "", 0, JSON_E_ESCAPE },   /* \" is not a u-escape */
	{ "\\ude00\\ud83d", "", 0, JSON_E_ESCAPE },
	{ "\\ud83d", "", 0, JSON_E_ESCAPE },
};

static void test_strings(void)
{
	char out[64];
	size_t k, n;

	for (k = 0; k < sizeof strings / sizeof strings[0]; k++) {
		int r;

		memset(out, 'Z', sizeof out);
		n = 99;
		r = dec(strings[k].raw, out, sizeof out, &n);
		CHECKM(r == strings[k].rc, "case %zu \"%s\": got %d want %d", k,
			strings[k].raw, r, strings[k].rc);
		CHECKM(n == strings[k].n, "case %zu: n %zu want %zu", k, n,
			strings[k].n);
		CHECKM(memcmp(out, strings[k].want, strings[k].n + 1) == 0,
			"case %zu: bytes differ", k);
	}
}

static void test_string_space(void)
{
	char out[8];
	size_t n = 99;

	/* 7 bytes + NUL fit in 8; 8 do not */
	CHECK_EQ(dec("abcdefg", out, 8, &n), 0);
	CHECK_EQ(n, 7);
	CHECK_STR(out, "abcdefg");
	CHECK_EQ(dec("abcdefgh", out, 8, &n), JSON_E_SPACE);
	CHECK_EQ(n, 0);
	CHECKM(memcmp(out, "\0\0\0\0\0\0\0\0", 8) == 0, "partial value left");
	/* a multi-byte sequence is never split */
	CHECK_EQ(dec("abcdef\\u00e9", out, 8, &n), JSON_E_SPACE);
	CHECK_EQ(out[6], 0);
	CHECK_EQ(dec("abcde\\u00e9", out, 8, &n), 0);
	CHECK_EQ(n, 7);
	CHECK_EQ(dec("", out, 1, &n), 0);
	CHECK_EQ(dec("a", out, 1, &n), JSON_E_SPACE);
	CHECK_EQ(dec("", out, 0, &n), JSON_E_SPACE);
	/* not a string */
	CHECK_EQ(json_parse(&d, "[1,{},[],null]", 14), 0);
	CHECK_EQ(json_string(&d, 1, out, 8, &n), JSON_E_TYPE);
	CHECK_EQ(json_string(&d, 2, out, 8, &n), JSON_E_TYPE);
	CHECK_EQ(json_string(&d, 3, out, 8, &n), JSON_E_TYPE);
	CHECK_EQ(json_string(&d, 4, out, 8, &n), JSON_E_TYPE);
	CHECK_EQ(json_string(&d, 5, out, 8, &n), JSON_E_TYPE);
	CHECK_EQ(json_string(&d, -1, out, 8, &n), JSON_E_TYPE);
}

static int parse(const char *s)
{
	return json_parse(&d, s, strlen(s));
}

static const struct {
	const char *doc, *key;
	int want; /* token index, -1 absent, or an error */
} finds[] = {
	{ "{\"value\":1}", "value", 2 },
	{ "{\"value\":1}", "valu", -1 },
	{ "{\"value\":1}", "values", -1 },
	{ "{\"value\":1}", "Value", -1 },
	{ "{\"value\":1}", "", -1 },
	{ "{\"\":1}", "", 2 },
	{ "{}", "value", -1 },
	{ "{\"a\":{\"value\":1},\"b\":[{\"value\":2},[\"value\"]],\"value\":3}",
		"value", 13 },
	{ "{\"a\":{\"value\":1}}", "value", -1 },
	{ "{\"a\":[\"value\",\"x\"],\"b\":\"value\"}", "value", -1 },
	{ "{\"a\":\"value\",\"value\":\"a\"}", "value", 4 },
	{ "{\"value\":1,\"x\":2,\"value\":3}", "value", JSON_E_DUP },
	{ "{\"value\":1,\"val\\u0075e\":3}", "value", JSON_E_DUP },
	{ "{\"a\":{\"value\":1,\"value\":2},\"value\":3}", "value", 8 },
	{ "{\"val\\u0075e\":\"x\"}", "value", 2 },
	{ "{\"\\u0076alue\":\"x\"}", "value", 2 },
	{ "{\"a\\/b\":1}", "a/b", 2 },
	{ "{\"a\\u0000b\":1}", "a", -1 },
	{ "{\"caf\\u00e9\":1}", "caf\xc3\xa9", 2 },
	{ "{\"caf\xc3\xa9\":1}", "caf\xc3\xa9", 2 },
	{ "{\"\\ud800\":1,\"k\":2}", "k", 4 },
	{ "[\"value\",1]", "value", JSON_E_TYPE },
};

static void test_find(void)
{
	size_t k;

	for (k = 0; k < sizeof finds / sizeof finds[0]; k++) {
		int r = parse(finds[k].doc);

		CHECKM(r == 0, "case %zu: parse %d", k, r);
		r = json_find(&d, 0, finds[k].key);
		CHECKM(r == finds[k].want, "case %zu %s: got %d want %d", k,
			finds[k].doc, r, finds[k].want);
	}
	CHECK_EQ(parse("{\"a\":{\"b\":1}}"), 0);
	CHECK_EQ(json_find(&d, 2, "b"), 4);
	CHECK_EQ(json_find(&d, 3, "b"), JSON_E_TYPE);
	CHECK_EQ(json_find(&d, 99, "b"), JSON_E_TYPE);
	CHECK_EQ(json_find(&d, -1, "b"), JSON_E_TYPE);
}

static void test_skip(void)
{
	/* 0:{ 1:"a" 2:[ 3:1 4:{ 5:"b" 6:2 7:"c" 8:{ 9:"d" 10:[ 11:"e" 12:true */
	CHECK_EQ(parse("{\"a\":[1,{\"b\":2}],\"c\":{\"d\":[]},\"e\":true}"), 0);
	CHECK_EQ(d.ntok, 13);
	CHECK_EQ(json_skip(&d, 0), 13);
	CHECK_EQ(json_skip(&d, 2), 7);
	CHECK_EQ(json_skip(&d, 3), 4);
	CHECK_EQ(json_skip(&d, 4), 7);
	CHECK_EQ(json_skip(&d, 8), 11);
	CHECK_EQ(json_skip(&d, 10), 11);
	CHECK_EQ(json_skip(&d, 12), 13);
	CHECK_EQ(json_skip(&d, 13), 13);
	CHECK_EQ(json_skip(&d, -5), 13);
}

static const struct {
	const char *doc;
	int rc;
	long long v;
} ints[] = {
	{ "[3599]", 0, 3599 },
	{ "[\"3599\"]", 0, 3599 },
	{ "[0]", 0, 0 },
	{ "[-0]", 0, 0 },
	{ "[\"-0\"]", 0, 0 },
	{ "[-5]", 0, -5 },
	{ "[\"-5\"]", 0, -5 },
	{ "[\"007\"]", 0, 7 },
	{ "[1506484173]", 0, 1506484173 },
	{ "[9223372036854775807]", 0, LLONG_MAX },
	{ "[\"9223372036854775807\"]", 0, LLONG_MAX },
	{ "[-9223372036854775808]", 0, LLONG_MIN },
	{ "[9223372036854775808]", JSON_E_RANGE, 0 },
	{ "[-9223372036854775809]", JSON_E_RANGE, 0 },
	{ "[99999999999999999999999]", JSON_E_RANGE, 0 },
	{ "[3599.0]", JSON_E_RANGE, 0 },
	{ "[\"3599.0\"]", JSON_E_RANGE, 0 },
	{ "[1e3]", JSON_E_RANGE, 0 },
	{ "[\"1e3\"]", JSON_E_RANGE, 0 },
	{ "[\"+5\"]", JSON_E_RANGE, 0 },
	{ "[\"--5\"]", JSON_E_RANGE, 0 },
	{ "[\"\"]", JSON_E_RANGE, 0 },
	{ "[\"-\"]", JSON_E_RANGE, 0 },
	{ "[\" 5\"]", JSON_E_RANGE, 0 },
	{ "[\"5 \"]", JSON_E_RANGE, 0 },
	{ "[\"0x10\"]", JSON_E_RANGE, 0 },
	{ "[\"abc\"]", JSON_E_RANGE, 0 },
	{ "[\"\\u0033\"]", JSON_E_RANGE, 0 },
	{ "[true]", JSON_E_TYPE, 0 },
	{ "[false]", JSON_E_TYPE, 0 },
	{ "[null]", JSON_E_TYPE, 0 },
	{ "[{}]", JSON_E_TYPE, 0 },
	{ "[[]]", JSON_E_TYPE, 0 },
};

static void test_int(void)
{
	size_t k;
	long long v;

	for (k = 0; k < sizeof ints / sizeof ints[0]; k++) {
		int r = parse(ints[k].doc);

		CHECKM(r == 0, "case %zu: parse %d", k, r);
		v = 12345;
		r = json_int(&d, 1, &v);
		CHECKM(r == ints[k].rc, "case %zu %s: got %d want %d", k,
			ints[k].doc, r, ints[k].rc);
		if (ints[k].rc == 0)
			CHECKM(v == ints[k].v, "case %zu: %lld want %lld", k, v,
				ints[k].v);
		else
			CHECKM(v == 12345, "case %zu: *v written on error", k);
	}
	CHECK_EQ(json_int(&d, 7, &v), JSON_E_TYPE);
}

static void test_is(void)
{
	CHECK_EQ(parse("[null,true,false,\"null\",0]"), 0);
	CHECK_EQ(json_is(&d, 1, "null"), 1);
	CHECK_EQ(json_is(&d, 1, "true"), 0);
	CHECK_EQ(json_is(&d, 1, "nul"), 0);
	CHECK_EQ(json_is(&d, 2, "true"), 1);
	CHECK_EQ(json_is(&d, 3, "false"), 1);
	CHECK_EQ(json_is(&d, 4, "null"), 0);
	CHECK_EQ(json_is(&d, 5, "0"), 1);
	CHECK_EQ(json_is(&d, 0, "null"), 0);
	CHECK_EQ(json_is(&d, 6, "null"), 0);
}

static void test_strerror(void)
{
	int a, b;

	for (a = JSON_E_RANGE; a <= 0; a++) {
		CHECKM(json_strerror(a) != NULL && json_strerror(a)[0] != 0, "%d", a);
		for (b = JSON_E_RANGE; b < a; b++)
			CHECKM(strcmp(json_strerror(a), json_strerror(b)) != 0,
				"%d and %d share a text", a, b);
	}
	CHECK_STR(json_strerror(-99), "unknown JSON error");
	CHECK_STR(json_strerror(5), "unknown JSON error");
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_grammar);
	T_RUN(test_limits);
	T_RUN(test_exhaustive);
	T_RUN(test_strings);
	T_RUN(test_string_space);
	T_RUN(test_find);
	T_RUN(test_skip);
	T_RUN(test_int);
	T_RUN(test_is);
	T_RUN(test_strerror);
	T_END();
}
