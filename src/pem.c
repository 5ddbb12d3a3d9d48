#include "pem.h"

#include <string.h>

#define PEM_BEGIN "-----BEGIN "
#define PEM_END "-----END "
#define PEM_DASHES "-----"

static const char *find(const char *s, const char *end, const char *pat)
{
	size_t n = strlen(pat);

	for (; s + n <= end; s++)
		if (memcmp(s, pat, n) == 0)
			return s;
	return NULL;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static int put(pem_out *o, const char *p, size_t n)
{
	if (!o)
		return 0;
	if (n + 2 > o->cap - o->len)
		return PEM_E_SPACE;
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	if (p[n - 1] != '\n')
		o->buf[o->len++] = '\n';
	o->buf[o->len] = 0;
	o->blocks++;
	return 0;
}

/* One block starting at b (at "-----BEGIN "): copy it, set *next. */
static int block(const char *b, const char *end, pem_out *key, pem_out *certs,
	const char **next)
{
	const char *label = b + sizeof PEM_BEGIN - 1, *le, *e, *stop;
	char want[96];
	size_t ln;

	le = find(label, end, PEM_DASHES);
	if (!le || (ln = (size_t)(le - label)) + sizeof PEM_END + sizeof PEM_DASHES > sizeof want)
		return PEM_E_FORM;
	memcpy(want, PEM_END, sizeof PEM_END - 1);
	memcpy(want + sizeof PEM_END - 1, label, ln);
	memcpy(want + sizeof PEM_END - 1 + ln, PEM_DASHES, sizeof PEM_DASHES);
	e = find(le, end, want);
	if (!e)
		return PEM_E_FORM;
	stop = e + strlen(want);
	if (stop < end && *stop == '\r')
		stop++;
	if (stop < end && *stop == '\n')
		stop++;
	*next = stop;
	if (ends_with(label, ln, "PRIVATE KEY")) {
		if (key && key->blocks)
			return PEM_E_KEYS;
		return put(key, b, (size_t)(stop - b));
	}
	if (ends_with(label, ln, "CERTIFICATE"))
		return put(certs, b, (size_t)(stop - b));
	return 0;
}

int pem_split(const char *in, size_t n, pem_out *key, pem_out *certs)
{
	const char *p = in, *end = in + n, *b;
	int rc;

	if (key)
		key->len = 0, key->blocks = 0;
	if (certs)
		certs->len = 0, certs->blocks = 0;
	while ((b = find(p, end, PEM_BEGIN)) != NULL) {
		rc = block(b, end, key, certs, &p);
		if (rc < 0)
			return rc;
	}
	return 0;
}

const char *pem_strerror(int code)
{
	switch (code) {
	case PEM_E_FORM:
		return "PEM block without its END line";
	case PEM_E_KEYS:
		return "more than one private key";
	case PEM_E_SPACE:
		return "PEM output too large";
	}
	return "PEM error";
}
