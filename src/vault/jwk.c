#include "vault/jwk.h"

#include <string.h>

#include "base/str.h"
#include "codec/b64.h"
#include "codec/json.h"

/* JsonWebKeyEncryptionAlgorithm values azkv speaks. RSA-OAEP-256 is OAEP
 * with SHA-256 for the hash and for MGF1; RSA-OAEP is SHA-1 for both
 * (RFC 8017 7.1: k - 2*hLen - 2 bytes at most); RSA1_5 keeps 11 bytes of
 * padding. The AES key wraps (RFC 3394) exist on Managed HSM oct keys. */
static const jwk_alg algs[] = {
	{ "RSA-OAEP-256", JWK_RSA, JWK_OAEP256, 15, 66 },
	{ "RSA-OAEP", JWK_RSA, JWK_OAEP, 15, 42 },
	{ "RSA1_5", JWK_RSA, JWK_PKCS1, 15, 11 },
	{ "A128KW", JWK_OCT, JWK_KW, JWK_WRAP | JWK_UNWRAP, 0 },
	{ "A192KW", JWK_OCT, JWK_KW, JWK_WRAP | JWK_UNWRAP, 0 },
	{ "A256KW", JWK_OCT, JWK_KW, JWK_WRAP | JWK_UNWRAP, 0 },
};

const jwk_alg *jwk_alg_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof algs / sizeof algs[0]; i++)
		if (strcmp(algs[i].name, name) == 0)
			return &algs[i];
	return NULL;
}

const char *jwk_alg_name(int i)
{
	return i >= 0 && (size_t)i < sizeof algs / sizeof algs[0] ? algs[i].name : NULL;
}

size_t jwk_max_input(const jwk_alg *a, int op, size_t k, size_t *min)
{
	int out = op == JWK_WRAP || op == JWK_ENCRYPT; /* plaintext in */

	if (a->pad == JWK_KW) {
		*min = out ? 16 : 24; /* two 64-bit blocks, plus the check block */
		return out ? JWK_KW_MAX : JWK_KW_MAX + 8;
	}
	*min = 1;
	if (k == 0)
		k = JWK_N_MAX;
	if (!out)
		return k; /* a ciphertext is as long as the modulus */
	return k > a->over ? k - a->over : 0;
}

int jwk_len_ok(const jwk_alg *a, int op, size_t k, size_t n)
{
	size_t min, max = jwk_max_input(a, op, k, &min);

	return n >= min && n <= max && (a->pad != JWK_KW || n % 8 == 0);
}

static int kid_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '"' || s[i] == '\\')
			return 0;
	return n > 0;
}

/* String member key of object obj into out[cap]: 0, 1 if absent, or < 0. */
static int member(const json_doc *d, int obj, const char *key, char *out,
	size_t cap, size_t *n)
{
	int i = json_find(d, obj, key);

	*n = 0;
	if (i == JSON_E_DUP)
		return JWK_E_DUP;
	if (i < 0)
		return 1;
	return json_string(d, i, out, cap, n) == 0 ? 0 : JWK_E_JSON;
}

static int get_kid(const json_doc *d, int obj, char *kid, size_t cap)
{
	int i = json_find(d, obj, "kid");
	size_t n;

	if (i == JSON_E_DUP)
		return JWK_E_DUP;
	if (i < 0 || d->tok[i].type != JSON_STRING)
		return i < 0 ? JWK_E_NO_KEY : JWK_E_JSON;
	if (json_string(d, i, kid, cap, &n) < 0 || !kid_ok(kid, n))
		return JWK_E_KID;
	return 0;
}

static unsigned op_bit(const char *s)
{
	static const char *const names[] = { "wrapKey", "unwrapKey", "encrypt", "decrypt" };
	unsigned i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return 1u << i;
	return 0;
}

static int key_ops(const json_doc *d, int obj, unsigned *ops)
{
	int i = json_find(d, obj, "key_ops"), t, c;
	char s[16];
	size_t n;

	if (i == JSON_E_DUP)
		return JWK_E_DUP;
	*ops = JWK_WRAP | JWK_UNWRAP | JWK_ENCRYPT | JWK_DECRYPT;
	if (i < 0)
		return 0;
	if (d->tok[i].type != JSON_ARRAY)
		return JWK_E_JSON;
	*ops = 0;
	for (c = 0, t = i + 1; c < d->tok[i].size; c++, t = json_skip(d, t)) {
		if (d->tok[t].type != JSON_STRING)
			return JWK_E_JSON;
		if (json_string(d, t, s, sizeof s, &n) < 0)
			continue; /* longer than any name we know */
		if (strlen(s) != n)
			return JWK_E_JSON; /* a NUL: "wrapKey\u0000" is no wrapKey */
		*ops |= op_bit(s);
	}
	return 0;
}

/* Big-endian integer member key (base64url) into out[cap], no leading 0s. */
static int big(const json_doc *d, int obj, const char *key, unsigned char *out,
	size_t cap, size_t *len)
{
	char txt[(JWK_N_MAX + 2) / 3 * 4 + 8];
	size_t n, z = 0;
	long l;

	if (member(d, obj, key, txt, sizeof txt, &n) != 0)
		return JWK_E_RSA;
	l = b64_decode((unsigned char *)txt, sizeof txt, txt, n);
	if (l <= 0)
		return JWK_E_RSA;
	while (z < (size_t)l && txt[z] == 0)
		z++;
	if ((size_t)l - z > cap || z == (size_t)l)
		return JWK_E_RSA;
	*len = (size_t)l - z;
	memcpy(out, txt + z, *len);
	return 0;
}

int jwk_parse(jwk *k, const char *body, size_t len)
{
	json_doc d;
	size_t n;
	int key, rc;

	memset(k, 0, sizeof *k);
	if (json_parse(&d, body, len) < 0 || d.tok[0].type != JSON_OBJECT)
		return JWK_E_JSON;
	key = json_find(&d, 0, "key");
	if (key == JSON_E_DUP)
		return JWK_E_DUP;
	if (key < 0 || d.tok[key].type != JSON_OBJECT)
		return JWK_E_NO_KEY;
	rc = get_kid(&d, key, k->kid, sizeof k->kid);
	if (rc == 0)
		rc = member(&d, key, "kty", k->kty_name, sizeof k->kty_name, &n);
	/* a NUL in a name would end it early: "\u0000RSA" is no key type (n
	 * and e refuse one as base64, kid as a URL) */
	if (rc == 1 || (rc == 0 && (n == 0 || strlen(k->kty_name) != n)))
		rc = JWK_E_NO_KEY;
	if (rc == 0)
		rc = key_ops(&d, key, &k->ops);
	if (rc == 0 && (strcmp(k->kty_name, "RSA") == 0 || strcmp(k->kty_name, "RSA-HSM") == 0)) {
		k->kty = JWK_RSA;
		rc = big(&d, key, "n", k->n, sizeof k->n, &k->nlen);
		if (rc == 0)
			rc = big(&d, key, "e", k->e, sizeof k->e, &k->elen);
		if (rc == 0 && (k->nlen < 64 || !(k->n[k->nlen - 1] & 1)))
			rc = JWK_E_RSA; /* under 512 bits, or even: not an RSA modulus */
	} else if (rc == 0 && (strcmp(k->kty_name, "oct") == 0 || strcmp(k->kty_name, "oct-HSM") == 0)) {
		k->kty = JWK_OCT;
	}
	if (rc < 0) {
		memset(k, 0, sizeof *k);
		return rc;
	}
	return 0;
}

int jwk_result(const char *body, size_t len, char *kid, size_t kcap,
	unsigned char *out, size_t cap, size_t *n)
{
	json_doc d;
	size_t tn;
	long l;
	int rc;

	*n = 0;
	if (kcap > 0)
		kid[0] = 0;
	if (json_parse(&d, body, len) < 0 || d.tok[0].type != JSON_OBJECT)
		return JWK_E_JSON;
	rc = json_find(&d, 0, "kid") >= 0 ? get_kid(&d, 0, kid, kcap) : 0;
	if (rc < 0)
		return rc;
	rc = json_find(&d, 0, "value");
	if (rc == JSON_E_DUP)
		return JWK_E_DUP;
	if (rc < 0 || d.tok[rc].type != JSON_STRING)
		return JWK_E_VALUE;
	if (json_string(&d, rc, (char *)out, cap, &tn) < 0)
		return JWK_E_SIZE;
	l = b64_decode(out, cap, (const char *)out, tn);
	if (l < 0) {
		memset(out, 0, tn);
		return JWK_E_VALUE;
	}
	memset(out + l, 0, tn - (size_t)l);
	*n = (size_t)l;
	return 0;
}

/* One line per code, JWK_E_JSON (-1) first, packed (test_jwk checks each). */
#define E(code, text) text "\0"
static const char texts[] =
	E(JWK_E_JSON, "response is not the JSON expected")
	E(JWK_E_NO_KEY, "no key with kid and kty in the response")
	E(JWK_E_RSA, "RSA key without a valid n and e")
	E(JWK_E_KID, "kid too long or not a URL")
	E(JWK_E_VALUE, "no base64url value in the response")
	E(JWK_E_SIZE, "value too large")
	E(JWK_E_DUP, "a field appears twice")
	"unknown key error";
#undef E

const char *jwk_strerror(int code)
{
	return str_code(texts, code, JWK_E_DUP);
}

const char *jwk_op_name(int op)
{
	switch (op) {
	case JWK_WRAP: return "wrap";
	case JWK_UNWRAP: return "unwrap";
	case JWK_ENCRYPT: return "encrypt";
	case JWK_DECRYPT: return "decrypt";
	}
	return NULL;
}
