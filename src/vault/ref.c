#include "vault/ref.h"

#include <string.h>

#include "base/str.h"

#define REF_VAULT_MIN 3
#define REF_VAULT_MAX 24
#define REF_PUBLIC_SUFFIX ".vault.azure.net" /* short form: public cloud */

int ref_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > REF_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!str_isalnum(s[i]) && s[i] != '-')
			return 0;
	return 1;
}

static int version_ok(const char *s, size_t n)
{
	size_t i;

	if (n != REF_VERSION_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!str_isalnum(s[i]))
			return 0;
	return 1;
}

/* Azure's rule: 3-24 of [0-9A-Za-z-], a letter first, no '-' last, no "--". */
static int vault_ok(const char *s, size_t n)
{
	size_t i;

	if (n < REF_VAULT_MIN || n > REF_VAULT_MAX || !str_isalpha(s[0]) ||
	    s[n - 1] == '-')
		return 0;
	for (i = 1; i < n; i++)
		if ((!str_isalnum(s[i]) && s[i] != '-') ||
		    (s[i] == '-' && s[i - 1] == '-'))
			return 0;
	return 1;
}

/* t is "NAME", "NAME/" or "NAME/VERSION"; or "PREFIX*" when r->list
 * says a selection may stand here (then it says whether one does). */
static int parse_tail(ref *r, const char *t)
{
	size_t n = strcspn(t, "/");
	const char *v;

	r->list &= n > 0 && t[n - 1] == '*' && !t[n];
	n -= (size_t)r->list;
	if (r->list && r->cert)
		return REF_E_FORM; /* certificates are not listed */
	if ((n || !r->list) && !ref_name_ok(t, n))
		return REF_E_NAME;
	memcpy(r->name, t, n);
	if (t[n] == 0 || t[n + 1] == 0)
		return 0;
	v = t + n + 1;
	n = strcspn(v, "/");
	if (v[n] != 0)
		return REF_E_FORM;
	if (!version_ok(v, n))
		return REF_E_VERSION;
	memcpy(r->version, v, n);
	return 0;
}

static int is_prefix_ci(const char *s, const char *pfx)
{
	return str_ieqn(s, pfx, strlen(pfx));
}

#define REF_CERTS "certificates/"

/* After the vault in a short form: "certificates/NAME..." or "NAME...". */
static int parse_short_tail(ref *r, const char *t)
{
	r->cert = is_prefix_ci(t, REF_CERTS);
	return parse_tail(r, t + (r->cert ? sizeof REF_CERTS - 1 : 0));
}

static int parse_url(ref *r, const char *s)
{
	static const char secrets[] = "/secrets/";
	url u;
	int rc;

	if (!is_prefix_ci(s, "https://"))
		return REF_E_SCHEME;
	rc = url_parse(&u, s);
	if (rc == URL_E_HOST || rc == URL_E_PORT)
		return REF_E_VAULT;
	if (rc != 0 || strchr(u.path, '?') != NULL)
		return REF_E_FORM;
	r->cert = is_prefix_ci(u.path, "/" REF_CERTS);
	if (!r->cert && !is_prefix_ci(u.path, secrets))
		return REF_E_FORM;
	memcpy(r->host, u.host, sizeof r->host);
	r->port = u.port;
	return parse_tail(r, u.path + (r->cert ? sizeof REF_CERTS : sizeof secrets - 1));
}

static int parse_short(ref *r, const char *s)
{
	size_t n = strcspn(s, "/"), i;

	if (s[n] == 0 || strpbrk(s, "?#") != NULL)
		return REF_E_FORM;
	r->port = 443;
	if (memchr(s, '.', n) != NULL) {
		if (url_host(r->host, sizeof r->host, s, n) != 0)
			return REF_E_VAULT;
		return parse_short_tail(r, s + n + 1);
	}
	if (!vault_ok(s, n))
		return REF_E_VAULT;
	for (i = 0; i < n; i++)
		r->host[i] = (char)str_lower((unsigned char)s[i]);
	memcpy(r->host + n, REF_PUBLIC_SUFFIX, sizeof REF_PUBLIC_SUFFIX);
	return parse_short_tail(r, s + n + 1);
}

/* "scheme://" before the first '/' means a URL, whatever the scheme. */
static int looks_like_url(const char *s)
{
	const char *sl = strchr(s, '/');

	return sl != NULL && sl > s && sl[-1] == ':' && sl[1] == '/';
}

/* sel: a selection may stand for the name (parse_tail). */
static int parse_ref(ref *r, const char *s, int sel)
{
	int rc;

	memset(r, 0, sizeof *r);
	r->list = sel;
	rc = looks_like_url(s) ? parse_url(r, s) : parse_short(r, s);
	if (rc != 0)
		memset(r, 0, sizeof *r);
	return rc;
}

int ref_parse(ref *r, const char *s)
{
	return parse_ref(r, s, 0);
}

int ref_parse_sel(ref *r, const char *s)
{
	return parse_ref(r, s, 1);
}

#define REF_APPSVC "@microsoft.keyvault("
#define REF_AKV "akv://"

/* One "Key=Value" of the KeyVault() form into the matching slot. */
static int appsvc_pair(const char *k, size_t kn, const char *v, size_t vn,
	const char **slot, size_t *slen)
{
	static const char *const keys[] = {
		"secreturi", "vaultname", "secretname", "secretversion",
	};
	size_t i, j;

	for (i = 0; i < 4; i++) {
		if (strlen(keys[i]) != kn)
			continue;
		for (j = 0; j < kn && str_lower((unsigned char)k[j]) == keys[i][j]; j++)
			;
		if (j < kn)
			continue;
		if (slot[i])
			return REF_E_FORM; /* given twice */
		slot[i] = v;
		slen[i] = vn;
		return 0;
	}
	return REF_E_FORM;
}

/* Copy up to n bytes into a bounded buffer as a C string. */
static int take(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return REF_E_FORM;
	memcpy(dst, s, n);
	dst[n] = 0;
	return 0;
}

/* body: what is inside "@Microsoft.KeyVault(" ... ")", n bytes. */
static int parse_appsvc(ref *r, const char *body, size_t n)
{
	const char *slot[4] = { 0 }, *end = body + n;
	size_t slen[4] = { 0 };
	char buf[URL_PATH_MAX + URL_HOST_MAX + 16];
	size_t o;

	while (body < end) {
		const char *semi = memchr(body, ';', (size_t)(end - body));
		const char *stop = semi ? semi : end;
		const char *eq = memchr(body, '=', (size_t)(stop - body));

		if (!eq || appsvc_pair(body, (size_t)(eq - body), eq + 1,
			(size_t)(stop - eq - 1), slot, slen) < 0)
			return REF_E_FORM;
		body = semi ? semi + 1 : end;
	}
	if (slot[0] && !slot[1] && !slot[2] && !slot[3])
		return take(buf, sizeof buf, slot[0], slen[0]) < 0 ? REF_E_FORM
			: ref_parse(r, buf);
	if (slot[0] || !slot[1] || !slot[2])
		return REF_E_FORM;
	for (o = 1; o < 4; o++)
		if (slot[o] && memchr(slot[o], '/', slen[o]))
			return REF_E_FORM;
	/* Rebuild as VAULT/NAME[/VERSION]: the short form checks each part. */
	if (slen[1] + slen[2] + slen[3] + 3 > sizeof buf)
		return REF_E_FORM;
	memcpy(buf, slot[1], slen[1]);
	o = slen[1];
	buf[o++] = '/';
	memcpy(buf + o, slot[2], slen[2]);
	o += slen[2];
	if (slot[3]) {
		buf[o++] = '/';
		memcpy(buf + o, slot[3], slen[3]);
		o += slen[3];
	}
	buf[o] = 0;
	return ref_parse(r, buf);
}

int ref_parse_env(ref *r, const char *value)
{
	size_t n = strlen(value);
	int rc;

	memset(r, 0, sizeof *r);
	if (is_prefix_ci(value, REF_APPSVC)) {
		if (n < sizeof REF_APPSVC || value[n - 1] != ')')
			return REF_E_FORM;
		rc = parse_appsvc(r, value + sizeof REF_APPSVC - 1,
			n - sizeof REF_APPSVC);
	} else if (is_prefix_ci(value, REF_AKV)) {
		r->list = 1;
		rc = parse_short(r, value + sizeof REF_AKV - 1);
	} else {
		return 0;
	}
	if (rc != 0) {
		memset(r, 0, sizeof *r);
		return rc;
	}
	return 1;
}

int ref_target(const ref *r, const char *api_version, char *out, size_t cap)
{
	const char *coll = r->cert ? "/" REF_CERTS : "/secrets/";
	size_t nn = strlen(r->name), nv = strlen(r->version), o = strlen(coll);

	if (o + nn + (nv ? 1 + nv : 0) >= cap) {
		if (cap > 0)
			out[0] = 0;
		return REF_E_SPACE;
	}
	memcpy(out, coll, o);
	memcpy(out + o, r->name, nn);
	o += nn;
	if (nv) {
		out[o++] = '/';
		memcpy(out + o, r->version, nv);
		o += nv;
	}
	out[o] = 0;
	if (url_add_query(out, cap, "api-version", api_version) != 0) {
		out[0] = 0;
		return REF_E_SPACE;
	}
	return 0;
}

int ref_env_scan(char *const *env, ref *refs, size_t *at, size_t max,
	size_t *n, size_t *bad)
{
	size_t i;
	ref r;
	int rc;

	*n = 0;
	for (i = 0; env[i]; i++) {
		const char *eq = strchr(env[i], '=');

		if (!eq || (rc = ref_parse_env(&r, eq + 1)) == 0)
			continue;
		if (rc > 0 && *n == max)
			rc = REF_E_MANY;
		if (rc < 0) {
			*bad = i;
			return rc;
		}
		refs[*n] = r;
		at[(*n)++] = i;
	}
	return 0;
}

const char *ref_strerror(int code)
{
	switch (code) {
	case 0: return "no error";
	case REF_E_FORM:
		return "not https://HOST/secrets/NAME[/VERSION] or VAULT/NAME[/VERSION]";
	case REF_E_NAME: return "secret name must be 1-127 of 0-9 a-z A-Z -";
	case REF_E_VERSION: return "version must be 32 letters or digits";
	case REF_E_VAULT: return "bad vault name or host";
	case REF_E_SCHEME: return "secret URL must be https://";
	case REF_E_SPACE: return "request target does not fit";
	case REF_E_MANY: return "too many references";
	}
	return "unknown reference error";
}
