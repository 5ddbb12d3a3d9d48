#include "crypto/rsaenc.h"
#include "base/rnd.h"

#include <string.h>

#include <bearssl_hash.h>
#include <bearssl_rand.h>
#include <bearssl_rsa.h>

/* BearSSL 0.6 internals (src/inner.h), as tls.c uses one: the constant-
 * time i31 integers and modpow that its ECDSA code links anyway, and the
 * OAEP encoder of br_rsa_*_oaep_encrypt. Using them instead of
 * br_rsa_i31_public spares its windowed modpow (1.1 KiB) for one
 * exponentiation by a short public exponent. */
void br_i31_decode(uint32_t *x, const void *src, size_t len);
uint32_t br_i31_decode_mod(uint32_t *x, const void *src, size_t len,
	const uint32_t *m);
uint32_t br_i31_ninv31(uint32_t x);
void br_i31_modpow(uint32_t *x, const unsigned char *e, size_t elen,
	const uint32_t *m, uint32_t m0i, uint32_t *t1, uint32_t *t2);
void br_i31_encode(void *dst, size_t len, const uint32_t *x);
size_t br_rsa_oaep_pad(const br_prng_class **rnd, const br_hash_class *dig,
	const void *label, size_t label_len, const br_rsa_public_key *pk,
	void *dst, size_t dst_max_len, const void *src, size_t src_len);

/* Words of an i31 integer of up to 4096 bits: a header word, 133 value
 * words, one spare. */
#define RSAENC_WORDS (2 + (4096 + 30) / 31)

/* BearSSL's OAEP draws its seed (hLen <= 32 bytes) from a br_prng_class:
 * this one hands out bytes drawn from rnd_bytes beforehand, so a failure
 * is reported before any padding is made. */
typedef struct pool {
	const br_prng_class *vtable;
	unsigned char b[32];
	size_t used;
} pool;

static void pool_init(const br_prng_class **ctx, const void *params,
	const void *seed, size_t len)
{
	(void)ctx, (void)params, (void)seed, (void)len;
}

static void pool_generate(const br_prng_class **ctx, void *out, size_t len)
{
	pool *p = (pool *)(void *)ctx;

	/* len <= sizeof p->b: OAEP asks once for hLen bytes */
	memcpy(out, p->b + p->used, len);
	p->used += len;
}

static void pool_update(const br_prng_class **ctx, const void *seed, size_t len)
{
	(void)ctx, (void)seed, (void)len;
}

static const br_prng_class pool_vtable = {
	sizeof(pool), pool_init, pool_generate, pool_update,
};

static int fill_random(unsigned char *b, size_t n)
{
	return rnd_bytes(b, n, 0) ? RSAENC_E_RANDOM : 0;
}

/* em[k] := em^e mod n in constant time (em is secret), as
 * br_rsa_i31_public; 1 on success, 0 if em >= n or n is even. */
static uint32_t public_op(unsigned char *em, const br_rsa_public_key *pk)
{
	static uint32_t m[RSAENC_WORDS], x[RSAENC_WORDS], t1[RSAENC_WORDS], t2[RSAENC_WORDS];
	uint32_t m0i, r;

	br_i31_decode(m, pk->n, pk->nlen);
	m0i = br_i31_ninv31(m[1]);
	r = m0i & 1;
	r &= br_i31_decode_mod(x, em, pk->nlen, m);
	br_i31_modpow(x, pk->e, pk->elen, m, m0i, t1, t2);
	br_i31_encode(em, pk->nlen, x);
	explicit_bzero(x, sizeof x);
	explicit_bzero(t1, sizeof t1);
	explicit_bzero(t2, sizeof t2);
	return r;
}

/* EM = 00 02 PS 00 M, PS at least 8 non-zero random bytes. */
static int pkcs1_pad(unsigned char *em, size_t k, const unsigned char *msg,
	size_t mlen)
{
	size_t i, ps = k - mlen - 3;

	if (fill_random(em + 2, ps) < 0)
		return RSAENC_E_RANDOM;
	for (i = 2; i < 2 + ps; i++)
		while (em[i] == 0)
			if (fill_random(em + i, 1) < 0)
				return RSAENC_E_RANDOM;
	em[0] = 0;
	em[1] = 2;
	em[2 + ps] = 0;
	memmove(em + 3 + ps, msg, mlen);
	return 0;
}

int rsaenc_encrypt(int pad, const unsigned char *n, size_t nlen,
	const unsigned char *e, size_t elen, const unsigned char *msg,
	size_t mlen, unsigned char *out, size_t cap, size_t *olen)
{
	br_rsa_public_key pk = { (unsigned char *)n, nlen, (unsigned char *)e, elen };
	const br_hash_class *h = pad == RSAENC_OAEP ? &br_sha1_vtable : &br_sha256_vtable;
	size_t hl = pad == RSAENC_OAEP ? 20 : 32, over = pad == RSAENC_PKCS1 ? 11 : 2 * hl + 2;
	pool p = { &pool_vtable, { 0 }, 0 };
	size_t r;

	*olen = 0;
	while (pk.nlen > 0 && pk.n[0] == 0) {
		pk.n++;
		pk.nlen--;
	}
	if (pk.nlen < 64 || pk.nlen > 512 || !(pk.n[pk.nlen - 1] & 1))
		return RSAENC_E_KEY;
	/* e = 1 would send the padded message itself; an even e, or one as
	 * long as n, is no RSA key either */
	if (elen == 0 || elen >= pk.nlen || !(e[elen - 1] & 1) || (elen == 1 && e[0] == 1))
		return RSAENC_E_EXP;
	if (mlen + over > pk.nlen || cap < pk.nlen)
		return RSAENC_E_LENGTH;
	if (pad == RSAENC_PKCS1) {
		if (pkcs1_pad(out, pk.nlen, msg, mlen) < 0)
			return RSAENC_E_RANDOM;
	} else {
		if (fill_random(p.b, hl) < 0)
			return RSAENC_E_RANDOM;
		r = br_rsa_oaep_pad(&p.vtable, h, NULL, 0, &pk, out, cap, msg, mlen);
		explicit_bzero(p.b, sizeof p.b);
		if (r != pk.nlen)
			return RSAENC_E_KEY;
	}
	r = public_op(out, &pk) ? pk.nlen : 0;
	if (r != pk.nlen) {
		explicit_bzero(out, pk.nlen);
		return RSAENC_E_KEY;
	}
	*olen = r;
	return 0;
}

const char *rsaenc_strerror(int code)
{
	switch (code) {
	case RSAENC_E_KEY: return "not a usable RSA public key";
	case RSAENC_E_LENGTH: return "input too long for the key and padding";
	case RSAENC_E_RANDOM: return "getrandom failed";
	case RSAENC_E_EXP: return "public exponent even, below 3 or too long (refused)";
	}
	return "unknown error";
}
