/*
 * diff_rsaenc: rsaenc_encrypt (our local wrap) against BearSSL's private
 * key operations. Keys of 1024, 2048 and 3072 bits made by BearSSL's
 * keygen (fixed seed); for each padding and message lengths from 1 to the
 * limit (NUL and 0xff bytes included), the ciphertext must decrypt back
 * with br_rsa_i31_oaep_decrypt (OAEP, SHA-256 or SHA-1) or with
 * br_rsa_i31_private and a strict PKCS#1 v1.5 type 2 check; one byte more
 * than the limit is refused; two encryptions of one message differ; an
 * exponent of 1, an even one or one as long as n is refused.
 * Links the host build of BearSSL (build/bearssl-host); run by tests/run.sh.
 */
#include <bearssl.h>

#include "crypto/rsaenc.h"
#include "t.h"

static br_hmac_drbg_context drbg;

/* PKCS#1 v1.5 type 2 unpadding of em[k]: the message length, or -1. */
static long pkcs1_unpad(const unsigned char *em, size_t k)
{
	size_t i = 2;

	if (em[0] != 0 || em[1] != 2)
		return -1;
	while (i < k && em[i] != 0)
		i++;
	if (i == k || i < 10)
		return -1;
	return (long)(k - i - 1);
}

static void one_key(unsigned bits)
{
	static unsigned char kp[BR_RSA_KBUF_PRIV_SIZE(3072)], ku[BR_RSA_KBUF_PUB_SIZE(3072)];
	static unsigned char msg[512], ct[512], ct2[512];
	static const int pads[] = { RSAENC_OAEP256, RSAENC_OAEP, RSAENC_PKCS1 };
	br_rsa_private_key sk;
	br_rsa_public_key pk;
	size_t k = bits / 8, p, m, olen, i;

	CHECK(br_rsa_i31_keygen(&drbg.vtable, &sk, kp, &pk, ku, bits, 65537) == 1);
	for (p = 0; p < 3; p++) {
		size_t over = pads[p] == RSAENC_PKCS1 ? 11 : pads[p] == RSAENC_OAEP ? 42 : 66;
		const br_hash_class *h = pads[p] == RSAENC_OAEP ? &br_sha1_vtable : &br_sha256_vtable;
		int ok = 0, tries = 0;

		for (m = 1; m <= k - over; m += (m < 20 || m + 20 > k - over) ? 1 : 37) {
			size_t len = k; /* in: the ciphertext length */

			for (i = 0; i < m; i++)
				msg[i] = (unsigned char)(i % 3 == 0 ? 0 : i % 3 == 1 ? 0xff : i);
			tries++;
			if (rsaenc_encrypt(pads[p], pk.n, pk.nlen, pk.e, pk.elen, msg, m, ct,
				sizeof ct, &olen) != 0 || olen != k)
				continue;
			if (pads[p] == RSAENC_PKCS1) {
				long u;

				if (!br_rsa_i31_private(ct, &sk))
					continue;
				u = pkcs1_unpad(ct, k);
				if (u != (long)m || memcmp(ct + k - m, msg, m) != 0)
					continue;
			} else if (!br_rsa_i31_oaep_decrypt(h, NULL, 0, &sk, ct, &len)
				|| len != m || memcmp(ct, msg, m) != 0) {
				continue;
			}
			ok++;
		}
		CHECKM(ok == tries, "%u bits, padding %d: %d of %d decrypted back", bits,
			pads[p], ok, tries);
		CHECK_EQ(rsaenc_encrypt(pads[p], pk.n, pk.nlen, pk.e, pk.elen, msg,
			k - over + 1, ct, sizeof ct, &olen), RSAENC_E_LENGTH);
		CHECK_EQ(rsaenc_encrypt(pads[p], pk.n, pk.nlen, pk.e, pk.elen, msg, 16, ct,
			k - 1, &olen), RSAENC_E_LENGTH);
		rsaenc_encrypt(pads[p], pk.n, pk.nlen, pk.e, pk.elen, msg, 16, ct, sizeof ct, &olen);
		rsaenc_encrypt(pads[p], pk.n, pk.nlen, pk.e, pk.elen, msg, 16, ct2, sizeof ct2, &olen);
		CHECKM(memcmp(ct, ct2, k) != 0, "two encryptions are equal (padding %d)", pads[p]);
	}
	/* an even modulus is no key */
	memcpy(ct2, pk.n, pk.nlen);
	ct2[pk.nlen - 1] &= 0xfe;
	CHECK_EQ(rsaenc_encrypt(RSAENC_OAEP256, ct2, pk.nlen, pk.e, pk.elen, msg, 16, ct,
		sizeof ct, &olen), RSAENC_E_KEY);
}

/* The exponent: 1 (the ciphertext would be the padded message itself),
 * even, or as long as n is refused before any padding; 3 is a key (made by
 * BearSSL, and its ciphertext decrypts back). */
static void exponents(void)
{
	static unsigned char kp[BR_RSA_KBUF_PRIV_SIZE(1024)], ku[BR_RSA_KBUF_PUB_SIZE(1024)];
	static const unsigned char bad[][3] = { { 1 }, { 2 }, { 1, 0, 0 }, { 0, 0, 0 } };
	static const size_t badlen[] = { 1, 1, 3, 0 };
	unsigned char ct[128], msg[16] = "sixteen bytes!!", big[128];
	br_rsa_private_key sk;
	br_rsa_public_key pk;
	size_t olen, i, len = sizeof ct;

	CHECK(br_rsa_i31_keygen(&drbg.vtable, &sk, kp, &pk, ku, 1024, 3) == 1);
	CHECK(pk.elen == 1 && pk.e[0] == 3);
	for (i = 0; i < sizeof badlen / sizeof badlen[0]; i++) {
		memset(ct, 0xa5, sizeof ct);
		CHECKM(rsaenc_encrypt(RSAENC_OAEP256, pk.n, pk.nlen, bad[i], badlen[i], msg,
			sizeof msg, ct, sizeof ct, &olen) == RSAENC_E_EXP && olen == 0, "e %zu", i);
		CHECKM(ct[0] == 0xa5 && ct[127] == 0xa5, "e %zu: output written", i);
	}
	memcpy(big, pk.n, pk.nlen); /* e = n, then n - 2: as long as n */
	CHECK_EQ(rsaenc_encrypt(RSAENC_PKCS1, pk.n, pk.nlen, big, pk.nlen, msg, sizeof msg, ct,
		sizeof ct, &olen), RSAENC_E_EXP);
	big[pk.nlen - 1] -= 2;
	CHECK_EQ(rsaenc_encrypt(RSAENC_PKCS1, pk.n, pk.nlen, big, pk.nlen, msg, sizeof msg, ct,
		sizeof ct, &olen), RSAENC_E_EXP);
	CHECK_EQ(rsaenc_encrypt(RSAENC_OAEP256, pk.n, pk.nlen, pk.e, pk.elen, msg, sizeof msg, ct,
		sizeof ct, &olen), 0);
	CHECK(br_rsa_i31_oaep_decrypt(&br_sha256_vtable, NULL, 0, &sk, ct, &len) == 1
		&& len == sizeof msg && memcmp(ct, msg, len) == 0);
}

int main(void)
{
	br_hmac_drbg_init(&drbg, &br_sha256_vtable, "azkv diff_rsaenc", 16);
	one_key(1024);
	one_key(2048);
	one_key(3072);
	exponents();
	T_END();
}
