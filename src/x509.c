#include "x509.h"

#include <string.h>

#include "der.h"

#define OID(name, ...) static const unsigned char name[] = { __VA_ARGS__ }
#define IS(w, name) der_oid_is(w, name, sizeof name)
OID(oid_rsa, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01);
OID(oid_ec, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01);
OID(oid_p256, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07);
OID(oid_p384, 0x2b, 0x81, 0x04, 0x00, 0x22);
OID(oid_p521, 0x2b, 0x81, 0x04, 0x00, 0x23);

static int curve_of(const der *oid)
{
	return IS(oid, oid_p256) ? 23 : IS(oid, oid_p384) ? 24 : IS(oid, oid_p521) ? 25 : 0;
}

/* An INTEGER's magnitude without leading zero bytes. */
static int big_int(der *d, const unsigned char **p, size_t *n)
{
	der v;

	if (der_get(d, DER_INT, &v, NULL, NULL) < 0)
		return -1;
	while (der_left(&v) > 1 && v.p[0] == 0)
		v.p++;
	*p = v.p;
	*n = der_left(&v);
	return *n ? 0 : -1;
}

/* SubjectPublicKeyInfo: {AlgId{OID, params}, BIT STRING}. */
static int spki(der *d, x509_cert *c)
{
	der s, alg, oid, bits, rsa, curve;

	if (der_get(d, DER_SEQ, &s, NULL, NULL) < 0 || der_get(&s, DER_SEQ, &alg, NULL, NULL) < 0
		|| der_get(&alg, DER_OID, &oid, NULL, NULL) < 0
		|| der_get(&s, DER_BITS, &bits, NULL, NULL) < 0 || der_done(&s) < 0
		|| der_left(&bits) < 2 || bits.p[0] != 0)
		return X509_E_DER;
	bits.p++;
	if (IS(&oid, oid_rsa)) {
		c->kind = X509_RSA;
		if (der_get(&bits, DER_SEQ, &rsa, NULL, NULL) < 0
			|| big_int(&rsa, &c->pub, &c->publen) < 0)
			return X509_E_DER;
		return 0;
	}
	if (IS(&oid, oid_ec)) {
		if (der_get(&alg, DER_OID, &curve, NULL, NULL) < 0)
			return X509_E_DER;
		c->kind = X509_EC;
		c->curve = curve_of(&curve);
		c->pub = bits.p;
		c->publen = der_left(&bits);
		return 0;
	}
	return 0; /* another algorithm: it matches no key we read */
}

int x509_cert_parse(const unsigned char *p, size_t n, x509_cert *c)
{
	der d, cert, tbs, v;

	memset(c, 0, sizeof *c);
	der_init(&d, p, n);
	if (der_get(&d, DER_SEQ, &cert, NULL, NULL) < 0 || der_done(&d) < 0
		|| der_get(&cert, DER_SEQ, &tbs, NULL, NULL) < 0)
		return X509_E_DER;
	if (der_peek(&tbs) == DER_CTX0)
		der_skip(&tbs);
	if (der_skip(&tbs) < 0 || der_skip(&tbs) < 0 /* serial, signature */
		|| der_get(&tbs, DER_SEQ, &v, &c->issuer, &c->ilen) < 0
		|| der_skip(&tbs) < 0 /* validity */
		|| der_get(&tbs, DER_SEQ, &v, &c->subject, &c->slen) < 0)
		return X509_E_DER;
	return spki(&tbs, c);
}

static int ec_key(der *alg, der *inner, x509_key *k)
{
	der curve, ecpk, d, ctx, bits;
	unsigned long version;

	if (der_get(alg, DER_OID, &curve, NULL, NULL) < 0)
		return X509_E_DER;
	k->kind = X509_EC;
	if (!(k->curve = curve_of(&curve))) {
		der_oid_text(curve.p, der_left(&curve), k->oid, sizeof k->oid);
		return X509_E_OID;
	}
	if (der_get(inner, DER_SEQ, &ecpk, NULL, NULL) < 0 || der_uint(&ecpk, 1, &version) < 0
		|| der_get(&ecpk, DER_OCTETS, &d, NULL, NULL) < 0)
		return X509_E_DER;
	k->d = d.p;
	k->dlen = der_left(&d);
	if (der_peek(&ecpk) == DER_CTX0)
		der_skip(&ecpk);
	if (der_peek(&ecpk) == DER_CTX1) {
		if (der_get(&ecpk, DER_CTX1, &ctx, NULL, NULL) < 0
			|| der_get(&ctx, DER_BITS, &bits, NULL, NULL) < 0
			|| der_left(&bits) < 2 || bits.p[0] != 0)
			return X509_E_DER;
		k->pub = bits.p + 1;
		k->publen = der_left(&bits) - 1;
	}
	return der_done(&ecpk) < 0 ? X509_E_DER : 0;
}

int x509_key_parse(const unsigned char *p, size_t n, x509_key *k)
{
	der d, pki, alg, oid, inner, rsa;
	unsigned long version;

	memset(k, 0, sizeof *k);
	der_init(&d, p, n);
	if (der_get(&d, DER_SEQ, &pki, NULL, NULL) < 0 || der_done(&d) < 0
		|| der_uint(&pki, 1, &version) < 0
		|| der_get(&pki, DER_SEQ, &alg, NULL, NULL) < 0
		|| der_get(&alg, DER_OID, &oid, NULL, NULL) < 0
		|| der_get(&pki, DER_OCTETS, &inner, NULL, NULL) < 0)
		return X509_E_DER;
	if (IS(&oid, oid_ec))
		return ec_key(&alg, &inner, k);
	if (!IS(&oid, oid_rsa)) {
		der_oid_text(oid.p, der_left(&oid), k->oid, sizeof k->oid);
		return X509_E_OID;
	}
	k->kind = X509_RSA;
	if (der_get(&inner, DER_SEQ, &rsa, NULL, NULL) < 0 || der_uint(&rsa, 1, &version) < 0
		|| big_int(&rsa, &k->pub, &k->publen) < 0)
		return X509_E_DER;
	return 0;
}

int x509_matches(const x509_cert *c, int kind, int curve,
	const unsigned char *pub, size_t publen)
{
	return c->kind == kind && c->curve == curve && c->publen == publen
		&& publen > 0 && memcmp(c->pub, pub, publen) == 0;
}

static int same(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	return an == bn && memcmp(a, b, an) == 0;
}

static int issued(const x509_cert *issuer, const x509_cert *c)
{
	return same(c->issuer, c->ilen, issuer->subject, issuer->slen);
}

static size_t guess_leaf(const x509_cert *certs, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++)
			if (j != i && issued(&certs[i], &certs[j]))
				break;
		if (j == n)
			return i;
	}
	return 0;
}

size_t x509_chain(const x509_cert *certs, size_t n, size_t leaf, size_t *order)
{
	unsigned char used[64] = { 0 };
	size_t k = 0, cur, j;

	if (n == 0 || n > sizeof used)
		return 0;
	cur = leaf < n ? leaf : guess_leaf(certs, n);
	order[k++] = cur;
	used[cur] = 1;
	while (!same(certs[cur].issuer, certs[cur].ilen, certs[cur].subject, certs[cur].slen)) {
		for (j = 0; j < n && (used[j] || !issued(&certs[j], &certs[cur])); j++)
			;
		if (j == n)
			break;
		order[k++] = cur = j;
		used[j] = 1;
	}
	return k;
}
