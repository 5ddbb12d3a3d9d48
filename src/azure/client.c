/* client: run state, and the retry loop's waiting (policy in retry.c). */
#include "azure/client.h"
#include "base/fmt.h"
#include "base/log.h"
#include "azure/retry.h"

#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/random.h>

void client_init(client *c)
{
	/* c is zeroed static storage (client.h); clearing it again would make
	 * its untouched pages resident for nothing. */
	c->ntokens = 0;
	c->nvaults = 0;
	conn_init(&c->ident);
	conn_init(&c->vault);
}

void client_done(client *c)
{
	conn_close(&c->ident);
	conn_close(&c->vault);
	/* Requests and bodies holding a secret were wiped right after use; this
	 * covers the last ones on error paths. Only the used part of the 1 MiB
	 * body buffer: touching all of it would cost as much resident memory. */
	explicit_bzero(c->req, c->req_used);
	explicit_bzero(c->body, c->resp.body_len < sizeof c->body ? c->resp.body_len : sizeof c->body);
	for (size_t i = 0; i < CLIENT_TOKENS_MAX && i <= c->ntokens; i++)
		explicit_bzero(c->tokens[i].tok.access, c->tokens[i].tok.len);
	c->ntokens = 0;
	explicit_bzero(&c->proxy, sizeof c->proxy);
}

void client_attempt(client *c)
{
	clock_ms now = clock_now();

	c->deadline = now + c->attempt_ms < c->end ? now + c->attempt_ms : c->end;
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

	if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd)
		rnd = (unsigned)clock_now() * 2654435761u; /* jitter only: any spread */
	return rnd;
}

int client_retry(client *c, struct retry *r, const err *last, int status,
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
