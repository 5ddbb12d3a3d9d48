#include "http/url.h"
#include "base/fmt.h"

#include <string.h>

#include "base/str.h"

#define URL_V6_MAX 45 /* longest IPv6 text form (INET6_ADDRSTRLEN - 1) */

/* Length of a case-insensitive "http://" or "https://" prefix, else 0. */
static size_t scheme_len(const char *s, int *https)
{
	static const char *const pfx[2] = { "http://", "https://" };
	int i;

	for (i = 1; i >= 0; i--) {
		const char *p = pfx[i];
		size_t n = strlen(p);

		if (str_ieqn(s, p, n)) {
			*https = i;
			return n;
		}
	}
	return 0;
}

/* Dotted quad, each part 0-255 without leading zeros: "010" would be read
 * as octal by inet_aton, so it is refused rather than guessed. */
static int is_ipv4(const char *s, size_t n)
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		size_t start = i;
		unsigned v = 0;

		while (i < n && str_isdigit(s[i]) && i - start < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return 0;
		if (part < 3 && (i >= n || s[i++] != '.'))
			return 0;
	}
	return i == n;
}

/* DNS labels of [A-Za-z0-9_-], 1-63 bytes, no '-' at either end; no
 * trailing dot. '_' is allowed: it occurs in real service names. */
static int is_dns(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || n > URL_HOST_MAX)
		return 0;
	while (i < n) {
		size_t start = i;

		while (i < n && (str_isalnum(s[i]) || s[i] == '-' || s[i] == '_'))
			i++;
		if (i == start || i - start > 63 || s[start] == '-' ||
		    s[i - 1] == '-')
			return 0;
		if (i < n && (s[i++] != '.' || i == n))
			return 0;
	}
	return 1;
}

/* Only digits and dots: must then be a dotted quad, never a DNS name. */
static int looks_numeric(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!str_isdigit(s[i]) && s[i] != '.')
			return 0;
	return 1;
}

/* One to four hex digits at s[*i]; advances *i. */
static int hex_group(const char *s, size_t n, size_t *i)
{
	size_t start = *i;

	while (*i < n && str_isxdigit(s[*i]) && *i - start < 5)
		(*i)++;
	return *i > start && *i - start <= 4;
}

/* RFC 4291 text form: 8 groups, or fewer with one "::", optionally ending
 * in a dotted quad worth two groups. No zone index. */
static int is_ipv6(const char *s, size_t n)
{
	size_t i = 0, groups = 0, start;
	int gap = 0;

	if (n < 2 || n > URL_V6_MAX)
		return 0;
	if (s[0] == ':') {
		if (s[1] != ':')
			return 0;
		gap = 1;
		i = 2;
	}
	while (i < n) {
		start = i;
		if (!hex_group(s, n, &i))
			return 0;
		if (i < n && s[i] == '.') {
			if (!is_ipv4(s + start, n - start))
				return 0;
			groups += 2;
			break;
		}
		groups++;
		if (i == n)
			break;
		if (s[i++] != ':' || i == n)
			return 0;
		if (s[i] == ':') {
			if (gap)
				return 0;
			gap = 1;
			i++;
		}
	}
	return gap ? groups <= 7 : groups == 8;
}

static void copy_lower(char *dst, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = (char)str_lower((unsigned char)s[i]);
	dst[n] = 0;
}

int url_host(char *out, size_t cap, const char *s, size_t n)
{
	if (looks_numeric(s, n) ? !is_ipv4(s, n) : !is_dns(s, n))
		return URL_E_HOST;
	if (n >= cap)
		return URL_E_SPACE;
	copy_lower(out, s, n);
	return 0;
}

/* "[v6]" or host, then ":port" or nothing, within a[0..n). */
static int parse_authority(url *u, const char *a, size_t n)
{
	size_t h = 0, hn;
	unsigned long long port;
	const char *colon;

	if (n > 0 && a[0] == '[') {
		const char *end = memchr(a, ']', n);

		if (end == NULL || !is_ipv6(a + 1, (size_t)(end - a - 1)))
			return URL_E_HOST;
		hn = (size_t)(end - a - 1);
		copy_lower(u->host, a + 1, hn);
		h = hn + 2;
		if (h < n && a[h] != ':')
			return URL_E_HOST;
	} else {
		colon = memchr(a, ':', n);
		h = colon ? (size_t)(colon - a) : n;
		if (url_host(u->host, sizeof u->host, a, h) != 0)
			return URL_E_HOST;
	}
	if (h == n)
		return 0;
	if (str_udec(a + h + 1, n - h - 1, 65535, &port) != 0 || port == 0)
		return URL_E_PORT;
	u->port = (unsigned)port;
	return 0;
}

/* p is "", "/..." or "?...": printable ASCII only, at most URL_PATH_MAX. */
static int parse_path(url *u, const char *p)
{
	size_t i, o = 0;

	if (*p != '/')
		u->path[o++] = '/';
	for (i = 0; p[i]; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c <= 0x20 || c >= 0x7f || o >= URL_PATH_MAX)
			return URL_E_PATH;
		u->path[o++] = (char)c;
	}
	u->path[o] = 0;
	return 0;
}

int url_parse(url *u, const char *s)
{
	size_t k, an;
	int rc;

	memset(u, 0, sizeof *u);
	k = scheme_len(s, &u->https);
	if (k == 0)
		return URL_E_SCHEME;
	s += k;
	an = str_cspn(s, "/?#");
	rc = memchr(s, '@', an) != NULL || strchr(s, '#') != NULL ? URL_E_FORM : 0;
	u->port = u->https ? 443 : 80;
	if (rc == 0)
		rc = parse_authority(u, s, an);
	if (rc == 0)
		rc = parse_path(u, s + an);
	if (rc != 0)
		memset(u, 0, sizeof *u);
	return rc;
}

/* Percent-decode userinfo s[n] into out[cap] as a C string. Raw bytes
 * must be printable ASCII; decoded ones must not be control bytes (nor ':'
 * in a user name: Basic credentials could not carry it). */
static int userinfo_part(char *out, size_t cap, const char *s, size_t n,
	int is_user)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f)
			return URL_E_USERINFO;
		if (c == '%') {
			if (i + 2 >= n)
				return URL_E_USERINFO;
			if (str_hexval(s[i + 1]) < 0 || str_hexval(s[i + 2]) < 0)
				return URL_E_USERINFO;
			c = str_hexval(s[i + 1]) * 16 + str_hexval(s[i + 2]);
			i += 2;
		}
		if (c < 0x20 || c == 0x7f || (is_user && c == ':') || o + 1 >= cap)
			return URL_E_USERINFO;
		out[o++] = (char)c;
	}
	out[o] = 0;
	return 0;
}

static int proxy_userinfo(url_proxy *p, const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t un = colon ? (size_t)(colon - s) : n;
	int rc = userinfo_part(p->user, sizeof p->user, s, un, 1);

	if (rc == 0 && colon)
		rc = userinfo_part(p->pass, sizeof p->pass, colon + 1, n - un - 1, 0);
	p->auth = 1;
	return rc;
}

int url_proxy_parse(url_proxy *p, const char *s)
{
	url u;
	size_t k, an, i;
	int https = 0, rc = 0;

	explicit_bzero(p, sizeof *p);
	memset(&u, 0, sizeof u);
	k = scheme_len(s, &https);
	if (https || (k == 0 && str_find(s, "://")))
		return URL_E_SCHEME;
	s += k;
	an = str_cspn(s, "/?#");
	for (i = an; i > 0 && s[i - 1] != '@'; i--)
		;
	if (i > 0)
		rc = proxy_userinfo(p, s, i - 1);
	s += i;
	an -= i;
	u.port = URL_PROXY_PORT;
	if (rc == 0)
		rc = parse_authority(&u, s, an);
	if (rc == 0 && s[an] && strcmp(s + an, "/") != 0)
		rc = URL_E_PATH;
	if (rc != 0) {
		explicit_bzero(p, sizeof *p);
		return rc;
	}
	memcpy(p->host, u.host, sizeof p->host);
	p->port = u.port;
	return 0;
}

long url_encode(char *out, size_t cap, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int keep = str_isalnum(c) || c == '-' || c == '.' || c == '_' ||
		    c == '~';

		if (o + (keep ? 1 : 3) >= cap) {
			if (cap > 0)
				out[0] = 0;
			return URL_E_SPACE;
		}
		if (keep) {
			out[o++] = (char)c;
			continue;
		}
		out[o++] = '%';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	if (cap == 0)
		return URL_E_SPACE;
	out[o] = 0;
	return (long)o;
}

int url_add_query(char *path, size_t cap, const char *name, const char *value)
{
	size_t n0 = strlen(path), n = n0;
	long k;

	if (n + 1 >= cap)
		return URL_E_SPACE;
	if (strchr(path, '?') == NULL)
		path[n++] = '?';
	else if (path[n - 1] != '?' && path[n - 1] != '&')
		path[n++] = '&';
	k = url_encode(path + n, cap - n, name);
	if (k >= 0 && n + (size_t)k + 1 < cap) {
		n += (size_t)k;
		path[n++] = '=';
		if (url_encode(path + n, cap - n, value) >= 0)
			return 0;
	}
	path[n0] = 0; /* leave the path as it was */
	return URL_E_SPACE;
}

int url_host_header(const char *host, unsigned port, int https, char *out, size_t cap)
{
	const char *l = strchr(host, ':') ? "[" : "";
	const char *r = *l ? "]" : "";
	size_t n;

	if (port == (https ? 443u : 80u))
		n = fmt(out, cap, "%s%s%s", l, host, r);
	else
		n = fmt(out, cap, "%s%s%s:%u", l, host, r, port);
	if (n >= cap) {
		if (cap > 0)
			out[0] = 0;
		return URL_E_SPACE;
	}
	return 0;
}

/* Does entry e[n] cover host? */
static int no_proxy_entry(const char *e, size_t n, const char *host)
{
	size_t hl = strlen(host);

	if (n == 1 && e[0] == '*')
		return 1;
	if (n > 0 && e[0] == '.')
		e++, n--;
	if (n == 0 || n > hl)
		return 0;
	if (!str_ieqn(e, host + hl - n, n))
		return 0;
	return hl == n || host[hl - n - 1] == '.';
}

int url_no_proxy(const char *list, const char *host)
{
	while (list && *list) {
		size_t n = str_cspn(list, ", ");

		if (no_proxy_entry(list, n, host))
			return 1;
		list += n;
		list += str_spn(list, ", ");
	}
	return 0;
}

const char *url_strerror(int code)
{
	switch (code) {
	case 0: return "no error";
	case URL_E_SCHEME: return "not an http:// or https:// URL";
	case URL_E_HOST: return "bad host";
	case URL_E_PORT: return "port not 1..65535";
	case URL_E_PATH: return "path too long or has a space or control byte";
	case URL_E_FORM: return "userinfo or fragment not allowed";
	case URL_E_SPACE: return "does not fit";
	case URL_E_USERINFO:
		return "bad user or password (a bad %-escape, a control byte, ':' in the user, "
			"or too long)";
	}
	return "unknown url error";
}
