#include "pki/x509.h"
#include "base/date.h"
#include "base/str.h"

#include <string.h>

/* A DER cursor over [p, end). */
typedef struct der {
	const unsigned char *p, *end;
} der;

/* Read one element with this tag (single-byte tags only) into *in: its
 * contents. Definite lengths up to 3 length bytes (16 MiB), as DER. */
static int take(der *d, unsigned tag, der *in)
{
	size_t len, k;

	if (d->end - d->p < 2 || d->p[0] != tag)
		return X509_E_DER;
	len = d->p[1];
	d->p += 2;
	if (len & 0x80) {
		k = len & 0x7f;
		if (k == 0 || k > 3 || (size_t)(d->end - d->p) < k)
			return X509_E_DER;
		for (len = 0; k > 0; k--)
			len = len << 8 | *d->p++;
	}
	if ((size_t)(d->end - d->p) < len)
		return X509_E_DER;
	in->p = d->p;
	in->end = d->p + len;
	d->p += len;
	return 0;
}

/* The next element's tag, or -1 at the end. */
static int peek(const der *d)
{
	return d->p < d->end ? d->p[0] : -1;
}

static int oid_is(const der *o, const unsigned char *want, size_t n)
{
	return (size_t)(o->end - o->p) == n && memcmp(o->p, want, n) == 0;
}

/* n decimal digits at s. */
static int digits(const unsigned char *s, int n)
{
	int v = 0;

	for (; n > 0; n--, s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* UTCTime YYMMDDHHMMSSZ (YY < 50: 20YY, RFC 5280 4.1.2.5.1) or
 * GeneralizedTime YYYYMMDDHHMMSSZ. */
static int read_time(der *d, long long *t)
{
	der v;
	const unsigned char *s;
	int y, mo, dd, h, mi, sec, utc = peek(d) == 0x17;

	if (take(d, utc ? 0x17 : 0x18, &v) < 0 || v.end - v.p != (utc ? 13 : 15))
		return X509_E_DER;
	s = v.p;
	y = utc ? digits(s, 2) : digits(s, 4);
	s += utc ? 2 : 4;
	if (y < 0 || s[10] != 'Z')
		return X509_E_DER;
	if (utc)
		y += y < 50 ? 2000 : 1900;
	mo = digits(s, 2);
	dd = digits(s + 2, 2);
	h = digits(s + 4, 2);
	mi = digits(s + 6, 2);
	sec = digits(s + 8, 2);
	if (mo < 1 || mo > 12 || dd < 1 || dd > date_month_days(y, mo) || h < 0 || h > 23
		|| mi < 0 || mi > 59 || sec < 0 || sec > 60)
		return X509_E_DER;
	*t = date_timegm(y, mo, dd, h, mi, sec);
	return 0;
}

int x509_eku(const unsigned char *v, size_t len)
{
	static const unsigned char server[] = { 0x2b, 6, 1, 5, 5, 7, 3, 1 };
	static const unsigned char any[] = { 0x55, 0x1d, 0x25, 0 };
	der d = { v, v + len }, seq, o;
	int r = X509_EKU_OTHER;

	if (take(&d, 0x30, &seq) < 0 || d.p != d.end || seq.p == seq.end)
		return X509_E_DER;
	while (seq.p < seq.end) {
		if (take(&seq, 0x06, &o) < 0 || o.p == o.end)
			return X509_E_DER;
		if (oid_is(&o, server, sizeof server))
			r = X509_EKU_SERVER;
		else if (oid_is(&o, any, sizeof any) && r != X509_EKU_SERVER)
			r = X509_EKU_ANY;
	}
	return r;
}

int x509_eku_server_ok(int eku)
{
	return eku == X509_EKU_ABSENT || eku == X509_EKU_SERVER || eku == X509_EKU_ANY;
}

/* Extensions: [3] { SEQUENCE OF { OID, BOOLEAN?, OCTET STRING } }; only
 * extendedKeyUsage (2.5.29.37, at most once) and basicConstraints
 * (2.5.29.19: SEQUENCE { BOOLEAN cA?, pathLen? }) are read. */
static int read_exts(der *tbs, x509_cert *c)
{
	static const unsigned char eku[] = { 0x55, 0x1d, 0x25 };
	static const unsigned char bc[] = { 0x55, 0x1d, 0x13 };
	der wrap, seq, ext, o, skip, val, bcs;
	int seen = 0;

	if (take(tbs, 0xa3, &wrap) < 0 || take(&wrap, 0x30, &seq) < 0 || wrap.p != wrap.end)
		return X509_E_DER;
	while (seq.p < seq.end) {
		if (take(&seq, 0x30, &ext) < 0 || take(&ext, 0x06, &o) < 0)
			return X509_E_DER;
		if (peek(&ext) == 0x01 && take(&ext, 0x01, &skip) < 0)
			return X509_E_DER;
		if (take(&ext, 0x04, &val) < 0 || ext.p != ext.end)
			return X509_E_DER;
		if (oid_is(&o, bc, sizeof bc)) {
			if (take(&val, 0x30, &bcs) < 0)
				return X509_E_DER;
			if (peek(&bcs) == 0x01) {
				if (take(&bcs, 0x01, &skip) < 0 || skip.end - skip.p != 1)
					return X509_E_DER;
				c->ca = skip.p[0] != 0;
			}
		}
		if (!oid_is(&o, eku, sizeof eku))
			continue;
		if (seen++)
			return X509_E_DER;
		c->eku = x509_eku(val.p, (size_t)(val.end - val.p));
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

	if (take(d, 0x30, &name) < 0)
		return X509_E_DER;
	*p = start;
	*n = (size_t)(d->p - start);
	return 0;
}

static int read_tbs(der *tbs, x509_cert *c)
{
	der v, validity;

	/* version: [0] { INTEGER 0 to 2 } (v1 to v3) */
	if (peek(tbs) == 0xa0 && (take(tbs, 0xa0, &v) < 0 || v.end - v.p != 3
		|| v.p[0] != 0x02 || v.p[1] != 1 || v.p[2] > 2))
		return X509_E_DER;
	if (take(tbs, 0x02, &v) < 0 || take(tbs, 0x30, &v) < 0
		|| read_name(tbs, &c->issuer, &c->issuer_len) < 0
		|| take(tbs, 0x30, &validity) < 0
		|| read_time(&validity, &c->not_before) < 0
		|| read_time(&validity, &c->not_after) < 0 || validity.p != validity.end
		|| read_name(tbs, &c->subject, &c->subject_len) < 0
		|| take(tbs, 0x30, &v) < 0)
		return X509_E_DER;
	if (peek(tbs) == 0x81 && take(tbs, 0x81, &v) < 0)
		return X509_E_DER;
	if (peek(tbs) == 0x82 && take(tbs, 0x82, &v) < 0)
		return X509_E_DER;
	if (peek(tbs) == 0xa3 && read_exts(tbs, c) < 0)
		return X509_E_DER;
	return tbs->p == tbs->end ? 0 : X509_E_DER;
}

int x509_parse(x509_cert *c, const unsigned char *buf, size_t len)
{
	static const unsigned char rsa_sha1[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 5 };
	static const unsigned char ecdsa_sha1[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 4, 1 };
	der d = { buf, buf + len }, cert, tbs, alg, o, sig;

	memset(c, 0, sizeof *c);
	if (take(&d, 0x30, &cert) < 0 || d.p != d.end
		|| take(&cert, 0x30, &tbs) < 0 || read_tbs(&tbs, c) < 0
		|| take(&cert, 0x30, &alg) < 0 || take(&alg, 0x06, &o) < 0
		|| take(&cert, 0x03, &sig) < 0 || cert.p != cert.end
		|| sig.p == sig.end || sig.p[0] != 0) /* whole bytes */
		return X509_E_DER;
	c->sha1 = oid_is(&o, rsa_sha1, sizeof rsa_sha1) || oid_is(&o, ecdsa_sha1, sizeof ecdsa_sha1);
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
