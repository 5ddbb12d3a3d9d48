#include "azure/challenge.h"
#include "azure/cloud.h"
#include "base/str.h"
#include "http/url.h"

#include <string.h>

struct param {
	const char *v; /* into the header; NULL if absent */
	size_t n;
};

struct challenge {
	struct param resource, scope, authority;
};

/* ---- Bearer: the vault's challenge ---- */

static int is_keych(int c)
{
	return str_isalnum(c) || c == '_' || c == '-' || c == '.';
}

/* A value byte: printable ASCII; quoted values also refuse '\\' (no URL
 * we want has one, so escapes are not worth decoding). */
static int is_valch(int c, int quoted)
{
	if (c <= 0x20 || c >= 0x7f)
		return quoted && c == ' ';
	if (quoted)
		return c != '"' && c != '\\';
	return c != '"' && c != ',';
}

/* Value at *pp, quoted or not; leaves *pp just past it. */
static int take_value(const char **pp, struct param *v)
{
	const char *p = *pp;
	int quoted = *p == '"';

	p += quoted;
	v->v = p;
	while (*p && is_valch((unsigned char)*p, quoted))
		p++;
	v->n = (size_t)(p - v->v);
	if (quoted && *p++ != '"')
		return CHALLENGE_E_SYNTAX;
	if (*p != 0 && *p != ',' && !str_isblank((unsigned char)*p))
		return CHALLENGE_E_SYNTAX;
	*pp = p;
	return 0;
}

/* Slot for a parameter name, NULL for the ones we ignore. */
static struct param *slot(struct challenge *c, const char *k, size_t n)
{
	static const char *const names[] = {
		"resource", "scope", "authorization", "authorization_uri",
	};
	struct param *slots[] = {
		&c->resource, &c->scope, &c->authority, &c->authority,
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == n && str_ieqn(k, names[i], n))
			return slots[i];
	return NULL;
}

/* One "key=value" at *pp (separators already skipped). */
static int take_param(const char **pp, struct challenge *c)
{
	const char *p = *pp, *k = p;
	struct param v, *dst;
	size_t kn;
	int rc;

	while (is_keych((unsigned char)*p))
		p++;
	kn = (size_t)(p - k);
	while (str_isblank((unsigned char)*p))
		p++;
	if (kn == 0 || *p++ != '=')
		return CHALLENGE_E_SYNTAX;
	while (str_isblank((unsigned char)*p))
		p++;
	if ((rc = take_value(&p, &v)) != 0)
		return rc;
	dst = slot(c, k, kn);
	if (dst != NULL && dst->v != NULL)
		return CHALLENGE_E_SYNTAX; /* said twice: which one is meant? */
	if (dst != NULL)
		*dst = v;
	*pp = p;
	return 0;
}

static int parse_params(const char *h, struct challenge *c)
{
	int rc;

	while (str_isblank((unsigned char)*h))
		h++;
	if (!str_ieqn(h, "bearer", 6) || (h[6] != 0 && !str_isblank((unsigned char)h[6])))
		return CHALLENGE_E_SYNTAX;
	for (h += 6;;) {
		while (str_isblank((unsigned char)*h) || *h == ',')
			h++;
		if (*h == 0)
			return 0;
		if ((rc = take_param(&h, c)) != 0)
			return rc;
	}
}

/* The resource the challenge names: scope minus "/.default", else resource. */
static int pick_resource(const struct challenge *c, struct param *r)
{
	if (c->scope.v != NULL) {
		*r = c->scope;
		if (memchr(r->v, ' ', r->n) != NULL)
			return CHALLENGE_E_SYNTAX; /* exactly one scope */
		r->n = cloud_scope_resource(r->v, r->n);
	} else if (c->resource.v != NULL) {
		*r = c->resource;
	} else {
		return CHALLENGE_E_NORES;
	}
	return 0;
}

static int is_https_url(const char *s)
{
	url u;

	return url_parse(&u, s) == 0 && u.https;
}

static int fill(const struct challenge *c, char *resource, size_t rcap,
	char *authority, size_t acap)
{
	struct param r;
	int rc = pick_resource(c, &r);

	if (rc != 0)
		return rc;
	if (r.n > CLOUD_RESOURCE_MAX ||
	    str_copyn(resource, rcap, r.v, r.n) != 0)
		return CHALLENGE_E_SPACE;
	if (!is_https_url(resource))
		return CHALLENGE_E_SYNTAX;
	if (authority == NULL || c->authority.v == NULL)
		return 0;
	if (str_copyn(authority, acap, c->authority.v, c->authority.n) != 0)
		return CHALLENGE_E_SPACE;
	return 0;
}

int challenge_bearer(const char *hdr, char *resource, size_t rcap,
	char *authority, size_t acap)
{
	struct challenge c;
	int rc;

	memset(&c, 0, sizeof c);
	if (rcap > 0)
		resource[0] = 0;
	if (authority != NULL && acap > 0)
		authority[0] = 0;
	rc = parse_params(hdr, &c);
	if (rc == 0)
		rc = fill(&c, resource, rcap, authority, acap);
	if (rc != 0 && rcap > 0)
		resource[0] = 0;
	if (rc != 0 && authority != NULL && acap > 0)
		authority[0] = 0;
	return rc;
}

/* ---- Basic: Arc's challenge ---- */

int challenge_arc(const char *hdr, char *path, size_t cap)
{
	static const char basic[] = "basic ";
	static const char realm[] = "realm=";
	size_t n, i;

	path[0] = 0;
	if (!str_ieqmem(hdr, strnlen(hdr, sizeof basic - 1), basic))
		return CHALLENGE_E_SYNTAX;
	hdr += sizeof basic - 1;
	while (*hdr == ' ')
		hdr++;
	if (!str_ieqmem(hdr, strnlen(hdr, sizeof realm - 1), realm))
		return CHALLENGE_E_SYNTAX;
	hdr += sizeof realm - 1;
	n = strlen(hdr);
	while (n > 0 && hdr[n - 1] == ' ')
		n--;
	if (n == 0)
		return CHALLENGE_E_SYNTAX;
	for (i = 0; i < n; i++)
		if ((unsigned char)hdr[i] < ' ' || hdr[i] == 0x7f)
			return CHALLENGE_E_SYNTAX;
	return str_copyn(path, cap, hdr, n) < 0 ? CHALLENGE_E_SPACE : 0;
}

/* In the vault's words: identity.c words Arc's failures itself. */
const char *challenge_strerror(int code)
{
	switch (code) {
	case CHALLENGE_E_SYNTAX: return "malformed Bearer challenge";
	case CHALLENGE_E_NORES: return "challenge names no resource or scope";
	case CHALLENGE_E_SPACE: return "challenge value too long";
	}
	return "unknown challenge error";
}
