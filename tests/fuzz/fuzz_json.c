/*
 * fuzz_json: json_parse, then every token of an accepted document.
 * Strings decode to well-formed UTF-8 no longer than their raw text, or fail
 * with nothing left in the buffer; json_int agrees with strtoll on what it
 * accepts; json_find finds every member key of every object (or reports the
 * duplicate) and a few fixed keys without crashing; json_skip stays in range.
 */
#include <errno.h>

#include "fuzz.h"
#include "codec/json.h"

static json_doc doc; /* 8 KB of tokens: not on the stack */

static void check_tok(const json_doc *d, int i)
{
	const json_tok *t = &d->tok[i];
	int next = json_skip(d, i);

	FUZZ_CHECK(t->type >= JSON_OBJECT && t->type <= JSON_PRIMITIVE);
	FUZZ_CHECK(t->start >= 0 && t->start <= t->end);
	FUZZ_CHECK((size_t)t->end <= d->len);
	FUZZ_CHECK(t->size >= 0);
	FUZZ_CHECK(next > i && next <= d->ntok);
	if (t->type == JSON_STRING || t->type == JSON_PRIMITIVE)
		FUZZ_CHECK(t->type == JSON_STRING ? t->size <= 1 : t->size == 0);
}

/* Decode with room to spare, then with too little room. */
static void check_string(const json_doc *d, int i)
{
	size_t raw = (size_t)(d->tok[i].end - d->tok[i].start), n = 99, k;
	char *out = fuzz_buf(raw + 1), *small;
	int rc = json_string(d, i, out, raw + 1, &n);

	if (rc == 0) {
		FUZZ_CHECK(n <= raw && out[n] == 0);
		FUZZ_CHECK(fuzz_utf8((const unsigned char *)out, n));
	} else {
		FUZZ_CHECK(rc == JSON_E_ESCAPE); /* only a lone surrogate */
		FUZZ_CHECK(n == 0 && out[0] == 0);
		for (k = 0; k <= raw; k++) /* nothing decoded survives */
			FUZZ_CHECK(out[k] == 0 || (unsigned char)out[k] == 0xff);
	}
	if (rc == 0 && n > 0) {
		size_t m = 99;

		small = fuzz_buf(n);
		FUZZ_CHECK(json_string(d, i, small, n, &m) == JSON_E_SPACE);
		FUZZ_CHECK(m == 0 && small[0] == 0);
		for (k = 0; k < n; k++)
			FUZZ_CHECK(small[k] == 0 || (unsigned char)small[k] == 0xff);
		free(small);
	}
	free(out);
}

/* json_int accepts exactly -?[0-9]+ in range, as strtoll reads it. */
static void check_int(const json_doc *d, int i)
{
	const json_tok *t = &d->tok[i];
	size_t len = (size_t)(t->end - t->start), k;
	char *s = fuzz_buf(len + 1), *end;
	long long v = 7, ref;
	int rc = json_int(d, i, &v), digits = 1;

	memcpy(s, d->src + t->start, len);
	s[len] = 0;
	for (k = s[0] == '-'; k < len; k++)
		digits &= s[k] >= '0' && s[k] <= '9';
	digits &= len > (size_t)(s[0] == '-');
	if (t->type == JSON_PRIMITIVE && !(s[0] == '-' || (s[0] >= '0' && s[0] <= '9')))
		FUZZ_CHECK(rc == JSON_E_TYPE);
	else if (!digits)
		FUZZ_CHECK(rc == JSON_E_RANGE);
	if (digits) {
		errno = 0;
		ref = strtoll(s, &end, 10);
		FUZZ_CHECK(*end == 0);
		if (errno == ERANGE)
			FUZZ_CHECK(rc == JSON_E_RANGE);
		else
			FUZZ_CHECK(rc == 0 && v == ref);
	}
	free(s);
}

/* Every key of object o is found (or is a duplicate); fixed keys are safe. */
static void check_object(const json_doc *d, int o)
{
	static const char *const keys[] = { "value", "access_token", "error",
		"expires_on", "", "\xc3\xa9", NULL };
	int m, k = o + 1, r;

	for (m = 0; keys[m]; m++) {
		r = json_find(d, o, keys[m]);
		FUZZ_CHECK(r == -1 || r == JSON_E_DUP || (r > o && r < d->ntok));
	}
	for (m = 0; m < d->tok[o].size; m++) {
		size_t raw = (size_t)(d->tok[k].end - d->tok[k].start), n;
		char *key = fuzz_buf(raw + 1);

		FUZZ_CHECK(k + 1 < d->ntok && d->tok[k].type == JSON_STRING);
		if (json_string(d, k, key, raw + 1, &n) == 0 && strlen(key) == n) {
			r = json_find(d, o, key);
			FUZZ_CHECK(r == k + 1 || r == JSON_E_DUP);
		}
		free(key);
		k = json_skip(d, k + 1);
	}
	if (d->tok[o].size > 0) /* a key is no object */
		FUZZ_CHECK(json_find(d, o + 1, "x") == JSON_E_TYPE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src = fuzz_buf(size); /* exact size: no NUL to lean on */
	int i, rc;

	if (size > 0)
		memcpy(src, data, size);
	rc = json_parse(&doc, src, size);
	FUZZ_CHECK(rc == 0 || (rc <= JSON_E_SYNTAX && rc >= JSON_E_RANGE));
	if (rc == 0) {
		FUZZ_CHECK(doc.ntok >= 1 && doc.ntok <= JSON_TOKENS_MAX);
		FUZZ_CHECK(doc.tok[0].type == JSON_OBJECT ||
			doc.tok[0].type == JSON_ARRAY);
		FUZZ_CHECK(json_skip(&doc, 0) == doc.ntok);
		for (i = 0; i < doc.ntok; i++) {
			check_tok(&doc, i);
			if (doc.tok[i].type == JSON_STRING)
				check_string(&doc, i);
			if (doc.tok[i].type != JSON_OBJECT &&
				doc.tok[i].type != JSON_ARRAY)
				check_int(&doc, i);
			if (doc.tok[i].type == JSON_OBJECT)
				check_object(&doc, i);
			json_is(&doc, i, "null");
		}
	}
	free(src);
	return 0;
}
