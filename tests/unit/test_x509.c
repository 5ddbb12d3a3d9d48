/* x509: the DER walker (names, dates, SHA-1, extendedKeyUsage,
 * basicConstraints cA, the version and signature forms), the clock
 * rule and the issuer-order path, on certificates built here byte by byte. */
#include "t.h"
#include "pki/x509.h"

#include <stdarg.h>

typedef struct buf {
	unsigned char b[2048];
	size_t n;
} buf;

static void raw(buf *o, const void *p, size_t n)
{
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

/* tag, DER length, contents */
static void tlv(buf *o, unsigned tag, const buf *in)
{
	unsigned char h[4] = { (unsigned char)tag };
	size_t k = 2;

	if (in->n < 128)
		h[1] = (unsigned char)in->n;
	else {
		h[1] = 0x82;
		h[2] = (unsigned char)(in->n >> 8);
		h[3] = (unsigned char)in->n;
		k = 4;
	}
	raw(o, h, k);
	raw(o, in->b, in->n);
}

static void tlvs(buf *o, unsigned tag, const void *p, size_t n)
{
	buf in = { .n = 0 };

	raw(&in, p, n);
	tlv(o, tag, &in);
}

#define OID_SERVER "\x2b\x06\x01\x05\x05\x07\x03\x01"
#define OID_CODE "\x2b\x06\x01\x05\x05\x07\x03\x03"
#define OID_ANY "\x55\x1d\x25\x00"
#define OID_EKU "\x55\x1d\x25"
#define OID_SAN "\x55\x1d\x11"
#define SHA256RSA "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b"
#define SHA1RSA "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x05"
#define ECDSA_SHA1 "\x2a\x86\x48\xce\x3d\x04\x01"

/* Name: SEQUENCE { SET { SEQUENCE { OID CN, UTF8String cn } } } */
static void name(buf *o, const char *cn)
{
	buf atv = { .n = 0 }, set = { .n = 0 }, rdn = { .n = 0 };

	tlvs(&atv, 0x06, "\x55\x04\x03", 3);
	tlvs(&atv, 0x0c, cn, strlen(cn));
	tlv(&set, 0x30, &atv);
	tlv(&rdn, 0x31, &set);
	tlv(o, 0x30, &rdn);
}

/* An extension list entry: SEQUENCE { OID, [critical], OCTET STRING v } */
static void ext(buf *o, const char *oid, size_t oidlen, const buf *v)
{
	buf e = { .n = 0 };

	tlvs(&e, 0x06, oid, oidlen);
	tlvs(&e, 0x01, "\xff", 1);
	tlv(&e, 0x04, v);
	tlv(o, 0x30, &e);
}

/* extendedKeyUsage value of n OIDs (each 8 or 4 bytes, given with length) */
static void eku_val(buf *o, int n, ...)
{
	buf seq = { .n = 0 };
	va_list ap;

	va_start(ap, n);
	while (n-- > 0) {
		const char *oid = va_arg(ap, const char *);
		size_t len = va_arg(ap, size_t);

		tlvs(&seq, 0x06, oid, len);
	}
	va_end(ap);
	tlv(o, 0x30, &seq);
}

typedef struct spec {
	const char *issuer, *subject;
	const char *nb, *na;      /* UTCTime (13) or GeneralizedTime (15) text */
	const char *sig;          /* signature OID */
	size_t siglen;
	const buf *eku;           /* NULL: no extendedKeyUsage */
	int eku_twice;
	const buf *bc;            /* NULL: no basicConstraints, else its value */
	unsigned char version;    /* the INTEGER in [0] (2: v3) */
	unsigned char sig_unused; /* the signature BIT STRING's unused bits */
} spec;

static void cert(buf *o, const spec *s)
{
	buf tbs = { .n = 0 }, v = { .n = 0 }, val = { .n = 0 }, exts = { .n = 0 },
		seq = { .n = 0 }, alg = { .n = 0 }, spki = { .n = 0 }, c = { .n = 0 },
		san = { .n = 0 };

	tlvs(&v, 0x02, &s->version, 1);
	tlv(&tbs, 0xa0, &v);
	tlvs(&tbs, 0x02, "\x01", 1);
	tlvs(&alg, 0x06, s->sig, s->siglen);
	tlv(&tbs, 0x30, &alg);
	name(&tbs, s->issuer);
	tlvs(&val, strlen(s->nb) == 13 ? 0x17 : 0x18, s->nb, strlen(s->nb));
	tlvs(&val, strlen(s->na) == 13 ? 0x17 : 0x18, s->na, strlen(s->na));
	tlv(&tbs, 0x30, &val);
	name(&tbs, s->subject);
	tlv(&spki, 0x30, &alg);
	tlvs(&spki, 0x03, "\x00\x01", 2);
	tlv(&tbs, 0x30, &spki);
	tlvs(&san, 0x30, "\x82\x01x", 3);
	ext(&seq, OID_SAN, 3, &san);
	if (s->eku)
		ext(&seq, OID_EKU, 3, s->eku);
	if (s->eku && s->eku_twice)
		ext(&seq, OID_EKU, 3, s->eku);
	if (s->bc)
		ext(&seq, "\x55\x1d\x13", 3, s->bc);
	tlv(&exts, 0x30, &seq);
	tlv(&tbs, 0xa3, &exts);
	tlv(&c, 0x30, &tbs);
	tlv(&c, 0x30, &alg);
	tlvs(&c, 0x03, s->sig_unused ? "\x01\x01\x02" : "\x00\x01\x02", 3);
	o->n = 0;
	tlv(o, 0x30, &c);
}

static const spec base = { "CA", "leaf", "260101000000Z", "20360101000000Z", SHA256RSA, 9, NULL, 0,
	NULL, 2, 0 };

/* basicConstraints: cA, the version, the signature's whole bytes. */
static void test_ca(void)
{
	buf b, v;
	x509_cert c;
	spec s = base;

	cert(&b, &s);
	CHECK(x509_parse(&c, b.b, b.n) == 0 && c.ca == 0);
	s.bc = &v;
	v.n = 0;
	tlvs(&v, 0x30, "\x01\x01\xff", 3); /* cA TRUE */
	cert(&b, &s);
	CHECK(x509_parse(&c, b.b, b.n) == 0 && c.ca == 1);
	v.n = 0;
	tlvs(&v, 0x30, "\x01\x01\xff\x02\x01\x00", 6); /* cA TRUE, pathLen 0 */
	cert(&b, &s);
	CHECK(x509_parse(&c, b.b, b.n) == 0 && c.ca == 1);
	v.n = 0;
	tlvs(&v, 0x30, "\x01\x01\x00", 3); /* cA FALSE */
	cert(&b, &s);
	CHECK(x509_parse(&c, b.b, b.n) == 0 && c.ca == 0);
	v.n = 0;
	tlvs(&v, 0x30, "", 0); /* empty: not a CA */
	cert(&b, &s);
	CHECK(x509_parse(&c, b.b, b.n) == 0 && c.ca == 0);
	v.n = 0;
	tlvs(&v, 0x30, "\x01\x02\xff\xff", 4); /* a BOOLEAN of two bytes */
	cert(&b, &s);
	CHECK_EQ(x509_parse(&c, b.b, b.n), X509_E_DER);
	v.n = 0;
	tlvs(&v, 0x04, "\x01\x01\xff", 3); /* not a SEQUENCE */
	cert(&b, &s);
	CHECK_EQ(x509_parse(&c, b.b, b.n), X509_E_DER);

	s = base;
	s.version = 0; /* v1 and v2 are read */
	cert(&b, &s);
	CHECK_EQ(x509_parse(&c, b.b, b.n), 0);
	s.version = 3; /* no v4 */
	cert(&b, &s);
	CHECK_EQ(x509_parse(&c, b.b, b.n), X509_E_DER);
	s = base;
	s.sig_unused = 1; /* a signature is whole bytes */
	cert(&b, &s);
	CHECK_EQ(x509_parse(&c, b.b, b.n), X509_E_DER);
}

static void test_parse(void)
{
	buf b;
	x509_cert c;
	spec s = base;

	cert(&b, &s);
	CHECK_EQ(x509_parse(&c, b.b, b.n), 0);
	CHECK(c.issuer_len == 15 && memcmp(c.issuer + 13, "CA", 2) == 0);
	CHECK(c.subject_len == 17 && memcmp(c.subject + 13, "leaf", 4) == 0);
	CHECK_EQ(c.not_before, 1767225600); /* 2026-01-01 */
	CHECK_EQ(c.not_after, 2082758400);  /* 2036-01-01 */
	CHECK_EQ(c.sha1, 0);
	CHECK_EQ(c.eku, X509_EKU_ABSENT);

	s.sig = SHA1RSA;
	cert(&b, &s);
	CHECK_EQ(x509_parse(&c, b.b, b.n), 0);
	CHECK_EQ(c.sha1, 1);
	s.sig = ECDSA_SHA1;
	s.siglen = 7;
	cert(&b, &s);
	CHECK_EQ(x509_parse(&c, b.b, b.n), 0);
	CHECK_EQ(c.sha1, 1);

	s = base;
	s.nb = "491231235959Z"; /* UTCTime 49 is 2049, 50 is 1950 */
	s.na = "500101000000Z";
	cert(&b, &s);
	CHECK_EQ(x509_parse(&c, b.b, b.n), 0);
	CHECK_EQ(c.not_before, 2524607999LL);
	CHECK_EQ(c.not_after, -631152000LL);
}

static void test_bad(void)
{
	buf b;
	x509_cert c;
	spec s = base;
	size_t i;
	static const char *const times[] = {
		"260230000000Z", "261301000000Z", "260101240000Z", "2601010000Z",
		"260101000000+0100", "2026010100000Z", "26010100000aZ",
	};

	cert(&b, &s);
	for (i = 0; i < b.n; i++) /* every truncation */
		CHECKM(x509_parse(&c, b.b, i) == X509_E_DER, "at %zu", i);
	b.b[b.n++] = 0; /* trailing byte */
	CHECK_EQ(x509_parse(&c, b.b, b.n), X509_E_DER);
	for (i = 0; i < sizeof times / sizeof times[0]; i++) {
		s.nb = times[i];
		cert(&b, &s);
		CHECKM(x509_parse(&c, b.b, b.n) == X509_E_DER, "%s", times[i]);
	}
	cert(&b, &base);
	b.b[1] = 0x80; /* indefinite length */
	CHECK_EQ(x509_parse(&c, b.b, b.n), X509_E_DER);
	CHECK_EQ(x509_parse(&c, b.b, 0), X509_E_DER);
}

static void test_eku(void)
{
	buf v = { .n = 0 }, b;
	x509_cert c;
	spec s = base;

	CHECK_EQ(x509_eku((const unsigned char *)"", 0), X509_E_DER);
	eku_val(&v, 1, OID_SERVER, (size_t)8);
	CHECK_EQ(x509_eku(v.b, v.n), X509_EKU_SERVER);
	v.n = 0;
	eku_val(&v, 1, OID_CODE, (size_t)8);
	CHECK_EQ(x509_eku(v.b, v.n), X509_EKU_OTHER);
	v.n = 0;
	eku_val(&v, 2, OID_CODE, (size_t)8, OID_ANY, (size_t)4);
	CHECK_EQ(x509_eku(v.b, v.n), X509_EKU_ANY);
	v.n = 0;
	eku_val(&v, 3, OID_CODE, (size_t)8, OID_ANY, (size_t)4, OID_SERVER, (size_t)8);
	CHECK_EQ(x509_eku(v.b, v.n), X509_EKU_SERVER);
	CHECK_EQ(x509_eku(v.b, v.n - 1), X509_E_DER);   /* truncated */
	v.n = 0;
	eku_val(&v, 0);                                 /* empty SEQUENCE */
	CHECK_EQ(x509_eku(v.b, v.n), X509_E_DER);
	CHECK_EQ(x509_eku((const unsigned char *)"\x30\x03\x04\x01\x00", 5), X509_E_DER);
	CHECK_EQ(x509_eku((const unsigned char *)"\x30\x02\x06\x00", 4), X509_E_DER);
	CHECK_EQ(x509_eku((const unsigned char *)"\x30\x00\x00", 3), X509_E_DER);
	/* a prefix of serverAuth is not serverAuth */
	CHECK_EQ(x509_eku((const unsigned char *)"\x30\x09\x06\x07\x2b\x06\x01\x05\x05\x07\x03", 11),
		X509_EKU_OTHER);

	CHECK(x509_eku_server_ok(X509_EKU_ABSENT));
	CHECK(x509_eku_server_ok(X509_EKU_SERVER));
	CHECK(x509_eku_server_ok(X509_EKU_ANY));
	CHECK(!x509_eku_server_ok(X509_EKU_OTHER));
	CHECK(!x509_eku_server_ok(X509_E_DER));

	/* in a certificate: present, twice, malformed */
	v.n = 0;
	eku_val(&v, 1, OID_CODE, (size_t)8);
	s.eku = &v;
	cert(&b, &s);
	CHECK_EQ(x509_parse(&c, b.b, b.n), 0);
	CHECK_EQ(c.eku, X509_EKU_OTHER);
	s.eku_twice = 1;
	cert(&b, &s);
	CHECK_EQ(x509_parse(&c, b.b, b.n), X509_E_DER);
	s.eku_twice = 0;
	v.n = 0;
	eku_val(&v, 1, OID_SERVER, (size_t)8);
	cert(&b, &s);
	CHECK_EQ(x509_parse(&c, b.b, b.n), 0);
	CHECK_EQ(c.eku, X509_EKU_SERVER);
	v.b[v.n - 1] = 0x02; /* cut the OID's last byte off its SEQUENCE length */
	v.b[1]--;
	v.n--;
	cert(&b, &s);
	CHECK_EQ(x509_parse(&c, b.b, b.n), X509_E_DER);
}

static void test_time(void)
{
	const long long build = 1767225600, day = 86400;

	/* a known clock is the answer, whatever the certificate */
	CHECK_EQ(x509_check_time(build + day, build, build + 2 * day), build + day);
	CHECK_EQ(x509_check_time(build, build, 0), build);
	/* unknown clock (1970): the build time, or the notBefore if later */
	CHECK_EQ(x509_check_time(day, build, build - day), build);
	CHECK_EQ(x509_check_time(day, build, build + 5 * day), build + 5 * day);
	CHECK_EQ(x509_check_time(0, build, build), build);
	/* so: a leaf issued after the build (nb = build + 5 d, na = + 90 d)
	 * checks at nb, inside its validity; one that expired before the build
	 * (na = build - 1) checks at build, after it */
	CHECK(x509_check_time(day, build, build + 5 * day) <= build + 90 * day);
	CHECK(x509_check_time(day, build, build - 400 * day) > build - 1);
}

static void test_path(void)
{
	static const char *const names[][2] = {
		/* issuer, subject */
		{ "I1", "leaf" }, { "R", "I2" }, { "I2", "I1" }, { "X", "stray" }, { "R", "R" },
	};
	buf b[5];
	x509_cert c[5];
	size_t order[5], i, k;
	spec s = base;

	for (i = 0; i < 5; i++) {
		s.issuer = names[i][0];
		s.subject = names[i][1];
		cert(&b[i], &s);
		CHECK_EQ(x509_parse(&c[i], b[i].b, b[i].n), 0);
	}
	k = x509_path(c, 5, order);
	CHECK_EQ(k, 4); /* leaf, I1, I2, R; the stray dropped */
	CHECK(order[0] == 0 && order[1] == 2 && order[2] == 1 && order[3] == 4);
	k = x509_path(c, 1, order);
	CHECK(k == 1 && order[0] == 0);
	CHECK_EQ(x509_path(c, 0, order), 0);
	/* in order already */
	{
		x509_cert d[3] = { c[0], c[2], c[1] };

		k = x509_path(d, 3, order);
		CHECK(k == 3 && order[0] == 0 && order[1] == 1 && order[2] == 2);
	}
	/* a loop of names (A by B, B by A) ends */
	{
		x509_cert d[3] = { c[0], c[2], c[2] };

		d[1].issuer = c[0].subject;
		d[1].issuer_len = c[0].subject_len;
		k = x509_path(d, 3, order);
		CHECK(k == 2 && order[1] == 1);
	}
	/* a self-issued leaf is the whole path */
	{
		x509_cert d[2] = { c[4], c[4] };

		CHECK_EQ(x509_path(d, 2, order), 1);
	}
}


int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_parse);
	T_RUN(test_bad);
	T_RUN(test_eku);
	T_RUN(test_ca);
	T_RUN(test_time);
	T_RUN(test_path);
	T_END();
}
