#include "http/conn.h"
#include "codec/b64.h"
#include "base/fmt.h"
#include "base/frame.h"
#include "base/log.h"
#include "base/str.h"
#include "http/url.h"

#include <poll.h>
#include <string.h>
#include <unistd.h>

void conn_init(conn *c)
{
	memset(c, 0, sizeof *c);
	c->fd = -1;
}

/* "Proxy-Authorization: Basic base64(user:pass)" into out[cap], which
 * the caller wipes. 0 or -1 (the credentials do not fit). */
static int proxy_auth(char *out, size_t cap, const conn_cfg *cfg)
{
	char plain[URL_PROXY_USER_MAX + URL_PROXY_PASS_MAX + 2];
	size_t n = fmt(plain, sizeof plain, "%s:%s", cfg->proxy_user,
		cfg->proxy_pass ? cfg->proxy_pass : "");
	long rc = n < sizeof plain ? b64_encode(out, cap, plain, n) : -1;

	explicit_bzero(plain, sizeof plain);
	return rc < 0 ? -1 : 0;
}

/* The proxy's answer was not 2xx: say why, the reason phrase made
 * printable. 4xx will not change by asking again; 5xx may (--wait). */
static int refused(const conn_cfg *cfg, const char *proxy, const http_resp *r,
	err *e)
{
	char why[HTTP_SHORTVAL_MAX * 4];

	str_printable(why, sizeof why, r->reason, strlen(r->reason));
	/* 401 is what tinyproxy answers to wrong credentials */
	if ((r->status == 407 || r->status == 401) && !cfg->proxy_user)
		return err_set(e, ERR_NETWORK,
			"%s wants authentication (%d): give USER:PASSWORD in the proxy URL",
			proxy, r->status);
	if (r->status == 407 || r->status == 401)
		return err_set(e, ERR_NETWORK, "%s refused the credentials in the proxy URL (%d)",
			proxy, r->status);
	if (r->status >= 500)
		return err_net(e, ERR_NET_CONNECT, "%s refused CONNECT: HTTP %d%s%s", proxy,
			r->status, why[0] ? " " : "", why);
	return err_set(e, ERR_NETWORK, "%s refused CONNECT: HTTP %d%s%s", proxy,
		r->status, why[0] ? " " : "", why);
}

/* Ask the proxy on c->fd for a tunnel to c->peer, with Basic credentials
 * when configured (wiped from our buffers once sent). The status comes
 * first: a refusal's body (an HTML page) may arrive with its header and is
 * never read. After a 2xx nothing may follow the header: the server speaks
 * only after our ClientHello. */
BIG_FRAME /* a request, a read buffer, a whole http_resp */
static int tunnel(conn *c, const conn_cfg *cfg, clock_ms deadline, err *e)
{
	char req[CONN_CONNECT_MAX], proxy[300], auth[CONN_PROXY_AUTH_MAX];
	unsigned char buf[CONN_READ_CHUNK];
	http_hdr h[2] = { { "User-Agent", "azkv", NULL },
		{ "Proxy-Authorization", auth, "Basic " } };
	http_resp resp, *r = &resp; /* on the stack: once per tunnel */
	size_t used = 0;
	long len = -1, n = 0;
	int rc = HTTP_MORE;

	fmt(proxy, sizeof proxy, "proxy %s:%u", cfg->proxy_host, cfg->proxy_port);
	if (!cfg->proxy_user || proxy_auth(auth, sizeof auth, cfg) == 0)
		len = http_req_fmt(req, sizeof req, "CONNECT", c->peer, c->peer, h,
			cfg->proxy_user ? 2 : 1, NULL, 0, 1);
	explicit_bzero(auth, sizeof auth);
	if (len < 0) {
		explicit_bzero(req, sizeof req); /* a partial request may hold some */
		return err_set(e, ERR_USAGE, "%s: cannot ask for %s", proxy, c->peer);
	}
	rc = net_write(c->fd, req, (size_t)len, deadline, proxy, e);
	explicit_bzero(req, (size_t)len);
	if (rc < 0)
		return -1;
	http_resp_init(r, NULL, 0, 1);
	for (rc = HTTP_MORE; rc == HTTP_MORE; ) {
		n = net_read(c->fd, buf, sizeof buf, deadline, proxy, e);
		if (n <= 0)
			return n < 0 ? -1 : err_net(e, ERR_NET_RESET, "%s closed the connection", proxy);
		rc = http_resp_feed(r, buf, (size_t)n, &used);
	}
	if (rc != HTTP_DONE)
		return err_set(e, ERR_MALFORMED, "%s: bad answer to CONNECT: %s", proxy,
			http_strerror(rc));
	if (r->status / 100 != 2)
		return refused(cfg, proxy, r, e);
	if (used != (size_t)n)
		return err_set(e, ERR_MALFORMED, "%s: bad answer to CONNECT: data after the header",
			proxy);
	log_v("%s: tunnel to %s%s", proxy, c->peer, cfg->proxy_user ? " (Basic authentication)" : "");
	return 0;
}

/* TCP (through the proxy when proxied), then TLS when t is set. */
static int attempt(conn *c, const conn_cfg *cfg, int proxied, tls *t,
	const tls_pin *pin, clock_ms deadline, err *e)
{
	if (proxied)
		c->fd = net_connect(&cfg->resolve, cfg->proxy_host, cfg->proxy_port, deadline, e);
	else
		c->fd = net_connect(&cfg->resolve, c->host, c->port, deadline, e);
	if (c->fd < 0)
		return -1;
	if (proxied && tunnel(c, cfg, deadline, e) < 0)
		return -1;
	if (!t)
		return 0;
	c->tls = t;
	return tls_open(t, cfg->roots, pin, c->fd, c->host, c->peer, deadline, e);
}

int conn_open(conn *c, const conn_cfg *cfg, const char *host, unsigned port,
	tls *t, int proxy, const tls_pin *pin, clock_ms deadline, err *e)
{
	int proxied = proxy && t && cfg->proxy_host && !url_no_proxy(cfg->no_proxy, host);
	char desc[160];
	int rc;

	conn_close(c);
	str_copy(c->host, sizeof c->host, host);
	c->port = port;
	fmt(c->peer, sizeof c->peer, "%s:%u", host, port);
	rc = attempt(c, cfg, proxied, t, pin, deadline, e);
	if (rc < 0) {
		conn_close(c);
		return -1;
	}
	if (t) {
		tls_describe(t, desc, sizeof desc);
		log_v("%s: %s", c->peer, desc);
	}
	c->reusable = 1;
	return 0;
}

int conn_matches(const conn *c, const char *host, unsigned port, int use_tls)
{
	/* Between exchanges a kept-alive connection has nothing to read:
	 * readable means the server closed it (its idle timeout). */
	struct pollfd p = { c->fd, POLLIN, 0 };

	return c->fd >= 0 && c->reusable && c->port == port
		&& (c->tls != NULL) == (use_tls != 0) && str_ieq(c->host, host)
		&& poll(&p, 1, 0) == 0;
}

static int conn_write(conn *c, const char *buf, size_t n, clock_ms deadline,
	err *e)
{
	if (c->tls)
		return tls_write(c->tls, buf, n, deadline, e);
	return net_write(c->fd, buf, n, deadline, c->peer, e);
}

static long conn_read(conn *c, void *buf, size_t n, clock_ms deadline, err *e)
{
	if (c->tls)
		return tls_read(c->tls, buf, n, deadline, e);
	return net_read(c->fd, buf, n, deadline, c->peer, e);
}

static int parse_fail(conn *c, int rc, err *e)
{
	c->reusable = 0;
	return err_set(e, ERR_MALFORMED, "response from %s: %s", c->peer,
		http_strerror(rc));
}

int conn_exchange(conn *c, char *req, size_t len, http_resp *resp,
	clock_ms deadline, err *e)
{
	unsigned char buf[CONN_READ_CHUNK];
	int rc = HTTP_MORE;
	size_t used = 0, seen = 0; /* seen: bytes of buf ever written */
	long n = 0;

	c->requests++;
	rc = conn_write(c, req, len, deadline, e);
	explicit_bzero(req, len);
	if (rc < 0) {
		c->reusable = 0;
		return -1;
	}
	rc = HTTP_MORE;
	while (rc == HTTP_MORE) {
		n = conn_read(c, buf, sizeof buf, deadline, e);
		if (n < 0) {
			c->reusable = 0;
			explicit_bzero(buf, sizeof buf); /* a failed read may have written */
			return -1;
		}
		if ((size_t)n > seen)
			seen = (size_t)n;
		if (n == 0) {
			c->reusable = 0;
			rc = http_resp_eof(resp);
			if (rc == HTTP_E_TRUNCATED && resp->status == 0)
				return err_net(e, ERR_NET_RESET, "%s closed the connection without a response", c->peer);
			break;
		}
		rc = http_resp_feed(resp, buf, (size_t)n, &used);
	}
	explicit_bzero(buf, seen); /* decrypted body bytes: maybe a secret */
	if (rc != HTTP_DONE)
		return parse_fail(c, rc, e);
	/* Bytes after the response: the peer is out of step; don't reuse. */
	if (!resp->keep_alive || (n > 0 && used != (size_t)n))
		c->reusable = 0;
	log_v("%s: HTTP %d, %zu body bytes%s", c->peer, resp->status,
		resp->body_len, c->reusable ? "" : ", connection not reusable");
	return 0;
}

void conn_close(conn *c)
{
	if (c->tls)
		tls_close(c->tls);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->tls = NULL;
	c->reusable = 0;
	c->requests = 0;
}
