/*
 * diff_rsa: rsa_public against BearSSL's own br_rsa_i31_public on 20,000
 * pseudo-random cases (fixed seed): moduli of 1 to 512 bytes with every
 * top-bit position, exponents of 1 to 4 bytes, x below, at and above n.
 * Both must refuse the same inputs and agree on every result. Links the
 * host build of BearSSL (build/bearssl-host); run by tests/run.sh.
 */
#include <bearssl.h>

#include "crypto/rsa.h"
#include "t.h"

static unsigned long long seed = 88172645463325252ULL;

static unsigned rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)seed;
}

int main(void)
{
	static const size_t sizes[] = { 1, 2, 7, 8, 9, 63, 64, 65, 127, 128, 129,
		255, 256, 257, 384, 511, 512 };
	static unsigned char n[512], x[512], y[512], e[4];
	int it, agree = 0, both_ok = 0;

	for (it = 0; it < 20000; it++) {
		size_t nl = sizes[rnd() % (sizeof sizes / sizeof sizes[0])];
		size_t el = 1 + rnd() % 4, i;
		br_rsa_public_key pk;
		unsigned r1;
		int r2;

		for (i = 0; i < nl; i++)
			n[i] = (unsigned char)rnd();
		n[0] |= (unsigned char)(0x80 >> (rnd() % 8));
		n[nl - 1] |= 1;
		for (i = 0; i < el; i++)
			e[i] = (unsigned char)rnd();
		e[el - 1] |= 1;
		for (i = 0; i < nl; i++)
			x[i] = (unsigned char)rnd();
		if (rnd() % 3 == 0)
			x[0] = n[0] > 0 ? (unsigned char)(n[0] - 1) : 0;
		if (rnd() % 7 == 0)
			memcpy(x, n, nl);
		memcpy(y, x, nl);
		pk.n = n, pk.nlen = nl, pk.e = e, pk.elen = el;
		r1 = br_rsa_i31_public(y, nl, &pk);
		r2 = rsa_public(x, nl, n, nl, e, el);
		CHECKM((int)r1 == r2 && (!r1 || memcmp(x, y, nl) == 0),
			"case %d: %zu-byte n, %zu-byte e: BearSSL %u, rsa %d%s", it, nl, el,
			r1, r2, r1 && r2 ? ", results differ" : "");
		agree += (int)r1 == r2;
		both_ok += r1 && r2;
	}
	printf("rsa vs BearSSL: %d of 20000 agree, %d computed by both\n", agree, both_ok);
	T_END();
}
