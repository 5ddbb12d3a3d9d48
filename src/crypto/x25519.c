#include "crypto/x25519.h"

#if X25519_FAST

#include <stdint.h>
#include <string.h>

typedef unsigned __int128 u128;
typedef uint64_t fe[5]; /* sum of f[i] * 2^(51 i), mod p = 2^255 - 19 */

#define M51 (((uint64_t)1 << 51) - 1)

/* Each limb back under 2^51, the carry out of the top one folded in as 19
 * (2^255 = 19 mod p): limb 0 may end a few times 19 over, which add, sub
 * and mul allow for. */
static void carry(fe r)
{
	size_t i;

	for (i = 0; i < 5; i++) {
		uint64_t c = r[i] >> 51;

		r[i] &= M51;
		if (i < 4)
			r[i + 1] += c;
		else
			r[0] += 19 * c;
	}
}

static void add(fe r, const fe a, const fe b)
{
	size_t i;

	for (i = 0; i < 5; i++)
		r[i] = a[i] + b[i];
	carry(r);
}

/* a + 2p - b: no limb goes below zero for carried inputs. */
static void sub(fe r, const fe a, const fe b)
{
	size_t i;

	for (i = 0; i < 5; i++)
		r[i] = a[i] + (i == 0 ? 2 * M51 - 36 : 2 * M51) - b[i];
	carry(r);
}

/* Carried inputs (limbs under 2^52): 19 b[j] fits 64 bits, each column
 * sum stays under 2^109, the top carry times 19 under 2^63. r may be a or
 * b. Nine in ten cycles of a key exchange are here: at -O2 (64 bytes more
 * than -Oz) the exchange is within a tenth of c25519_m31's time, at -Oz a
 * quarter slower. */
__attribute__((optimize("O2"))) static void mul(fe r, const fe a, const fe b)
{
	u128 t[5] = { 0 };
	size_t i, j;

	for (i = 0; i < 5; i++)
		for (j = 0; j < 5; j++) {
			size_t k = i + j;
			uint64_t m = b[j];

			if (k >= 5)
				k -= 5, m *= 19;
			t[k] += (u128)a[i] * m;
		}
	for (i = 0; i < 4; i++) {
		t[i + 1] += t[i] >> 51;
		r[i] = (uint64_t)t[i] & M51;
	}
	r[4] = (uint64_t)t[4] & M51;
	r[0] += 19 * (uint64_t)(t[4] >> 51);
	carry(r);
}

/* z^(p - 2) = 1/z: p - 2 is all ones from bit 254 down, but bits 4 and 2;
 * the exponent is public. */
static void invert(fe r, const fe z)
{
	fe t;
	int i;

	memcpy(t, z, sizeof t);
	for (i = 253; i >= 0; i--) {
		mul(t, t, t);
		if (i != 4 && i != 2)
			mul(t, t, z);
	}
	memcpy(r, t, sizeof t);
}

/* The canonical value (below p), in 32 little-endian bytes. */
static void encode(unsigned char *s, fe a)
{
	uint64_t q = 19;
	size_t i;

	carry(a);
	for (i = 0; i < 5; i++) /* q: whether a + 19 reaches 2^255, a >= p */
		q = (a[i] + q) >> 51;
	a[0] += 19 * q;
	for (i = 0; i < 4; i++) {
		a[i + 1] += a[i] >> 51;
		a[i] &= M51;
	}
	a[4] &= M51;
	memset(s, 0, 32);
	for (i = 0; i < 255; i++)
		s[i >> 3] |= (unsigned char)(((a[i / 51] >> (i % 51)) & 1) << (i & 7));
}

/* x2, z2, x3, z3 of the ladder side by side: one masked swap moves both
 * points. */
static void cswap(fe *v, uint64_t bit)
{
	uint64_t m = 0 - bit, *a = v[0], *b = v[2];
	size_t i;

	for (i = 0; i < 10; i++) {
		uint64_t t = m & (a[i] ^ b[i]);

		a[i] ^= t;
		b[i] ^= t;
	}
}

static const unsigned char GEN[32] = { 9 };

static const unsigned char ORDER[32] = {
	0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF,
};

static const unsigned char *x25519_generator(int curve, size_t *len)
{
	(void)curve;
	*len = 32;
	return GEN;
}

/* What BearSSL's c25519 code gives as the "order": the key generator's
 * bound for a random scalar (clamped anyway). */
static const unsigned char *x25519_order(int curve, size_t *len)
{
	(void)curve;
	*len = 32;
	return ORDER;
}

static size_t x25519_xoff(int curve, size_t *len)
{
	(void)curve;
	*len = 32;
	return 0;
}

/* RFC 7748 5: the ladder, then x2 / z2. */
static uint32_t x25519_mul(unsigned char *g, size_t glen, const unsigned char *kb, size_t kblen,
	int curve)
{
	static const fe a24 = { 121665 };
	fe x1, v[4], a, aa, b, bb, e, c, d;
	unsigned char k[32] = { 0 };
	uint64_t swap = 0;
	int i;

	(void)curve;
	if (glen != 32 || kblen > 32)
		return 0;
	memcpy(k, kb, kblen);
	k[0] &= 0xF8;
	k[31] = (unsigned char)((k[31] & 0x7F) | 0x40);
	memset(x1, 0, sizeof x1);
	for (i = 0; i < 255; i++) /* bit 255 ignored */
		x1[i / 51] |= (uint64_t)((g[i >> 3] >> (i & 7)) & 1) << (i % 51);
	memset(v, 0, sizeof v);
	v[0][0] = 1;                    /* x2 = 1, z2 = 0 */
	memcpy(v[2], x1, sizeof x1);    /* x3 = u */
	v[3][0] = 1;                    /* z3 = 1 */
	for (i = 254; i >= 0; i--) {
		uint64_t bit = (k[i >> 3] >> (i & 7)) & 1;

		cswap(v, swap ^ bit);
		swap = bit;
		add(a, v[0], v[1]);
		mul(aa, a, a);
		sub(b, v[0], v[1]);
		mul(bb, b, b);
		sub(e, aa, bb);
		add(c, v[2], v[3]);
		sub(d, v[2], v[3]);
		mul(d, d, a);           /* DA */
		mul(c, c, b);           /* CB */
		add(v[2], d, c);
		mul(v[2], v[2], v[2]);
		sub(v[3], d, c);
		mul(v[3], v[3], v[3]);
		mul(v[3], v[3], x1);
		mul(v[0], aa, bb);
		mul(v[1], e, a24);
		add(v[1], v[1], aa);
		mul(v[1], v[1], e);
	}
	cswap(v, swap);
	invert(v[1], v[1]);
	mul(v[0], v[0], v[1]);
	encode(g, v[0]);
	explicit_bzero(k, sizeof k);
	explicit_bzero(v, sizeof v);
	return 1;
}

static size_t x25519_mulgen(unsigned char *r, const unsigned char *x, size_t xlen, int curve)
{
	memcpy(r, GEN, 32);
	x25519_mul(r, 32, x, xlen, curve);
	return 32;
}

static uint32_t x25519_muladd(unsigned char *a, const unsigned char *b, size_t len,
	const unsigned char *x, size_t xlen, const unsigned char *y, size_t ylen, int curve)
{
	(void)a, (void)b, (void)len, (void)x, (void)xlen, (void)y, (void)ylen, (void)curve;
	return 0;
}

const br_ec_impl x25519_impl = {
	(uint32_t)1 << BR_EC_curve25519,
	x25519_generator, x25519_order, x25519_xoff, x25519_mul, x25519_mulgen, x25519_muladd,
};

#endif
