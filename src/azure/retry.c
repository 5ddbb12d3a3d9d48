#include "azure/retry.h"
#include "base/date.h"

#include <string.h>

#include "base/str.h"

/* Rows of the table in retry.h. */
enum { ROW_STOP, ROW_BACKOFF, ROW_GONE, ROW_NF, ROW_DOWN };

void retry_init(retry *r, int kind, int wait)
{
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->wait = wait != 0;
}

/* Transient for every kind: azure-core's list plus the broken exchange. */
static int transient(int s)
{
	return s == 408 || s == 429 || s == 500 || s == 502 || s == 503
		|| s == 504 || s == RETRY_NET_TIMEOUT || s == RETRY_NET_RESET;
}

static int row_of(const retry *r, const retry_in *in)
{
	int s = in->outcome;

	if (s == RETRY_NET_CONNECT)
		return r->wait ? ROW_DOWN : ROW_STOP;
	if (transient(s))
		return ROW_BACKOFF;
	if (r->kind == RETRY_IDENTITY)
		return s == 404 ? ROW_BACKOFF : ROW_STOP;
	if (r->kind != RETRY_IMDS)
		return ROW_STOP;
	if (s == 404 || (s >= 500 && s <= 599))
		return ROW_BACKOFF;
	if (s == 410)
		return ROW_GONE;
	return s == 400 && in->identity_not_found ? ROW_NF : ROW_STOP;
}

static unsigned max_backoffs(int kind)
{
	switch (kind) {
	case RETRY_IMDS: return RETRY_MAX_IMDS;
	case RETRY_IDENTITY: case RETRY_SF: return RETRY_MAX_IDENTITY;
	case RETRY_VAULT: return RETRY_MAX_VAULT;
	case RETRY_ENTRA: return RETRY_MAX_ENTRA;
	}
	return 0;
}

/* d * (lo + span * rnd / 2^32) / 10: a jitter in tenths, exact for a
 * whole ms. */
static long long jitter(unsigned long long d, unsigned lo, unsigned span, unsigned rnd)
{
	return (long long)(d * lo / 10 + ((d * span / 10 * rnd) >> 32));
}

/* The n-th (from 1) wait: RETRY_BASE_MS * 2^(n-1) up to cap, times
 * 0.8 + 0.4 * rnd / 2^32, so in [0.8, 1.2) and exact for a whole ms. */
static long long backoff(unsigned n, long long cap, unsigned rnd)
{
	unsigned long long d = RETRY_BASE_MS;

	while (n-- > 1 && d < (unsigned long long)cap)
		d *= 2;
	if (d > (unsigned long long)cap)
		d = (unsigned long long)cap;
	return jitter(d, 8, 4, rnd);
}

/* The wait the row asks for before any Retry-After, or RETRY_STOP. */
static long long row_wait(retry *r, int row, const retry_in *in)
{
	switch (row) {
	case ROW_BACKOFF:
		if (r->backoffs >= max_backoffs(r->kind))
			return RETRY_STOP;
		return backoff(++r->backoffs, RETRY_CAP_MS, in->rnd);
	case ROW_NF:
		if (r->nf >= RETRY_NF_MAX)
			return RETRY_STOP;
		return backoff(++r->nf, RETRY_CAP_MS, in->rnd);
	case ROW_DOWN:
		return backoff(++r->down, RETRY_WAIT_CAP_MS, in->rnd);
	case ROW_GONE:
		if (!r->gone) {
			r->gone = 1;
			r->gone_since = in->now_ms;
		}
		if (in->now_ms - r->gone_since >= RETRY_GONE_FOR_MS)
			return RETRY_STOP;
		return RETRY_GONE_EVERY_MS;
	}
	return RETRY_STOP;
}

/* Retry-After in ms, or -1 if absent or unreadable. A date is counted from
 * the response's own Date when readable: our clock may be 1970 at boot. */
static long long after_ms(const retry_in *in)
{
	long long now = in->now_epoch, s;

	if (in->retry_after == NULL || in->retry_after[0] == 0)
		return -1;
	if (in->date != NULL && date_http_parse(in->date, &s) == 0)
		now = s;
	if (retry_after_parse(in->retry_after, now, &s) < 0)
		return -1;
	return s * 1000;
}

/* A throttled client's n-th wait after Retry-After (retry.h). */
static long long throttled(unsigned n, long long after, unsigned rnd)
{
	unsigned long long w = (unsigned long long)after * RETRY_SPREAD_FIRST;

	if (n > 1)
		for (w = (unsigned long long)after / 8; n-- > 2 && w < RETRY_CAP_MS; )
			w *= 2;
	return after + jitter(w < RETRY_CAP_MS ? w : RETRY_CAP_MS, 0, 10, rnd);
}

long long retry_next(retry *r, const retry_in *in)
{
	long long wait, after = after_ms(in), left;
	int row = row_of(r, in);

	r->tries++;
	if (row == ROW_BACKOFF && in->outcome == 429 && after >= RETRY_BASE_MS) {
		wait = throttled(++r->throttled, after, in->rnd);
	} else {
		wait = row_wait(r, row, in);
		if (wait < 0)
			return wait;
		if (after > wait)
			wait = after;
	}
	left = in->deadline_ms - in->now_ms - RETRY_MIN_TRY_MS;
	if (after > left)
		return RETRY_NO_TIME; /* the server asked us to stay away longer */
	if (wait > left && left > 0)
		wait = left; /* our own backoff: one last attempt before the end */
	return wait > left ? RETRY_NO_TIME : wait;
}

long long retry_every(long long interval_ms, int first, unsigned rnd)
{
	return first ? jitter((unsigned long long)interval_ms, 1, 10, rnd)
		: jitter((unsigned long long)interval_ms, 9, 2, rnd);
}

long long retry_round(unsigned n, long long interval_ms, unsigned rnd)
{
	unsigned long long w = (unsigned long long)interval_ms / 16, cap = RETRY_ROUND_CAP_MS;

	if (cap > (unsigned long long)interval_ms)
		cap = (unsigned long long)interval_ms;
	while (n-- > 1 && w < cap)
		w *= 2;
	return jitter(w < cap ? w : cap, 5, 5, rnd);
}

int retry_after_parse(const char *s, long long now_epoch, long long *delay_s)
{
	unsigned long long v;
	size_t n;

	if (s == NULL)
		return -1;
	n = str_spn(s, "0123456789");
	if (n > 0 && s[n] == 0) {
		if (str_udec(s, n, RETRY_AFTER_MAX_S, &v) < 0)
			v = RETRY_AFTER_MAX_S;
		*delay_s = (long long)v;
		return 0;
	}
	if (date_http_parse(s, delay_s) < 0)
		return -1;
	*delay_s = *delay_s > now_epoch ? *delay_s - now_epoch : 0;
	if (*delay_s > RETRY_AFTER_MAX_S)
		*delay_s = RETRY_AFTER_MAX_S;
	return 0;
}
