/* Unit tests of x25519: RFC 7748's vectors (5.2, its iterations, the 6.1
 * exchange), and BearSSL's c25519_m31 (the code it replaces) giving the
 * same bytes and results for random and edge-case points and scalars. */
#include "crypto/x25519.h"
#include "t.h"

#include <stdint.h>
#include <string.h>

static size_t unhex(unsigned char *out, const char *hex)
{
	size_t n = 0;
	unsigned v;

	while (sscanf(hex + 2 * n, "%2x", &v) == 1)
		out[n++] = (unsigned char)v;
	return n;
}

#if X25519_FAST

static const br_ec_impl *ours = &x25519_impl, *theirs = &br_ec_c25519_m31;

static void x25519(unsigned char *out, const unsigned char *k, const unsigned char *u)
{
	memcpy(out, u, 32);
	CHECK(ours->mul(out, 32, k, 32, BR_EC_curve25519) == 1);
}

static void test_rfc7748(void)
{
	static const struct { const char *k, *u, *out; } vec[] = {
		{ "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
		  "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
		  "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552" },
		{ "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
		  "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
		  "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957" },
	};
	unsigned char k[32], u[32], want[32], got[32], a[32], b[32], pa[32], pb[32];
	size_t i;

	for (i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		unhex(k, vec[i].k), unhex(u, vec[i].u), unhex(want, vec[i].out);
		x25519(got, k, u);
		CHECKM(memcmp(got, want, 32) == 0, "vector %zu", i);
	}
	/* 5.2's iterations: k = u = 9, then u = k, k = the result */
	memset(k, 0, 32), k[0] = 9;
	memcpy(u, k, 32);
	for (i = 1; i <= 1000; i++) {
		x25519(got, k, u);
		memcpy(u, k, 32), memcpy(k, got, 32);
		if (i == 1)
			CHECK(unhex(want, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079")
				&& memcmp(k, want, 32) == 0);
	}
	unhex(want, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
	CHECK(memcmp(k, want, 32) == 0);
	/* 6.1: both public keys through mulgen, one shared secret */
	unhex(a, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
	unhex(b, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
	CHECK(ours->mulgen(pa, a, 32, BR_EC_curve25519) == 32);
	CHECK(ours->mulgen(pb, b, 32, BR_EC_curve25519) == 32);
	CHECK(unhex(want, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
		&& memcmp(pa, want, 32) == 0);
	CHECK(unhex(want, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
		&& memcmp(pb, want, 32) == 0);
	unhex(want, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
	x25519(got, a, pb);
	CHECK(memcmp(got, want, 32) == 0);
	x25519(got, b, pa);
	CHECK(memcmp(got, want, 32) == 0);
}

static uint64_t rng = 20261207;

static unsigned char byte(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (unsigned char)(rng >> 24);
}

/* One point and scalar through both; kl below 32 zero-extends. */
static void same(const unsigned char *u, const unsigned char *k, size_t kl)
{
	unsigned char a[32], b[32];
	uint32_t ra, rb;

	memcpy(a, u, 32), memcpy(b, u, 32);
	ra = ours->mul(a, 32, k, kl, BR_EC_curve25519);
	rb = theirs->mul(b, 32, k, kl, BR_EC_curve25519);
	CHECKM(ra == rb && memcmp(a, b, 32) == 0, "u %02x..%02x, k %02x.. (%zu bytes)",
		u[0], u[31], k[0], kl);
}

static void test_vs_bearssl(void)
{
	static const char *const edge[] = {
		"0000000000000000000000000000000000000000000000000000000000000000", /* 0 */
		"0100000000000000000000000000000000000000000000000000000000000000", /* 1 */
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* p - 1 */
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* p */
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* p + 1 */
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* 2^255 - 1 */
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", /* top bit */
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", /* order 8 */
	};
	unsigned char u[32], k[32], g1[32], g2[32];
	size_t i, j, l1, l2;
	const unsigned char *p1, *p2;

	for (i = 0; i < sizeof edge / sizeof edge[0]; i++)
		for (j = 0; j < 20; j++) {
			unhex(u, edge[i]);
			for (l1 = 0; l1 < 32; l1++)
				k[l1] = byte();
			same(u, k, 32);
		}
	for (i = 0; i < 500; i++) {
		for (j = 0; j < 32; j++)
			u[j] = byte(), k[j] = byte();
		same(u, k, i % 25 == 0 ? i % 33 : 32);
	}
	/* the rest of the class: as BearSSL's, refusals included */
	p1 = ours->generator(BR_EC_curve25519, &l1), p2 = theirs->generator(BR_EC_curve25519, &l2);
	CHECK(l1 == l2 && memcmp(p1, p2, l1) == 0);
	p1 = ours->order(BR_EC_curve25519, &l1), p2 = theirs->order(BR_EC_curve25519, &l2);
	CHECK(l1 == l2 && memcmp(p1, p2, l1) == 0);
	CHECK(ours->xoff(BR_EC_curve25519, &l1) == theirs->xoff(BR_EC_curve25519, &l2) && l1 == l2);
	CHECK(ours->supported_curves == (uint32_t)1 << BR_EC_curve25519);
	memset(k, 7, sizeof k);
	CHECK(ours->mulgen(g1, k, 32, BR_EC_curve25519) == 32);
	CHECK(theirs->mulgen(g2, k, 32, BR_EC_curve25519) == 32 && memcmp(g1, g2, 32) == 0);
	memcpy(u, g1, 32);
	CHECK(ours->mul(u, 31, k, 32, BR_EC_curve25519) == 0 && memcmp(u, g1, 32) == 0);
	CHECK(ours->mul(u, 32, k, 33, BR_EC_curve25519) == 0 && memcmp(u, g1, 32) == 0);
	CHECK(ours->muladd(u, g1, 32, k, 32, k, 32, BR_EC_curve25519) == 0);
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_rfc7748);
	T_RUN(test_vs_bearssl);
	T_END();
}

#else

int main(int argc, char **argv)
{
	unsigned char k[32];

	T_MAIN(argc, argv);
	printf("x25519: no 128-bit multiply here; BearSSL's c25519_m31 is used\n");
	CHECK(unhex(k, "09") == 1);
	T_END();
}

#endif
