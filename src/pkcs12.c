#include "pkcs12.h"

#include <bearssl.h>
#include <string.h>

#include "der.h"
#include "rc2.h"

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
OID(oid_localkeyid, PKCS, 0x09, 0x15);
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
#define P12_BMP_MAX (2 * PKCS12_PASS_MAX + 2)
#define P12_I_MAX (PKCS12_SALT_MAX + P12_BMP_MAX + P12_V)

enum { C_3DES, C_RC2, C_AES };

/* How one encrypted blob is decrypted. */
typedef struct scheme {
	int cipher, pbes2, prf; /* prf: 1 or 256 (the hash of the KDF) */
	size_t keylen, ivlen;
	unsigned rc2bits;
	const unsigned char *salt;
	size_t slen;
	unsigned long iter;
	unsigned char iv[16]; /* PBES2: from the parameters */
	const char *name;
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
	unsigned char d[P12_V], ibuf[P12_I_MAX], a[64], b[P12_V];
	br_hash_compat_context hc;
	size_t u, ilen, o, k;
	unsigned long r;

	if (!h || n > 64 || slen > PKCS12_SALT_MAX || plen > P12_BMP_MAX || iter == 0)
		return -1;
	u = digest_size(h);
	memset(d, id, sizeof d);
	ilen = slen ? repeat_to(ibuf, salt, slen) : 0;
	ilen += plen ? repeat_to(ibuf + ilen, pass, plen) : 0;
	for (o = 0; o < n; o += u) {
		h->init(&hc.vtable);
		h->update(&hc.vtable, d, sizeof d);
		h->update(&hc.vtable, ibuf, ilen);
		h->out(&hc.vtable, a);
		for (r = 1; r < iter; r++) {
			h->init(&hc.vtable);
			h->update(&hc.vtable, a, u);
			h->out(&hc.vtable, a);
		}
		memcpy(out + o, a, n - o < u ? n - o : u);
		if (o + u >= n)
			break;
		for (k = 0; k < P12_V; k++)
			b[k] = a[k % u];
		add_blocks(ibuf, ilen, b);
	}
	memset(ibuf, 0, sizeof ibuf);
	memset(a, 0, sizeof a);
	return 0;
}

/* One UTF-8 sequence at s[n] into *cp: its length, or 0 if malformed. */
static size_t utf8_one(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2
		: (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	static const unsigned long min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	unsigned long c;
	size_t k;

	if (len == 0 || len > n)
		return 0;
	c = len == 1 ? s[0] : s[0] & (0x3f >> (len - 1));
	for (k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[k] & 0x3f);
	}
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static int utf8_valid(const unsigned char *s, size_t n)
{
	unsigned long c;
	size_t k;

	while (n > 0) {
		if ((k = utf8_one(s, n, &c)) == 0)
			return 0;
		s += k;
		n -= k;
	}
	return 1;
}

long pkcs12_bmp(const unsigned char *pass, size_t n, unsigned char *out, size_t cap)
{
	int utf8 = utf8_valid(pass, n);
	size_t o = 0, k;
	unsigned long c;

	while (n > 0) {
		k = utf8 ? utf8_one(pass, n, &c) : (c = pass[0], 1);
		if (o + 6 > cap)
			return -1;
		if (c >= 0x10000) { /* a surrogate pair */
			unsigned long hi = 0xd800 + ((c - 0x10000) >> 10);
			unsigned long lo = 0xdc00 + ((c - 0x10000) & 0x3ff);

			out[o++] = (unsigned char)(hi >> 8), out[o++] = (unsigned char)hi;
			c = lo;
		}
		out[o++] = (unsigned char)(c >> 8);
		out[o++] = (unsigned char)c;
		pass += k;
		n -= k;
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
	memcpy(p->pass, pass, plen);
	p->plen = plen;
	return 0;
}

void pkcs12_wipe(pkcs12 *p)
{
	explicit_bzero(p->pass, sizeof p->pass);
	explicit_bzero(p->work, p->used);
	p->used = 0;
}

/* Candidate c's BMPString password (PBES1, MAC): the given one; else
 * c 0 = absent (zero-length), 1 = empty (00 00). */
static long cand_bmp(const pkcs12 *p, int c, unsigned char *out, size_t cap)
{
	if (p->pass_given)
		return pkcs12_bmp(p->pass, p->plen, out, cap);
	if (c == 0)
		return 0;
	out[0] = out[1] = 0;
	return 2;
}

static int ncand(const pkcs12 *p)
{
	return p->cand >= 0 ? 1 : p->pass_given ? 1 : 2;
}

static int first_cand(const pkcs12 *p)
{
	return p->cand >= 0 ? p->cand : 0;
}

static int bad_oid(pkcs12 *p, const der *w)
{
	der_oid_text(w->p, der_left(w), p->oid, sizeof p->oid);
	return PKCS12_E_OID;
}

static void pbkdf2(const br_hash_class *h, const unsigned char *pass, size_t plen,
	const scheme *s, unsigned char *out, size_t n)
{
	br_hmac_key_context kc;
	br_hmac_context hc;
	unsigned char u[64], t[64], be[4];
	size_t hl = digest_size(h), o, k;
	unsigned long blk, r;

	br_hmac_key_init(&kc, h, pass, plen);
	for (o = 0, blk = 1; o < n; o += hl, blk++) {
		be[0] = (unsigned char)(blk >> 24), be[1] = (unsigned char)(blk >> 16);
		be[2] = (unsigned char)(blk >> 8), be[3] = (unsigned char)blk;
		br_hmac_init(&hc, &kc, 0);
		br_hmac_update(&hc, s->salt, s->slen);
		br_hmac_update(&hc, be, 4);
		br_hmac_out(&hc, u);
		memcpy(t, u, hl);
		for (r = 1; r < s->iter; r++) {
			br_hmac_init(&hc, &kc, 0);
			br_hmac_update(&hc, u, hl);
			br_hmac_out(&hc, u);
			for (k = 0; k < hl; k++)
				t[k] ^= u[k];
		}
		memcpy(out + o, t, n - o < hl ? n - o : hl);
	}
	explicit_bzero(&kc, sizeof kc);
	explicit_bzero(&hc, sizeof hc);
	explicit_bzero(u, sizeof u);
	explicit_bzero(t, sizeof t);
}

/* Key and IV for candidate c. 0 or an error. */
static int derive(const pkcs12 *p, int c, const scheme *s, unsigned char *key,
	unsigned char *iv)
{
	unsigned char bmp[P12_BMP_MAX];
	long bl;
	int rc = 0;

	if (s->pbes2) {
		pbkdf2(hash_of(s->prf), p->pass_given ? p->pass : bmp,
			p->pass_given ? p->plen : 0, s, key, s->keylen);
		memcpy(iv, s->iv, s->ivlen);
		return 0;
	}
	bl = cand_bmp(p, c, bmp, sizeof bmp);
	if (bl < 0 || pkcs12_kdf(1, 1, bmp, (size_t)bl, s->salt, s->slen, s->iter,
			key, s->keylen) < 0
		|| pkcs12_kdf(1, 2, bmp, (size_t)bl, s->salt, s->slen, s->iter, iv, 8) < 0)
		rc = PKCS12_E_BIG;
	explicit_bzero(bmp, sizeof bmp);
	return rc;
}

static void run_cipher(const scheme *s, const unsigned char *key,
	unsigned char *iv, unsigned char *buf, size_t n)
{
	union {
		br_des_ct_cbcdec_keys des;
		br_aes_ct64_cbcdec_keys aes;
		rc2_ctx rc2;
	} k;

	if (s->cipher == C_3DES) {
		br_des_ct_cbcdec_init(&k.des, key, 24);
		br_des_ct_cbcdec_run(&k.des, iv, buf, n);
	} else if (s->cipher == C_AES) {
		br_aes_ct64_cbcdec_init(&k.aes, key, s->keylen);
		br_aes_ct64_cbcdec_run(&k.aes, iv, buf, n);
	} else {
		rc2_init(&k.rc2, key, s->keylen, s->rc2bits);
		rc2_cbc_decrypt(&k.rc2, iv, buf, n);
	}
	explicit_bzero(&k, sizeof k);
}

/* PKCS#7 padding removed, and the rest must be one DER SEQUENCE: a wrong
 * password fails here. */
static int unpad(unsigned char *buf, size_t n, size_t bs, size_t *out)
{
	size_t pad = buf[n - 1], k;
	der d;

	if (pad == 0 || pad > bs || pad > n)
		return -1;
	for (k = n - pad; k < n; k++)
		if (buf[k] != pad)
			return -1;
	der_init(&d, buf, n - pad);
	if (der_get(&d, DER_SEQ, NULL, NULL, NULL) < 0 || der_done(&d) < 0)
		return -1;
	*out = n - pad;
	return 0;
}

static int pbes1(scheme *s, der *params)
{
	der pp, salt;

	if (der_get(params, DER_SEQ, &pp, NULL, NULL) < 0
		|| der_get(&pp, DER_OCTETS, &salt, NULL, NULL) < 0
		|| der_uint(&pp, PKCS12_ITER_MAX + 1, &s->iter) < 0 || der_done(&pp) < 0
		|| der_done(params) < 0)
		return PKCS12_E_DER;
	s->salt = salt.p;
	s->slen = der_left(&salt);
	return s->slen > PKCS12_SALT_MAX ? PKCS12_E_BIG : 0;
}

/* PBKDF2-params: salt, iterationCount, keyLength OPTIONAL, prf DEFAULT SHA-1 */
static int pbkdf2_params(pkcs12 *p, scheme *s, der *kdf)
{
	der oid, pp, salt, prf, prfoid;
	unsigned long keylen = 0;

	if (der_get(kdf, DER_OID, &oid, NULL, NULL) < 0)
		return PKCS12_E_DER;
	if (!IS(&oid, oid_pbkdf2))
		return bad_oid(p, &oid);
	if (der_get(kdf, DER_SEQ, &pp, NULL, NULL) < 0 || der_done(kdf) < 0
		|| der_get(&pp, DER_OCTETS, &salt, NULL, NULL) < 0
		|| der_uint(&pp, PKCS12_ITER_MAX + 1, &s->iter) < 0)
		return PKCS12_E_DER;
	if (der_peek(&pp) == DER_INT && der_uint(&pp, 64, &keylen) < 0)
		return PKCS12_E_DER;
	s->prf = 1;
	if (der_peek(&pp) == DER_SEQ) {
		if (der_get(&pp, DER_SEQ, &prf, NULL, NULL) < 0
			|| der_get(&prf, DER_OID, &prfoid, NULL, NULL) < 0)
			return PKCS12_E_DER;
		if (IS(&prfoid, oid_hmac_sha256))
			s->prf = 256;
		else if (!IS(&prfoid, oid_hmac_sha1))
			return bad_oid(p, &prfoid);
		if (der_peek(&prf) == DER_NULL)
			der_skip(&prf);
		if (der_done(&prf) < 0)
			return PKCS12_E_DER;
	}
	if (der_done(&pp) < 0)
		return PKCS12_E_DER;
	s->salt = salt.p;
	s->slen = der_left(&salt);
	s->rc2bits = (unsigned)keylen; /* checked against the cipher's below */
	return s->slen > PKCS12_SALT_MAX ? PKCS12_E_BIG : 0;
}

static int pbes2(pkcs12 *p, scheme *s, der *params)
{
	der pp, kdf, enc, oid, iv;
	unsigned long keylen;
	int rc;

	if (der_get(params, DER_SEQ, &pp, NULL, NULL) < 0 || der_done(params) < 0
		|| der_get(&pp, DER_SEQ, &kdf, NULL, NULL) < 0
		|| der_get(&pp, DER_SEQ, &enc, NULL, NULL) < 0 || der_done(&pp) < 0
		|| der_get(&enc, DER_OID, &oid, NULL, NULL) < 0)
		return PKCS12_E_DER;
	if ((rc = pbkdf2_params(p, s, &kdf)) < 0)
		return rc;
	keylen = s->rc2bits;
	s->pbes2 = 1;
	s->rc2bits = 0;
	if (IS(&oid, oid_des_ede3_cbc))
		s->cipher = C_3DES, s->keylen = 24, s->ivlen = 8, s->name = "PBES2 DES-EDE3-CBC";
	else if (IS(&oid, oid_aes128_cbc))
		s->cipher = C_AES, s->keylen = 16, s->ivlen = 16, s->name = "PBES2 AES-128-CBC";
	else if (IS(&oid, oid_aes192_cbc))
		s->cipher = C_AES, s->keylen = 24, s->ivlen = 16, s->name = "PBES2 AES-192-CBC";
	else if (IS(&oid, oid_aes256_cbc))
		s->cipher = C_AES, s->keylen = 32, s->ivlen = 16, s->name = "PBES2 AES-256-CBC";
	else
		return bad_oid(p, &oid);
	if (der_get(&enc, DER_OCTETS, &iv, NULL, NULL) < 0 || der_done(&enc) < 0)
		return PKCS12_E_DER;
	if (der_left(&iv) != s->ivlen || (keylen && keylen != s->keylen))
		return PKCS12_E_BIG;
	memcpy(s->iv, iv.p, s->ivlen);
	return 0;
}

/* Read an AlgorithmIdentifier of an encryption scheme into *s. */
static int scheme_parse(pkcs12 *p, der *alg, scheme *s)
{
	der oid;
	int rc;

	memset(s, 0, sizeof *s);
	if (der_get(alg, DER_OID, &oid, NULL, NULL) < 0)
		return PKCS12_E_DER;
	if (IS(&oid, oid_pbes2))
		rc = pbes2(p, s, alg);
	else if (IS(&oid, oid_pbe_3des))
		s->cipher = C_3DES, s->keylen = 24, s->name = "pbeWithSHAAnd3-KeyTripleDES-CBC",
		rc = pbes1(s, alg);
	else if (IS(&oid, oid_pbe_rc2_128))
		s->cipher = C_RC2, s->keylen = 16, s->rc2bits = 128,
		s->name = "pbeWithSHAAnd128BitRC2-CBC", rc = pbes1(s, alg);
	else if (IS(&oid, oid_pbe_rc2_40))
		s->cipher = C_RC2, s->keylen = 5, s->rc2bits = 40,
		s->name = "pbeWithSHAAnd40BitRC2-CBC", rc = pbes1(s, alg);
	else
		return bad_oid(p, &oid);
	if (rc == 0 && (s->iter == 0 || s->iter > PKCS12_ITER_MAX))
		rc = PKCS12_E_ITER;
	return rc;
}

/* Decrypt buf[n] in place with the scheme in alg, trying the candidate
 * passwords; *out gets the plaintext length. */
static int decrypt(pkcs12 *p, der *alg, unsigned char *buf, size_t n, size_t *out)
{
	unsigned char *ct = p->retry, key[32], iv[16];
	scheme s;
	int rc, c, k, kept = ncand(p) > 1;
	size_t bs;

	if ((rc = scheme_parse(p, alg, &s)) < 0)
		return rc;
	bs = s.cipher == C_AES ? 16 : 8;
	if (n == 0 || n % bs != 0)
		return PKCS12_E_DECRYPT;
	if (kept)
		memcpy(ct, buf, n);
	rc = PKCS12_E_DECRYPT;
	for (k = 0, c = first_cand(p); k < ncand(p) && rc < 0; k++, c++) {
		if (k > 0)
			memcpy(buf, ct, n);
		if ((rc = derive(p, c, &s, key, iv)) < 0)
			break;
		run_cipher(&s, key, iv, buf, n);
		rc = unpad(buf, n, bs, out) < 0 ? PKCS12_E_DECRYPT : 0;
		if (rc == 0)
			p->cand = c, p->alg_text = s.name;
	}
	explicit_bzero(key, sizeof key);
	if (kept)
		explicit_bzero(ct, n);
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

static int add_key(pkcs12 *p, const unsigned char *k, size_t n, const der *kid)
{
	if (p->has_key)
		return PKCS12_E_KEYS;
	if (n > PKCS12_KEY_MAX)
		return PKCS12_E_KEY_SIZE;
	p->has_key = 1;
	p->key = (pkcs12_item){ k, n, kid ? kid->p : NULL, kid ? der_left(kid) : 0 };
	return 0;
}

static int add_cert(pkcs12 *p, der *v, const der *kid)
{
	der bag, type, wrap, octets, one;

	if (der_get(v, DER_SEQ, &bag, NULL, NULL) < 0 || der_done(v) < 0
		|| der_get(&bag, DER_OID, &type, NULL, NULL) < 0)
		return PKCS12_E_DER;
	if (!IS(&type, oid_x509))
		return 0; /* an SDSI certificate: skipped */
	if (der_get(&bag, DER_CTX0, &wrap, NULL, NULL) < 0 || der_done(&bag) < 0
		|| der_get(&wrap, DER_OCTETS, &octets, NULL, NULL) < 0 || der_done(&wrap) < 0)
		return PKCS12_E_DER;
	one = octets;
	if (der_get(&one, DER_SEQ, NULL, NULL, NULL) < 0 || der_done(&one) < 0)
		return PKCS12_E_DER;
	if (p->ncerts == PKCS12_CERTS_MAX)
		return PKCS12_E_CERTS;
	if (der_left(&octets) > PKCS12_CERT_MAX)
		return PKCS12_E_CERT_SIZE;
	p->certs[p->ncerts++] = (pkcs12_item){ octets.p, der_left(&octets),
		kid ? kid->p : NULL, kid ? der_left(kid) : 0 };
	return 0;
}

static int shrouded(pkcs12 *p, der *v, const der *kid)
{
	der epki, alg, octets;
	unsigned char *buf;
	size_t n;
	int rc;

	if (der_get(v, DER_SEQ, &epki, NULL, NULL) < 0 || der_done(v) < 0
		|| der_get(&epki, DER_SEQ, &alg, NULL, NULL) < 0
		|| der_get(&epki, DER_OCTETS, &octets, NULL, NULL) < 0 || der_done(&epki) < 0)
		return PKCS12_E_DER;
	if (!(buf = work_take(p, der_left(&octets))))
		return PKCS12_E_BIG;
	memcpy(buf, octets.p, der_left(&octets));
	if ((rc = decrypt(p, &alg, buf, der_left(&octets), &n)) < 0)
		return rc;
	return add_key(p, buf, n, kid);
}

/* The localKeyID among a bag's attributes, if any, into *kid. */
static int attributes(der *bag, der *kid, int *has)
{
	der set, attr, oid, vals;

	*has = 0;
	if (der_peek(bag) != DER_SET)
		return 0;
	if (der_get(bag, DER_SET, &set, NULL, NULL) < 0)
		return PKCS12_E_DER;
	while (der_left(&set)) {
		if (der_get(&set, DER_SEQ, &attr, NULL, NULL) < 0
			|| der_get(&attr, DER_OID, &oid, NULL, NULL) < 0
			|| der_get(&attr, DER_SET, &vals, NULL, NULL) < 0 || der_done(&attr) < 0)
			return PKCS12_E_DER;
		if (IS(&oid, oid_localkeyid)) {
			if (der_get(&vals, DER_OCTETS, kid, NULL, NULL) < 0)
				return PKCS12_E_DER;
			*has = 1;
		}
	}
	return der_done(&set) < 0 ? PKCS12_E_DER : 0;
}

static int one_bag(pkcs12 *p, der *bag)
{
	der id, v, kid;
	const unsigned char *tlv;
	size_t tlvlen;
	int has, rc;

	if (der_get(bag, DER_OID, &id, NULL, NULL) < 0
		|| der_get(bag, DER_CTX0, &v, NULL, NULL) < 0)
		return PKCS12_E_DER;
	if ((rc = attributes(bag, &kid, &has)) < 0)
		return rc;
	if (der_done(bag) < 0)
		return PKCS12_E_DER;
	if (IS(&id, oid_keybag)) {
		if (der_get(&v, DER_SEQ, NULL, &tlv, &tlvlen) < 0 || der_done(&v) < 0)
			return PKCS12_E_DER;
		return add_key(p, tlv, tlvlen, has ? &kid : NULL);
	}
	if (IS(&id, oid_shrouded))
		return shrouded(p, &v, has ? &kid : NULL);
	if (IS(&id, oid_certbag))
		return add_cert(p, &v, has ? &kid : NULL);
	return 0; /* CRL, secret and nested bags are not ours */
}

static int safe_contents(pkcs12 *p, const unsigned char *sc, size_t n)
{
	der d, list, bag;
	int rc;

	der_init(&d, sc, n);
	if (der_get(&d, DER_SEQ, &list, NULL, NULL) < 0 || der_done(&d) < 0)
		return PKCS12_E_DER;
	while (der_left(&list)) {
		if (der_get(&list, DER_SEQ, &bag, NULL, NULL) < 0)
			return PKCS12_E_DER;
		if ((rc = one_bag(p, &bag)) < 0)
			return rc;
	}
	return 0;
}

/* [0] IMPLICIT encryptedContent: primitive 0x80, or constructed 0xa0 of
 * OCTET STRING pieces; gathered into the work buffer. */
static int gather(pkcs12 *p, der *eci, unsigned char **buf, size_t *n)
{
	der c, piece;

	if (der_peek(eci) == DER_IMPL0) {
		if (der_get(eci, DER_IMPL0, &c, NULL, NULL) < 0)
			return PKCS12_E_DER;
		if (!(*buf = work_take(p, der_left(&c))))
			return PKCS12_E_BIG;
		memcpy(*buf, c.p, der_left(&c));
		*n = der_left(&c);
		return 0;
	}
	if (der_get(eci, DER_CTX0, &c, NULL, NULL) < 0)
		return PKCS12_E_DER;
	*buf = p->work + p->used;
	*n = 0;
	while (der_left(&c)) {
		unsigned char *w;

		if (der_get(&c, DER_OCTETS, &piece, NULL, NULL) < 0)
			return PKCS12_E_DER;
		if (!(w = work_take(p, der_left(&piece))))
			return PKCS12_E_BIG;
		memcpy(w, piece.p, der_left(&piece));
		*n += der_left(&piece);
	}
	return 0;
}

static int encrypted_data(pkcs12 *p, der *content)
{
	der ed, eci, type, alg;
	unsigned long version;
	unsigned char *buf;
	size_t n, m;
	int rc;

	if (der_get(content, DER_SEQ, &ed, NULL, NULL) < 0 || der_done(content) < 0
		|| der_uint(&ed, 2, &version) < 0
		|| der_get(&ed, DER_SEQ, &eci, NULL, NULL) < 0
		|| der_get(&eci, DER_OID, &type, NULL, NULL) < 0
		|| der_get(&eci, DER_SEQ, &alg, NULL, NULL) < 0)
		return PKCS12_E_DER;
	if (!IS(&type, oid_data))
		return bad_oid(p, &type);
	if ((rc = gather(p, &eci, &buf, &n)) < 0)
		return rc;
	if (der_peek(&ed) == DER_CTX1) /* unprotectedAttrs */
		der_skip(&ed);
	if (der_done(&eci) < 0 || der_done(&ed) < 0)
		return PKCS12_E_DER;
	if ((rc = decrypt(p, &alg, buf, n, &m)) < 0)
		return rc;
	return safe_contents(p, buf, m);
}

static int content_info(pkcs12 *p, der *ci)
{
	der type, content, octets;

	if (der_get(ci, DER_OID, &type, NULL, NULL) < 0
		|| der_get(ci, DER_CTX0, &content, NULL, NULL) < 0 || der_done(ci) < 0)
		return PKCS12_E_DER;
	if (IS(&type, oid_encrypted))
		return encrypted_data(p, &content);
	if (!IS(&type, oid_data))
		return bad_oid(p, &type);
	if (der_get(&content, DER_OCTETS, &octets, NULL, NULL) < 0 || der_done(&content) < 0)
		return PKCS12_E_DER;
	return safe_contents(p, octets.p, der_left(&octets));
}

static int hmac_check(const pkcs12 *p, int hash, int c, const der *salt,
	unsigned long iter, const der *auth, const der *digest)
{
	const br_hash_class *h = hash_of(hash);
	unsigned char bmp[P12_BMP_MAX], key[32], got[32];
	br_hmac_key_context kc;
	br_hmac_context hc;
	size_t u = digest_size(h), k;
	unsigned diff = 0;
	long bl = cand_bmp(p, c, bmp, sizeof bmp);

	if (bl < 0 || der_left(digest) != u
		|| pkcs12_kdf(hash, 3, bmp, (size_t)bl, salt->p, der_left(salt), iter, key, u) < 0)
		return -1;
	br_hmac_key_init(&kc, h, key, u);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, auth->p, der_left(auth));
	br_hmac_out(&hc, got);
	for (k = 0; k < u; k++)
		diff |= got[k] ^ digest->p[k];
	explicit_bzero(bmp, sizeof bmp);
	explicit_bzero(key, sizeof key);
	explicit_bzero(&kc, sizeof kc);
	return diff ? -1 : 0;
}

/* MacData: DigestInfo{AlgId, digest}, macSalt, iterations DEFAULT 1. */
static int mac_verify(pkcs12 *p, der *mac, const der *auth)
{
	der di, alg, oid, digest, salt;
	unsigned long iter = 1;
	int hash, c, k;

	if (der_get(mac, DER_SEQ, &di, NULL, NULL) < 0
		|| der_get(&di, DER_SEQ, &alg, NULL, NULL) < 0
		|| der_get(&alg, DER_OID, &oid, NULL, NULL) < 0
		|| der_get(&di, DER_OCTETS, &digest, NULL, NULL) < 0 || der_done(&di) < 0
		|| der_get(mac, DER_OCTETS, &salt, NULL, NULL) < 0)
		return PKCS12_E_DER;
	if (der_peek(&alg) == DER_NULL)
		der_skip(&alg);
	if (der_done(&alg) < 0 || (der_left(mac) && der_uint(mac, PKCS12_ITER_MAX + 1, &iter) < 0)
		|| der_done(mac) < 0)
		return PKCS12_E_DER;
	if (IS(&oid, oid_sha1))
		hash = 1;
	else if (IS(&oid, oid_sha256))
		hash = 256;
	else
		return bad_oid(p, &oid);
	if (iter == 0 || iter > PKCS12_ITER_MAX)
		return PKCS12_E_ITER;
	if (der_left(&salt) > PKCS12_SALT_MAX)
		return PKCS12_E_BIG;
	for (k = 0, c = 0; k < ncand(p); k++, c++)
		if (hmac_check(p, hash, c, &salt, iter, auth, &digest) == 0)
			return p->cand = c, 0;
	return PKCS12_E_MAC;
}

int pkcs12_parse(pkcs12 *p, const unsigned char *pfx, size_t n)
{
	der d, top, ci, type, wrap, auth, list, one, mac;
	unsigned long version;
	int rc;

	if (n > PKCS12_PFX_MAX)
		return PKCS12_E_BIG;
	der_init(&d, pfx, n);
	if (der_get(&d, DER_SEQ, &top, NULL, NULL) < 0 || der_done(&d) < 0
		|| der_uint(&top, 255, &version) < 0)
		return PKCS12_E_DER;
	if (version != 3)
		return PKCS12_E_VERSION;
	if (der_get(&top, DER_SEQ, &ci, NULL, NULL) < 0
		|| der_get(&ci, DER_OID, &type, NULL, NULL) < 0)
		return PKCS12_E_DER;
	if (!IS(&type, oid_data)) /* signedData (public-key integrity) */
		return bad_oid(p, &type);
	if (der_get(&ci, DER_CTX0, &wrap, NULL, NULL) < 0 || der_done(&ci) < 0
		|| der_get(&wrap, DER_OCTETS, &auth, NULL, NULL) < 0 || der_done(&wrap) < 0)
		return PKCS12_E_DER;
	p->has_mac = der_left(&top) > 0;
	if (p->has_mac) {
		if (der_get(&top, DER_SEQ, &mac, NULL, NULL) < 0 || der_done(&top) < 0)
			return PKCS12_E_DER;
		if ((rc = mac_verify(p, &mac, &auth)) < 0)
			return rc;
	}
	der_init(&d, auth.p, der_left(&auth));
	if (der_get(&d, DER_SEQ, &list, NULL, NULL) < 0 || der_done(&d) < 0)
		return PKCS12_E_DER;
	while (der_left(&list)) {
		if (der_get(&list, DER_SEQ, &one, NULL, NULL) < 0)
			return PKCS12_E_DER;
		if ((rc = content_info(p, &one)) < 0)
			return rc;
	}
	return 0;
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
	return br_ec_compute_pub(br_ec_get_default(), NULL, out, &sk);
}

const char *pkcs12_strerror(int code)
{
	switch (code) {
	case PKCS12_E_DER: return "not a well-formed PKCS#12 file";
	case PKCS12_E_VERSION: return "PKCS#12 version is not 3";
	case PKCS12_E_OID: return "unsupported algorithm or content type";
	case PKCS12_E_MAC: return "integrity check (MAC) failed";
	case PKCS12_E_DECRYPT: return "decryption failed";
	case PKCS12_E_ITER: return "iteration count 0 or over 10000000 (refused)";
	case PKCS12_E_BIG: return "a PKCS#12 field is too large";
	case PKCS12_E_CERTS: return "more than 16 certificates";
	case PKCS12_E_CERT_SIZE: return "a certificate over 16 KiB";
	case PKCS12_E_KEY_SIZE: return "a private key over 8 KiB";
	case PKCS12_E_KEYS: return "more than one private key";
	case PKCS12_E_PASS: return "password too long";
	}
	return "PKCS#12 error";
}
