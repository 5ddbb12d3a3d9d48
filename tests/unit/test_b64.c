/* Unit tests of b64: RFC 4648 vectors, variants and every rejection. */
#include "codec/b64.h"
#include "t.h"

static const struct {
	const char *in;
	long n;
	const char *out;
} cases[] = {
	{ "", 0, "" },
	{ "Zg==", 1, "f" }, { "Zm8=", 2, "fo" }, { "Zm9v", 3, "foo" },
	{ "Zm9vYg==", 4, "foob" }, { "Zm9vYmE=", 5, "fooba" }, { "Zm9vYmFy", 6, "foobar" },
	{ "Zg", 1, "f" }, { "Zm8", 2, "fo" },              /* unpadded */
	{ "Zm9v\nYmFy\r\n", 6, "foobar" },                 /* wrapped */
	{ "+/+/", 3, "\xfb\xff\xbf" }, { "-_-_", 3, "\xfb\xff\xbf" },
	{ "+/-_", -1, "" },      /* mixed alphabets */
	{ "Zg=", -1, "" },       /* short padding */
	{ "Zg===", -1, "" },     /* too much padding */
	{ "Z===", -1, "" },
	{ "Zm9v=", -1, "" },     /* padding after a full group */
	{ "Zh==", -1, "" },      /* non-zero trailing bits */
	{ "Z", -1, "" },         /* a lone sextet */
	{ "Zg==Zg==", -1, "" },  /* data after padding */
	{ "Zm9v!", -1, "" },
};

static void test_b64_vectors(void)
{
	unsigned char out[16], tiny[2], inplace[16] = "Zm9vYmFy";
	size_t i;
	long n;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = b64_decode(out, sizeof out, cases[i].in, strlen(cases[i].in));
		CHECKM(n == cases[i].n, "%s: got %ld", cases[i].in, n);
		if (n > 0)
			CHECKM(memcmp(out, cases[i].out, (size_t)n) == 0, "%s", cases[i].in);
	}
	CHECK_EQ(b64_decode(tiny, sizeof tiny, "Zm9v", 4), -1); /* no room */
	CHECK_EQ(b64_decode(out, sizeof out, "Zm\0" "9v", 5), -1); /* NUL inside */
	/* Encoding: the RFC 4648 vectors back, and the exact room needed. */
	{
		static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
		static const char *const b64[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
		char enc[24], room[5];

		for (i = 0; i < 7; i++) {
			n = b64_encode(enc, sizeof enc, plain[i], strlen(plain[i]));
			CHECK_EQ(n, (long)strlen(b64[i]));
			CHECK_STR(enc, b64[i]);
		}
		CHECK_EQ(b64_encode(room, sizeof room, "foo", 3), 4);
		CHECK_STR(room, "Zm9v");
		CHECK_EQ(b64_encode(room, sizeof room, "foob", 4), -1);
		CHECK_STR(room, "");
		CHECK_EQ(b64_encode(room, 4, "foo", 3), -1);
		CHECK_EQ(b64_encode(enc, sizeof enc, "user:p\xc3\xa4ss", 10), 16);
		CHECK_STR(enc, "dXNlcjpww6Rzcw==");
	}
	n = b64_decode(inplace, sizeof inplace, (const char *)inplace, 8);
	CHECK_EQ(n, 6);
	CHECK(memcmp(inplace, "foobar", 6) == 0);
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_b64_vectors);
	T_END();
}
