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
	{ "imds 429 Retry-After 2", RETRY_IMDS, 0, 30000, 0, {
		{ 429, "2", 0, 0, 0, RM, 2000 } } },
	{ "vault 429 Retry-After 2, then backoff outgrows it", RETRY_VAULT, 0, FAR, 0, {
		{ 429, "2", 0, 0, 0, RM, 2000 }, { 429, "2", 0, 0, 0, RM, 2399 },
		{ 429, "2", 0, 0, 0, RH, 4000 } } },
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
		{ 503, 0, 0, 0, 0, RH, 1000 }, { 429, "3", 0, 0, 0, RH, 3000 },
		{ RETRY_NET_RESET, 0, 0, 0, 0, RH, 4000 }, { 503, 0, 0, 0, 0, RH, STOP } } },
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

static void test_date_parse(void)
{
	static const struct {
		const char *s;
		int rc;
		long long want;
	} t[] = {
		{ "Thu, 01 Jan 1970 00:00:00 GMT", 0, 0 },
		{ D1994, 0, T1994 },
		{ "Tue, 29 Feb 2000 23:59:59 GMT", 0, 951868799 },
		{ "Sat, 31 Dec 2016 23:59:60 GMT", 0, 1483228800 },
		{ "Tue, 19 Jan 2038 03:14:08 GMT", 0, 2147483648LL },
		{ "Sun, 15 Jun 2025 12:00:00 GMT", 0, 1749988800 },
		{ "Fri, 31 Dec 9999 23:59:59 GMT", 0, 253402300799LL },
		{ "Wed, 31 Dec 1969 23:59:59 GMT", 0, -1 },
		{ "Mon, 01 Jan 0001 00:00:00 GMT", 0, -62135596800LL },
		{ "Mon, 06 Nov 1994 08:49:37 GMT", -1, 0 },  /* wrong weekday */
		{ "Thu, 29 Feb 1900 00:00:00 GMT", -1, 0 },  /* not a leap year */
		{ "Mon, 29 Feb 2100 00:00:00 GMT", -1, 0 },
		{ "Mon, 31 Apr 2025 00:00:00 GMT", -1, 0 },
		{ "Sun, 00 Nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun, 32 Nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun, 06 Nov 1994 24:00:00 GMT", -1, 0 },
		{ "Sun, 06 Nov 1994 08:60:37 GMT", -1, 0 },
		{ "Sun, 06 Nov 1994 08:49:61 GMT", -1, 0 },
		{ "Sun, 06 Nox 1994 08:49:37 GMT", -1, 0 },
		{ "sun, 06 Nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun, 06 nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun, 06 Nov 1994 08:49:37 UTC", -1, 0 },
		{ "Sun, 06 Nov 1994 08:49:37 gmt", -1, 0 },
		{ "Sun, 6 Nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun,  6 Nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun, 06 Nov 94 08:49:37 GMT", -1, 0 },
		{ "Sun, 06 Nov 1994 08:49:37 GMT ", -1, 0 },
		{ " Sun, 06 Nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun, 06 Nov 1994 08:49:37 +0000", -1, 0 },
		{ "Sun, 06 Nov 1994 8:49:37 GMT", -1, 0 },
		{ "Sun, 06 Nov 1994 08.49.37 GMT", -1, 0 },
		{ "Sun, 06-Nov-1994 08:49:37 GMT", -1, 0 },
		{ "Sun 06 Nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun, 0x Nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun, 06 Nov 19+4 08:49:37 GMT", -1, 0 },
		{ "Sunday, 06-Nov-94 08:49:37 GMT", -1, 0 },
		{ "Sun Nov  6 08:49:37 1994", -1, 0 },
		{ "", -1, 0 },
		{ NULL, -1, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		long long e = 42;
		int rc = retry_date_parse(t[i].s, &e);

		CHECKM(rc == t[i].rc, "\"%s\": rc %d", t[i].s ? t[i].s : "NULL", rc);
		CHECKM(e == (rc == 0 ? t[i].want : 42), "\"%s\": got %lld",
		    t[i].s ? t[i].s : "NULL", e);
	}
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_seqs);
	T_RUN(test_matrix);
	T_RUN(test_nf_kinds);
	T_RUN(test_after_parse);
	T_RUN(test_date_parse);
	T_END();
}
