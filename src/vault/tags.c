#include "vault/tags.h"

#include <string.h>

#include "codec/json.h"
#include "base/str.h"

const char *tags_ref(const char *s)
{
	return strncmp(s, TAGS_PREFIX, sizeof TAGS_PREFIX - 1) == 0
		? s + sizeof TAGS_PREFIX - 1 : NULL;
}

/* Member key of object obj, a string, into out[cap]: 0 or TAGS_E_*. */
static int field(const json_doc *d, int obj, const char *key, char *out,
	size_t cap, size_t *n)
{
	int i = json_find(d, obj, key);

	if (i < 0 || d->tok[i].type != JSON_STRING)
		return TAGS_E_JSON;
	return json_string(d, i, out, cap, n) == 0 ? 0 : TAGS_E_LIMIT;
}

int tags_find(const char *body, size_t len, const char *name, char *out,
	size_t cap)
{
	static json_doc d; /* its token array: not on the stack */
	char n[TAGS_NAME_MAX + 1], v[TAGS_VALUE_MAX + 1];
	size_t nl, vl, total = 0;
	int i, c, rc, found = 0;

	if (cap > 0)
		out[0] = 0;
	rc = json_parse(&d, body, len);
	if (rc == JSON_E_TOO_BIG)
		return TAGS_E_LIMIT;
	if (rc < 0 || d.tok[0].type != JSON_ARRAY)
		return TAGS_E_JSON;
	if (d.tok[0].size > TAGS_COUNT_MAX)
		return TAGS_E_LIMIT;
	for (c = 0, i = 1; c < d.tok[0].size; c++, i = json_skip(&d, i)) {
		if (d.tok[i].type != JSON_OBJECT)
			return TAGS_E_JSON;
		if ((rc = field(&d, i, "name", n, sizeof n, &nl)) < 0
			|| (rc = field(&d, i, "value", v, sizeof v, &vl)) < 0)
			return rc;
		total += nl + vl;
		if (total > TAGS_CHARS_MAX)
			return TAGS_E_LIMIT;
		if (!found && nl == strlen(n) && str_ieq(n, name)) {
			if (str_copyn(out, cap, v, vl) < 0)
				return TAGS_E_LIMIT;
			found = 1;
		}
	}
	explicit_bzero(v, sizeof v);
	return found ? 0 : TAGS_E_MISSING;
}

const char *tags_strerror(int code)
{
	switch (code) {
	case TAGS_E_JSON: return "IMDS tag list is not an array of name/value strings";
	case TAGS_E_MISSING: return "no such tag on this VM";
	case TAGS_E_LIMIT: return "IMDS tag list over Azure's limits (50 tags, 2048 characters)";
	case TAGS_E_NAME: return "tag name empty or over 512 characters";
	}
	return "unknown tag error";
}
