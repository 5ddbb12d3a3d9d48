/*
 * test_pkcs12: the PKCS#12 reader and pkey against OpenSSL's libcrypto
 * (host build, like diff_rsa with BearSSL). OpenSSL makes a root, an
 * intermediate, RSA, EC P-256 and P-384 leaves and an unrelated
 * certificate, then PFX files in every variant azkv reads (none, PBES1
 * 3DES / RC2-40 / RC2-128, PBES2 AES-128/192/256 and DES-EDE3 with PRF
 * SHA-1 or SHA-256; SHA-1 or SHA-256 MAC, or none; empty, absent and UTF-8
 * passwords); each must give back OpenSSL's PKCS#8 key and certificates;
 * the leaf is found by key (pkey_in_cert, never by position), pkey_cert
 * reads that key back from it, and x509_path
 * gives its issuers. Also: the KDF against PKCS12_key_gen_uni and known
 * vectors, unsupported OIDs named, the iteration cap, encryptedContent
 * re-encoded as constructed pieces, an EC key without its point, and every
 * prefix and one-byte change of two files (exact-size copies: ASan sees
 * any read past the end).
 */
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include "pki/der.h"
#include "pki/pkcs12.h"
#include "t.h"
#include "pki/pkey.h"
#include "pki/x509.h"

static pkcs12 ctx; /* big: static */

/* OpenSSL's objects live until exit: not leaks worth reporting. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

typedef struct blob {
	unsigned char *p;
	int n;
} blob;

static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	static long serial = 1;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
	X509_set_pubkey(x, key);
	X509_sign(x, ikey ? ikey : key, EVP_sha256());
	X509_NAME_free(name);
	return x;
}

static blob der_of_cert(X509 *x)
{
	blob b = { NULL, 0 };

	b.n = i2d_X509(x, &b.p);
	return b;
}

static blob der_of_key(EVP_PKEY *k)
{
	PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(k);
	blob b = { NULL, 0 };

	b.n = i2d_PKCS8_PRIV_KEY_INFO(p8, &b.p);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return b;
}

static blob der_of_p12(PKCS12 *p12)
{
	blob b = { NULL, 0 };

	b.n = i2d_PKCS12(p12, &b.p);
	PKCS12_free(p12);
	return b;
}

static EVP_PKEY *root_key, *inter_key, *rsa_key, *ec_key, *p384_key, *other_key;
static X509 *root, *inter, *rsa_leaf, *ec_leaf, *p384_leaf, *other;

static void make_pki(void)
{
	root_key = EVP_EC_gen("P-256");
	inter_key = EVP_EC_gen("P-384");
	rsa_key = EVP_RSA_gen(2048);
	ec_key = EVP_EC_gen("P-256");
	p384_key = EVP_EC_gen("P-384");
	other_key = EVP_EC_gen("P-256");
	root = make_cert("test root", root_key, NULL, NULL);
	inter = make_cert("test intermediate", inter_key, root, root_key);
	rsa_leaf = make_cert("rsa.example", rsa_key, inter, inter_key);
	ec_leaf = make_cert("ec.example", ec_key, inter, inter_key);
	p384_leaf = make_cert("p384.example", p384_key, inter, inter_key);
	other = make_cert("unrelated", other_key, NULL, NULL);
}

/* The CA list in a deliberately bad order: root, unrelated, intermediate. */
static STACK_OF(X509) *cas(void)
{
	STACK_OF(X509) *s = sk_X509_new_null();

	sk_X509_push(s, root);
	sk_X509_push(s, other);
	sk_X509_push(s, inter);
	return s;
}

static blob create(const char *pass, EVP_PKEY *key, X509 *leaf, int nid_key,
	int nid_cert, int iter, const EVP_MD *mac)
{
	STACK_OF(X509) *ca = cas();
	PKCS12 *p12 = PKCS12_create(pass, "azkv", key, leaf, ca, nid_key, nid_cert,
		iter, -1, 0);

	sk_X509_free(ca);
	if (p12 && mac)
		PKCS12_set_mac(p12, pass, -1, NULL, 0, iter, mac);
	return p12 ? der_of_p12(p12) : (blob){ NULL, 0 };
}

/* A key bag under PBES2 with a chosen PRF (PKCS12_create cannot pick it). */
static blob create_prf(const char *pass, const EVP_CIPHER *c, int prf, const EVP_MD *mac)
{
	STACK_OF(PKCS12_SAFEBAG) *kb = sk_PKCS12_SAFEBAG_new_null(),
		*cb = sk_PKCS12_SAFEBAG_new_null();
	STACK_OF(PKCS7) *safes = sk_PKCS7_new_null();
	X509_ALGOR *alg = PKCS5_pbe2_set_iv(c, 1000, NULL, 0, NULL, prf);
	PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(rsa_key);
	X509_SIG *sig = PKCS8_set0_pbe(pass, (int)strlen(pass), p8, alg);
	PKCS12 *p12;

	sk_PKCS12_SAFEBAG_push(kb, PKCS12_SAFEBAG_create0_pkcs8(sig));
	sk_PKCS12_SAFEBAG_push(cb, PKCS12_SAFEBAG_create_cert(root));
	sk_PKCS12_SAFEBAG_push(cb, PKCS12_SAFEBAG_create_cert(rsa_leaf));
	sk_PKCS12_SAFEBAG_push(cb, PKCS12_SAFEBAG_create_cert(inter));
	sk_PKCS7_push(safes, PKCS12_pack_p7data(cb));
	sk_PKCS7_push(safes, PKCS12_pack_p7data(kb));
	p12 = PKCS12_add_safes(safes, 0);
	PKCS12_set_mac(p12, pass, -1, NULL, 0, 1000, mac);
	PKCS8_PRIV_KEY_INFO_free(p8);
	sk_PKCS12_SAFEBAG_pop_free(kb, PKCS12_SAFEBAG_free);
	sk_PKCS12_SAFEBAG_pop_free(cb, PKCS12_SAFEBAG_free);
	sk_PKCS7_pop_free(safes, PKCS7_free);
	return der_of_p12(p12);
}

static int has_cert(const pkcs12 *p, X509 *x)
{
	blob b = der_of_cert(x);
	size_t i;
	int found = 0;

	for (i = 0; i < p->ncerts; i++)
		if ((int)p->certs[i].len == b.n && memcmp(p->certs[i].der, b.p, (size_t)b.n) == 0)
			found = 1;
	OPENSSL_free(b.p);
	return found;
}

static int same_cert(const x509_cert *c, X509 *x)
{
	blob b = der_of_cert(x);
	x509_cert y;
	int ok = x509_parse(&y, b.p, (size_t)b.n) == 0 && y.subject_len == c->subject_len
		&& memcmp(y.subject, c->subject, y.subject_len) == 0;

	OPENSSL_free(b.p);
	return ok;
}

/* The key's public part as pkey_in_cert wants it. */
static int key_public(const pkey *k, unsigned char *buf, size_t cap,
	const unsigned char **pub, size_t *publen)
{
	if (k->pub) {
		*pub = k->pub;
		*publen = k->publen;
		return 0;
	}
	*publen = pkcs12_ec_public(k->curve, k->d, k->dlen, buf, cap);
	*pub = buf;
	return *publen ? 0 : -1;
}

/* Parse b with pass and check key, certificates and chain order. */
static void check_file(const char *what, blob b, const char *pass, EVP_PKEY *key,
	X509 *leaf)
{
	blob kd = der_of_key(key);
	x509_cert certs[PKCS12_CERTS_MAX];
	pkey k;
	size_t order[PKCS12_CERTS_MAX], i, n, leaf_at = PKCS12_CERTS_MAX;
	unsigned char pt[160];
	const unsigned char *pub;
	size_t publen;
	int rc;

	CHECKM(b.n > 0, "%s: OpenSSL made no file", what);
	pkcs12_init(&ctx, pass, pass ? strlen(pass) : 0);
	rc = pkcs12_parse(&ctx, b.p, (size_t)b.n);
	CHECKM(rc == 0, "%s: %s %s", what, pkcs12_strerror(rc), ctx.oid);
	CHECKM(ctx.has_key && (int)ctx.key.len == kd.n
		&& memcmp(ctx.key.der, kd.p, (size_t)kd.n) == 0, "%s: key", what);
	CHECKM(has_cert(&ctx, leaf) && has_cert(&ctx, inter) && has_cert(&ctx, root),
		"%s: certificates", what);
	CHECKM(pkey_parse(ctx.key.der, ctx.key.len, &k) == 0, "%s: key parse", what);
	CHECKM(key_public(&k, pt, sizeof pt, &pub, &publen) == 0, "%s: public", what);
	for (i = 0; i < ctx.ncerts; i++) {
		CHECKM(x509_parse(&certs[i], ctx.certs[i].der, ctx.certs[i].len) == 0,
			"%s: cert %zu", what, i);
		if (pkey_in_cert(ctx.certs[i].der, ctx.certs[i].len, pub, publen) == 1)
			leaf_at = i;
	}
	CHECKM(leaf_at < ctx.ncerts, "%s: no leaf matches the key", what);
	if (leaf_at < ctx.ncerts) { /* pkey_cert reads the same public key */
		pkey ck;

		CHECKM(pkey_cert(ctx.certs[leaf_at].der, ctx.certs[leaf_at].len, &ck) == 0
			&& ck.curve == k.curve && ck.publen == publen
			&& memcmp(ck.pub, pub, publen) == 0
			&& (k.curve || (ck.elen == 3 && memcmp(ck.e, "\x01\x00\x01", 3) == 0)),
			"%s: pkey_cert", what);
	}
	if (leaf_at < ctx.ncerts) { /* x509_path starts at index 0 */
		x509_cert t = certs[0];

		certs[0] = certs[leaf_at], certs[leaf_at] = t;
	}
	n = x509_path(certs, ctx.ncerts, order);
	CHECKM(n == 3 && same_cert(&certs[order[0]], leaf) && same_cert(&certs[order[1]], inter)
		&& same_cert(&certs[order[2]], root), "%s: chain order (%zu)", what, n);
	pkcs12_wipe(&ctx);
	OPENSSL_free(kd.p);
}

static void variants(void)
{
	static const struct { const char *name; int key, cert; const char *mac; } v[] = {
		{ "default AES-256 SHA-256 MAC", NID_aes_256_cbc, NID_aes_256_cbc, "sha256" },
		{ "legacy 3DES key RC2-40 certs", NID_pbe_WithSHA1And3_Key_TripleDES_CBC,
			NID_pbe_WithSHA1And40BitRC2_CBC, "sha1" },
		{ "3DES everywhere", NID_pbe_WithSHA1And3_Key_TripleDES_CBC,
			NID_pbe_WithSHA1And3_Key_TripleDES_CBC, "sha1" },
		{ "RC2-128", NID_pbe_WithSHA1And128BitRC2_CBC, NID_pbe_WithSHA1And128BitRC2_CBC, "sha1" },
		{ "AES-128", NID_aes_128_cbc, NID_aes_128_cbc, "sha256" },
		{ "AES-192", NID_aes_192_cbc, NID_aes_192_cbc, "sha1" },
		{ "PBES2 DES-EDE3 key, AES-128 certs", NID_des_ede3_cbc, NID_aes_128_cbc, "sha256" },
		{ "no encryption", -1, -1, "sha256" },
		{ "no MAC", NID_aes_256_cbc, -1, NULL },
		{ "no MAC, legacy", NID_pbe_WithSHA1And3_Key_TripleDES_CBC,
			NID_pbe_WithSHA1And40BitRC2_CBC, NULL },
	};
	static const char *const passes[] = { "", NULL, "s3cret", "p\xc3\xa4ss \xe2\x82\xac\xf0\x9f\x94\x91" };
	char what[160];
	size_t i, j;

	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		for (j = 0; j < sizeof passes / sizeof passes[0]; j++) {
			static const char *const kinds[] = { "RSA", "EC P-256", "EC P-384" };
			int kind = (int)((i + j) % 3);
			EVP_PKEY *key = kind == 0 ? rsa_key : kind == 1 ? ec_key : p384_key;
			X509 *leaf = kind == 0 ? rsa_leaf : kind == 1 ? ec_leaf : p384_leaf;
			blob b = create(passes[j], key, leaf, v[i].key, v[i].cert, 2048,
				v[i].mac ? EVP_get_digestbyname(v[i].mac) : NULL);

			snprintf(what, sizeof what, "%s, %s key, password %zu", v[i].name,
				kinds[kind], j);
			/* empty and absent are found alone; a real one must be given */
			check_file(what, b, j < 2 ? NULL : passes[j], key, leaf);
			if (j >= 2 && v[i].key != -1) {
				int rc;

				pkcs12_init(&ctx, "wrong", 5);
				rc = pkcs12_parse(&ctx, b.p, (size_t)b.n);
				CHECKM(rc == (v[i].mac ? PKCS12_E_MAC : PKCS12_E_DECRYPT),
					"%s: wrong password gave %d", what, rc);
				pkcs12_init(&ctx, NULL, 0);
				rc = pkcs12_parse(&ctx, b.p, (size_t)b.n);
				CHECKM(rc == PKCS12_E_MAC || rc == PKCS12_E_DECRYPT,
					"%s: no password gave %d", what, rc);
			}
			OPENSSL_free(b.p);
		}
	for (i = 0; i < 2; i++) {
		blob b = create_prf("pw", i ? EVP_aes_256_cbc() : EVP_aes_128_cbc(),
			i ? NID_hmacWithSHA256 : NID_hmacWithSHA1, i ? EVP_sha256() : EVP_sha1());

		check_file(i ? "PBES2 PRF SHA-256" : "PBES2 PRF SHA-1", b, "pw", rsa_key, rsa_leaf);
		OPENSSL_free(b.p);
	}
}

static void kdf_vs_openssl(void)
{
	static const char *const pw[] = { "", "smeg", "a much longer password, over one 64-byte block of the KDF!!" };
	unsigned char uni[256], salt[20], a[64], b[64];
	size_t i, s, id, it, n;

	RAND_bytes(salt, sizeof salt);
	for (i = 0; i < 3; i++)
		for (s = 0; s < 2; s++)
			for (id = 1; id <= 3; id++)
				for (it = 1; it <= 2048; it *= 45)
					for (n = 5; n <= 64; n += 19) {
						long ul = pkcs12_bmp((const unsigned char *)pw[i], strlen(pw[i]),
							uni, sizeof uni);
						const EVP_MD *md = s ? EVP_sha256() : EVP_sha1();

						PKCS12_key_gen_uni(uni, (int)ul, salt, 8 + (int)i * 4, (int)id,
							(int)it, (int)n, a, md);
						CHECK_EQ(pkcs12_kdf(s ? 256 : 1, (int)id, uni, (size_t)ul, salt,
							8 + i * 4, it, b, n), 0);
						CHECKM(memcmp(a, b, n) == 0, "pw %zu hash %zu id %zu iter %zu n %zu",
							i, s, id, it, n);
					}
	CHECK_EQ(pkcs12_kdf(1, 1, uni, 2, salt, 8, 0, b, 8), -1);
	CHECK_EQ(pkcs12_kdf(5, 1, uni, 2, salt, 8, 1, b, 8), -1);
	CHECK_EQ(pkcs12_kdf(1, 1, uni, 2, salt, 8, 1, b, 65), -1);
}

/* Known PKCS#12 KDF vectors (password "smeg" / "queeg", SHA-1), as
 * published with the Bouncy Castle and OpenSSL test suites. */
static void kdf_vectors(void)
{
	static const struct { const char *pw, *salt; int id, iter; const char *out; } v[] = {
		{ "smeg", "0a58cf64530d823f", 1, 1, "8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3" },
		{ "smeg", "0a58cf64530d823f", 2, 1, "79993dfe048d3b76" },
		{ "smeg", "642b99ab44fb4b1f", 1, 1, "f3a95fec48d7711e985cfe67908c5ab79fa3d7c5caa5d966" },
		{ "smeg", "642b99ab44fb4b1f", 2, 1, "c0a38d64a79bea1d" },
		{ "smeg", "3d83c0e4546ac140", 3, 1, "8d967d88f6caa9d714800ab3d48051d63f73a312" },
		{ "queeg", "05dec959acff72f7", 1, 1000, "ed2034e36328830ff09df1e1a07dd357185dac0d4f9eb3d4" },
		{ "queeg", "05dec959acff72f7", 2, 1000, "11dedad7758d4860" },
	};
	unsigned char uni[32], salt[8], out[24], want[24];
	size_t i, k, n;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		long ul = pkcs12_bmp((const unsigned char *)v[i].pw, strlen(v[i].pw), uni, sizeof uni);

		for (k = 0; k < 8; k++)
			sscanf(v[i].salt + 2 * k, "%2hhx", &salt[k]);
		n = strlen(v[i].out) / 2;
		for (k = 0; k < n; k++)
			sscanf(v[i].out + 2 * k, "%2hhx", &want[k]);
		pkcs12_kdf(1, v[i].id, uni, (size_t)ul, salt, 8, (unsigned long)v[i].iter, out, n);
		CHECKM(memcmp(out, want, n) == 0, "vector %zu", i);
	}
}

static void bmp(void)
{
	unsigned char out[32];

	CHECK_EQ(pkcs12_bmp((const unsigned char *)"", 0, out, sizeof out), 2);
	CHECK(out[0] == 0 && out[1] == 0);
	CHECK_EQ(pkcs12_bmp((const unsigned char *)"A\xc3\xa4\xf0\x9f\x94\x91", 7, out, sizeof out), 10);
	CHECK(memcmp(out, "\0A\0\xe4\xd8\x3d\xdd\x11\0\0", 10) == 0);
	/* not UTF-8: refused */
	CHECK_EQ(pkcs12_bmp((const unsigned char *)"\xe4x", 2, out, sizeof out), -1);
	CHECK_EQ(pkcs12_bmp((const unsigned char *)"abcd", 4, out, 8), -1);
}

/* A hand-made PFX whose MAC has the given iteration count (as 4 bytes). */
static size_t mac_iter_pfx(unsigned char *b, unsigned long iter)
{
	static const unsigned char head[] = {
		0x30, 0x4e, 0x02, 0x01, 0x03,
		0x30, 0x13, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
		0xa0, 0x06, 0x04, 0x04, 0x30, 0x02, 0x30, 0x00,
		0x30, 0x34, 0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a,
		0x05, 0x00, 0x04, 0x14, };
	size_t n = sizeof head;

	memcpy(b, head, n);
	memset(b + n, 0, 20);
	n += 20;
	b[n++] = 0x04, b[n++] = 0x08;
	memset(b + n, 7, 8);
	n += 8;
	b[n++] = 0x02, b[n++] = 0x05, b[n++] = 0;
	b[n++] = (unsigned char)(iter >> 24), b[n++] = (unsigned char)(iter >> 16);
	b[n++] = (unsigned char)(iter >> 8), b[n++] = (unsigned char)iter;
	return n;
}

static void limits(void)
{
	unsigned char b[128];
	size_t n;
	blob c;
	int rc;

	n = mac_iter_pfx(b, PKCS12_ITER_MAX + 1);
	CHECK_EQ(b[1] + 2, n);
	pkcs12_init(&ctx, NULL, 0);
	CHECK_EQ(pkcs12_parse(&ctx, b, n), PKCS12_E_ITER);
	n = mac_iter_pfx(b, 0);
	CHECK_EQ(pkcs12_parse(&ctx, b, n), PKCS12_E_ITER);
	n = mac_iter_pfx(b, 1);
	CHECK_EQ(pkcs12_parse(&ctx, b, n), PKCS12_E_MAC);
	b[4] = 2;
	CHECK_EQ(pkcs12_parse(&ctx, b, n), PKCS12_E_VERSION);

	/* an unsupported cipher is named by its OID */
	c = create("", rsa_key, rsa_leaf, NID_camellia_128_cbc, -1, 16, EVP_sha256());
	pkcs12_init(&ctx, NULL, 0);
	rc = pkcs12_parse(&ctx, c.p, (size_t)c.n);
	CHECK_EQ(rc, PKCS12_E_OID);
	CHECK_STR(ctx.oid, "1.2.392.200011.61.1.1.1.2");
	OPENSSL_free(c.p);
	CHECK_EQ(pkcs12_init(&ctx, "x", PKCS12_PASS_MAX + 1), PKCS12_E_PASS);
}

/* DER header of length n with tag t at o; returns its size. */
static size_t put_hdr(unsigned char *o, int t, size_t n)
{
	o[0] = (unsigned char)t;
	if (n < 128)
		return o[1] = (unsigned char)n, 2;
	if (n < 256)
		return o[1] = 0x81, o[2] = (unsigned char)n, 3;
	return o[1] = 0x82, o[2] = (unsigned char)(n >> 8), o[3] = (unsigned char)n, 4;
}

/* Re-encode p[n] (DER elements) into out: every [0] IMPLICIT primitive
 * (0x80: encryptedContent) becomes constructed 0xa0 holding two OCTET
 * STRING pieces, as BER encoders write it; constructed elements and long
 * OCTET STRINGs holding one SEQUENCE (the authSafe) are re-encoded inside. */
static size_t reencode(const unsigned char *p, size_t n, unsigned char *out)
{
	der d, in, one, seq;
	size_t o = 0;

	der_init(&d, p, n);
	while (der_left(&d)) {
		int t = der_peek(&d);
		unsigned char body[8192];
		size_t bn;

		if (der_get(&d, t, &in) < 0)
			return 0;
		one = in;
		if (t == 0x80) {
			size_t half = der_left(&in) / 2;

			bn = put_hdr(body, 0x04, half);
			memcpy(body + bn, in.p, half);
			bn += half;
			bn += put_hdr(body + bn, 0x04, der_left(&in) - half);
			memcpy(body + bn, in.p + half, der_left(&in) - half);
			bn += der_left(&in) - half;
			t = 0xa0;
		} else if ((t & 0x20) || (t == 0x04 && der_left(&in) > 100
				&& der_get(&one, 0x30, &seq) == 0 && der_done(&one) == 0)) {
			bn = reencode(in.p, der_left(&in), body);
		} else {
			bn = der_left(&in);
			memcpy(body, in.p, bn);
		}
		o += put_hdr(out + o, t, bn);
		memcpy(out + o, body, bn);
		o += bn;
	}
	return o;
}

/* An EC key written without its public point ([1] absent): the point is
 * computed from the private scalar to find the leaf. */
static void ec_without_point(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *leaf = make_cert("nopoint.example", k, inter, inter_key);
	blob b, kd;

	CHECK_EQ(EVP_PKEY_set_int_param(k, OSSL_PKEY_PARAM_EC_INCLUDE_PUBLIC, 0), 1);
	kd = der_of_key(k);
	b = create("", k, leaf, NID_aes_256_cbc, NID_aes_256_cbc, 16, EVP_sha256());
	pkcs12_init(&ctx, NULL, 0);
	CHECK_EQ(pkcs12_parse(&ctx, b.p, (size_t)b.n), 0);
	{
		pkey xk;

		CHECK(pkey_parse(ctx.key.der, ctx.key.len, &xk) == 0 && xk.pub == NULL && xk.d);
	}
	check_file("EC key without its public point", b, NULL, k, leaf);
	OPENSSL_free(kd.p);
	OPENSSL_free(b.p);
}

static void constructed_content(void)
{
	blob b = create("", rsa_key, rsa_leaf, NID_aes_128_cbc, NID_aes_128_cbc, 16, NULL);
	unsigned char *re = malloc(2 * (size_t)b.n + 64);
	size_t n = reencode(b.p, (size_t)b.n, re);
	blob r = { re, (int)n };

	CHECKM(n > (size_t)b.n, "re-encoding grew nothing (%zu)", n);
	check_file("encryptedContent as constructed 0xa0 pieces", r, NULL, rsa_key, rsa_leaf);
	free(re);
	OPENSSL_free(b.p);
}

/* Prefixes and one-byte changes: never a crash or a read past the end. */
static void mutations(const char *what, blob b)
{
	size_t n, i, k;
	int accepted = 0;

	for (n = 0; n < (size_t)b.n; n++) {
		unsigned char *cp = malloc(n ? n : 1);

		memcpy(cp, b.p, n);
		pkcs12_init(&ctx, NULL, 0);
		CHECKM(pkcs12_parse(&ctx, cp, n) < 0, "%s: prefix %zu accepted", what, n);
		free(cp);
	}
	for (i = 0; i < (size_t)b.n; i++) {
		static const unsigned char x[] = { 0x01, 0x80, 0xff };

		for (k = 0; k < sizeof x; k++) {
			unsigned char *cp = malloc((size_t)b.n);

			memcpy(cp, b.p, (size_t)b.n);
			cp[i] ^= x[k];
			pkcs12_init(&ctx, NULL, 0);
			if (pkcs12_parse(&ctx, cp, (size_t)b.n) == 0) {
				accepted++;
				CHECK(ctx.ncerts <= PKCS12_CERTS_MAX);
			}
			pkcs12_wipe(&ctx);
			free(cp);
		}
	}
	printf("%s: %d of %d one-byte changes still parse\n", what, accepted, 3 * b.n);
}

int main(int argc, char **argv)
{
	blob b;

	OSSL_PROVIDER_load(NULL, "legacy");
	OSSL_PROVIDER_load(NULL, "default");
	T_MAIN(argc, argv);
	make_pki();
	T_RUN(bmp);
	T_RUN(kdf_vectors);
	T_RUN(kdf_vs_openssl);
	T_RUN(variants);
	T_RUN(limits);
	T_RUN(constructed_content);
	T_RUN(ec_without_point);
	/* low iteration counts keep thousands of parses fast */
	b = create("", ec_key, ec_leaf, NID_pbe_WithSHA1And3_Key_TripleDES_CBC,
		NID_pbe_WithSHA1And40BitRC2_CBC, 1, EVP_sha1());
	T_RUN_WITH(mutations, "legacy with MAC", b);
	OPENSSL_free(b.p);
	b = create("", ec_key, ec_leaf, NID_aes_128_cbc, -1, 1, NULL);
	T_RUN_WITH(mutations, "AES key, plain certs, no MAC", b);
	OPENSSL_free(b.p);
	T_END();
}
