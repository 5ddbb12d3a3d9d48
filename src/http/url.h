/*
 * url: absolute http/https URLs and percent-encoding.
 * Pure. url_parse accepts scheme://host[:port][/path][?query] with a DNS name,
 * IPv4 literal or [IPv6] literal; userinfo and fragments are refused (they
 * have no place in our endpoints and hide tricks). Returns 0 or URL_E_*.
 */
#ifndef AZKV_URL_H
#define AZKV_URL_H

#include <stddef.h>

#define URL_HOST_MAX 253  /* DNS name limit */
#define URL_PATH_MAX 2048 /* path + query we ever send */

enum {
	URL_E_SCHEME = -1, /* not http:// or https:// */
	URL_E_HOST = -2,   /* empty, too long or bad characters */
	URL_E_PORT = -3,   /* not 1..65535 */
	URL_E_PATH = -4,   /* too long, or a space/control byte */
	URL_E_FORM = -5,   /* userinfo or fragment present */
	URL_E_SPACE = -6,  /* output buffer too small */
	URL_E_USERINFO = -7, /* proxy user/password: bad %-escape, control
	                        byte, ':' in the user, or over its limit */
};

#define URL_PROXY_PORT 1080     /* a proxy URL without a port (as curl) */
#define URL_PROXY_USER_MAX 255  /* proxy user name, decoded: ample for
				   "DOMAIN\\user" or an e-mail address */
#define URL_PROXY_PASS_MAX 255  /* proxy password, decoded */

typedef struct url {
	int https;
	char host[URL_HOST_MAX + 1]; /* lower-cased; IPv6 without brackets */
	unsigned port;               /* explicit or the scheme's default */
	char path[URL_PATH_MAX + 1]; /* "/..." with query; "/" if none */
} url;

/* Parse s into *u (zeroed on error). Hosts: DNS labels of [A-Za-z0-9_-]
 * (1-63, no '-' at an end, no trailing dot), a dotted quad without leading
 * zeros, or [IPv6] without zone. "http://h?q" gets path "/?q". */
int url_parse(url *u, const char *s);

/* A proxy URL as curl takes HTTPS_PROXY: [http://][USER[:PASSWORD]@]HOST
 * [:PORT][/], port URL_PROXY_PORT if none; https:// and other schemes are
 * URL_E_SCHEME, any other path URL_E_PATH. USER and PASSWORD are
 * percent-decoded into user/pass (auth set); the caller wipes them after
 * use. On error *p is wiped. */
typedef struct url_proxy {
	char host[URL_HOST_MAX + 1];
	unsigned port;
	int auth; /* USER[:PASSWORD]@ was given */
	char user[URL_PROXY_USER_MAX + 1];
	char pass[URL_PROXY_PASS_MAX + 1];
} url_proxy;

int url_proxy_parse(url_proxy *p, const char *s);

/* Validate a bare host s[n] (DNS name or IPv4, the rules above; no port, no
 * brackets) and write it lower-cased to out[cap]. 0, URL_E_HOST or
 * URL_E_SPACE. */
int url_host(char *out, size_t cap, const char *s, size_t n);

/* Percent-encode s into out[cap] keeping only RFC 3986 unreserved bytes
 * (A-Z a-z 0-9 - . _ ~). Returns the length or URL_E_SPACE. */
long url_encode(char *out, size_t cap, const char *s);

/* Append "name=enc(value)" to the query in path[cap], with '?' or '&' as
 * needed (the path may already carry a query). Returns 0 or URL_E_SPACE. */
int url_add_query(char *path, size_t cap, const char *name, const char *value);

/* The Host header for host:port (https: the default port is 443, else 80):
 * "host", "host:port" if not the default, [v6]. Returns 0 or URL_E_SPACE. */
int url_host_header(const char *host, unsigned port, int https, char *out, size_t cap);

/* 1 if host is excluded from proxying by a NO_PROXY list: entries split
 * by commas or spaces, "*" for all, "host" or ".domain" matching the host
 * or any subdomain (case-insensitive); ports and CIDR ranges are not
 * understood (such entries match nothing). list may be NULL. */
int url_no_proxy(const char *list, const char *host);

const char *url_strerror(int code);

#endif
