/*
 * retry: the one retry policy of every request (docs/protocols.md 2).
 * Pure: the caller sleeps, reads the clocks and draws the random bits, and
 * reports each failed attempt to retry_next, which answers how long to wait
 * before the next one or that it is time to stop and report the last error.
 * State lives in a caller-owned retry, one per request. A backoff that would
 * pass the deadline is shortened to leave one last attempt RETRY_MIN_TRY_MS
 * long (so --wait really waits until its end); with less time than that, or
 * a Retry-After past the deadline, retry_next stops: a retry that cannot
 * finish would only hide the real error behind "deadline passed".
 * Not here: the vault's 401 challenge (kv), the immediate reconnect of a
 * stale keep-alive connection (conn).
 *
 * Outcome        IMDS           IDENTITY     SF     VAULT, ENTRA
 * 404            backoff        backoff      stop   stop
 * 408 429 500 502 503 504, NET_TIMEOUT, NET_RESET: backoff, every kind
 * other 5xx      backoff        stop         stop   stop
 * 410            every 10 s while the first 410 is < 70 s old; others stop
 * 400 "Identity not found" (IMDS only): backoff, at most RETRY_NF_MAX times
 * NET_CONNECT    only with wait: backoff capped at RETRY_WAIT_CAP_MS, no count
 * anything else (2xx, 3xx, 400, 401, 403, 4xx): stop
 * backoff: RETRY_BASE_MS * 2^(n-1), capped at RETRY_CAP_MS, then jittered
 * x[0.8, 1.2); at most RETRY_MAX_<KIND> times. A valid Retry-After raises
 * any wait to its value (never lowers it). Counts are per row group.
 * Throttled (429 with a Retry-After RA of 1 s or more): instead of the
 * backoff, RA + a uniform spread over RETRY_SPREAD_FIRST RAs for the first
 * retry (a fleet that hit the limit together spreads over the next
 * windows), then over RA / 8, RA / 4, RA / 2, RA... (the crowd has thinned:
 * a client throttled again retries soon after RA, further out each time);
 * a spread is at most RETRY_CAP_MS. These retries have no count, only the
 * deadline: Key Vault asks a throttled client to go on until it succeeds.
 * No delay before a first attempt, ever.
 *
 * --every (retry_every, retry_round): the next round one interval after a
 * round's end, jittered x[0.9, 1.1), the first x[0.1, 1.1) (agents started
 * together spread over the interval); after the n-th failed round in a row,
 * interval / 16 * 2^(n-1), at most the interval and RETRY_ROUND_CAP_MS,
 * jittered x[0.5, 1).
 */
#ifndef AZKV_RETRY_H
#define AZKV_RETRY_H

/* Kinds of endpoint. IDENTITY: App Service, Arc, Cloud Shell, Azure ML
 * (MSAL-NET's default sources); SF: Service Fabric, which must not retry 404. */
enum { RETRY_IMDS, RETRY_IDENTITY, RETRY_SF, RETRY_VAULT, RETRY_ENTRA };

/* Attempts that ended without an HTTP status (negative, unlike statuses). */
enum {
	RETRY_NET_CONNECT = -1, /* no connection: refused, unreachable, connect
	                           timed out, name not resolved */
	RETRY_NET_TIMEOUT = -2, /* connected, no whole response in time */
	RETRY_NET_RESET = -3,   /* connection reset or closed mid-response */
};

/* retry_next's answers other than a wait (all mean: stop, report the last
 * error). */
enum {
	RETRY_STOP = -1,     /* not retryable, or its retries are spent */
	RETRY_NO_TIME = -2,  /* retryable, but the wait would pass the deadline */
};

#define RETRY_BASE_MS 1000         /* first backoff: 1, 2, 4, 8... s */
#define RETRY_CAP_MS 30000         /* backoff before jitter (DOC-IMDS max 60 s) */
#define RETRY_WAIT_CAP_MS 5000     /* --wait polling for the network to come up */
#define RETRY_GONE_EVERY_MS 10000  /* IMDS 410 (MSAL: every 10 s) */
#define RETRY_GONE_FOR_MS 70000    /* IMDS promises to be back within 70 s */
#define RETRY_NF_MAX 3             /* "Identity not found": 1, 2, 4 s (MSAL) */
#define RETRY_MIN_TRY_MS 500       /* time left for the attempt after a wait */
#define RETRY_AFTER_MAX_S 1000000000LL /* longer Retry-After is read as this */
#define RETRY_MAX_IMDS 5           /* DOC-IMDS: 5 retries */
#define RETRY_MAX_IDENTITY 3       /* MSAL-NET: 3 for non-IMDS sources */
#define RETRY_MAX_VAULT 5          /* DOC-KV-THROTTLE: 1, 2, 4, 8, 16 s */
#define RETRY_MAX_ENTRA 3          /* as the identity sources */
#define RETRY_SPREAD_FIRST 3       /* Retry-Afters the first spread covers */
#define RETRY_ROUND_CAP_MS 300000  /* a failed --every round: retried within */

typedef struct retry {
	int kind;              /* RETRY_IMDS... */
	int wait;              /* retry connection failures (--wait) */
	unsigned tries;        /* failed attempts reported */
	unsigned backoffs;     /* retries spent on the backoff rows */
	unsigned throttled;    /* 429s with a Retry-After (no limit but time) */
	unsigned nf;           /* retries spent on "Identity not found" */
	unsigned down;         /* retries spent on NET_CONNECT */
	int gone;              /* a 410 was seen; gone_since is valid */
	long long gone_since;  /* now_ms of the first 410 */
} retry;

/* One failed attempt, and the clocks when it ended. */
typedef struct retry_in {
	int outcome;             /* HTTP status 100..599 or a RETRY_NET_* */
	const char *retry_after; /* raw Retry-After value; NULL or "" if none */
	const char *date;        /* raw Date of the same response; NULL or "" */
	int identity_not_found;  /* azure_identity_not_found() said so of the body */
	long long now_ms;        /* monotonic clock, ms */
	long long now_epoch;     /* wall clock, Unix s (if Date is unreadable) */
	long long deadline_ms;   /* the request's deadline, same clock as now_ms */
	unsigned rnd;            /* 32 random bits for the jitter */
} retry_in;

/* Start the retries of one request to an endpoint of the given kind. wait:
 * the user asked to wait (--wait) for the network or endpoint to come up. */
void retry_init(retry *r, int kind, int wait);

/* Report a failed attempt. Returns the wait in ms (>= 0) before the next
 * one, or RETRY_STOP / RETRY_NO_TIME. Call only after a failure; a success
 * status passed here is simply RETRY_STOP. */
long long retry_next(retry *r, const retry_in *in);

/* --every: the wait before the next round, from the end of one; first: the
 * wait after the first round. */
long long retry_every(long long interval_ms, int first, unsigned rnd);

/* --every: the wait before trying again after the n-th (from 1) failed
 * round in a row. */
long long retry_round(unsigned n, long long interval_ms, unsigned rnd);

/* Parse a Retry-After value: delta-seconds (digits only; more than
 * RETRY_AFTER_MAX_S reads as that) or an IMF-fixdate (date_http_parse),
 * whose delay is counted from now_epoch (0 if already past). Obsolete
 * RFC 850 and asctime dates are rejected. Returns 0 with *delay_s set, or
 * -1. */
int retry_after_parse(const char *s, long long now_epoch, long long *delay_s);

#endif
