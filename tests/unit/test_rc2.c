/*
 * test_rc2: RC2 decryption against the test vectors of RFC 2268 section 5
 * (each ciphertext must decrypt to its plaintext), key length and
 * effective-bits limits, and CBC chaining.
 */
#include "crypto/rc2.h"
#include "t.h"

static size_t unhex(unsigned char *out, const char *h)
{
	size_t n = 0;

	for (; h[0] && h[1]; h += 2) {
		unsigned v;

		sscanf(h, "%2x", &v);
		out[n++] = (unsigned char)v;
	}
	return n;
}

static void test_rc2_vectors(void)
{
	static const struct { unsigned bits; const char *key, *plain, *cipher; } v[] = {
		{ 63, "0000000000000000", "0000000000000000", "ebb773f993278eff" },
		{ 64, "ffffffffffffffff", "ffffffffffffffff", "278b27e42e2f0d49" },
		{ 64, "3000000000000000", "1000000000000001", "30649edf9be7d2c2" },
		{ 64, "88", "0000000000000000", "61a8a244adacccf0" },
		{ 64, "88bca90e90875a", "0000000000000000", "6ccf4308974c267f" },
		{ 64, "88bca90e90875a7f0f79c384627bafb2", "0000000000000000", "1a807d272bbe5db1" },
		{ 128, "88bca90e90875a7f0f79c384627bafb2", "0000000000000000", "2269552ab0f85ca6" },
		{ 129, "88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e",
			"0000000000000000", "5b78d3a43dfff1f1" },
	};
	unsigned char key[128], plain[8], block[8], iv[8], buf[24], want[24];
	rc2_ctx c;
	size_t i, kl;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		kl = unhex(key, v[i].key);
		unhex(plain, v[i].plain);
		unhex(block, v[i].cipher);
		CHECK_EQ(rc2_init(&c, key, kl, v[i].bits), 0);
		rc2_decrypt_block(&c, block);
		CHECKM(memcmp(block, plain, 8) == 0, "vector %zu", i);
	}
	CHECK_EQ(rc2_init(&c, key, 0, 64), -1);
	CHECK_EQ(rc2_init(&c, key, 129, 64), -1);
	CHECK_EQ(rc2_init(&c, key, 8, 0), -1);
	CHECK_EQ(rc2_init(&c, key, 8, 1025), -1);
	CHECK_EQ(rc2_init(&c, key, 128, 1024), 0);

	/* CBC: three copies of vector 4's ciphertext block; with IV = 0 the
	 * first decrypts to the plaintext, the next ones to it XOR the
	 * previous ciphertext block. */
	kl = unhex(key, v[3].key);
	rc2_init(&c, key, kl, 64);
	unhex(buf, "61a8a244adacccf061a8a244adacccf061a8a244adacccf0");
	memset(iv, 0, sizeof iv);
	unhex(want, "000000000000000061a8a244adacccf061a8a244adacccf0");
	rc2_cbc_decrypt(&c, iv, buf, sizeof buf);
	CHECK(memcmp(buf, want, sizeof buf) == 0);
	CHECK(memcmp(iv, "\x61\xa8\xa2\x44\xad\xac\xcc\xf0", 8) == 0);
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_rc2_vectors);
	T_END();
}
