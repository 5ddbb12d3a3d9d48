#include "crypto/rsa.h"

#if RSA_FAST

#include <stdint.h>
#include <string.h>

#define LIMBS (RSA_BITS_MAX / 64)

typedef unsigned __int128 u128;

/* Big-endian bytes into k little-endian limbs (zero-extended). */
static void decode(uint64_t *v, size_t k, const unsigned char *s, size_t n)
{
	size_t i;

	memset(v, 0, k * sizeof *v);
	for (i = 0; i < n; i++)
		v[i / 8] |= (uint64_t)s[n - 1 - i] << (8 * (i % 8));
}

static void encode(unsigned char *s, size_t n, const uint64_t *v)
{
	size_t i;

	for (i = 0; i < n; i++)
		s[n - 1 - i] = (unsigned char)(v[i / 8] >> (8 * (i % 8)));
}

/* a < b, as k-limb numbers. */
static int less(const uint64_t *a, const uint64_t *b, size_t k)
{
	while (k-- > 0)
		if (a[k] != b[k])
			return a[k] < b[k];
	return 0;
}

/* a -= b; returns the borrow. */
static uint64_t sub(uint64_t *a, const uint64_t *b, size_t k)
{
	uint64_t borrow = 0;
	size_t i;

	for (i = 0; i < k; i++) {
		u128 d = (u128)a[i] - b[i] - borrow;

		a[i] = (uint64_t)d;
		borrow = (uint64_t)(d >> 64) & 1;
	}
	return borrow;
}

/* r := 2r mod n, for r < n. */
static void twice(uint64_t *r, const uint64_t *n, size_t k)
{
	uint64_t carry = 0;
	size_t i;

	for (i = 0; i < k; i++) {
		uint64_t top = r[i] >> 63;

		r[i] = r[i] << 1 | carry;
		carry = top;
	}
	if (carry || !less(r, n, k))
		sub(r, n, k);
}

/* x * y + c + d (no overflow: at most 2^128 - 1), low word returned, high
 * word in *hi. 64-bit adds with their carries: gcc keeps these in
 * registers, where 128-bit sums get spilled. */
static inline uint64_t mac(uint64_t x, uint64_t y, uint64_t c, uint64_t d,
	uint64_t *hi)
{
	u128 p = (u128)x * y;
	uint64_t lo = (uint64_t)p, h = (uint64_t)(p >> 64);

	lo += c;
	h += lo < c;
	lo += d;
	h += lo < d;
	*hi = h;
	return lo;
}

/* r := a * b / 2^(64k) mod n (Montgomery: the multiplication and the
 * reduction interleaved word by word), for a, b < n; r may be a or b.
 * t: k + 1 limbs of scratch, < 2n after each word. ninv = -1/n mod 2^64. */
static void mont(uint64_t *r, const uint64_t *a, const uint64_t *b,
	const uint64_t *n, size_t k, uint64_t ninv, uint64_t *t)
{
	size_t i, j;

	memset(t, 0, (k + 1) * sizeof *t);
	for (i = 0; i < k; i++) {
		uint64_t bi = b[i], m, c1, c2, lo;

		lo = mac(a[0], bi, t[0], 0, &c1);
		m = lo * ninv; /* makes the low word below zero */
		mac(m, n[0], lo, 0, &c2);
		for (j = 1; j < k; j++) {
			lo = mac(a[j], bi, t[j], c1, &c1);
			t[j - 1] = mac(m, n[j], lo, c2, &c2);
		}
		lo = t[k] + c1;
		t[k] = lo < c1;
		t[k - 1] = lo + c2;
		t[k] += t[k - 1] < c2;
	}
	if (t[k] != 0 || !less(t, n, k)) /* t < 2n: one subtraction at most */
		sub(t, n, k);
	memcpy(r, t, k * sizeof *r);
}

/* The bit length of the k-limb v (0 for zero). */
static size_t bitlen(const uint64_t *v, size_t k)
{
	size_t b;

	while (k > 0 && v[k - 1] == 0)
		k--;
	if (k == 0)
		return 0;
	for (b = 64; !(v[k - 1] >> (b - 1) & 1); b--)
		;
	return (k - 1) * 64 + b;
}

/* R^2 mod n, R = 2^(64k), into r: R mod n by doublings from 2^(bits-1)
 * (< n), then 2^s0 in Montgomery form by s0 more, then squarings double
 * the exponent up to 64k = s0 * 2^j. */
static void r_squared(uint64_t *r, const uint64_t *n, size_t k, size_t bits,
	uint64_t ninv, uint64_t *t)
{
	size_t total = 64 * k, j = 0, s0, i;

	while ((total >> j & 1) == 0)
		j++;
	s0 = total >> j;
	memset(r, 0, k * sizeof *r);
	r[(bits - 1) / 64] = (uint64_t)1 << ((bits - 1) % 64);
	for (i = bits - 1; i < total + s0; i++)
		twice(r, n, k);
	while (j-- > 0)
		mont(r, r, r, n, k, ninv, t);
}

int rsa_public(unsigned char *x, size_t xlen, const unsigned char *n,
	size_t nlen, const unsigned char *e, size_t elen)
{
	uint64_t m[LIMBS], a[LIMBS], b[LIMBS], t[LIMBS + 1], ninv;
	size_t k, bits, i;
	int bit, started = 0;

	while (nlen > 0 && *n == 0)
		n++, nlen--;
	while (elen > 0 && *e == 0)
		e++, elen--;
	if (nlen == 0 || nlen > RSA_BITS_MAX / 8 || xlen != nlen || elen == 0
		|| !(n[nlen - 1] & 1))
		return 0;
	k = (nlen + 7) / 8;
	decode(m, k, n, nlen);
	decode(a, k, x, xlen);
	bits = bitlen(m, k);
	if (bits < 2 || !less(a, m, k))
		return 0;
	/* -1/n mod 2^64 by Newton's iteration: each step doubles the bits
	 * right, from 3 (n * n = 1 mod 8 for odd n) */
	ninv = m[0];
	for (i = 0; i < 5; i++)
		ninv *= 2 - m[0] * ninv;
	ninv = -ninv;
	r_squared(b, m, k, bits, ninv, t);
	mont(a, a, b, m, k, ninv, t); /* x in Montgomery form */
	for (i = 0; i < elen * 8; i++) {
		bit = e[i / 8] >> (7 - i % 8) & 1;
		if (started) {
			mont(b, b, b, m, k, ninv, t);
			if (bit)
				mont(b, b, a, m, k, ninv, t);
		} else if (bit) {
			memcpy(b, a, k * sizeof *b);
			started = 1;
		}
	}
	memset(a, 0, k * sizeof *a); /* 1: out of Montgomery form */
	a[0] = 1;
	mont(b, b, a, m, k, ninv, t);
	encode(x, xlen, b);
	return 1;
}

#else

int rsa_public(unsigned char *x, size_t xlen, const unsigned char *n,
	size_t nlen, const unsigned char *e, size_t elen)
{
	(void)x, (void)xlen, (void)n, (void)nlen, (void)e, (void)elen;
	return 0;
}

#endif
