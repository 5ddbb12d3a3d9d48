#include "crypto/ec.h"

/* Each method goes to the implementation of its curve: c25519_i31 for
 * Curve25519, prime_i31 for the others (which rejects a curve it lacks).
 * Both run on BearSSL's i31 big-integer code, linked once for the two. */
static const br_ec_impl *ec_for(int curve)
{
	return curve == BR_EC_curve25519 ? &br_ec_c25519_i31 : &br_ec_prime_i31;
}

static const unsigned char *ec_generator(int curve, size_t *len)
{
	return ec_for(curve)->generator(curve, len);
}

static const unsigned char *ec_order(int curve, size_t *len)
{
	return ec_for(curve)->order(curve, len);
}

static size_t ec_xoff(int curve, size_t *len)
{
	return ec_for(curve)->xoff(curve, len);
}

static uint32_t ec_mul(unsigned char *g, size_t glen, const unsigned char *x,
	size_t xlen, int curve)
{
	return ec_for(curve)->mul(g, glen, x, xlen, curve);
}

static size_t ec_mulgen(unsigned char *r, const unsigned char *x, size_t xlen,
	int curve)
{
	return ec_for(curve)->mulgen(r, x, xlen, curve);
}

static uint32_t ec_muladd(unsigned char *a, const unsigned char *b, size_t len,
	const unsigned char *x, size_t xlen, const unsigned char *y, size_t ylen,
	int curve)
{
	return ec_for(curve)->muladd(a, b, len, x, xlen, y, ylen, curve);
}

const br_ec_impl ec_impl = {
	(uint32_t)1 << BR_EC_curve25519 | (uint32_t)1 << BR_EC_secp256r1 |
		(uint32_t)1 << BR_EC_secp384r1 | (uint32_t)1 << BR_EC_secp521r1,
	ec_generator, ec_order, ec_xoff, ec_mul, ec_mulgen, ec_muladd,
};
