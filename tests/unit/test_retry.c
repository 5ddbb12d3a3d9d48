/* Unit tests for retry: the schedule as data (sequences of failed attempts
 * with injected clocks and random bits, and the exact wait expected after
 * each), the outcome-by-kind table, and the Retry-After / HTTP-date parsers
 * (docs/protocols.md 2). */
#include "azure/retry.h"
#include "t.h"

#define R0 0u          /* jitter x0.8 */
#define RH 0x80000000u /* jitter x1.0: the plain schedule */
#define RM 0xffffffffu /* jitter just under x1.2 */
#define FAR 1000000000000LL /* a deadline that never matters */
#define STOP RETRY_STOP
#define NOTIME RETRY_NO_TIME
#define NF 1           /* body said "Identity not found" */
#define D1994 "Sun, 06 Nov 1994 08:49:37 GMT" /* 784111777 */
#define T1994 784111777LL

typedef struct step {
	int outcome;          /* 0 ends the sequence */
	const char *ra;       /* Retry-After */
	const char *date;     /* Date */
	int nf;
	long long now;        /* now_ms */
	unsigned rnd;
	long long want;
} step;

typedef struct seq {
	const char *name;
	int kind, wait;
	long long deadline, epoch;
	step s[12];
} seq;

static const seq seqs[] = {
	{ "imds 503,503 then success", RETRY_IMDS, 0, 30000, 0, {
		{ 503, 0, 0, 0, 5, RH, 1000 },
		{ 503, 0, 0, 0, 1010, RH, 2000 } } },
	{ "imds 500 x6: 5 retries", RETRY_IMDS, 0, FAR, 0, {
		{ 500, 0, 0, 0, 0, RH, 1000 }, { 500, 0, 0, 0, 1000, RH, 2000 },
		{ 500, 0, 0, 0, 3000, RH, 4000 }, { 500, 0, 0, 0, 7000, RH, 8000 },
		{ 500, 0, 0, 0, 15000, RH, 16000 }, { 500, 0, 0, 0, 31000, RH, STOP } } },
	{ "imds mixed transients share one count", RETRY_IMDS, 0, FAR, 0, {
		{ 404, 0, 0, 0, 0, RH, 1000 }, { RETRY_NET_TIMEOUT, 0, 0, 0, 0, RH, 2000 },
		{ 429, 0, 0, 0, 0, RH, 4000 }, { RETRY_NET_RESET, 0, 0, 0, 0, RH, 8000 },
		{ 599, 0, 0, 0, 0, RH, 16000 }, { 408, 0, 0, 0, 0, RH, STOP } } },
	{ "jitter low: rnd 0", RETRY_IMDS, 0, FAR, 0, {
		{ 503, 0, 0, 0, 0, R0, 800 }, { 503, 0, 0, 0, 0, R0, 1600 },
		{ 503, 0, 0, 0, 0, R0, 3200 }, { 503, 0, 0, 0, 0, R0, 6400 },
		{ 503, 0, 0, 0, 0, R0, 12800 } } },
	{ "jitter high: rnd UINT_MAX", RETRY_IMDS, 0, FAR, 0, {
		{ 503, 0, 0, 0, 0, RM, 1199 }, { 503, 0, 0, 0, 0, RM, 2399 },
		{ 503, 0, 0, 0, 0, RM, 4799 }, { 503, 0, 0, 0, 0, RM, 9599 },
		{ 503, 0, 0, 0, 0, RM, 19199 } } },
	{ "imds 410 x8: every 10 s for 70 s", RETRY_IMDS, 0, FAR, 0, {
		{ 410, 0, 0, 0, 0, RM, 10000 }, { 410, 0, 0, 0, 10000, R0, 10000 },
		{ 410, 0, 0, 0, 20000, RH, 10000 }, { 410, 0, 0, 0, 30000, RH, 10000 },
		{ 410, 0, 0, 0, 40000, RH, 10000 }, { 410, 0, 0, 0, 50000, RH, 10000 },
		{ 410, 0, 0, 0, 60000, RH, 10000 }, { 410, 0, 0, 0, 70000, RH, STOP } } },
	{ "imds 410 window starts at the first 410", RETRY_IMDS, 0, FAR, 0, {
		{ 503, 0, 0, 0, 0, RH, 1000 }, { 410, 0, 0, 0, 5000, RH, 10000 },
		{ 503, 0, 0, 0, 16000, RH, 2000 }, { 410, 0, 0, 0, 74999, RH, 10000 },
		{ 410, 0, 0, 0, 75000, RH, STOP } } },
	{ "imds 410 with slow attempts", RETRY_IMDS, 0, FAR, 0, {
		{ 410, 0, 0, 0, 100, RH, 10000 }, { 410, 0, 0, 0, 25000, RH, 10000 },
		{ 410, 0, 0, 0, 50000, RH, 10000 }, { 410, 0, 0, 0, 70099, RH, 10000 },
		{ 410, 0, 0, 0, 70100, RH, STOP } } },
	{ "imds 410 under a 30 s deadline", RETRY_IMDS, 0, 30000, 0, {
		{ 410, 0, 0, 0, 0, RH, 10000 }, { 410, 0, 0, 0, 10000, RH, 10000 },
		{ 410, 0, 0, 0, 19500, RH, 10000 }, { 410, 0, 0, 0, 19501, RH, 9999 },
		{ 410, 0, 0, 0, 29500, RH, NOTIME } } },
	{ "imds 410 longer Retry-After wins", RETRY_IMDS, 0, FAR, 0, {
		{ 410, "15", 0, 0, 0, RH, 15000 }, { 410, "5", 0, 0, 15000, RH, 10000 } } },
	{ "imds identity not found: 1, 2, 4 s then stop", RETRY_IMDS, 0, FAR, 0, {
		{ 400, 0, 0, NF, 0, RH, 1000 }, { 400, 0, 0, NF, 1000, RH, 2000 },
		{ 400, 0, 0, NF, 3000, RH, 4000 }, { 400, 0, 0, NF, 7000, RH, STOP } } },
	{ "imds identity not found has its own count", RETRY_IMDS, 0, FAR, 0, {
		{ 503, 0, 0, 0, 0, RH, 1000 }, { 400, 0, 0, NF, 0, RH, 1000 },
		{ 503, 0, 0, 0, 0, RH, 2000 }, { 400, 0, 0, NF, 0, R0, 1600 } } },
	{ "imds 400 other: no retry", RETRY_IMDS, 0, FAR, 0, {
		{ 400, 0, 0, 0, 0, RH, STOP } } },
	{ "imds 400 after retries: stop", RETRY_IMDS, 0, FAR, 0, {
		{ 503, 0, 0, 0, 0, RH, 1000 }, { 400, "1", 0, 0, 0, RH, STOP } } },
	{ "imds 429 Retry-After 2: at least 2 s", RETRY_IMDS, 0, 30000, 0, {
		{ 429, "2", 0, 0, 0, R0, 2000 } } },
	/* Throttled: Retry-After + a spread over 3 Retry-Afters, then over an
	 * eighth of one, a quarter, a half... (at most 30 s; retry.h), with no
	 * count: past the 5 retries of other statuses */
	{ "vault 429 Retry-After 1: the fleet spread", RETRY_VAULT, 0, FAR, 0, {
		{ 429, "1", 0, 0, 0, RM, 3999 }, { 429, "1", 0, 0, 0, RM, 1124 },
		{ 429, "1", 0, 0, 0, RM, 1249 }, { 429, "1", 0, 0, 0, RM, 1499 },
		{ 429, "1", 0, 0, 0, RM, 1999 }, { 429, "1", 0, 0, 0, RM, 2999 },
		{ 429, "1", 0, 0, 0, RM, 4999 }, { 429, "1", 0, 0, 0, RM, 8999 },
		{ 429, "1", 0, 0, 0, RM, 16999 }, { 429, "1", 0, 0, 0, RM, 30999 },
		{ 429, "1", 0, 0, 0, RM, 30999 } } },
	{ "vault 429 Retry-After 1: until the deadline", RETRY_VAULT, 0, 10000, 0, {
		{ 429, "1", 0, 0, 0, R0, 1000 }, { 429, "1", 0, 0, 1000, R0, 1000 },
		{ 429, "1", 0, 0, 2000, R0, 1000 }, { 429, "1", 0, 0, 3000, R0, 1000 },
		{ 429, "1", 0, 0, 4000, R0, 1000 }, { 429, "1", 0, 0, 5000, R0, 1000 },
		{ 429, "1", 0, 0, 6000, R0, 1000 }, { 429, "1", 0, 0, 7000, R0, 1000 },
		{ 429, "1", 0, 0, 8000, R0, 1000 }, { 429, "1", 0, 0, 8600, R0, NOTIME } } },
	{ "vault 429 Retry-After 2: spread by rnd", RETRY_VAULT, 0, FAR, 0, {
		{ 429, "2", 0, 0, 0, R0, 2000 }, { 429, "2", 0, 0, 0, RH, 2125 },
		{ 429, "2", 0, 0, 0, RH, 2250 } } },
	{ "vault 429 long Retry-After: the spread is at most 30 s", RETRY_VAULT, 0, FAR, 0, {
		{ 429, "20", 0, 0, 0, RM, 49999 }, { 429, "100", 0, 0, 0, RM, 112499 },
		{ 429, "100", 0, 0, 0, RM, 124999 }, { 429, "100", 0, 0, 0, RM, 129999 } } },
	{ "vault 503 and 500 with Retry-After: not throttling, counted", RETRY_VAULT, 0, FAR, 0, {
		{ 503, "1", 0, 0, 0, RM, 1199 }, { 503, "3", 0, 0, 0, RM, 3000 },
		{ 500, "1", 0, 0, 0, RH, 4000 }, { 500, "1", 0, 0, 0, RH, 8000 },
		{ 500, "1", 0, 0, 0, RH, 16000 }, { 500, "1", 0, 0, 0, RH, STOP } } },
	{ "vault 429 spread cut to the deadline", RETRY_VAULT, 0, 6000, 0, {
		{ 429, "2", 0, 0, 0, RM, 5500 } } },
	{ "vault 503 without Retry-After: the plain backoff", RETRY_VAULT, 0, FAR, 0, {
		{ 503, 0, 0, 0, 0, RM, 1199 }, { 429, 0, 0, 0, 0, RM, 2399 } } },
	{ "vault Retry-After 0 or junk: backoff", RETRY_VAULT, 0, FAR, 0, {
		{ 503, "0", 0, 0, 0, R0, 800 }, { 503, "soon", 0, 0, 0, R0, 1600 },
		{ 503, "", 0, 0, 0, R0, 3200 }, { 503, "-1", 0, 0, 0, R0, 6400 },
		{ 503, "Sunday, 06-Nov-94 08:49:37 GMT", 0, 0, 0, R0, 12800 } } },
	{ "vault Retry-After HTTP date by our clock", RETRY_VAULT, 0, FAR, T1994 - 5, {
		{ 503, D1994, 0, 0, 0, RH, 5000 },
		{ 503, D1994, "", 0, 0, RH, 5000 },
		{ 503, D1994, "yesterday", 0, 0, RH, 5000 } } },
	{ "vault Retry-After date by the response's Date", RETRY_VAULT, 0, FAR, 0, {
		{ 503, D1994, "Sun, 06 Nov 1994 08:49:30 GMT", 0, 0, RH, 7000 },
		{ 503, D1994, D1994, 0, 0, RH, 2000 },
		{ 503, D1994, "Sun, 06 Nov 1994 08:50:37 GMT", 0, 0, RM, 4799 } } },
	{ "vault 1970 clock, no Date: the date is far off", RETRY_VAULT, 0, 30000, 0, {
		{ 503, D1994, 0, 0, 0, RH, NOTIME } } },
	{ "vault huge Retry-After: give up now", RETRY_VAULT, 0, 30000, 0, {
		{ 503, "3600", 0, 0, 0, RH, NOTIME } } },
	{ "vault overflowing Retry-After: give up now", RETRY_VAULT, 0, FAR, 0, {
		{ 429, "99999999999999999999999", 0, 0, 0, RH, NOTIME } } },
	{ "vault Retry-After just fits", RETRY_VAULT, 0, 30000, 0, {
		{ 503, "29", 0, 0, 500, RH, 29000 } } },
	{ "vault Retry-After one ms too long", RETRY_VAULT, 0, 30000, 0, {
		{ 503, "29", 0, 0, 501, RH, NOTIME } } },
	{ "vault backoff up to the deadline", RETRY_VAULT, 0, 30000, 0, {
		{ 500, 0, 0, 0, 0, RH, 1000 }, { 500, 0, 0, 0, 1000, RH, 2000 },
		{ 500, 0, 0, 0, 3000, RH, 4000 }, { 500, 0, 0, 0, 7000, RH, 8000 },
		{ 500, 0, 0, 0, 15000, RH, 14500 }, { 500, 0, 0, 0, 29600, RH, STOP } } },
	{ "vault: too little time for one more", RETRY_VAULT, 0, 30000, 0, {
		{ 500, 0, 0, 0, 29600, RH, NOTIME } } },
	{ "vault backoff exactly fits", RETRY_VAULT, 0, 30000, 0, {
		{ 502, 0, 0, 0, 28500, RH, 1000 } } },
	{ "vault past the deadline already", RETRY_VAULT, 0, 30000, 0, {
		{ RETRY_NET_TIMEOUT, 0, 0, 0, 30001, R0, NOTIME } } },
	{ "vault 500 x6: 5 retries", RETRY_VAULT, 0, FAR, 0, {
		{ 500, 0, 0, 0, 0, RH, 1000 }, { 504, 0, 0, 0, 0, RH, 2000 },
		{ 503, 0, 0, 0, 0, RH, 4000 }, { 502, 0, 0, 0, 0, RH, 8000 },
		{ 500, 0, 0, 0, 0, RH, 16000 }, { 500, "1", 0, 0, 0, RH, STOP } } },
	{ "entra 503 x4: 3 retries", RETRY_ENTRA, 0, FAR, 0, {
		{ 503, 0, 0, 0, 0, RH, 1000 }, { 429, 0, 0, 0, 0, RH, 2000 },
		{ RETRY_NET_RESET, 0, 0, 0, 0, RH, 4000 }, { 503, 0, 0, 0, 0, RH, STOP } } },
	{ "entra 429 with Retry-After spends none of the 3", RETRY_ENTRA, 0, FAR, 0, {
		{ 503, 0, 0, 0, 0, RH, 1000 }, { 429, "3", 0, 0, 0, R0, 3000 },
		{ 429, "3", 0, 0, 0, R0, 3000 }, { 503, 0, 0, 0, 0, RH, 2000 },
		{ 503, 0, 0, 0, 0, RH, 4000 }, { 503, 0, 0, 0, 0, RH, STOP } } },
	{ "identity 404 x4: 3 retries", RETRY_IDENTITY, 0, FAR, 0, {
		{ 404, 0, 0, 0, 0, RH, 1000 }, { 404, 0, 0, 0, 0, RH, 2000 },
		{ 404, 0, 0, 0, 0, RH, 4000 }, { 404, 0, 0, 0, 0, RH, STOP } } },
	{ "service fabric 404: no retry", RETRY_SF, 0, FAR, 0, {
		{ 503, 0, 0, 0, 0, RH, 1000 }, { 404, 0, 0, 0, 0, RH, STOP } } },
	{ "connect failure without --wait: no retry", RETRY_IMDS, 0, FAR, 0, {
		{ RETRY_NET_CONNECT, 0, 0, 0, 0, RH, STOP } } },
	{ "connect failure with --wait: until the deadline", RETRY_IMDS, 1, 20000, 0, {
		{ RETRY_NET_CONNECT, 0, 0, 0, 0, RH, 1000 },
		{ RETRY_NET_CONNECT, 0, 0, 0, 1000, RH, 2000 },
		{ RETRY_NET_CONNECT, 0, 0, 0, 3000, RH, 4000 },
		{ RETRY_NET_CONNECT, 0, 0, 0, 7000, RH, 5000 },
		{ RETRY_NET_CONNECT, 0, 0, 0, 12000, RH, 5000 },
		{ RETRY_NET_CONNECT, 0, 0, 0, 17000, RH, 2500 },
		{ RETRY_NET_CONNECT, 0, 0, 0, 19600, RH, NOTIME } } },
	{ "--wait polling jitter at its cap", RETRY_VAULT, 1, FAR, 0, {
		{ RETRY_NET_CONNECT, 0, 0, 0, 0, RH, 1000 },
		{ RETRY_NET_CONNECT, 0, 0, 0, 0, RH, 2000 },
		{ RETRY_NET_CONNECT, 0, 0, 0, 0, RH, 4000 },
		{ RETRY_NET_CONNECT, 0, 0, 0, 0, R0, 4000 },
		{ RETRY_NET_CONNECT, 0, 0, 0, 0, RM, 5999 },
		{ RETRY_NET_CONNECT, 0, 0, 0, 0, RH, 5000 },
		{ RETRY_NET_CONNECT, 0, 0, 0, 0, RH, 5000 },
		{ RETRY_NET_CONNECT, 0, 0, 0, 0, RH, 5000 },
		{ RETRY_NET_CONNECT, 0, 0, 0, 0, RH, 5000 },
		{ RETRY_NET_CONNECT, 0, 0, 0, 0, RH, 5000 },
		{ RETRY_NET_CONNECT, 0, 0, 0, 0, RH, 5000 },
		{ 503, 0, 0, 0, 0, RH, 1000 } } },
	{ "--wait does not lift other limits", RETRY_IMDS, 1, FAR, 0, {
		{ 400, 0, 0, 0, 0, RH, STOP } } },
};

static void test_seqs(void)
{
	size_t i, j;

	for (i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
		const seq *q = &seqs[i];
		retry r;

		retry_init(&r, q->kind, q->wait);
		for (j = 0; j < 12 && q->s[j].outcome != 0; j++) {
			const step *p = &q->s[j];
			retry_in in = { p->outcome, p->ra, p->date, p->nf, p->now,
				q->epoch, q->deadline, p->rnd };
			long long got = retry_next(&r, &in);

			CHECKM(got == p->want, "%s, step %zu: got %lld want %lld",
			    q->name, j + 1, got, p->want);
		}
		CHECKM(r.tries == j, "%s: tries %u", q->name, r.tries);
	}
}

/* --every's waits: the interval x[0.9, 1.1), the first x[0.1, 1.1); a
 * failed round's retries from interval/16 doubling, capped at the interval
 * and 5 minutes, x[0.5, 1). */
static void test_every(void)
{
	/* n 0: retry_every after a round (the first round when first is 1);
	 * n > 0: retry_round after the n-th failed round */
	static const struct {
		unsigned n;
		int first;
		long long interval;
		unsigned rnd;
		long long want;
	} t[] = {
		{ 0, 0, 60000, R0, 54000 }, { 0, 0, 60000, RH, 60000 }, { 0, 0, 60000, RM, 65999 },
		{ 0, 1, 60000, R0, 6000 }, { 0, 1, 60000, RH, 36000 }, { 0, 1, 60000, RM, 65999 },
		/* 30 days, the longest --every: no overflow in the jitter */
		{ 0, 0, 2592000000LL, RM, 2851199999LL }, { 0, 1, 2592000000LL, RM, 2851199999LL },
		{ 1, 0, 60000, R0, 1875 }, { 1, 0, 60000, RM, 3749 }, { 2, 0, 60000, R0, 3750 },
		{ 4, 0, 60000, R0, 15000 }, { 5, 0, 60000, R0, 30000 }, { 6, 0, 60000, R0, 30000 },
		{ 40, 0, 60000, RM, 59999 }, { 1, 0, 3600000, R0, 112500 },
		{ 2, 0, 3600000, R0, 150000 }, { 9, 0, 3600000, RM, 299999 },
		{ 1, 0, 2592000000LL, R0, 150000 }, { 3, 0, 200, R0, 24 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		long long got = t[i].n ? retry_round(t[i].n, t[i].interval, t[i].rnd)
			: retry_every(t[i].interval, t[i].first, t[i].rnd);

		CHECKM(got == t[i].want, "row %zu: got %lld want %lld", i, got, t[i].want);
	}
}

/* First failure of each outcome for each kind: retried (1000 ms at RH) or
 * not. Columns: IMDS, IDENTITY, SF, VAULT, ENTRA. */
static void test_matrix(void)
{
	static const struct {
		int outcome;
		long long want[5];
	} t[] = {
		{ 200, { STOP, STOP, STOP, STOP, STOP } },
		{ 204, { STOP, STOP, STOP, STOP, STOP } },
		{ 301, { STOP, STOP, STOP, STOP, STOP } },
		{ 302, { STOP, STOP, STOP, STOP, STOP } },
		{ 400, { STOP, STOP, STOP, STOP, STOP } },
		{ 401, { STOP, STOP, STOP, STOP, STOP } },
		{ 403, { STOP, STOP, STOP, STOP, STOP } },
		{ 404, { 1000, 1000, STOP, STOP, STOP } },
		{ 405, { STOP, STOP, STOP, STOP, STOP } },
		{ 408, { 1000, 1000, 1000, 1000, 1000 } },
		{ 409, { STOP, STOP, STOP, STOP, STOP } },
		{ 410, { 10000, STOP, STOP, STOP, STOP } },
		{ 413, { STOP, STOP, STOP, STOP, STOP } },
		{ 429, { 1000, 1000, 1000, 1000, 1000 } },
		{ 499, { STOP, STOP, STOP, STOP, STOP } },
		{ 500, { 1000, 1000, 1000, 1000, 1000 } },
		{ 501, { 1000, STOP, STOP, STOP, STOP } },
		{ 502, { 1000, 1000, 1000, 1000, 1000 } },
		{ 503, { 1000, 1000, 1000, 1000, 1000 } },
		{ 504, { 1000, 1000, 1000, 1000, 1000 } },
		{ 505, { 1000, STOP, STOP, STOP, STOP } },
		{ 507, { 1000, STOP, STOP, STOP, STOP } },
		{ 599, { 1000, STOP, STOP, STOP, STOP } },
		{ 600, { STOP, STOP, STOP, STOP, STOP } },
		{ 99, { STOP, STOP, STOP, STOP, STOP } },
		{ RETRY_NET_CONNECT, { STOP, STOP, STOP, STOP, STOP } },
		{ RETRY_NET_TIMEOUT, { 1000, 1000, 1000, 1000, 1000 } },
		{ RETRY_NET_RESET, { 1000, 1000, 1000, 1000, 1000 } },
		{ -4, { STOP, STOP, STOP, STOP, STOP } },
	};
	static const int kinds[5] = { RETRY_IMDS, RETRY_IDENTITY, RETRY_SF,
		RETRY_VAULT, RETRY_ENTRA };
	size_t i, k;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		for (k = 0; k < 5; k++) {
			retry r;
			retry_in in = { t[i].outcome, "", "", 0, 0, 0, FAR, RH };
			long long got;

			retry_init(&r, kinds[k], 0);
			got = retry_next(&r, &in);
			CHECKM(got == t[i].want[k], "outcome %d kind %zu: got %lld want %lld",
			    t[i].outcome, k, got, t[i].want[k]);
		}
}

/* "Identity not found" is an IMDS rule only. */
static void test_nf_kinds(void)
{
	static const int kinds[4] = { RETRY_IDENTITY, RETRY_SF, RETRY_VAULT, RETRY_ENTRA };
	size_t k;

	for (k = 0; k < 4; k++) {
		retry r;
		retry_in in = { 400, NULL, NULL, NF, 0, 0, FAR, RH };

		retry_init(&r, kinds[k], 1);
		CHECK_EQ(retry_next(&r, &in), STOP);
	}
}

static void test_after_parse(void)
{
	static const struct {
		const char *s;
		long long now;
		int rc;
		long long want;
	} t[] = {
		{ "0", 0, 0, 0 },
		{ "2", 0, 0, 2 },
		{ "120", 5, 0, 120 },
		{ "007", 0, 0, 7 },
		{ "1000000000", 0, 0, 1000000000 },
		{ "1000000001", 0, 0, RETRY_AFTER_MAX_S },
		{ "18446744073709551616", 0, 0, RETRY_AFTER_MAX_S },
		{ D1994, T1994 - 5, 0, 5 },
		{ D1994, T1994, 0, 0 },
		{ D1994, T1994 + 3600, 0, 0 },
		{ D1994, 0, 0, T1994 },
		{ "Fri, 31 Dec 9999 23:59:59 GMT", 0, 0, RETRY_AFTER_MAX_S },
		{ "", 0, -1, 0 },
		{ " 5", 0, -1, 0 },
		{ "5 ", 0, -1, 0 },
		{ "5s", 0, -1, 0 },
		{ "+5", 0, -1, 0 },
		{ "-5", 0, -1, 0 },
		{ "1.5", 0, -1, 0 },
		{ "0x10", 0, -1, 0 },
		{ "Sunday, 06-Nov-94 08:49:37 GMT", 0, -1, 0 },
		{ "Sun Nov  6 08:49:37 1994", 0, -1, 0 },
		{ NULL, 0, -1, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		long long d = -7;
		int rc = retry_after_parse(t[i].s, t[i].now, &d);

		CHECKM(rc == t[i].rc, "\"%s\": rc %d", t[i].s ? t[i].s : "NULL", rc);
		CHECKM(d == (rc == 0 ? t[i].want : -7), "\"%s\": got %lld want %lld",
		    t[i].s ? t[i].s : "NULL", d, t[i].want);
	}
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_seqs);
	T_RUN(test_every);
	T_RUN(test_matrix);
	T_RUN(test_nf_kinds);
	T_RUN(test_after_parse);
	T_END();
}
