/*
 * http_check.h: the response-parser check shared by fuzz_http and
 * fuzz_chunked. One response is parsed twice, fed whole and fed in pieces
 * (one byte at a time, or pieces of pseudo-random size drawn from a seed),
 * and the two runs must agree on everything: a split may never change the
 * result. Each run checks the contract of http.h as it goes: body_len never
 * exceeds the cap, DONE's *used <= n, MORE consumed all, errors stick, a
 * finished parser refuses more input.
 */
#ifndef AZKV_FUZZ_HTTP_CHECK_H
#define AZKV_FUZZ_HTTP_CHECK_H

#include "fuzz.h"
#include "http/http.h"

/* Body caps: none, tiny, small, and one over the parser's own maximum. */
static const size_t hc_caps[4] = { 0, 16, 1024, HTTP_BODY_MAX + 1 };

typedef struct hc_run {
	http_resp r;
	int rc;      /* last feed result */
	int eof;     /* http_resp_eof when the input ran out first, else 0 */
	size_t used; /* bytes consumed over all feeds */
} hc_run;

/* Body buffers of exactly the cap, kept between runs: [run][cap index]. */
static unsigned char *hc_body(int run, int ci)
{
	static unsigned char *bufs[2][4];

	if (bufs[run][ci] == NULL)
		bufs[run][ci] = (unsigned char *)fuzz_buf(hc_caps[ci]);
	return bufs[run][ci];
}

static void hc_kept_ok(const http_resp *r)
{
	FUZZ_CHECK(fuzz_terminated(r->www_authenticate,
		sizeof r->www_authenticate));
	FUZZ_CHECK(fuzz_terminated(r->retry_after, sizeof r->retry_after));
	FUZZ_CHECK(fuzz_terminated(r->date, sizeof r->date));
	FUZZ_CHECK(fuzz_terminated(r->content_type, sizeof r->content_type));
}

/* What must hold after every feed. */
static void hc_invariants(const http_resp *r, int rc)
{
	FUZZ_CHECK(rc == HTTP_MORE || rc == HTTP_DONE ||
		(rc <= HTTP_E_STATUS && rc >= HTTP_E_BARE_LF));
	FUZZ_CHECK(r->body_len <= r->body_cap);
	FUZZ_CHECK(r->body_len <= HTTP_BODY_MAX);
	hc_kept_ok(r);
	if (rc != HTTP_DONE)
		return;
	FUZZ_CHECK(r->status >= 200 && r->status <= 999);
	FUZZ_CHECK(r->minor == 0 || r->minor == 1);
	FUZZ_CHECK(r->keep_alive == 0 || r->keep_alive == 1);
	if (r->chunked)
		FUZZ_CHECK(r->content_length == -1);
	if (r->no_body)
		FUZZ_CHECK(r->body_len == 0);
	if (!r->no_body && !r->chunked && r->content_length >= 0 &&
		r->status != 204 && r->status != 304)
		FUZZ_CHECK(r->body_len == (size_t)r->content_length);
}

/* One feed of n bytes (n may be 0). */
static int hc_feed(hc_run *x, const unsigned char *p, size_t n)
{
	size_t used = (size_t)-1;
	int rc = http_resp_feed(&x->r, p, n, &used);

	FUZZ_CHECK(used <= n);
	if (rc == HTTP_MORE)
		FUZZ_CHECK(used == n);
	hc_invariants(&x->r, rc);
	x->used += used;
	return rc;
}

/* Piece size for the split run: mode 0 one byte, 1 up to 16, 2 up to 512,
 * 3 the whole rest (but an empty feed now and then, which must be harmless). */
static size_t hc_piece(unsigned mode, unsigned *st, size_t left)
{
	size_t k;

	switch (mode & 3) {
	case 0: k = 1; break;
	case 1: k = 1 + fuzz_next(st) % 16; break;
	case 2: k = 1 + fuzz_next(st) % 512; break;
	default: k = fuzz_next(st) % 8 == 0 ? 0 : left; break;
	}
	return k < left ? k : left;
}

/* After the last feed: the parser's end states and their stickiness. */
static void hc_finish(hc_run *x)
{
	size_t used = (size_t)-1;
	unsigned char b = 'x';
	int rc;

	if (x->rc == HTTP_MORE) {
		x->eof = http_resp_eof(&x->r);
		FUZZ_CHECK(x->eof == HTTP_DONE || x->eof == HTTP_E_TRUNCATED);
		hc_invariants(&x->r, x->eof);
		if (x->eof == HTTP_DONE)
			FUZZ_CHECK(!x->r.chunked && x->r.content_length == -1);
		FUZZ_CHECK(http_resp_eof(&x->r) == x->eof);
		return;
	}
	if (x->rc == HTTP_DONE) {
		FUZZ_CHECK(http_resp_eof(&x->r) == HTTP_DONE);
		rc = http_resp_feed(&x->r, &b, 1, &used);
		FUZZ_CHECK(rc == HTTP_E_STATE && used == 0);
		FUZZ_CHECK(http_resp_eof(&x->r) == HTTP_E_STATE);
		return;
	}
	rc = http_resp_feed(&x->r, &b, 1, &used); /* errors stick */
	FUZZ_CHECK(rc == x->rc && used == 0);
	FUZZ_CHECK(http_resp_eof(&x->r) == x->rc);
}

static void hc_parse(hc_run *x, unsigned char *body, size_t cap, int no_body,
	const unsigned char *p, size_t n, int split, unsigned seed)
{
	unsigned st = seed * 2654435761u + (unsigned)n;
	size_t off = 0;

	http_resp_init(&x->r, body, cap, no_body);
	x->rc = HTTP_MORE;
	x->eof = 0;
	x->used = 0;
	while (off < n && x->rc == HTTP_MORE) {
		size_t k = split ? hc_piece(seed, &st, n - off) : n - off;

		x->rc = hc_feed(x, p + off, k);
		off += k;
	}
	if (x->rc == HTTP_MORE)
		FUZZ_CHECK(x->used == n);
	hc_finish(x);
}

static void hc_same(const hc_run *a, const hc_run *b)
{
	const http_resp *r = &a->r, *s = &b->r;

	FUZZ_CHECK(a->rc == b->rc);
	FUZZ_CHECK(a->eof == b->eof);
	if (a->rc < 0)
		return; /* where the error struck may differ, the code may not */
	FUZZ_CHECK(a->used == b->used);
	FUZZ_CHECK(r->body_len == s->body_len);
	FUZZ_CHECK(r->body_len == 0 || memcmp(r->body, s->body, r->body_len) == 0);
	if (a->rc != HTTP_DONE && a->eof != HTTP_DONE)
		return;
	FUZZ_CHECK(r->status == s->status && r->minor == s->minor);
	FUZZ_CHECK(r->chunked == s->chunked && r->keep_alive == s->keep_alive);
	FUZZ_CHECK(r->content_length == s->content_length);
	FUZZ_CHECK(r->has_location == s->has_location);
	FUZZ_CHECK(strcmp(r->www_authenticate, s->www_authenticate) == 0);
	FUZZ_CHECK(strcmp(r->retry_after, s->retry_after) == 0);
	FUZZ_CHECK(strcmp(r->date, s->date) == 0);
	FUZZ_CHECK(strcmp(r->content_type, s->content_type) == 0);
}

/* Parse p[n] whole and split; ci picks the cap, seed the split pattern. */
static void http_check(const unsigned char *p, size_t n, int ci, int no_body,
	unsigned seed)
{
	static hc_run whole, split; /* ~20 KB each: not on the stack */

	hc_parse(&whole, hc_body(0, ci), hc_caps[ci], no_body, p, n, 0, seed);
	hc_parse(&split, hc_body(1, ci), hc_caps[ci], no_body, p, n, 1, seed);
	hc_same(&whole, &split);
}

#endif
