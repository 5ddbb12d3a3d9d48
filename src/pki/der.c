#include "pki/der.h"

#include <string.h>

#include "base/fmt.h"

void der_init(der *d, const void *p, size_t n)
{
	d->p = p;
	d->end = d->p + n;
	d->bad = 0;
}

size_t der_left(const der *d)
{
	return (size_t)(d->end - d->p);
}

/* Tag and length of the element at d->p: its contents' offset in *hdr and
 * length in *len. -1 if malformed or longer than what is left. */
static int header(const der *d, int *tag, size_t *hdr, size_t *len)
{
	size_t left = der_left(d), n, i;
	unsigned lb;

	if (d->bad || left < 2 || (d->p[0] & 0x1f) == 0x1f)
		return -1;
	*tag = d->p[0];
	lb = d->p[1];
	if (lb < 0x80) {
		*hdr = 2;
		n = lb;
	} else {
		lb &= 0x7f;
		if (lb == 0 || lb > 4 || left < 2 + (size_t)lb)
			return -1;
		for (n = 0, i = 0; i < lb; i++)
			n = n << 8 | d->p[2 + i];
		*hdr = 2 + lb;
	}
	if (n > left - *hdr)
		return -1;
	*len = n;
	return 0;
}

int der_peek(const der *d)
{
	size_t h, n;
	int tag;

	return header(d, &tag, &h, &n) < 0 ? -1 : tag;
}

int der_get(der *d, int tag, der *in)
{
	size_t h, n;
	int t;

	if (header(d, &t, &h, &n) < 0 || t != tag) {
		d->bad = 1;
		der_init(in, d->p, 0);
		in->bad = 1;
		return -1;
	}
	der_init(in, d->p + h, n);
	d->p += h + n;
	return 0;
}

int der_skip(der *d)
{
	size_t h, n;
	int t;

	if (header(d, &t, &h, &n) < 0)
		return d->bad = 1, -1;
	d->p += h + n;
	return 0;
}

int der_done(const der *d)
{
	return d->bad || d->p != d->end ? -1 : 0;
}

int der_num(const der *w, unsigned long max, unsigned long *v)
{
	const unsigned char *p = w->p;
	unsigned long x = 0;

	if (w->bad || p == w->end || (p[0] & 0x80))
		return -1;
	for (; p < w->end; p++) {
		if (x > (max >> 8))
			return -1;
		x = x << 8 | *p;
		if (x > max)
			return -1;
	}
	*v = x;
	return 0;
}

int der_uint(der *d, unsigned long max, unsigned long *v)
{
	der w;

	if (der_get(d, DER_INT, &w) < 0 || der_num(&w, max, v) < 0)
		return d->bad = 1, -1;
	return 0;
}

int der_fields(der *d, const char *tags, der *f)
{
	int opt = 0, t;

	for (; *tags; tags++) {
		t = (unsigned char)*tags;
		if (t == '?') {
			opt = 1;
			continue;
		}
		if (opt && der_peek(d) != t) {
			der_init(f, d->p, 0);
			f->bad = 1; /* absent */
		} else {
			der_get(d, t, f);
		}
		f++;
		opt = 0;
	}
	return der_done(d);
}

int der_oid_is(const der *w, const unsigned char *oid, size_t n)
{
	return !w->bad && der_left(w) == n && memcmp(w->p, oid, n) == 0;
}

void der_oid_text(const unsigned char *p, size_t n, char *out, size_t cap)
{
	unsigned long long arc = 0;
	size_t i, o = 0;
	int first = 1;

	if (cap == 0)
		return;
	out[0] = 0;
	for (i = 0; i < n; i++) {
		if (arc > (~0ULL >> 7))
			break;
		arc = arc << 7 | (p[i] & 0x7f);
		if (p[i] & 0x80)
			continue;
		if (first)
			o += fmt(out + o, cap - o, "%u.%llu", arc < 80 ? (unsigned)(arc / 40) : 2,
				arc < 80 ? arc % 40 : arc - 80);
		else
			o += fmt(out + o, cap - o, ".%llu", arc);
		if (o >= cap) {
			out[cap - 1] = 0;
			return;
		}
		first = 0;
		arc = 0;
	}
	if (first || i < n || (n && (p[n - 1] & 0x80)))
		fmt(out, cap, "?");
}
