#include "vault/ref.h"

#include <string.h>

#include "base/fmt.h"
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

/* t is "NAME", "NAME/" or "NAME/VERSION". */
static int parse_tail(ref *r, const char *t)
{
	size_t n = str_cspn(t, "/");
	const char *v;

	if (!ref_name_ok(t, n))
		return REF_E_NAME;
	memcpy(r->name, t, n);
	if (t[n] == 0 || t[n + 1] == 0)
		return 0;
	v = t + n + 1;
	n = str_cspn(v, "/");
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

#define REF_CERTS_NAME "certificates"
#define REF_CERTS REF_CERTS_NAME "/"

/* After the vault in a short form: "certificates/NAME..." or "NAME...". */
static int parse_short_tail(ref *r, const char *t)
{
	r->kind = is_prefix_ci(t, REF_CERTS) ? REF_CERT : REF_SECRET;
	return parse_tail(r, t + (r->kind ? sizeof REF_CERTS - 1 : 0));
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
	r->kind = is_prefix_ci(u.path, "/" REF_CERTS) ? REF_CERT : REF_SECRET;
	if (!r->kind && !is_prefix_ci(u.path, secrets))
		return REF_E_FORM;
	memcpy(r->host, u.host, sizeof r->host);
	r->port = u.port;
	return parse_tail(r, u.path + (r->kind ? sizeof REF_CERTS : sizeof secrets - 1));
}

static int parse_short(ref *r, const char *s)
{
	size_t n = str_cspn(s, "/"), i;

	if (s[n] == 0 || str_pbrk(s, "?#") != NULL)
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

int ref_parse(ref *r, const char *s)
{
	int rc;

	memset(r, 0, sizeof *r);
	rc = looks_like_url(s) ? parse_url(r, s) : parse_short(r, s);
	if (rc != 0)
		memset(r, 0, sizeof *r);
	return rc;
}

/* A selection: s ending in '*', parsed by parse with that '*' as a name's
 * character ('x'), is a secret of no version; the '*' then stands in the
 * name again. Anything else is parse's. */
static int parse_sel(ref *r, const char *s, int (*parse)(ref *, const char *))
{
	char buf[URL_PATH_MAX + URL_HOST_MAX + 16];
	size_t n = strlen(s);
	int rc;

	if (n == 0 || s[n - 1] != '*' || n >= sizeof buf)
		return parse(r, s);
	memcpy(buf, s, n + 1);
	buf[n - 1] = 'x';
	rc = parse(r, buf);
	if (rc == 0 && (r->kind || r->version[0]))
		rc = REF_E_FORM; /* only secrets are listed */
	if (rc != 0) {
		memset(r, 0, sizeof *r);
		return rc;
	}
	r->name[strlen(r->name) - 1] = '*';
	r->kind = REF_LIST;
	return 0;
}

int ref_parse_sel(ref *r, const char *s)
{
	return parse_sel(r, s, ref_parse);
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
		rc = parse_sel(r, value + sizeof REF_AKV - 1, parse_short);
	} else {
		return 0;
	}
	if (rc != 0) {
		memset(r, 0, sizeof *r);
		return rc;
	}
	return 1;
}

int ref_target(const ref *r, const char *op, const char *api_version, char *out,
	size_t cap)
{
	static const char *const coll[] = { "secrets", REF_CERTS_NAME, REF_CERTS_NAME, "keys" };

	if (fmt(out, cap, "/%s/%s%s%s%s%s", coll[r->kind], r->name, r->version[0] ? "/" : "",
		r->version, op ? "/" : "", op ? op : "") >= cap
		|| url_add_query(out, cap, "api-version", api_version) != 0) {
		if (cap > 0)
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

/* Rewritten to the secret forms ref_parse reads, which check every part. */
int ref_parse_key(ref *r, const char *s)
{
	char buf[URL_PATH_MAX + URL_HOST_MAX + 16];
	size_t a = str_cspn(s, "/"), n = strlen(s);
	int rc;

	memset(r, 0, sizeof *r);
	if (n + 8 >= sizeof buf)
		return REF_E_FORM;
	if (looks_like_url(s)) {
		if (!is_prefix_ci(s, "https://"))
			return REF_E_SCHEME;
		a = 8 + str_cspn(s + 8, "/?#");
		if (!is_prefix_ci(s + a, "/keys/"))
			return REF_E_FORM;
		memcpy(buf, s, a);
		memcpy(buf + a, "/secrets/", 9);
		memcpy(buf + a + 9, s + a + 6, n - a - 6 + 1);
	} else {
		memcpy(buf, s, a);
		if (s[a] == '/' && is_prefix_ci(s + a + 1, "keys/") && s[a + 6] != 0)
			s += 5; /* VAULT/keys/NAME */
		memcpy(buf + a, s + a, strlen(s + a) + 1);
	}
	rc = ref_parse(r, buf);
	if (rc == 0)
		r->kind = REF_KEY;
	return rc;
}

const char *ref_key_strerror(int code)
{
	switch (code) {
	case REF_E_FORM:
		return "not https://HOST/keys/NAME[/VERSION] or VAULT/[keys/]NAME[/VERSION]";
	case REF_E_NAME: return "key name must be 1-127 of 0-9 a-z A-Z -";
	case REF_E_SCHEME: return "key URL must be https://";
	}
	return ref_strerror(code);
}
