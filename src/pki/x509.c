#include "pki/x509.h"
#include "base/date.h"
#include "base/str.h"
#include "pki/der.h"

#include <string.h>

/* x509 reads lengths of at most 3 bytes (16 MiB), where der.c takes 4. */
#define X509_LEN_BYTES_MAX 3

/* der_get under that limit. */
static int get(der *d, int tag, der *in)
{
	if (der_left(d) >= 2 && d->p[1] > 0x80 + X509_LEN_BYTES_MAX)
		d->bad = 1;
	return der_get(d, tag, in);
}

/* UTCTime YYMMDDHHMMSSZ (YY < 50: 20YY, RFC 5280 4.1.2.5.1) or
 * GeneralizedTime YYYYMMDDHHMMSSZ. */
static int read_time(der *d, long long *t)
{
	der v;
	const char *s;
	int f[6], i, utc = der_peek(d) == DER_UTCTIME, k = utc ? 2 : 4; /* year digits */

	if (get(d, utc ? DER_UTCTIME : DER_GENTIME, &v) < 0 || der_left(&v) != (size_t)k + 11)
		return X509_E_DER;
	s = (const char *)v.p;
	if (str_digits(s, (size_t)k, &f[0]) < 0 || s[k + 10] != 'Z')
		return X509_E_DER;
	for (i = 1; i < 6; i++) /* month, day, hour, minute, second */
		if (str_digits(s + k + 2 * (i - 1), 2, &f[i]) < 0)
			return X509_E_DER;
	if (utc)
		f[0] += f[0] < 50 ? 2000 : 1900;
	if (!date_valid(f[0], f[1], f[2], f[3], f[4], f[5]))
		return X509_E_DER;
	*t = date_timegm(f[0], f[1], f[2], f[3], f[4], f[5]);
	return 0;
}

int x509_eku(const unsigned char *v, size_t len)
{
	static const unsigned char server[] = { 0x2b, 6, 1, 5, 5, 7, 3, 1 };
	static const unsigned char any[] = { 0x55, 0x1d, 0x25, 0 };
	der d, seq, o;
	int r = X509_EKU_OTHER;

	der_init(&d, v, len);
	if (get(&d, DER_SEQ, &seq) < 0 || der_done(&d) < 0 || !der_left(&seq))
		return X509_E_DER;
	while (der_left(&seq)) {
		if (get(&seq, DER_OID, &o) < 0 || !der_left(&o))
			return X509_E_DER;
		if (der_oid_is(&o, server, sizeof server))
			r = X509_EKU_SERVER;
		else if (der_oid_is(&o, any, sizeof any) && r != X509_EKU_SERVER)
			r = X509_EKU_ANY;
	}
	return r;
}

int x509_eku_server_ok(int eku)
{
	return eku == X509_EKU_ABSENT || eku == X509_EKU_SERVER || eku == X509_EKU_ANY;
}

/* basicConstraints' value: SEQUENCE { BOOLEAN cA?, pathLen? }. The first
 * byte is looked at, not der_peek: a malformed BOOLEAN is refused, not
 * taken for an absent one. */
static int read_bc(der *val, x509_cert *c)
{
	der bcs, b;

	if (get(val, DER_SEQ, &bcs) < 0)
		return X509_E_DER;
	if (der_left(&bcs) && bcs.p[0] == DER_BOOL) {
		if (get(&bcs, DER_BOOL, &b) < 0 || der_left(&b) != 1)
			return X509_E_DER;
		c->ca = b.p[0] != 0;
	}
	return 0;
}

/* Extensions: [3] { SEQUENCE OF { OID, BOOLEAN?, OCTET STRING } }; only
 * extendedKeyUsage (2.5.29.37, at most once) and basicConstraints
 * (2.5.29.19) are read. */
static int read_exts(der *tbs, x509_cert *c)
{
	static const unsigned char eku[] = { 0x55, 0x1d, 0x25 };
	static const unsigned char bc[] = { 0x55, 0x1d, 0x13 };
	der wrap, seq, ext, o, skip, val;
	int seen = 0;

	if (get(tbs, DER_CTX3, &wrap) < 0 || get(&wrap, DER_SEQ, &seq) < 0 || der_done(&wrap) < 0)
		return X509_E_DER;
	while (der_left(&seq)) {
		if (get(&seq, DER_SEQ, &ext) < 0 || get(&ext, DER_OID, &o) < 0)
			return X509_E_DER;
		if (der_peek(&ext) == DER_BOOL)
			get(&ext, DER_BOOL, &skip); /* a failure makes ext bad */
		if (get(&ext, DER_OCTETS, &val) < 0 || der_done(&ext) < 0)
			return X509_E_DER;
		if (der_oid_is(&o, bc, sizeof bc) && read_bc(&val, c) < 0)
			return X509_E_DER;
		if (!der_oid_is(&o, eku, sizeof eku))
			continue;
		if (seen++)
			return X509_E_DER;
		c->eku = x509_eku(val.p, der_left(&val));
		if (c->eku < 0)
			return X509_E_DER;
	}
	return 0;
}

/* The whole TLV of a Name (a SEQUENCE) at d into *p, *n. */
static int read_name(der *d, const unsigned char **p, size_t *n)
{
	const unsigned char *start = d->p;
	der name;

	if (get(d, DER_SEQ, &name) < 0)
		return X509_E_DER;
	*p = start;
	*n = (size_t)(d->p - start);
	return 0;
}

static int read_tbs(der *tbs, x509_cert *c)
{
	der v, validity;

	/* version: [0] { INTEGER 0 to 2 } (v1 to v3) */
	if (der_peek(tbs) == DER_CTX0 && (get(tbs, DER_CTX0, &v) < 0 || der_left(&v) != 3
		|| v.p[0] != DER_INT || v.p[1] != 1 || v.p[2] > 2))
		return X509_E_DER;
	if (get(tbs, DER_INT, &v) < 0 || get(tbs, DER_SEQ, &v) < 0
		|| read_name(tbs, &c->issuer, &c->issuer_len) < 0
		|| get(tbs, DER_SEQ, &validity) < 0
		|| read_time(&validity, &c->not_before) < 0
		|| read_time(&validity, &c->not_after) < 0 || der_done(&validity) < 0
		|| read_name(tbs, &c->subject, &c->subject_len) < 0
		|| get(tbs, DER_SEQ, &v) < 0)
		return X509_E_DER;
	/* issuerUniqueID, subjectUniqueID: a failure makes tbs bad */
	if (der_peek(tbs) == DER_IMPL1)
		get(tbs, DER_IMPL1, &v);
	if (der_peek(tbs) == DER_IMPL2)
		get(tbs, DER_IMPL2, &v);
	if (der_peek(tbs) == DER_CTX3 && read_exts(tbs, c) < 0)
		return X509_E_DER;
	return der_done(tbs) < 0 ? X509_E_DER : 0;
}

int x509_parse(x509_cert *c, const unsigned char *buf, size_t len)
{
	static const unsigned char rsa_sha1[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 5 };
	static const unsigned char ecdsa_sha1[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 4, 1 };
	der d, cert, tbs, alg, o, sig;

	memset(c, 0, sizeof *c);
	der_init(&d, buf, len);
	if (get(&d, DER_SEQ, &cert) < 0 || der_done(&d) < 0
		|| get(&cert, DER_SEQ, &tbs) < 0 || read_tbs(&tbs, c) < 0
		|| get(&cert, DER_SEQ, &alg) < 0 || get(&alg, DER_OID, &o) < 0
		|| get(&cert, DER_BITS, &sig) < 0 || der_done(&cert) < 0
		|| !der_left(&sig) || sig.p[0] != 0) /* whole bytes */
		return X509_E_DER;
	c->sha1 = der_oid_is(&o, rsa_sha1, sizeof rsa_sha1)
		|| der_oid_is(&o, ecdsa_sha1, sizeof ecdsa_sha1);
	return 0;
}

long long x509_check_time(long long now, long long build, long long not_before)
{
	if (now >= build)
		return now;
	return not_before > build ? not_before : build;
}

static int same(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	return an == bn && memcmp(a, b, an) == 0;
}

size_t x509_path(const x509_cert *c, size_t n, size_t *order)
{
	size_t k = 0, i, cur;
	unsigned long used = 1; /* bit i: certificate i is on the path */

	if (n == 0)
		return 0;
	order[k++] = cur = 0;
	while (k < n && !same(c[cur].issuer, c[cur].issuer_len, c[cur].subject, c[cur].subject_len)) {
		for (i = 1; i < n; i++)
			if (!(used >> i & 1) && same(c[i].subject, c[i].subject_len,
				c[cur].issuer, c[cur].issuer_len))
				break;
		if (i == n)
			break;
		used |= 1UL << i;
		order[k++] = cur = i;
	}
	return k;
}
