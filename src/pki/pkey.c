#include "pki/pkey.h"

#include <string.h>

#include "pki/der.h"

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

/* ECPrivateKey {1, OCTET STRING d, [0] params OPTIONAL, [1] {BIT STRING
 * public point} OPTIONAL}. */
static int ec_key(der *curve, der *inner, pkey *k)
{
	der ecpk[1], f[4], pub[1];

	if (!(k->curve = curve_of(curve)))
		return unsupported(k, curve);
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
	return 0;
}

/* PrivateKeyInfo {version, AlgId {OID, params}, OCTET STRING key,
 * [0] attributes OPTIONAL, [1] publicKey OPTIONAL}. */
int pkey_parse(const unsigned char *p, size_t n, pkey *k)
{
	der d, pki[1], f[5], alg[2], rsa[3];

	memset(k, 0, sizeof *k);
	der_init(&d, p, n);
	if (der_fields(&d, T_SEQ, pki)
		|| der_fields(pki, T_INT T_SEQ T_OCTETS T_OPT T_CTX0 T_OPT "\x81", f)
		|| der_get(&f[1], DER_OID, &alg[0]))
		return PKEY_E_DER;
	if (der_oid_is(&alg[0], oid_ec, sizeof oid_ec))
		return der_get(&f[1], DER_OID, &alg[1]) ? PKEY_E_DER : ec_key(&alg[1], &f[2], k);
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
		if (der_get(&spki[0], DER_OID, &alg[1]))
			return PKEY_E_DER;
		if (!(k->curve = curve_of(&alg[1])))
			return unsupported(k, &alg[1]);
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
