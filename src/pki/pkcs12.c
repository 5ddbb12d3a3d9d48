#include "pki/pkcs12.h"
#include "base/str.h"

#include <bearssl.h>
#include <string.h>

#include "base/clock.h"
#include "pki/der.h"
#include "crypto/ec.h"
#include "crypto/rc2.h"

#define OID(name, ...) static const unsigned char name[] = { __VA_ARGS__ }
#define IS(w, name) der_oid_is(w, name, sizeof name)
#define PKCS 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01 /* 1.2.840.113549.1 */
#define NIST 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04 /* 2.16.840.1.101.3.4 */
OID(oid_data, PKCS, 0x07, 0x01);
OID(oid_encrypted, PKCS, 0x07, 0x06);
OID(oid_keybag, PKCS, 0x0c, 0x0a, 0x01, 0x01);
OID(oid_shrouded, PKCS, 0x0c, 0x0a, 0x01, 0x02);
OID(oid_certbag, PKCS, 0x0c, 0x0a, 0x01, 0x03);
OID(oid_x509, PKCS, 0x09, 0x16, 0x01);
OID(oid_pbe_3des, PKCS, 0x0c, 0x01, 0x03);
OID(oid_pbe_rc2_128, PKCS, 0x0c, 0x01, 0x05);
OID(oid_pbe_rc2_40, PKCS, 0x0c, 0x01, 0x06);
OID(oid_pbes2, PKCS, 0x05, 0x0d);
OID(oid_pbkdf2, PKCS, 0x05, 0x0c);
OID(oid_hmac_sha1, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x07);
OID(oid_hmac_sha256, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09);
OID(oid_des_ede3_cbc, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x03, 0x07);
OID(oid_aes128_cbc, NIST, 0x01, 0x02);
OID(oid_aes192_cbc, NIST, 0x01, 0x16);
OID(oid_aes256_cbc, NIST, 0x01, 0x2a);
OID(oid_sha1, 0x2b, 0x0e, 0x03, 0x02, 0x1a);
OID(oid_sha256, NIST, 0x02, 0x01);

#define P12_V 64          /* block size v of SHA-1 and SHA-256 */
#define P12_I_MAX (PKCS12_SALT_MAX + PKCS12_BMP_MAX + P12_V)

enum { C_3DES, C_RC2, C_AES };

/* The algorithms by OID, of three kinds: PBES1 schemes (the OID names the
 * cipher), PBES2 encryptionSchemes, and the digests (MAC) and PBKDF2 PRFs
 * (n: 1 SHA-1, 256 SHA-256). */
enum { K_PBES1, K_PBES2, K_HASH };

static const struct alg {
	const unsigned char *oid;
	unsigned char oidlen, kind, cipher, keylen;
	unsigned short n; /* RC2: effective key bits; K_HASH: the hash */
} algs[] = {
	{ oid_pbe_3des, sizeof oid_pbe_3des, K_PBES1, C_3DES, 24, 0 },
	{ oid_pbe_rc2_40, sizeof oid_pbe_rc2_40, K_PBES1, C_RC2, 5, 40 },
	{ oid_pbe_rc2_128, sizeof oid_pbe_rc2_128, K_PBES1, C_RC2, 16, 128 },
	{ oid_aes256_cbc, sizeof oid_aes256_cbc, K_PBES2, C_AES, 32, 0 },
	{ oid_aes128_cbc, sizeof oid_aes128_cbc, K_PBES2, C_AES, 16, 0 },
	{ oid_aes192_cbc, sizeof oid_aes192_cbc, K_PBES2, C_AES, 24, 0 },
	{ oid_des_ede3_cbc, sizeof oid_des_ede3_cbc, K_PBES2, C_3DES, 24, 0 },
	{ oid_sha1, sizeof oid_sha1, K_HASH, 0, 0, 1 },
	{ oid_sha256, sizeof oid_sha256, K_HASH, 0, 0, 256 },
	{ oid_hmac_sha1, sizeof oid_hmac_sha1, K_HASH, 0, 0, 1 },
	{ oid_hmac_sha256, sizeof oid_hmac_sha256, K_HASH, 0, 0, 256 },
};

/* How one encrypted blob is decrypted. */
typedef struct scheme {
	const struct alg *c;
	int prf; /* PBES2: the PBKDF2 hash */
	const unsigned char *salt;
	size_t slen;
	unsigned long iter;
	unsigned char iv[16]; /* PBES2: from the parameters */
} scheme;

static size_t digest_size(const br_hash_class *h)
{
	return (size_t)(h->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
}

static const br_hash_class *hash_of(int hash)
{
	return hash == 1 ? &br_sha1_vtable : hash == 256 ? &br_sha256_vtable : NULL;
}

/* I += B + 1 for each v-byte block of I (big-endian, mod 2^(8v)). */
static void add_blocks(unsigned char *i, size_t ilen, const unsigned char *b)
{
	size_t o, k;

	for (o = 0; o < ilen; o += P12_V) {
		unsigned carry = 1;

		for (k = P12_V; k-- > 0;) {
			carry += (unsigned)i[o + k] + b[k];
			i[o + k] = (unsigned char)carry;
			carry >>= 8;
		}
	}
}

static size_t repeat_to(unsigned char *dst, const unsigned char *src, size_t n)
{
	size_t len = (n + P12_V - 1) / P12_V * P12_V, k;

	for (k = 0; k < len; k++)
		dst[k] = src[k % n];
	return len;
}

int pkcs12_kdf(int hash, int id, const unsigned char *pass, size_t plen,
	const unsigned char *salt, size_t slen, unsigned long iter,
	unsigned char *out, size_t n)
{
	const br_hash_class *h = hash_of(hash);
	struct { /* wiped at the end: the password and what it derives */
		unsigned char d[P12_V], ibuf[P12_I_MAX], a[64], b[P12_V];
		br_hash_compat_context hc;
	} w;
	size_t u, ilen, o, k;
	unsigned long r;

	if (!h || n > 64 || slen > PKCS12_SALT_MAX || plen > PKCS12_BMP_MAX || iter == 0)
		return -1;
	u = digest_size(h);
	memset(w.d, id, sizeof w.d);
	ilen = slen ? repeat_to(w.ibuf, salt, slen) : 0;
	ilen += plen ? repeat_to(w.ibuf + ilen, pass, plen) : 0;
	for (o = 0; o < n; o += u) {
		h->init(&w.hc.vtable);
		h->update(&w.hc.vtable, w.d, sizeof w.d);
		h->update(&w.hc.vtable, w.ibuf, ilen);
		h->out(&w.hc.vtable, w.a);
		for (r = 1; r < iter; r++) {
			h->init(&w.hc.vtable);
			h->update(&w.hc.vtable, w.a, u);
			h->out(&w.hc.vtable, w.a);
		}
		memcpy(out + o, w.a, n - o < u ? n - o : u);
		if (o + u >= n)
			break;
		for (k = 0; k < P12_V; k++)
			w.b[k] = w.a[k % u];
		add_blocks(w.ibuf, ilen, w.b);
	}
	/* explicit_bzero: a memset of a dying buffer is a dead store, which
	 * -Oz -flto removes */
	explicit_bzero(&w, sizeof w);
	return 0;
}

long pkcs12_bmp(const unsigned char *pass, size_t n, unsigned char *out, size_t cap)
{
	size_t o = 0, k, len;
	unsigned long c;

	for (; n > 0; pass += len, n -= len) {
		len = pass[0] < 0x80 ? 1 : pass[0] < 0xc2 ? 0 : pass[0] < 0xe0 ? 2
			: pass[0] < 0xf0 ? 3 : pass[0] < 0xf5 ? 4 : 0;
		if (len == 0 || len > n)
			return -1;
		c = len == 1 ? pass[0] : pass[0] & (0x3fu >> (len - 1));
		for (k = 1; k < len; k++) {
			if ((pass[k] & 0xc0) != 0x80)
				return -1;
			c = c << 6 | (pass[k] & 0x3f);
		}
		if (o + (c >= 0x10000 ? 6 : 4) > cap) /* this character and 00 00 */
			return -1;
		if (c >= 0x10000) { /* a surrogate pair */
			c -= 0x10000;
			out[o++] = (unsigned char)(0xd8 | c >> 18);
			out[o++] = (unsigned char)(c >> 10);
			c = 0xdc00 | (c & 0x3ff);
		}
		out[o++] = (unsigned char)(c >> 8);
		out[o++] = (unsigned char)c;
	}
	if (o + 2 > cap)
		return -1;
	out[o++] = 0;
	out[o++] = 0;
	return (long)o;
}

int pkcs12_init(pkcs12 *p, const char *pass, size_t plen)
{
	memset(p, 0, offsetof(pkcs12, work));
	p->cand = -1;
	if (!pass)
		return 0;
	if (plen > PKCS12_PASS_MAX)
		return PKCS12_E_PASS;
	p->pass_given = 1;
	memcpy(p->pw.pass, pass, plen);
	p->plen = plen;
	p->bmplen = pkcs12_bmp(p->pw.pass, plen, p->pw.bmp, sizeof p->pw.bmp);
	return 0;
}

void pkcs12_wipe(pkcs12 *p)
{
	explicit_bzero(&p->pw, sizeof p->pw);
	explicit_bzero(p->work, p->used);
	p->used = 0;
}

/* Candidate c's BMPString password (PBES1, MAC): its length at p->pw.bmp
 * (-1: the given password is not UTF-8). The given one; else c 0 = empty
 * (00 00, the zeroed buffer: what OpenSSL, Windows and Key Vault write),
 * then 1 = absent (zero-length), which OpenSSL also tries. */
static long cand_bmp(const pkcs12 *p, int c)
{
	return p->pass_given ? p->bmplen : c ? 0 : 2;
}

/* How many candidates are left to try: the one chosen, the given one, or
 * absent and empty. */
static int ncand(const pkcs12 *p)
{
	return p->cand >= 0 || p->pass_given ? 1 : 2;
}

static int bad_oid(pkcs12 *p, const der *w)
{
	der_oid_text(w->p, der_left(w), p->oid, sizeof p->oid);
	return PKCS12_E_OID;
}

/* The algorithm of this kind an OID names, or NULL. */
static const struct alg *alg_of(const der *oid, int kind)
{
	size_t i;

	for (i = 0; i < sizeof algs / sizeof algs[0]; i++)
		if (algs[i].kind == kind && der_oid_is(oid, algs[i].oid, algs[i].oidlen))
			return &algs[i];
	return NULL;
}

/* The hash an OID names, or 0 with p->oid set. */
static int hash_oid(pkcs12 *p, const der *oid)
{
	const struct alg *a = alg_of(oid, K_HASH);

	return a ? a->n : (bad_oid(p, oid), 0);
}

/* HMAC with the key in kc of a[an] then b[bn] into out. */
static void hmac2(const br_hmac_key_context *kc, const void *a, size_t an,
	const void *b, size_t bn, unsigned char *out)
{
	br_hmac_context hc;

	br_hmac_init(&hc, kc, 0);
	br_hmac_update(&hc, a, an);
	br_hmac_update(&hc, b, bn);
	br_hmac_out(&hc, out);
	explicit_bzero(&hc, sizeof hc);
}

/* PBKDF2 (RFC 8018 5.2) with HMAC-h into out[n]. */
static void pbkdf2(const br_hash_class *h, const unsigned char *pass, size_t plen,
	const scheme *s, unsigned char *out, size_t n)
{
	struct {
		br_hmac_key_context kc;
		unsigned char u[64], t[64];
	} w;
	unsigned char be[4] = { 0, 0, 0, 0 };
	size_t hl = digest_size(h), o, k;
	unsigned long r;

	br_hmac_key_init(&w.kc, h, pass, plen);
	for (o = 0; o < n; o += hl) {
		be[3]++;
		hmac2(&w.kc, s->salt, s->slen, be, 4, w.u);
		memcpy(w.t, w.u, hl);
		for (r = 1; r < s->iter; r++) {
			hmac2(&w.kc, w.u, hl, NULL, 0, w.u);
			for (k = 0; k < hl; k++)
				w.t[k] ^= w.u[k];
		}
		memcpy(out + o, w.t, n - o < hl ? n - o : hl);
	}
	explicit_bzero(&w, sizeof w);
}

/* Before a derivation of iter iterations: a count, then the file's budget
 * (its derivations' counts summed, PKCS12_ITER_MAX), then the run's
 * deadline. */
static int charge(pkcs12 *p, unsigned long iter)
{
	if (iter == 0 || iter > PKCS12_ITER_MAX - p->spent)
		return PKCS12_E_ITER;
	p->spent += iter;
	return p->deadline && clock_now() >= p->deadline ? PKCS12_E_TIME : 0;
}

/* Key and IV for candidate c (PBES2 takes the password as UTF-8). */
static int derive(pkcs12 *p, int c, const scheme *s, unsigned char *key,
	unsigned char *iv)
{
	long bl = cand_bmp(p, c);
	int rc = charge(p, s->iter);

	if (rc < 0)
		return rc;
	if (s->c->kind == K_PBES2) {
		pbkdf2(hash_of(s->prf), p->pw.pass, p->plen, s, key, s->c->keylen);
		memcpy(iv, s->iv, 16);
		return 0;
	}
	if (bl < 0 || pkcs12_kdf(1, 1, p->pw.bmp, (size_t)bl, s->salt, s->slen, s->iter,
			key, s->c->keylen) < 0
		|| pkcs12_kdf(1, 2, p->pw.bmp, (size_t)bl, s->salt, s->slen, s->iter, iv, 8) < 0)
		rc = PKCS12_E_PASS;
	return rc;
}

static void run_cipher(const scheme *s, const unsigned char *key,
	unsigned char *iv, unsigned char *buf, size_t n)
{
	union {
		br_des_ct_cbcdec_keys des;
		br_aes_ct_cbcdec_keys aes;
		rc2_ctx rc2;
	} k;

	if (s->c->cipher == C_3DES) {
		br_des_ct_cbcdec_init(&k.des, key, 24);
		br_des_ct_cbcdec_run(&k.des, iv, buf, n);
	} else if (s->c->cipher == C_AES) {
		br_aes_ct_cbcdec_init(&k.aes, key, s->c->keylen);
		br_aes_ct_cbcdec_run(&k.aes, iv, buf, n);
	} else {
		rc2_init(&k.rc2, key, s->c->keylen, s->c->n);
		rc2_cbc_decrypt(&k.rc2, iv, buf, n);
	}
	explicit_bzero(&k, sizeof k);
}

/* PKCS#7 padding removed, and the rest must be one DER SEQUENCE: a wrong
 * password fails here. */
static int unpad(unsigned char *buf, size_t n, size_t bs, size_t *out)
{
	size_t pad = buf[n - 1], k;
	der d, in;

	if (pad == 0 || pad > bs)
		return -1;
	for (k = n - pad; k < n; k++)
		if (buf[k] != pad)
			return -1;
	der_init(&d, buf, n - pad);
	der_get(&d, DER_SEQ, &in);
	*out = n - pad;
	return der_done(&d);
}

/* PBES2-params {keyDerivationFunc {pbkdf2, PBKDF2-params {salt,
 * iterationCount, keyLength OPTIONAL, prf DEFAULT hmacWithSHA1}},
 * encryptionScheme {OID, IV}}. */
static int pbes2(pkcs12 *p, scheme *s, der *params)
{
	der pp[1], f[2], kdf[2], kp[4], prf[2], enc[2];
	unsigned long keylen = 0;

	if (der_fields(params, T_SEQ, pp) || der_fields(pp, T_SEQ T_SEQ, f)
		|| der_fields(&f[0], T_OID T_SEQ, kdf) || der_fields(&f[1], T_OID T_OCTETS, enc)
		|| der_fields(&kdf[1], T_OCTETS T_INT T_OPT T_INT T_OPT T_SEQ, kp)
		|| der_num(&kp[1], PKCS12_ITER_MAX + 1, &s->iter)
		|| (!kp[2].bad && der_num(&kp[2], 64, &keylen)))
		return PKCS12_E_DER;
	if (!der_oid_is(&kdf[0], oid_pbkdf2, sizeof oid_pbkdf2))
		return bad_oid(p, &kdf[0]);
	s->prf = 1;
	if (!kp[3].bad) {
		if (der_fields(&kp[3], T_OID T_OPT T_NULL, prf))
			return PKCS12_E_DER;
		if (!(s->prf = hash_oid(p, &prf[0])))
			return PKCS12_E_OID;
	}
	if (!(s->c = alg_of(&enc[0], K_PBES2)))
		return bad_oid(p, &enc[0]);
	s->salt = kp[0].p;
	s->slen = der_left(&kp[0]);
	if (der_left(&enc[1]) != (s->c->cipher == C_AES ? 16u : 8u)
		|| (keylen && keylen != s->c->keylen))
		return PKCS12_E_BIG;
	memcpy(s->iv, enc[1].p, der_left(&enc[1]));
	return 0;
}

/* An AlgorithmIdentifier of an encryption scheme into *s: PBES2, or a
 * PBES1 OID with pkcs-12PbeParams {salt, iterations}. */
static int scheme_parse(pkcs12 *p, der *alg, scheme *s)
{
	der oid, pp[1], f[2];
	int rc = 0;

	memset(s, 0, sizeof *s);
	der_get(alg, DER_OID, &oid);
	if (der_oid_is(&oid, oid_pbes2, sizeof oid_pbes2)) {
		rc = pbes2(p, s, alg);
	} else if ((s->c = alg_of(&oid, K_PBES1))) {
		if (der_fields(alg, T_SEQ, pp) || der_fields(pp, T_OCTETS T_INT, f)
			|| der_num(&f[1], PKCS12_ITER_MAX + 1, &s->iter))
			return PKCS12_E_DER;
		s->salt = f[0].p;
		s->slen = der_left(&f[0]);
	} else {
		return alg->bad ? PKCS12_E_DER : bad_oid(p, &oid);
	}
	if (rc == 0 && s->slen > PKCS12_SALT_MAX)
		rc = PKCS12_E_BIG;
	return rc;
}

/* Decrypt buf[n] in place with the scheme in alg, trying the candidate
 * passwords; *out gets the plaintext length. */
static int decrypt(pkcs12 *p, der *alg, unsigned char *buf, size_t n, size_t *out)
{
	unsigned char key[32 + 16]; /* the key, then the IV: both derived */
	int rc, c, k, kept = ncand(p) > 1;
	scheme s;
	size_t bs;

	if ((rc = scheme_parse(p, alg, &s)) < 0)
		return rc;
	bs = s.c->cipher == C_AES ? 16 : 8;
	if (n == 0 || n % bs != 0)
		return PKCS12_E_DECRYPT;
	if (kept)
		memcpy(p->retry, buf, n);
	rc = PKCS12_E_DECRYPT;
	for (k = 0, c = p->cand >= 0 ? p->cand : 0; k < ncand(p) && rc < 0; k++, c++) {
		if (k > 0)
			memcpy(buf, p->retry, n);
		if ((rc = derive(p, c, &s, key, key + 32)) < 0)
			break;
		run_cipher(&s, key, key + 32, buf, n);
		rc = unpad(buf, n, bs, out) < 0 ? PKCS12_E_DECRYPT : 0;
		if (rc == 0)
			p->cand = c;
	}
	explicit_bzero(key, sizeof key);
	if (kept)
		explicit_bzero(p->retry, n);
	return rc;
}

/* Room for n more bytes in the work buffer. */
static unsigned char *work_take(pkcs12 *p, size_t n)
{
	unsigned char *w;

	if (n > sizeof p->work - p->used)
		return NULL;
	w = p->work + p->used;
	p->used += n;
	return w;
}

static int add_key(pkcs12 *p, const unsigned char *k, size_t n)
{
	if (p->has_key)
		return PKCS12_E_KEYS;
	if (n > PKCS12_KEY_MAX)
		return PKCS12_E_KEY_SIZE;
	p->has_key = 1;
	p->key = (pkcs12_item){ k, n };
	return 0;
}

/* CertBag {certId, [0] {OCTET STRING DER}}: x509Certificate kept. */
static int add_cert(pkcs12 *p, der *v)
{
	der bag[1], f[2], octets[1], one, cert[1];

	if (der_fields(v, T_SEQ, bag) || der_fields(bag, T_OID T_CTX0, f)
		|| der_fields(&f[1], T_OCTETS, octets))
		return PKCS12_E_DER;
	if (!der_oid_is(&f[0], oid_x509, sizeof oid_x509))
		return 0; /* an SDSI certificate: skipped */
	one = octets[0];
	if (der_fields(&one, T_SEQ, cert))
		return PKCS12_E_DER;
	if (p->ncerts == PKCS12_CERTS_MAX)
		return PKCS12_E_CERTS;
	if (der_left(octets) > PKCS12_CERT_MAX)
		return PKCS12_E_CERT_SIZE;
	p->certs[p->ncerts++] = (pkcs12_item){ octets->p, der_left(octets) };
	return 0;
}

/* EncryptedPrivateKeyInfo {AlgId, OCTET STRING}, decrypted into work. */
static int shrouded(pkcs12 *p, der *v)
{
	der epki[1], f[2];
	unsigned char *buf;
	size_t n;
	int rc;

	if (der_fields(v, T_SEQ, epki) || der_fields(epki, T_SEQ T_OCTETS, f))
		return PKCS12_E_DER;
	if (!(buf = work_take(p, der_left(&f[1]))))
		return PKCS12_E_BIG;
	memcpy(buf, f[1].p, der_left(&f[1]));
	if ((rc = decrypt(p, &f[0], buf, der_left(&f[1]), &n)) < 0)
		return rc;
	return add_key(p, buf, n);
}

/* SafeBag {bagId, [0] bagValue, bagAttributes OPTIONAL}. */
static int one_bag(pkcs12 *p, der *bag)
{
	der f[3], key[1];
	const unsigned char *start;

	if (der_fields(bag, T_OID T_CTX0 T_OPT T_SET, f))
		return PKCS12_E_DER;
	if (der_oid_is(&f[0], oid_keybag, sizeof oid_keybag)) {
		start = f[1].p;
		return der_fields(&f[1], T_SEQ, key) ? PKCS12_E_DER
			: add_key(p, start, (size_t)(f[1].p - start));
	}
	if (der_oid_is(&f[0], oid_shrouded, sizeof oid_shrouded))
		return shrouded(p, &f[1]);
	if (der_oid_is(&f[0], oid_certbag, sizeof oid_certbag))
		return add_cert(p, &f[1]);
	return 0; /* CRL, secret and nested bags are not ours */
}

/* SEQUENCE OF SEQUENCE in d: fn on each element. */
static int each(pkcs12 *p, der *d, int (*fn)(pkcs12 *, der *))
{
	der list, one;
	int rc;

	der_get(d, DER_SEQ, &list);
	while (der_left(&list) && !list.bad) {
		der_get(&list, DER_SEQ, &one);
		if (!list.bad && (rc = fn(p, &one)) < 0)
			return rc;
	}
	return der_done(d) || der_done(&list) ? PKCS12_E_DER : 0;
}

static int safe_contents(pkcs12 *p, const unsigned char *sc, size_t n)
{
	der d;

	der_init(&d, sc, n);
	return each(p, &d, one_bag);
}

/* [0] IMPLICIT encryptedContent: primitive 0x80, or constructed 0xa0 of
 * OCTET STRING pieces; gathered into the work buffer. */
static int gather(pkcs12 *p, der *c, int prim, unsigned char **buf, size_t *n)
{
	der piece;
	unsigned char *w;

	*buf = p->work + p->used;
	*n = 0;
	while (der_left(c) && !c->bad) {
		if (prim)
			piece = *c, c->p = c->end;
		else
			der_get(c, DER_OCTETS, &piece);
		if (!(w = work_take(p, der_left(&piece))))
			return PKCS12_E_BIG;
		memcpy(w, piece.p, der_left(&piece));
		*n += der_left(&piece);
	}
	return der_done(c) ? PKCS12_E_DER : 0;
}

/* EncryptedData {version, EncryptedContentInfo {data, AlgId, [0]
 * encryptedContent}, [1] unprotectedAttrs OPTIONAL}. */
static int encrypted_data(pkcs12 *p, der *content)
{
	der ed[1], f[3], eci[3];
	unsigned long version;
	unsigned char *buf;
	size_t n, m;
	int rc, prim;

	if (der_fields(content, T_SEQ, ed) || der_fields(ed, T_INT T_SEQ T_OPT T_CTX1, f)
		|| der_num(&f[0], 2, &version))
		return PKCS12_E_DER;
	der_get(&f[1], DER_OID, &eci[0]);
	der_get(&f[1], DER_SEQ, &eci[1]);
	prim = der_peek(&f[1]) == DER_IMPL0;
	if (der_fields(&f[1], prim ? "\x80" : T_CTX0, &eci[2]))
		return PKCS12_E_DER;
	if (!der_oid_is(&eci[0], oid_data, sizeof oid_data))
		return bad_oid(p, &eci[0]);
	if ((rc = gather(p, &eci[2], prim, &buf, &n)) < 0
		|| (rc = decrypt(p, &eci[1], buf, n, &m)) < 0)
		return rc;
	return safe_contents(p, buf, m);
}

/* ContentInfo {OID, [0] content}: data or encryptedData. */
static int content_info(pkcs12 *p, der *ci)
{
	der f[2], octets[1];

	if (der_fields(ci, T_OID T_CTX0, f))
		return PKCS12_E_DER;
	if (der_oid_is(&f[0], oid_encrypted, sizeof oid_encrypted))
		return encrypted_data(p, &f[1]);
	if (!der_oid_is(&f[0], oid_data, sizeof oid_data))
		return bad_oid(p, &f[0]);
	if (der_fields(&f[1], T_OCTETS, octets))
		return PKCS12_E_DER;
	return safe_contents(p, octets->p, der_left(octets));
}

static int hmac_check(const pkcs12 *p, int hash, int c, const der *salt,
	unsigned long iter, const der *auth, const der *digest)
{
	const br_hash_class *h = hash_of(hash);
	struct {
		br_hmac_key_context kc;
		unsigned char key[32], got[32];
	} w;
	size_t u = digest_size(h), k;
	unsigned diff = 0;
	long bl = cand_bmp(p, c);

	if (bl < 0 || der_left(digest) != u
		|| pkcs12_kdf(hash, 3, p->pw.bmp, (size_t)bl, salt->p, der_left(salt), iter, w.key, u) < 0)
		diff = 1;
	else {
		br_hmac_key_init(&w.kc, h, w.key, u);
		hmac2(&w.kc, auth->p, der_left(auth), NULL, 0, w.got);
		for (k = 0; k < u; k++)
			diff |= w.got[k] ^ digest->p[k];
	}
	explicit_bzero(&w, sizeof w);
	return diff ? -1 : 0;
}

/* MacData {DigestInfo {AlgId {OID, NULL OPTIONAL}, digest}, macSalt,
 * iterations DEFAULT 1}. */
static int mac_verify(pkcs12 *p, der *mac, const der *auth)
{
	der f[3], di[2], alg[2];
	unsigned long iter = 1;
	int hash, c, rc;

	if (der_fields(mac, T_SEQ T_OCTETS T_OPT T_INT, f) || der_fields(&f[0], T_SEQ T_OCTETS, di)
		|| der_fields(&di[0], T_OID T_OPT T_NULL, alg)
		|| (!f[2].bad && der_num(&f[2], PKCS12_ITER_MAX + 1, &iter)))
		return PKCS12_E_DER;
	if (!(hash = hash_oid(p, &alg[0])))
		return PKCS12_E_OID;
	if (der_left(&f[1]) > PKCS12_SALT_MAX)
		return PKCS12_E_BIG;
	for (c = 0; c < ncand(p); c++) {
		if ((rc = charge(p, iter)) < 0)
			return rc;
		if (hmac_check(p, hash, c, &f[1], iter, auth, &di[1]) == 0)
			return p->cand = c, 0;
	}
	return PKCS12_E_MAC;
}

/* PFX {version 3, authSafe ContentInfo {data, [0] {OCTET STRING}},
 * macData OPTIONAL}; the OCTET STRING holds AuthenticatedSafe, SEQUENCE OF
 * ContentInfo. */
int pkcs12_parse(pkcs12 *p, const unsigned char *pfx, size_t n)
{
	der d, top[1], f[3], ci[2], auth[1];
	unsigned long version = 0;
	int rc;

	if (n > PKCS12_PFX_MAX)
		return PKCS12_E_BIG;
	der_init(&d, pfx, n);
	if (der_fields(&d, T_SEQ, top) || der_fields(top, T_INT T_SEQ T_OPT T_SEQ, f)
		|| der_fields(&f[1], T_OID T_CTX0, ci) || der_fields(&ci[1], T_OCTETS, auth)
		|| der_num(&f[0], 255, &version))
		return PKCS12_E_DER;
	if (version != 3)
		return PKCS12_E_VERSION;
	if (!der_oid_is(&ci[0], oid_data, sizeof oid_data)) /* signedData */
		return bad_oid(p, &ci[0]);
	p->has_mac = !f[2].bad;
	if (p->has_mac && (rc = mac_verify(p, &f[2], auth)) < 0)
		return rc;
	der_init(&d, auth->p, der_left(auth));
	return each(p, &d, content_info);
}

size_t pkcs12_ec_public(int curve, const unsigned char *d, size_t dlen,
	unsigned char *out, size_t cap)
{
	br_ec_private_key sk;

	if (cap < BR_EC_KBUF_PUB_MAX_SIZE || dlen == 0)
		return 0;
	sk.curve = curve;
	sk.x = (unsigned char *)d;
	sk.xlen = dlen;
	return br_ec_compute_pub(&ec_impl, NULL, out, &sk);
}

/* One line per code, PKCS12_E_DER (-1) first: packed, a table of
 * pointers would cost 8 bytes a code (test_pkcs12 checks each text). */
#define E(code, text) text "\0"
static const char texts[] =
	E(PKCS12_E_DER, "not a well-formed PKCS#12 file")
	E(PKCS12_E_VERSION, "PKCS#12 version is not 3")
	E(PKCS12_E_OID, "unsupported algorithm or content type")
	E(PKCS12_E_MAC, "integrity check (MAC) failed")
	E(PKCS12_E_DECRYPT, "decryption failed")
	E(PKCS12_E_ITER, "iteration count 0, or over 2000000 in all (refused)")
	E(PKCS12_E_BIG, "a PKCS#12 field is too large")
	E(PKCS12_E_CERTS, "more than 16 certificates")
	E(PKCS12_E_CERT_SIZE, "a certificate over 16 KiB")
	E(PKCS12_E_KEY_SIZE, "a private key over 8 KiB")
	E(PKCS12_E_KEYS, "more than one private key")
	E(PKCS12_E_PASS, "password too long")
	E(PKCS12_E_TIME, "the run's deadline passed during key derivation")
	"PKCS#12 error";
#undef E

const char *pkcs12_strerror(int code)
{
	return str_code(texts, code, PKCS12_E_TIME);
}
