/* client: run state, and the one request path: send, read, retry (the
 * policy is retry.c's). */
#include "azure/client.h"
#include "base/fmt.h"
#include "base/log.h"
#include "base/mem.h"
#include "azure/retry.h"
#include "base/rnd.h"

#include "buildinfo.h"

#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

void client_init(client *c, const client_cfg *cfg)
{
	/* c is zeroed static storage (client.h): clearing it again would make
	 * its untouched pages resident for nothing. */
	c->cfg = cfg;
	c->end = clock_now() + cfg->run_ms;
	conn_init(&c->ident);
	conn_init(&c->vault);
	client_attempt(c);
}

void client_done(client *c)
{
	size_t i;

	/* (tls_close wipes each TLS context) */
	conn_close(&c->ident);
	conn_close(&c->vault);
	mem_give(c->vault_tls, sizeof(tls), 0);
	mem_give(c->ident_tls, sizeof(tls), 0);
	/* Requests and bodies holding a secret were wiped right after use; this
	 * covers the last ones on error paths, only as far as they were used:
	 * touching the rest would make it resident for nothing. */
	mem_give(c->body, c->body_cap, c->resp.body_len);
	for (i = 0; i < CLIENT_TOKENS_MAX && i <= c->ntokens; i++)
		explicit_bzero(c->tokens[i].tok.access, c->tokens[i].tok.len);
	c->body = NULL, c->body_cap = 0, c->vault_tls = c->ident_tls = NULL;
	c->ntokens = 0; /* (a second client_done finds nothing to do) */
}

void client_attempt(client *c)
{
	clock_ms now = clock_now();

	c->deadline = now + c->cfg->attempt_ms < c->end ? now + c->cfg->attempt_ms : c->end;
}

static int outcome_of(const err *last, int status)
{
	if (last->net == ERR_NET_CONNECT)
		return RETRY_NET_CONNECT;
	if (last->net == ERR_NET_TIMEOUT)
		return RETRY_NET_TIMEOUT;
	if (last->net == ERR_NET_RESET)
		return RETRY_NET_RESET;
	return status; /* 0 (no status: malformed, TLS...) is never retried */
}

unsigned client_rnd(void)
{
	unsigned rnd = 0;

	if (rnd_bytes(&rnd, sizeof rnd, RND_NOWAIT))
		rnd = (unsigned)clock_now() * 2654435761u; /* jitter only: any spread */
	return rnd;
}

/* After a failed attempt (error in last, HTTP status or 0 in status): ask
 * the retry policy, log and sleep. 0: try again; -1: stop, with last copied
 * into e. */
static int client_retry(client *c, retry *r, const err *last, int status,
	int identity_not_found, err *e)
{
	struct pollfd none[1];
	retry_in in;
	long long wait;

	memset(&in, 0, sizeof in);
	in.outcome = outcome_of(last, status);
	in.retry_after = in.outcome > 0 ? c->resp.retry_after : "";
	in.date = in.outcome > 0 ? c->resp.date : "";
	in.identity_not_found = identity_not_found;
	in.now_ms = clock_now();
	in.now_epoch = clock_epoch();
	in.deadline_ms = c->end;
	in.rnd = client_rnd();
	wait = in.outcome == 0 ? RETRY_STOP : retry_next(r, &in);
	if (wait >= 0) {
		log_v("attempt failed (%s); next in %lldms", last->msg, wait);
		/* the sleep ends early only when --every is told to stop */
		if (net_poll(none, 0, in.now_ms + wait) == 0)
			return 0;
	} else if (wait == RETRY_NO_TIME) {
		log_v("no time left for another attempt");
	}
	if (e->code == ERR_OK)
		*e = *last;
	return -1;
}

int client_status_err(const client *c, const char *what, const char *extra, int cls,
	err *e)
{
	char text[AZURE_ERRTEXT_MAX];
	int st = c->resp.status;

	if (st >= 300 && st < 400)
		return err_set(e, cls, "%s: unexpected redirect (HTTP %d), not followed", what, st);
	azure_error_text((const char *)c->body, c->resp.body_len, text, sizeof text);
	return err_set(e, cls, "%s: HTTP %d%s%s%s", what, st, extra, text[0] ? ": " : "", text);
}

static int grow_body(http_resp *r, size_t need)
{
	return mem_grow((void **)&r->body, &r->body_cap, r->body_len, need);
}

_Static_assert(MEM_GROW_MIN >= HTTP_REQ_MAX, "a request fits the first body buffer");

/* A first body buffer, and TLS storage when the connection needs it. */
static int client_take(client *c, tls **t, err *e)
{
	if (!c->body && !(c->body = mem_take(c->body_cap = MEM_GROW_MIN, e)))
		return -1;
	if (t && !*t && !(*t = mem_take(sizeof(tls), e)))
		return -1;
	return 0;
}

/* One attempt: the request, the connection (kept if q->keep allows and the
 * server did), the response. */
static int send_one(client *c, const client_req *q, err *e)
{
	char host[URL_HOST_MAX + 8];
	http_hdr h[CLIENT_HDRS_MAX + 1];
	char *req;
	long len;
	int rc;

	if (client_take(c, q->tls, e) < 0)
		return -1;
	req = (char *)c->body;
	url_host_header(q->host, q->port, q->tls != NULL, host, sizeof host);
	memcpy(h, q->h, q->nh * sizeof h[0]);
	h[q->nh] = (http_hdr){ "User-Agent", CLIENT_UA AZKV_VERSION, NULL };
	len = http_req_fmt(req, HTTP_REQ_MAX, q->method, host, q->target, h, q->nh + 1,
		q->body, q->blen, q->keep);
	if (len < 0)
		return err_set(e, ERR_INTERNAL, "%s: %s", q->what, http_strerror((int)len));
	rc = conn_matches(q->conn, q->host, q->port, q->tls != NULL) ? 0
		: conn_open(q->conn, &c->cfg->net, q->host, q->port, q->tls ? *q->tls : NULL,
			q->proxy, q->pin, c->deadline, e);
	if (rc == 0) {
		log_v("%s: %s%s (request %lu on this connection)", q->what, q->method,
			q->note, q->conn->requests + 1);
		http_resp_init(&c->resp, c->body, c->body_cap, 0);
		c->resp.grow = grow_body;
		rc = conn_exchange(q->conn, req, (size_t)len, &c->resp, c->deadline, e);
		c->body = c->resp.body; /* it may have grown, and moved */
		c->body_cap = c->resp.body_cap;
	} else {
		explicit_bzero(req, (size_t)len);
	}
	if (!q->keep || !q->conn->reusable)
		conn_close(q->conn);
	return rc;
}

int client_call(client *c, const client_req *q, err *e)
{
	retry r;

	retry_init(&r, q->kind, c->cfg->wait);
	for (;;) {
		err one = { 0, 0, "" };
		int st = 0, nf;

		client_attempt(c);
		if (send_one(c, q, &one) == 0) {
			st = c->resp.status;
			if (q->want ? st == q->want : !(st == 408 || st == 429 || st >= 500))
				return 0;
			client_status_err(c, q->what, q->want == 401
				? " where a 401 challenge was expected" : "", q->cls, &one);
		}
		nf = st == 400 && azure_identity_not_found((const char *)c->body,
			c->resp.body_len);
		if (client_retry(c, &r, &one, st, nf, e) < 0)
			return -1;
	}
}
