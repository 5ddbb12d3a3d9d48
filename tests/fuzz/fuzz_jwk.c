/*
 * fuzz_jwk: the key-operation parsers on one arbitrary body.
 * jwk_parse: a refusal leaves *k zeroed; an accepted key has a printable
 * kid (no quote or backslash: --json prints it as is), a kty name, and for
 * RSA an odd modulus of 64-512 bytes without leading zeros and an exponent
 * of 1-8 bytes. jwk_result: the value fits its buffer (decoded in place,
 * bytes past it wiped), the kid is printable; a refusal gives 0 bytes.
 * tags_find: the value is terminated and at most 256 bytes. ref_parse_key on the
 * input as a C string: an accepted key has a name and a host.
 */
#include "fuzz.h"
#include "vault/jwk.h"
#include "vault/ref.h"
#include "vault/tags.h"

static jwk k, zero;

static void check_key(const char *body, size_t n)
{
	int rc = jwk_parse(&k, body, n);

	FUZZ_CHECK(rc <= 0 && rc >= JWK_E_DUP);
	if (rc != 0) {
		FUZZ_CHECK(memcmp(&k, &zero, sizeof k) == 0);
		return;
	}
	FUZZ_CHECK(k.kid[0] && fuzz_printable(k.kid) && !strpbrk(k.kid, "\" \\"));
	FUZZ_CHECK(k.kty_name[0] && fuzz_terminated(k.kty_name, sizeof k.kty_name));
	if (k.kty == JWK_RSA) {
		FUZZ_CHECK(k.nlen >= 64 && k.nlen <= JWK_N_MAX && k.n[0] != 0);
		FUZZ_CHECK((k.n[k.nlen - 1] & 1) && k.elen >= 1 && k.elen <= JWK_E_MAX);
	}
}

static void check_result(const char *body, size_t n, size_t cap)
{
	unsigned char *out = (unsigned char *)fuzz_buf(cap);
	char kid[JWK_KID_MAX + 1];
	size_t len = 99, i;
	int rc = jwk_result(body, n, kid, sizeof kid, out, cap, &len);

	FUZZ_CHECK(rc <= 0 && rc >= JWK_E_DUP);
	if (rc == 0) {
		FUZZ_CHECK(len <= cap && fuzz_printable(kid) && !strpbrk(kid, "\" \\"));
		for (i = len; i < cap && out[i] != 0xff; i++)
			FUZZ_CHECK(out[i] == 0);
	} else {
		FUZZ_CHECK(len == 0);
	}
	free(out);
}

static void check_tags(const char *body, size_t n)
{
	char *out = fuzz_buf(TAGS_VALUE_MAX + 1);
	int rc = tags_find(body, n, "a", out, TAGS_VALUE_MAX + 1);

	FUZZ_CHECK(rc <= 0 && rc >= TAGS_E_NAME);
	if (rc == 0)
		FUZZ_CHECK(fuzz_terminated(out, TAGS_VALUE_MAX + 1));
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = fuzz_buf(size), *s = fuzz_cstr(data, size);
	ref r;

	memcpy(body, data, size);
	check_key(body, size);
	check_result(body, size, 16);
	check_result(body, size, 8192);
	check_tags(body, size);
	if (ref_parse_key(&r, s) == 0)
		FUZZ_CHECK(r.name[0] && r.host[0] && r.port > 0);
	free(body);
	free(s);
	return 0;
}
