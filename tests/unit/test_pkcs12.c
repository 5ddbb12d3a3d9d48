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
 * re-encoded as constructed pieces, an EC key without its point, explicit
 * curve parameters (each named curve's, and one field changed), and every
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
	/* pkey_cert reads the same public key (but refuses secp256k1: BearSSL
	 * cannot verify on it) */
	if (leaf_at < ctx.ncerts && k.curve != 22) {
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
	/* exact room: every character and the 00 00 end, no more */
	CHECK_EQ(pkcs12_bmp((const unsigned char *)"abcd", 4, out, 10), 10);
	CHECK_EQ(pkcs12_bmp((const unsigned char *)"abcd", 4, out, 9), -1);
	CHECK_EQ(pkcs12_bmp((const unsigned char *)"\xf0\x9f\x94\x91", 4, out, 6), 6);
	CHECK_EQ(pkcs12_bmp((const unsigned char *)"\xf0\x9f\x94\x91", 4, out, 5), -1);
}

/* The longest password (PKCS12_PASS_MAX bytes, in one-byte and in
 * four-byte characters) opens the files OpenSSL makes with it, legacy and
 * PBES2; one byte more is refused as too long, not taken as wrong. */
static void longest_password(void)
{
	static char ascii[PKCS12_PASS_MAX + 2], wide[PKCS12_PASS_MAX + 1];
	static const char *const pw[] = { ascii, wide };
	size_t i;

	memset(ascii, 'p', PKCS12_PASS_MAX);
	for (i = 0; i < PKCS12_PASS_MAX; i += 4)
		memcpy(wide + i, "\xf0\x9f\x94\x91", 4);
	for (i = 0; i < 4; i++) {
		blob b = create(pw[i % 2], rsa_key, rsa_leaf, i < 2 ? NID_pbe_WithSHA1And3_Key_TripleDES_CBC
			: NID_aes_256_cbc, i < 2 ? NID_pbe_WithSHA1And40BitRC2_CBC : NID_aes_256_cbc,
			2048, i < 2 ? EVP_sha1() : EVP_sha256());
		char what[64];

		snprintf(what, sizeof what, "%zu-byte password %zu", strlen(pw[i % 2]), i);
		check_file(what, b, pw[i % 2], rsa_key, rsa_leaf);
		OPENSSL_free(b.p);
	}
	ascii[PKCS12_PASS_MAX] = 'p';
	CHECK_EQ(pkcs12_init(&ctx, ascii, PKCS12_PASS_MAX + 1), PKCS12_E_PASS);
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

/* A PFX of n encrypted parts (PBES1 3DES, iter iterations each, holding
 * nothing) and a one-iteration MAC: the CPU cost of a file is its own
 * choice, whatever it holds. */
static blob many_parts(int n, int iter)
{
	STACK_OF(PKCS7) *safes = sk_PKCS7_new_null();
	STACK_OF(PKCS12_SAFEBAG) *none = sk_PKCS12_SAFEBAG_new_null();
	PKCS12 *p12;
	int i;

	for (i = 0; i < n; i++)
		sk_PKCS7_push(safes, PKCS12_pack_p7encdata(NID_pbe_WithSHA1And3_Key_TripleDES_CBC,
			"", 0, NULL, 0, iter, none));
	p12 = PKCS12_add_safes(safes, 0);
	PKCS12_set_mac(p12, "", 0, NULL, 0, 1, EVP_sha1());
	sk_PKCS12_SAFEBAG_free(none);
	sk_PKCS7_pop_free(safes, PKCS7_free);
	return der_of_p12(p12);
}

/* The derivations of one file, summed, stay within PKCS12_ITER_MAX; the
 * run's deadline stops a conversion between two of them. */
static void work_bound(void)
{
	blob five = many_parts(5, 450000);
	clock_ms t0 = clock_now();

	CHECK(five.n > 0);
	pkcs12_init(&ctx, "", 0); /* the MAC and 4 x 450,000; the fifth part is
	                           * refused before it is derived */
	CHECK_EQ(pkcs12_parse(&ctx, five.p, (size_t)five.n), PKCS12_E_ITER);
	CHECK_EQ(ctx.spent, 1 + 4 * 450000);
	printf("five parts refused after %lld ms\n", clock_now() - t0);
	pkcs12_init(&ctx, "", 0); /* past the deadline: not one derivation */
	ctx.deadline = clock_now() - 1;
	CHECK_EQ(pkcs12_parse(&ctx, five.p, (size_t)five.n), PKCS12_E_TIME);
	CHECK_EQ(ctx.spent, 1);
	pkcs12_init(&ctx, "", 0); /* passing while they run: stopped at the next */
	ctx.deadline = clock_now() + 20;
	CHECK_EQ(pkcs12_parse(&ctx, five.p, (size_t)five.n), PKCS12_E_TIME);
	CHECKM(ctx.spent > 1 && ctx.spent < 1 + 4 * 450000, "spent %lu", ctx.spent);
	pkcs12_wipe(&ctx);
	OPENSSL_free(five.p);
}

/* Each code has its own text (a table one line per code: an entry out of
 * order would show here). */
static void texts(void)
{
	static const struct { int code; const char *text; } t[] = {
		{ PKCS12_E_DER, "not a well-formed PKCS#12 file" },
		{ PKCS12_E_VERSION, "PKCS#12 version is not 3" },
		{ PKCS12_E_OID, "unsupported algorithm or content type" },
		{ PKCS12_E_MAC, "integrity check (MAC) failed" },
		{ PKCS12_E_DECRYPT, "decryption failed" },
		{ PKCS12_E_ITER, "iteration count 0, or over 2000000 in all (refused)" },
		{ PKCS12_E_BIG, "a PKCS#12 field is too large" },
		{ PKCS12_E_CERTS, "more than 16 certificates" },
		{ PKCS12_E_CERT_SIZE, "a certificate over 16 KiB" },
		{ PKCS12_E_KEY_SIZE, "a private key over 8 KiB" },
		{ PKCS12_E_KEYS, "more than one private key" },
		{ PKCS12_E_PASS, "password too long" },
		{ PKCS12_E_TIME, "the run's deadline passed during key derivation" },
		{ 0, "PKCS#12 error" }, { PKCS12_E_TIME - 1, "PKCS#12 error" }, { 1, "PKCS#12 error" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECK_STR(pkcs12_strerror(t[i].code), t[i].text);
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

static unsigned char *find(unsigned char *p, size_t n, const unsigned char *q, size_t m)
{
	size_t i;

	for (i = 0; m && i + m <= n; i++)
		if (memcmp(p + i, q, m) == 0)
			return p + i;
	return NULL;
}

/* Flip the last byte of what (m bytes, found in b) and expect pkey_parse
 * (cert 0) or pkey_cert (cert 1) to refuse the explicit parameters with
 * message want. */
static void changed_field(blob b, int cert, const unsigned char *what, size_t m, int delta,
	const char *want)
{
	unsigned char *cp = malloc((size_t)b.n), *at;
	pkey k;
	int rc;

	memcpy(cp, b.p, (size_t)b.n);
	at = find(cp, (size_t)b.n, what, m);
	CHECKM(at != NULL, "%s: field not found", want);
	if (at) {
		at[m - 1] = (unsigned char)(at[m - 1] + delta);
		rc = cert ? pkey_cert(cp, (size_t)b.n, &k) : pkey_parse(cp, (size_t)b.n, &k);
		CHECKM(rc == PKEY_E_OID && strcmp(k.oid, want) == 0, "%s: rc %d \"%s\"", want, rc, k.oid);
	}
	free(cp);
}

static size_t bn_param(EVP_PKEY *k, const char *name, unsigned char *out, size_t len)
{
	BIGNUM *v = NULL;

	EVP_PKEY_get_bn_param(k, name, &v);
	BN_bn2binpad(v, out, (int)len);
	BN_free(v);
	return len;
}

static size_t put(unsigned char *o, int t, const unsigned char *p, size_t n)
{
	size_t h = put_hdr(o, t, n);

	memcpy(o + h, p, n);
	return h + n;
}

/* p[n] (DER elements) into out with every explicit parameters' a and b
 * stripped of their leading zero bytes, as Windows' CNG writes them (Key
 * Vault's P-256K keys and certificates: secp256k1's a and b in one byte
 * each); constructed elements re-encoded around them. */
static size_t cng_form(const unsigned char *p, size_t n, unsigned char *out)
{
	static const unsigned char prime_field[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x01, 0x01 };
	der d, in, w, f[6], fid, c[3];
	size_t o = 0, bn, i;

	der_init(&d, p, n);
	while (der_left(&d)) {
		const unsigned char *at = d.p;
		int t = der_peek(&d);
		unsigned char body[4096];

		der_get(&d, t, &in);
		w = in;
		if (!(t & 0x20)) {
			memcpy(out + o, at, (size_t)(d.p - at));
			o += (size_t)(d.p - at);
			continue;
		}
		if (t == 0x30 && der_fields(&w, T_INT T_SEQ T_SEQ T_OCTETS T_INT T_OPT T_INT, f) == 0
			&& der_get(&f[1], DER_OID, &fid) == 0
			&& der_oid_is(&fid, prime_field, sizeof prime_field)
			&& der_fields(&f[2], T_OCTETS T_OCTETS T_OPT T_BITS, c) == 0) {
			unsigned char curve[512];
			size_t cn = 0;

			for (i = 0; i < 2; i++) {
				while (der_left(&c[i]) > 1 && c[i].p[0] == 0)
					c[i].p++;
				cn += put(curve + cn, 0x04, c[i].p, der_left(&c[i]));
			}
			if (!c[2].bad)
				cn += put(curve + cn, 0x03, c[2].p, der_left(&c[2]));
			/* version and fieldID as they were, the curve, base, order, cofactor */
			der_init(&w, in.p, der_left(&in));
			der_skip(&w);
			der_skip(&w);
			memcpy(body, in.p, (size_t)(w.p - in.p));
			bn = (size_t)(w.p - in.p);
			der_skip(&w);
			bn += put(body + bn, 0x30, curve, cn);
			memcpy(body + bn, w.p, der_left(&w));
			bn += der_left(&w);
		} else {
			bn = cng_form(in.p, der_left(&in), body);
		}
		o += put(out + o, t, body, bn);
	}
	return o;
}

/* Explicit curve parameters, as Key Vault writes P-256K keys and
 * certificates (and openssl ecparam -param_enc explicit any curve): those
 * of secp256k1, P-256, P-384 and P-521 are recognised in the PKCS#8 key
 * and the certificate, and a PKCS#12 holding them converts; any field
 * changed is refused, by name. secp256k1 also by its OID; a secp256k1 key
 * without its point is refused (BearSSL cannot compute it), and so is a
 * secp256k1 certificate key for TLS (pkey_cert). */
static void explicit_params(void)
{
	static const struct { const char *group; int id, len; } c[] = {
		{ "secp256k1", 22, 32 }, { "P-256", 23, 32 }, { "P-384", 24, 48 }, { "P-521", 25, 66 },
	};
	static const unsigned char prime_field[] = { 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x01, 0x01 };
	size_t i;

	for (i = 0; i < sizeof c / sizeof *c; i++) {
		EVP_PKEY *k = EVP_EC_gen(c[i].group);
		blob named = der_of_key(k), kd, cd, b;
		X509 *leaf;
		pkey nk, xk, ck;
		char what[64];

		snprintf(what, sizeof what, "explicit %s", c[i].group);
		CHECKM(pkey_parse(named.p, (size_t)named.n, &nk) == 0 && nk.curve == c[i].id,
			"%s: named form", what);
		EVP_PKEY_set_utf8_string_param(k, OSSL_PKEY_PARAM_EC_ENCODING, OSSL_PKEY_EC_ENCODING_EXPLICIT);
		kd = der_of_key(k);
		leaf = make_cert("explicit.example", k, inter, inter_key);
		cd = der_of_cert(leaf);
		CHECKM(find(kd.p, (size_t)kd.n, prime_field, sizeof prime_field)
			&& find(cd.p, (size_t)cd.n, prime_field, sizeof prime_field),
			"%s: OpenSSL wrote no explicit parameters", what);
		CHECKM(pkey_parse(kd.p, (size_t)kd.n, &xk) == 0 && xk.curve == c[i].id
			&& xk.publen == nk.publen && memcmp(xk.pub, nk.pub, nk.publen) == 0,
			"%s: key %s", what, xk.oid);
		if (c[i].id == 22)
			CHECKM(pkey_cert(cd.p, (size_t)cd.n, &ck) == PKEY_E_OID
				&& strcmp(ck.oid, "1.3.132.0.10") == 0, "%s: certificate \"%s\"", what, ck.oid);
		else
			CHECKM(pkey_cert(cd.p, (size_t)cd.n, &ck) == 0 && ck.curve == c[i].id
				&& ck.publen == nk.publen && memcmp(ck.pub, nk.pub, nk.publen) == 0,
				"%s: certificate %s", what, ck.oid);
		b = create("", k, leaf, NID_pbe_WithSHA1And3_Key_TripleDES_CBC,
			NID_pbe_WithSHA1And40BitRC2_CBC, 16, EVP_sha1());
		check_file(what, b, NULL, k, leaf);
		if (c[i].id == 22) { /* CNG's form: a and b in one byte each */
			unsigned char cng[4096];
			size_t cn = cng_form(kd.p, (size_t)kd.n, cng);

			/* 62 bytes fewer (headers may shrink too) */
			CHECKM(cn <= (size_t)kd.n - 62 && pkey_parse(cng, cn, &xk) == 0 && xk.curve == 22,
				"%s: CNG's key (%zu bytes) %s", what, cn, xk.oid);
			cn = cng_form(cd.p, (size_t)cd.n, cng);
			CHECKM(cn <= (size_t)cd.n - 62 && pkey_cert(cng, cn, &ck) == PKEY_E_OID
				&& strcmp(ck.oid, "1.3.132.0.10") == 0, "%s: CNG's certificate %s", what, ck.oid);
		}
		if (c[i].id == 22) {
			blob np;

			EVP_PKEY_set_int_param(k, OSSL_PKEY_PARAM_EC_INCLUDE_PUBLIC, 0);
			np = der_of_key(k);
			CHECKM(pkey_parse(np.p, (size_t)np.n, &xk) == PKEY_E_OID
				&& strcmp(xk.oid, "secp256k1 without its public point") == 0,
				"%s: without its point \"%s\"", what, xk.oid);
			OPENSSL_free(np.p);
		}
		if (c[i].id == 23) { /* one field changed at a time */
			unsigned char v[133], order[32];
			size_t n = 0;

			changed_field(kd, 0, v, bn_param(k, OSSL_PKEY_PARAM_EC_P, v, 32), -1,
				"explicit EC parameters: prime differs from any named curve's");
			changed_field(kd, 0, v, bn_param(k, OSSL_PKEY_PARAM_EC_A, v, 32), 1,
				"explicit EC parameters: a differs from P-256's");
			changed_field(kd, 0, v, bn_param(k, OSSL_PKEY_PARAM_EC_B, v, 32), 1,
				"explicit EC parameters: b differs from P-256's");
			EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_EC_GENERATOR, v, sizeof v, &n);
			changed_field(kd, 0, v, n, 1, "explicit EC parameters: base point differs from P-256's");
			changed_field(cd, 1, v, n, 1, "explicit EC parameters: base point differs from P-256's");
			changed_field(kd, 0, v, bn_param(k, OSSL_PKEY_PARAM_EC_ORDER, v, 32), 1,
				"explicit EC parameters: order differs from P-256's");
			bn_param(k, OSSL_PKEY_PARAM_EC_ORDER, order, 32);
			memcpy(v, order, 32);
			memcpy(v + 32, "\x02\x01\x01", 3); /* the cofactor after the order */
			changed_field(kd, 0, v, 35, 1, "explicit EC parameters: cofactor differs from P-256's");
			changed_field(kd, 0, prime_field, sizeof prime_field, 1,
				"explicit EC parameters: field type differs from any named curve's");
		}
		X509_free(leaf);
		OPENSSL_free(named.p);
		OPENSSL_free(kd.p);
		OPENSSL_free(cd.p);
		OPENSSL_free(b.p);
	}
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

/* Where the MAC'd content (authSafe's OCTET STRING contents) and the MAC
 * (macData's digest) lie in a PFX: offsets and lengths. 0, or -1 without
 * a MAC. */
static int mac_spans(blob b, size_t *content, size_t *clen, size_t *mac, size_t *mlen)
{
	der d, top[1], f[3], ci[2], auth[1], md[3], di[2];

	der_init(&d, b.p, (size_t)b.n);
	if (der_fields(&d, T_SEQ, top) || der_fields(top, T_INT T_SEQ T_OPT T_SEQ, f) || f[2].bad
		|| der_fields(&f[1], T_OID T_CTX0, ci) || der_fields(&ci[1], T_OCTETS, auth)
		|| der_fields(&f[2], T_SEQ T_OCTETS T_OPT T_INT, md)
		|| der_fields(&md[0], T_SEQ T_OCTETS, di))
		return -1;
	*content = (size_t)(auth->p - b.p), *clen = der_left(auth);
	*mac = (size_t)(di[1].p - b.p), *mlen = der_left(&di[1]);
	return 0;
}

/* Prefixes and one-byte changes: never a crash or a read past the end. In
 * a file with a MAC, every change of a byte the MAC covers, or of the MAC
 * itself, fails the MAC: a comparison on fewer bytes, or a MAC over part of
 * the content, would let one through. */
static void mutations(const char *what, blob b, int want_mac)
{
	size_t n, i, k, content = 0, clen = 0, mac = 0, mlen = 0;
	int accepted = 0, has_mac = mac_spans(b, &content, &clen, &mac, &mlen) == 0, macs = 0;

	for (n = 0; n < (size_t)b.n; n++) {
		unsigned char *cp = malloc(n ? n : 1);

		memcpy(cp, b.p, n);
		pkcs12_init(&ctx, NULL, 0);
		CHECKM(pkcs12_parse(&ctx, cp, n) < 0, "%s: prefix %zu accepted", what, n);
		free(cp);
	}
	for (i = 0; i < (size_t)b.n; i++) {
		static const unsigned char x[] = { 0x01, 0x80, 0xff };
		int covered = has_mac && ((i >= content && i < content + clen)
			|| (i >= mac && i < mac + mlen));

		for (k = 0; k < sizeof x; k++) {
			unsigned char *cp = malloc((size_t)b.n);
			int rc;

			memcpy(cp, b.p, (size_t)b.n);
			cp[i] ^= x[k];
			pkcs12_init(&ctx, NULL, 0);
			rc = pkcs12_parse(&ctx, cp, (size_t)b.n);
			if (rc == 0) {
				accepted++;
				CHECK(ctx.ncerts <= PKCS12_CERTS_MAX);
			}
			if (covered) {
				macs++;
				CHECKM(rc == PKCS12_E_MAC, "%s: byte %zu ^ 0x%02x gave %d, not the MAC's "
					"failure", what, i, x[k], rc);
			}
			pkcs12_wipe(&ctx);
			free(cp);
		}
	}
	CHECKM(has_mac == want_mac && (!has_mac || (clen > 1000 && mlen == 20
		&& macs == 3 * (int)(clen + mlen))), "%s: MAC spans %zu + %zu bytes", what, clen, mlen);
	printf("%s: %d of %d one-byte changes still parse; %d changes under the MAC all fail it\n",
		what, accepted, 3 * b.n, macs);
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
	T_RUN(longest_password);
	T_RUN(work_bound);
	T_RUN(texts);
	T_RUN(constructed_content);
	T_RUN(ec_without_point);
	T_RUN(explicit_params);
	/* low iteration counts keep thousands of parses fast */
	b = create("", ec_key, ec_leaf, NID_pbe_WithSHA1And3_Key_TripleDES_CBC,
		NID_pbe_WithSHA1And40BitRC2_CBC, 1, EVP_sha1());
	T_RUN_WITH(mutations, "legacy with MAC", b, 1);
	OPENSSL_free(b.p);
	b = create("", ec_key, ec_leaf, NID_aes_128_cbc, -1, 1, NULL);
	T_RUN_WITH(mutations, "AES key, plain certs, no MAC", b, 0);
	OPENSSL_free(b.p);
	T_END();
}
