/* test_jwk: key bundles, operation results, algorithm limits, key
 * references, base64url encoding and the IMDS tag list (tags.c). */
#include "codec/b64.h"
#include "vault/jwk.h"
#include "vault/tags.h"

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
	char big[1200];
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++)
		CHECKM(jwk_parse(&k, c[i].body, strlen(c[i].body)) == c[i].rc, "case %zu", i);
	CHECK_EQ(k.kid[0], 0); /* wiped on error */
	/* a 4097-bit modulus does not fit */
	memset(big, 'A', sizeof big);
	memcpy(big, "{\"key\":{\"kid\":\"" KID "\",\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"_", 103);
	memcpy(big + 1200 - 4, "\"}}", 3);
	big[1199] = 0;
	CHECK_EQ(jwk_parse(&k, big, strlen(big)), JWK_E_RSA);
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

static void refs(void)
{
	ref r;

	CHECK_EQ(jwk_ref(&r, "https://MyVault.vault.azure.net/keys/k1"), 0);
	CHECK_STR(r.host, "myvault.vault.azure.net");
	CHECK_STR(r.name, "k1");
	CHECK_STR(r.version, "");
	CHECK_EQ(jwk_ref(&r, KID), 0);
	CHECK_STR(r.version, "0123456789abcdef0123456789abcdef");
	CHECK_EQ(jwk_ref(&r, "https://h.managedhsm.azure.net:8443/KEYS/k1/"), 0);
	CHECK_EQ(r.port, 8443);
	CHECK_STR(r.host, "h.managedhsm.azure.net");
	CHECK_EQ(jwk_ref(&r, "myvault/k1"), 0);
	CHECK_STR(r.host, "myvault.vault.azure.net");
	CHECK_EQ(jwk_ref(&r, "myvault/keys/k1/0123456789abcdef0123456789abcdef"), 0);
	CHECK_STR(r.name, "k1");
	CHECK_STR(r.version, "0123456789abcdef0123456789abcdef");
	CHECK_EQ(jwk_ref(&r, "h.managedhsm.azure.net/keys/k1"), 0);
	CHECK_STR(r.host, "h.managedhsm.azure.net");
	CHECK_EQ(jwk_ref(&r, "myvault/keys"), 0); /* a key named keys */
	CHECK_STR(r.name, "keys");
	CHECK_EQ(jwk_ref(&r, "https://v.vault.azure.net/secrets/k1"), REF_E_FORM);
	CHECK_EQ(jwk_ref(&r, "https://v.vault.azure.net"), REF_E_FORM);
	CHECK_EQ(jwk_ref(&r, "https://v.vault.azure.net/keys/k1?x=1"), REF_E_FORM);
	CHECK_EQ(jwk_ref(&r, "http://v.vault.azure.net/keys/k1"), REF_E_SCHEME);
	CHECK_EQ(jwk_ref(&r, "https://v.vault.azure.net/keys/k_1"), REF_E_NAME);
	CHECK_EQ(jwk_ref(&r, "myvault/k1/short"), REF_E_VERSION);
	CHECK_EQ(jwk_ref(&r, "myvault"), REF_E_FORM);
	CHECK_EQ(jwk_ref(&r, ""), REF_E_FORM);
	CHECK_EQ(jwk_ref(&r, "x"), REF_E_FORM);
	CHECK_EQ(r.host[0], 0);
	CHECK(strstr(jwk_ref_strerror(REF_E_FORM), "keys/NAME") != NULL);
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

static void tags(void)
{
	const char *l = "[{\"name\":\"Department\",\"value\":\"IT\"},"
		"{\"name\":\"kek\",\"value\":\"myvault/k1\"},{\"name\":\"e\",\"value\":\"\"}]";
	char v[TAGS_VALUE_MAX + 1], big[8192];
	size_t o, i;

	CHECK(tags_ref("tag:x") && strcmp(tags_ref("tag:x"), "x") == 0);
	CHECK(tags_ref("TAG:x") == NULL && tags_ref("myvault/x") == NULL);
	CHECK_EQ(tags_find(l, strlen(l), "kek", v, sizeof v), 0);
	CHECK_STR(v, "myvault/k1");
	CHECK_EQ(tags_find(l, strlen(l), "department", v, sizeof v), 0);
	CHECK_STR(v, "IT");
	CHECK_EQ(tags_find(l, strlen(l), "e", v, sizeof v), 0);
	CHECK_STR(v, "");
	CHECK_EQ(tags_find(l, strlen(l), "nope", v, sizeof v), TAGS_E_MISSING);
	CHECK_EQ(tags_find("[]", 2, "a", v, sizeof v), TAGS_E_MISSING);
	CHECK_EQ(tags_find("{}", 2, "a", v, sizeof v), TAGS_E_JSON);
	CHECK_EQ(tags_find("[1]", 3, "a", v, sizeof v), TAGS_E_JSON);
	CHECK_EQ(tags_find("[{\"name\":\"a\"}]", 14, "a", v, sizeof v), TAGS_E_JSON);
	CHECK_EQ(tags_find("[{\"name\":\"a\",\"value\":1}]", 24, "a", v, sizeof v), TAGS_E_JSON);
	/* 50 tags fit, 51 do not; nor 2049 characters */
	for (i = 0, o = 1, big[0] = '['; i < 51; i++)
		o += (size_t)snprintf(big + o, sizeof big - o, "%s{\"name\":\"t%zu\",\"value\":\"v\"}",
			i ? "," : "", i);
	big[o++] = ']';
	CHECK_EQ(tags_find(big, o, "t1", v, sizeof v), TAGS_E_LIMIT);
	big[o] = 0;
	o = (size_t)(strstr(big, ",{\"name\":\"t50\"") - big);
	big[o++] = ']';
	CHECK_EQ(tags_find(big, o, "t49", v, sizeof v), 0);
	CHECK_STR(v, "v");
	for (i = 0, o = 1; i < 9; i++)
		o += (size_t)snprintf(big + o, sizeof big - o, "%s{\"name\":\"n%zu\",\"value\":\"%0256d\"}",
			i ? "," : "", i, 0);
	big[o++] = ']';
	CHECK_EQ(tags_find(big, o, "n0", v, sizeof v), TAGS_E_LIMIT);
	/* a value over 256 characters */
	o = (size_t)snprintf(big, sizeof big, "[{\"name\":\"a\",\"value\":\"%0257d\"}]", 0);
	CHECK_EQ(tags_find(big, o, "a", v, sizeof v), TAGS_E_LIMIT);
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	bundles();
	bad_bundles();
	results();
	limits();
	refs();
	b64url();
	tags();
	T_END();
}
