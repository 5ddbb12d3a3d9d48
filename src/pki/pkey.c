#include "pki/pkey.h"

#include <bearssl.h>
#include <string.h>

#include "base/fmt.h"
#include "pki/der.h"

#define OID(name, ...) static const unsigned char name[] = { __VA_ARGS__ }
#define IS(w, name) der_oid_is(w, name, sizeof name)
OID(oid_rsa, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01);
OID(oid_ec, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01);
OID(oid_p256, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07);
OID(oid_p384, 0x2b, 0x81, 0x04, 0x00, 0x22);
OID(oid_p521, 0x2b, 0x81, 0x04, 0x00, 0x23);
OID(oid_k256, 0x2b, 0x81, 0x04, 0x00, 0x0a);
OID(oid_prime, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x01, 0x01);

static int curve_of(const der *oid)
{
	return IS(oid, oid_p256) ? 23 : IS(oid, oid_p384) ? 24 : IS(oid, oid_p521) ? 25
		: IS(oid, oid_k256) ? 22 : 0;
}

/* Explicit parameters (RFC 3279 SpecifiedECDomain) equal a named curve
 * when p, a, b, the base point, the order and the cofactor (1 when
 * absent) are its, as numbers: leading zero bytes do not count (Windows'
 * CNG, so Key Vault, writes secp256k1's a and b in one byte each, OpenSSL
 * in 32). Compared through the first 16 bytes of the SHA-256 of each
 * field's length (one byte) and contents, one after the other (exact: a
 * second preimage of 128 bits); tag[] (a 16-bit sum of each field) only
 * names the field that differs. */
#define EC_FIELDS 6
static const struct named {
	unsigned char id;
	unsigned short tag[EC_FIELDS];
	unsigned char all[16];
	char name[10];
} named[] = {
	{ 22, { 0x482c, 0x0000, 0x0007, 0x2fef, 0xf64e, 0x0001 },
		{ 0x03, 0x99, 0xc6, 0x14, 0xb4, 0x6c, 0x8c, 0x9d, 0x76, 0x69, 0x88, 0xe3, 0x56, 0xac,
			0xad, 0x0d }, "secp256k1" },
	{ 23, { 0x8bf1, 0x8bee, 0x6f0f, 0x98f6, 0x174a, 0x0001 },
		{ 0x6c, 0x62, 0x99, 0x4a, 0x6f, 0xf2, 0xb6, 0x78, 0x20, 0xa3, 0x43, 0xea, 0x61, 0xe0,
			0x87, 0xa6 }, "P-256" },
	{ 24, { 0x6057, 0x6054, 0x3423, 0xcb12, 0xb5c9, 0x0001 },
		{ 0x00, 0x65, 0xb4, 0x65, 0xc8, 0x9a, 0xb5, 0x18, 0xb7, 0xdf, 0x91, 0x74, 0xc3, 0x46,
			0x2c, 0xb3 }, "P-384" },
	{ 25, { 0x44e0, 0x44dd, 0x9049, 0x2be5, 0xac94, 0x0001 },
		{ 0x6b, 0x6a, 0x26, 0xbe, 0xf6, 0xa5, 0x88, 0xf0, 0xfa, 0xdd, 0x28, 0xe3, 0xe1, 0xca,
			0x17, 0x3f }, "P-521" },
};
/* by index: the fields, then "a field" (their tags all matched) and the field type */
static const char field_names[] = "prime\0a\0b\0base point\0order\0cofactor\0a field\0field type";

/* ECParameters {version, fieldID {prime-field, p}, curve {a, b, seed
 * OPTIONAL}, base, order, cofactor OPTIONAL}: the named curve's id, or
 * PKEY_E_OID with the field that differs in oid[]. */
static int explicit_curve(der *params, pkey *k)
{
	static const unsigned char one = 1;
	der f[6], fid[2], c[3], *v[EC_FIELDS] = { &fid[1], &c[0], &c[1], &f[3], &f[4], &f[5] };
	const struct named *n = named;
	const char *name = field_names, *curve = "any named curve";
	br_sha256_context sc;
	unsigned char all[32], len;
	unsigned short tag[EC_FIELDS] = { 0 };
	size_t i, j;

	if (der_fields(params, T_INT T_SEQ T_SEQ T_OCTETS T_INT T_OPT T_INT, f)
		|| der_get(&f[1], DER_OID, &fid[0]))
		return PKEY_E_DER;
	i = EC_FIELDS + 1;
	if (IS(&fid[0], oid_prime)) {
		if (der_fields(&f[1], T_INT, &fid[1]) || der_fields(&f[2], T_OCTETS T_OCTETS T_OPT T_BITS, c))
			return PKEY_E_DER;
		if (f[5].bad)
			der_init(&f[5], &one, 1);
		br_sha256_init(&sc);
		for (i = 0; i < EC_FIELDS; i++) {
			while (der_left(v[i]) && v[i]->p[0] == 0)
				v[i]->p++;
			len = (unsigned char)der_left(v[i]);
			br_sha256_update(&sc, &len, 1);
			br_sha256_update(&sc, v[i]->p, der_left(v[i]));
			for (j = 0; j < der_left(v[i]); j++)
				tag[i] = (unsigned short)(tag[i] * 33 + v[i]->p[j]);
		}
		br_sha256_out(&sc, all);
		i = 0;
		for (; n < named + sizeof named / sizeof *named; n++)
			if (n->tag[0] == tag[0]) { /* the curve of this prime */
				if (memcmp(n->all, all, sizeof n->all) == 0)
					return n->id;
				while (i < EC_FIELDS && n->tag[i] == tag[i])
					i++;
				curve = n->name;
				break;
			}
	}
	while (i--)
		name += strlen(name) + 1;
	fmt(k->oid, sizeof k->oid, "explicit EC parameters: %s differs from %s's", name, curve);
	return PKEY_E_OID;
}

/* An INTEGER's contents w as a magnitude without leading zero bytes
 * (a negative one is refused). */
static int big_int(der w, const unsigned char **p, size_t *n)
{
	if (der_left(&w) > 0 && w.p[0] & 0x80)
		return PKEY_E_DER;
	while (der_left(&w) > 1 && w.p[0] == 0)
		w.p++;
	*p = w.p;
	*n = der_left(&w);
	return w.bad || *n == 0 ? PKEY_E_DER : 0;
}

/* A BIT STRING's contents without its unused-bits byte (which must be 0). */
static int bits(der *w)
{
	if (w->bad || der_left(w) < 2 || w->p[0] != 0)
		return -1;
	w->p++;
	return 0;
}

/* The SubjectPublicKeyInfo of the DER certificate p[n]: spki[0] its
 * AlgorithmIdentifier, spki[1] its key (the BIT STRING's bytes). */
static int cert_spki(const unsigned char *p, size_t n, der *spki)
{
	der d, cert[1], f[3], tbs, v;
	size_t i;

	der_init(&d, p, n);
	if (der_fields(&d, T_SEQ, cert) || der_fields(cert, T_SEQ T_SEQ T_BITS, f))
		return PKEY_E_DER;
	tbs = f[0];
	if (der_peek(&tbs) == DER_CTX0)
		der_skip(&tbs); /* version */
	for (i = 0; i < 5; i++)
		der_skip(&tbs); /* serial, signature, issuer, validity, subject */
	der_get(&tbs, DER_SEQ, &v);
	if (der_fields(&v, T_SEQ T_BITS, spki) || bits(&spki[1]))
		return PKEY_E_DER;
	return 0;
}

int pkey_in_cert(const unsigned char *p, size_t n, const unsigned char *pub,
	size_t publen)
{
	der spki[2];
	size_t i;

	if (cert_spki(p, n, spki))
		return PKEY_E_DER;
	for (i = 0; publen > 0 && i + publen <= der_left(&spki[1]); i++)
		if (memcmp(spki[1].p + i, pub, publen) == 0)
			return 1;
	return 0;
}

static int unsupported(pkey *k, const der *oid)
{
	der_oid_text(oid->p, der_left(oid), k->oid, sizeof k->oid);
	return PKEY_E_OID;
}

/* The curve of an EC AlgorithmIdentifier's parameters alg (a named
 * curve's OID, or explicit parameters) into k->curve. 0 or PKEY_E_*. */
static int ec_params(der *alg, pkey *k)
{
	der w;
	int rc;

	if (der_peek(alg) == DER_SEQ) {
		der_get(alg, DER_SEQ, &w);
		rc = explicit_curve(&w, k);
		return rc < 0 ? rc : (k->curve = rc, 0);
	}
	if (der_get(alg, DER_OID, &w))
		return PKEY_E_DER;
	if (!(k->curve = curve_of(&w)))
		return unsupported(k, &w);
	return 0;
}

/* ECPrivateKey {1, OCTET STRING d, [0] params OPTIONAL, [1] {BIT STRING
 * public point} OPTIONAL}. */
static int ec_key(der *alg, der *inner, pkey *k)
{
	der ecpk[1], f[4], pub[1];
	int rc = ec_params(alg, k);

	if (rc < 0)
		return rc;
	if (der_fields(inner, T_SEQ, ecpk)
		|| der_fields(ecpk, T_INT T_OCTETS T_OPT T_CTX0 T_OPT T_CTX1, f))
		return PKEY_E_DER;
	k->d = f[1].p;
	k->dlen = der_left(&f[1]);
	if (!f[3].bad) {
		if (der_fields(&f[3], T_BITS, pub) || bits(pub))
			return PKEY_E_DER;
		k->pub = pub->p;
		k->publen = der_left(pub);
	}
	/* azkv computes a missing point with BearSSL, which lacks secp256k1 */
	if (k->curve == 22 && !k->pub)
		return fmt(k->oid, sizeof k->oid, "secp256k1 without its public point"), PKEY_E_OID;
	return 0;
}

/* PrivateKeyInfo {version, AlgId {OID, params}, OCTET STRING key,
 * [0] attributes OPTIONAL, [1] publicKey OPTIONAL}. */
int pkey_parse(const unsigned char *p, size_t n, pkey *k)
{
	der d, pki[1], f[5], alg[1], rsa[3];

	memset(k, 0, sizeof *k);
	der_init(&d, p, n);
	if (der_fields(&d, T_SEQ, pki)
		|| der_fields(pki, T_INT T_SEQ T_OCTETS T_OPT T_CTX0 T_OPT "\x81", f)
		|| der_get(&f[1], DER_OID, &alg[0]))
		return PKEY_E_DER;
	if (der_oid_is(&alg[0], oid_ec, sizeof oid_ec))
		return ec_key(&f[1], &f[2], k);
	if (!der_oid_is(&alg[0], oid_rsa, sizeof oid_rsa))
		return unsupported(k, &alg[0]);
	der_get(&f[2], DER_SEQ, &rsa[0]);
	der_get(&rsa[0], DER_INT, &rsa[1]);
	der_get(&rsa[0], DER_INT, &rsa[2]);
	return big_int(rsa[2], &k->pub, &k->publen);
}

/* SubjectPublicKeyInfo {AlgId {OID, params}, BIT STRING key}: RSA's key
 * is RSAPublicKey {INTEGER n, INTEGER e}; EC's params name the curve and
 * its key is the point. */
int pkey_cert(const unsigned char *p, size_t n, pkey *k)
{
	der spki[2], alg[2], rsa[1], ne[2];

	memset(k, 0, sizeof *k);
	if (cert_spki(p, n, spki) || der_get(&spki[0], DER_OID, &alg[0]))
		return PKEY_E_DER;
	if (der_oid_is(&alg[0], oid_ec, sizeof oid_ec)) {
		int rc = ec_params(&spki[0], k);

		if (rc < 0)
			return rc;
		if (k->curve == 22) { /* BearSSL verifies no secp256k1 signature */
			der_init(&alg[1], oid_k256, sizeof oid_k256);
			return unsupported(k, &alg[1]);
		}
		k->pub = spki[1].p;
		k->publen = der_left(&spki[1]);
		return 0;
	}
	if (!der_oid_is(&alg[0], oid_rsa, sizeof oid_rsa))
		return unsupported(k, &alg[0]);
	if (der_fields(&spki[1], T_SEQ, rsa) || der_fields(rsa, T_INT T_INT, ne)
		|| big_int(ne[0], &k->pub, &k->publen) || big_int(ne[1], &k->e, &k->elen))
		return PKEY_E_DER;
	return 0;
}
