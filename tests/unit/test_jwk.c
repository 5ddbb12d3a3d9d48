/* test_jwk: key bundles, operation results, algorithm limits and
 * base64url encoding. */
#include "codec/b64.h"
#include "vault/jwk.h"

#include <stdio.h>
#include <string.h>

#include "t.h"

static jwk k;

/* A 512-bit modulus (odd) and 65537, base64url. */
#define N64 "xVw3lWTLp9sZ2bnuK2mSSUVGJqNYyW0XXLp2iRkPJtZe9z3o2pVG6dSsuUNE83aJ1Xrmqy6dBFh3iV0cF3w_8Q"
#define KID "https://v.vault.azure.net/keys/k1/0123456789abcdef0123456789abcdef"

static void bundles(void)
{
	char b[4096];

	snprintf(b, sizeof b, "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"RSA\",\"key_ops\":"
		"[\"encrypt\",\"decrypt\",\"sign\",\"wrapKey\"],\"n\":\"" N64 "\",\"e\":\"AQAB\"},"
		"\"attributes\":{\"enabled\":true},\"tags\":{\"a\":\"b\"}}");
	CHECK_EQ(jwk_parse(&k, b, strlen(b)), 0);
	CHECK_STR(k.kid, KID);
	CHECK_STR(k.kty_name, "RSA");
	CHECK_EQ(k.kty, JWK_RSA);
	CHECK_EQ(k.ops, JWK_ENCRYPT | JWK_DECRYPT | JWK_WRAP);
	CHECK_EQ(k.nlen, 64);
	CHECK_EQ(k.elen, 3);
	CHECK(k.e[0] == 1 && k.e[1] == 0 && k.e[2] == 1);
	/* a leading zero byte of n (some encoders add it) is dropped; padded
	 * standard base64 is read too */
	snprintf(b, sizeof b, "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"RSA-HSM\","
		"\"n\":\"AMVcN5Vky6fbGdm57itpkklFRiajWMltF1y6dokZDybWXvc96NqVRunUrLlDRPN2idV65qsunQRYd4ldHBd8P/E=\",\"e\":\"AQAB\"}}");
	CHECK_EQ(jwk_parse(&k, b, strlen(b)), 0);
	CHECK_EQ(k.nlen, 64);
	CHECK_EQ(k.n[0], 0xc5);
	CHECK_EQ(k.kty, JWK_RSA);
	CHECK_EQ(k.ops, JWK_WRAP | JWK_UNWRAP | JWK_ENCRYPT | JWK_DECRYPT); /* no key_ops: all */
	/* oct-HSM: no material, kty and key_ops only */
	snprintf(b, sizeof b, "{\"key\":{\"kid\":\"https://h.managedhsm.azure.net/keys/a/x\","
		"\"kty\":\"oct-HSM\",\"key_ops\":[\"unwrapKey\"]}}");
	CHECK_EQ(jwk_parse(&k, b, strlen(b)), 0);
	CHECK_EQ(k.kty, JWK_OCT);
	CHECK_EQ(k.ops, JWK_UNWRAP);
	/* EC keys parse, as a family azkv does not encrypt with */
	snprintf(b, sizeof b, "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"EC\",\"crv\":\"P-256\"}}");
	CHECK_EQ(jwk_parse(&k, b, strlen(b)), 0);
	CHECK_EQ(k.kty, JWK_OTHER);
	CHECK_STR(k.kty_name, "EC");
}

static void bad_bundles(void)
{
	static const struct {
		const char *body;
		int rc;
	} c[] = {
		{ "[]", JWK_E_JSON },
		{ "{\"key\":1}", JWK_E_NO_KEY },
		{ "{}", JWK_E_NO_KEY },
		{ "{\"key\":{\"kty\":\"RSA\"}}", JWK_E_NO_KEY },
		{ "{\"key\":{\"kid\":\"" KID "\"}}", JWK_E_NO_KEY },
		{ "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"\"}}", JWK_E_NO_KEY },
		/* a NUL in a name: "\u0000RSA" is no key type, nor "RSA\u0000x" RSA */
		{ "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"\\u0000RSA\"}}", JWK_E_NO_KEY },
		{ "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"RSA\\u0000x\",\"n\":\"" N64 "\",\"e\":\"AQAB\"}}",
			JWK_E_NO_KEY },
		{ "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"oct\",\"key_ops\":[\"wrapKey\\u0000\"]}}", JWK_E_JSON },
		{ "{\"key\":{\"kid\":\"" KID "\\u0000\",\"kty\":\"oct\"}}", JWK_E_KID },
		{ "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"RSA\",\"n\":\"" N64 "\",\"e\":\"AQAB\\u0000\"}}",
			JWK_E_RSA },
		{ "{\"key\":{\"kid\":\"a b\",\"kty\":\"RSA\"}}", JWK_E_KID },
		{ "{\"key\":{\"kid\":\"a\\\"b\",\"kty\":\"RSA\"}}", JWK_E_KID },
		{ "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"RSA\",\"e\":\"AQAB\"}}", JWK_E_RSA },
		{ "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"RSA\",\"n\":\"" N64 "\"}}", JWK_E_RSA },
		{ "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"RSA\",\"n\":\"AAAA\",\"e\":\"AQAB\"}}", JWK_E_RSA },
		{ "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"RSA\",\"n\":\"" N64 "!\",\"e\":\"AQAB\"}}", JWK_E_RSA },
		/* an even modulus */
		{ "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"RSA\",\"n\":\"xVw3lWTLp9sZ2bnuK2mSSUVGJqNYyW0XXLp2iRkPJtZe9z3o2pVG6dSsuUNE83aJ1Xrmqy6dBFh3iV0cF3w_8A\",\"e\":\"AQAB\"}}", JWK_E_RSA },
		{ "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"oct\",\"key_ops\":\"wrapKey\"}}", JWK_E_JSON },
		{ "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"oct\",\"key_ops\":[1]}}", JWK_E_JSON },
		{ "{\"key\":{},\"key\":{}}", JWK_E_DUP },
		{ "{\"key\":{\"kid\":\"" KID "\",\"kid\":\"" KID "\",\"kty\":\"oct\"}}", JWK_E_DUP },
	};
	static const char no_e[] = "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"RSA\",\"n\":\"" N64 "\"}}";
	static const jwk zero;
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++)
		CHECKM(jwk_parse(&k, c[i].body, strlen(c[i].body)) == c[i].rc, "case %zu", i);
	/* wiped on error: kid, kty and n are written before e is found
	 * missing; the whole key must be zero again */
	CHECK_EQ(jwk_parse(&k, no_e, strlen(no_e)), JWK_E_RSA);
	CHECK(memcmp(&k, &zero, sizeof k) == 0);
}

/* n of bytes bytes (the first 0x01, the last odd): a modulus of
 * 8 * (bytes - 1) + 1 bits, base64url. */
static void modulus(char *out, size_t cap, size_t bytes)
{
	unsigned char n[JWK_N_MAX + 2];

	memset(n, 0x5b, bytes);
	n[0] = 0x01;
	CHECK(b64_url_encode(out, cap, n, bytes) > 0);
}

/* The modulus bound, JWK_N_MAX bytes: 512 bytes fit (n = 0x01 then 511
 * bytes: 4089 bits), 513 bytes (4097 bits) do not. */
static void big_modulus(void)
{
	char n[800], b[1200];

	modulus(n, sizeof n, JWK_N_MAX);
	snprintf(b, sizeof b, "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"RSA\",\"e\":\"AQAB\","
		"\"n\":\"%s\"}}", n);
	CHECK_EQ(jwk_parse(&k, b, strlen(b)), 0);
	CHECK_EQ(k.nlen, JWK_N_MAX);
	modulus(n, sizeof n, JWK_N_MAX + 1);
	CHECK_EQ(strlen(n), 684); /* 513 bytes: the whole n is there */
	snprintf(b, sizeof b, "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"RSA\",\"e\":\"AQAB\","
		"\"n\":\"%s\"}}", n);
	CHECK_EQ(jwk_parse(&k, b, strlen(b)), JWK_E_RSA);
	CHECK_EQ(k.nlen, 0);
}

/* Each code has its own text (a table one line per code: an entry out of
 * order would show here). */
static void texts(void)
{
	static const struct { int code; const char *text; } t[] = {
		{ JWK_E_JSON, "response is not the JSON expected" },
		{ JWK_E_NO_KEY, "no key with kid and kty in the response" },
		{ JWK_E_RSA, "RSA key without a valid n and e" },
		{ JWK_E_KID, "kid too long or not a URL" },
		{ JWK_E_VALUE, "no base64url value in the response" },
		{ JWK_E_SIZE, "value too large" },
		{ JWK_E_DUP, "a field appears twice" },
		{ 0, "unknown key error" }, { JWK_E_DUP - 1, "unknown key error" },
		{ 1, "unknown key error" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECK_STR(jwk_strerror(t[i].code), t[i].text);
}

static void results(void)
{
	unsigned char out[64];
	char kid[JWK_KID_MAX + 1];
	const char *r = "{\"kid\":\"" KID "\",\"value\":\"AP8AaGk\"}";
	size_t n;

	CHECK_EQ(jwk_result(r, strlen(r), kid, sizeof kid, out, sizeof out, &n), 0);
	CHECK_STR(kid, KID);
	CHECK_EQ(n, 5);
	CHECK(memcmp(out, "\0\377\0hi", 5) == 0);
	r = "{\"value\":\"AP8AaGk=\"}"; /* padded, no kid */
	CHECK_EQ(jwk_result(r, strlen(r), kid, sizeof kid, out, sizeof out, &n), 0);
	CHECK_EQ(kid[0], 0);
	CHECK_EQ(n, 5);
	r = "{\"kid\":\"" KID "\"}";
	CHECK_EQ(jwk_result(r, strlen(r), kid, sizeof kid, out, sizeof out, &n), JWK_E_VALUE);
	r = "{\"value\":\"AP8*\"}";
	CHECK_EQ(jwk_result(r, strlen(r), kid, sizeof kid, out, sizeof out, &n), JWK_E_VALUE);
	r = "{\"value\":7}";
	CHECK_EQ(jwk_result(r, strlen(r), kid, sizeof kid, out, sizeof out, &n), JWK_E_VALUE);
	r = "{\"value\":\"AAAAAAAAAAAA\"}";
	CHECK_EQ(jwk_result(r, strlen(r), kid, sizeof kid, out, 8, &n), JWK_E_SIZE);
	CHECK_EQ(n, 0);
	r = "{\"value\":\"AA\",\"value\":\"AA\"}";
	CHECK_EQ(jwk_result(r, strlen(r), kid, sizeof kid, out, sizeof out, &n), JWK_E_DUP);
	r = "{\"kid\":\"x\\u0001\",\"value\":\"AA\"}";
	CHECK_EQ(jwk_result(r, strlen(r), kid, sizeof kid, out, sizeof out, &n), JWK_E_KID);
}

static void limits(void)
{
	const jwk_alg *o256 = jwk_alg_find("RSA-OAEP-256"), *o1 = jwk_alg_find("RSA-OAEP");
	const jwk_alg *p15 = jwk_alg_find("RSA1_5"), *kw = jwk_alg_find("A256KW");
	size_t min;

	CHECK(o256 && o1 && p15 && kw && jwk_alg_find("A128KW") && jwk_alg_find("A192KW"));
	CHECK(jwk_alg_find("rsa-oaep-256") == NULL && jwk_alg_find("A256GCM") == NULL);
	/* RFC 8017 limits for 2048, 3072 and 4096-bit keys */
	CHECK_EQ(jwk_max_input(o256, JWK_WRAP, 256, &min), 190);
	CHECK_EQ(jwk_max_input(o1, JWK_WRAP, 256, &min), 214);
	CHECK_EQ(jwk_max_input(p15, JWK_ENCRYPT, 256, &min), 245);
	CHECK_EQ(jwk_max_input(o256, JWK_WRAP, 384, &min), 318);
	CHECK_EQ(jwk_max_input(o1, JWK_WRAP, 384, &min), 342);
	CHECK_EQ(jwk_max_input(p15, JWK_WRAP, 384, &min), 373);
	CHECK_EQ(jwk_max_input(o256, JWK_WRAP, 0, &min), 446); /* any key: 4096 */
	CHECK_EQ(jwk_max_input(o1, JWK_WRAP, 512, &min), 470);
	CHECK_EQ(jwk_max_input(p15, JWK_WRAP, 512, &min), 501);
	CHECK_EQ(min, 1);
	CHECK(jwk_len_ok(o256, JWK_WRAP, 256, 190) && !jwk_len_ok(o256, JWK_WRAP, 256, 191));
	CHECK(!jwk_len_ok(o256, JWK_WRAP, 256, 0));
	CHECK(jwk_len_ok(o1, JWK_UNWRAP, 0, 512) && !jwk_len_ok(o1, JWK_UNWRAP, 0, 513));
	/* AES key wrap: >= 16 (unwrap 24), multiples of 8 */
	CHECK(jwk_len_ok(kw, JWK_WRAP, 0, 16) && !jwk_len_ok(kw, JWK_WRAP, 0, 8));
	CHECK(!jwk_len_ok(kw, JWK_WRAP, 0, 20) && jwk_len_ok(kw, JWK_WRAP, 0, 32));
	CHECK(!jwk_len_ok(kw, JWK_UNWRAP, 0, 16) && jwk_len_ok(kw, JWK_UNWRAP, 0, 24));
	CHECK(jwk_len_ok(kw, JWK_WRAP, 0, JWK_KW_MAX) && !jwk_len_ok(kw, JWK_WRAP, 0, JWK_KW_MAX + 8));
	CHECK(!(kw->ops & JWK_ENCRYPT) && (o256->ops & JWK_DECRYPT));
}

static void b64url(void)
{
	static const struct {
		const char *in, *out;
	} c[] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" },
		{ "\xfb\xff\xbf", "-_-_" },
	};
	unsigned char back[16];
	char out[16];
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		CHECK_EQ(b64_url_encode(out, sizeof out, (const unsigned char *)c[i].in,
			strlen(c[i].in)), strlen(c[i].out));
		CHECK_STR(out, c[i].out);
		CHECK_EQ(b64_decode(back, sizeof back, out, strlen(out)), strlen(c[i].in));
	}
	CHECK_EQ(b64_url_encode(out, 4, (const unsigned char *)"foo", 3), -1);
	CHECK_EQ(out[0], 0);
	CHECK_EQ(b64_url_encode(out, 5, (const unsigned char *)"foo", 3), 4);
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(bundles);
	T_RUN(bad_bundles);
	T_RUN(big_modulus);
	T_RUN(texts);
	T_RUN(results);
	T_RUN(limits);
	T_RUN(b64url);
	T_END();
}
