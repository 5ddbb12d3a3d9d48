/*
 * pkey: PKCS#8 private keys and certificates' public keys, against keys
 * openssl makes here, one row per kind: RSA (two sizes and exponents), EC
 * on each supported curve, an EC key without its public point, and keys
 * azkv refuses by name (Ed25519, RSA-PSS; secp256k1 as a certificate's key
 * only). For each: what
 * pkey_parse and pkey_cert read must be openssl's own modulus, exponent,
 * point and scalar (from its other outputs); the certificate holds the key
 * (pkey_in_cert) and the previous row's does not; every proper prefix and
 * a trailing byte are refused (the copies are exact: ASan sees any read
 * past them).
 */
#include "pki/pkey.h"
#include "t.h"

#include <stdlib.h>
#include <unistd.h>

#define BIG 8192

static char dir[] = "/tmp/test_pkey.XXXXXX";

typedef struct blob {
	unsigned char b[BIG];
	size_t n;
} blob;

/* Run cmd in dir; its stdout into o (which it must fill in part). 0, or
 * -1 if it failed. */
static int run(blob *o, const char *cmd)
{
	char full[1024];
	FILE *f;
	int rc;

	snprintf(full, sizeof full, "cd %s && %s 2>/dev/null", dir, cmd);
	f = popen(full, "r");
	if (f == NULL)
		return -1;
	o->n = fread(o->b, 1, sizeof o->b, f);
	rc = pclose(f);
	return rc == 0 && o->n > 0 && o->n < sizeof o->b ? 0 : -1;
}

/* Run cmd in dir for its files. Its exit status. */
static int system_in_dir(const char *cmd)
{
	char full[1024];

	snprintf(full, sizeof full, "cd %s && { %s; } >/dev/null 2>&1", dir, cmd);
	return system(full);
}

/* "publicExponent: 65537 (0x10001)" as big-endian bytes. */
static void exponent(const blob *text, blob *o)
{
	char s[BIG + 1], *p;
	unsigned long v = 0;
	int i;

	memcpy(s, text->b, text->n);
	s[text->n] = 0;
	o->n = 0;
	p = strstr(s, "publicExponent:");
	if (p == NULL || sscanf(p, "publicExponent: %lu", &v) != 1)
		return;
	for (i = (int)sizeof v - 1; i >= 0; i--)
		if (o->n > 0 || (v >> (8 * i) & 0xff))
			o->b[o->n++] = (unsigned char)(v >> (8 * i));
}

/* The hex digits of text from the first after "from" up to "to" (or the
 * end), as bytes, leading zero bytes dropped. */
static void hex_after(const blob *text, const char *from, const char *to, blob *o)
{
	char s[BIG + 1], *p, *end;
	int hi = -1;

	memcpy(s, text->b, text->n);
	s[text->n] = 0;
	o->n = 0;
	p = strstr(s, from);
	if (p == NULL)
		return;
	p += strlen(from);
	end = to ? strstr(p, to) : NULL;
	for (; *p && p != end; p++) {
		int v = *p >= '0' && *p <= '9' ? *p - '0'
			: *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
			: *p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;

		if (v < 0)
			continue;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (o->n > 0 || hi || v)
			o->b[o->n++] = (unsigned char)(hi << 4 | v);
		hi = -1;
	}
}

static int same(const unsigned char *p, size_t n, const blob *want)
{
	while (n > 0 && p && *p == 0)
		p++, n--;
	return p != NULL && n == want->n && n > 0 && memcmp(p, want->b, n) == 0;
}

static const struct row {
	const char *name;
	const char *gen;  /* openssl arguments that write key.pem */
	int rc;           /* pkey_parse's and pkey_cert's answer */
	int curve;        /* 0 RSA, else the TLS curve id */
	size_t point;     /* EC: the public point's length */
	int no_public;    /* the private key leaves its public point out */
	const char *oid;  /* PKEY_E_OID: the algorithm or curve named */
	int parse_ok;     /* pkey_parse reads the key (curve, point) that pkey_cert refuses */
} rows[] = {
	{ "rsa-2048", "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048", 0, 0, 0, 0, 0, 0 },
	{ "rsa-1024-e3", "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 "
		"-pkeyopt rsa_keygen_pubexp:3", 0, 0, 0, 0, 0, 0 },
	{ "p-256", "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256", 0, 23, 65, 0, 0, 0 },
	{ "p-384", "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384", 0, 24, 97, 0, 0, 0 },
	{ "p-521", "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521", 0, 25, 133, 0, 0, 0 },
	{ "p-256-no-public", "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256",
		0, 23, 65, 1, 0, 0 },
	{ "ed25519", "genpkey -algorithm ED25519", PKEY_E_OID, 0, 0, 0, "1.3.101.112", 0 },
	/* a PKCS#12's secp256k1 key converts (its point finds the leaf); BearSSL
	 * verifies nothing on the curve, so a certificate's key is refused */
	{ "secp256k1", "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1",
		PKEY_E_OID, 22, 65, 0, "1.3.132.0.10", 1 },
	{ "rsa-pss", "genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:1024",
		PKEY_E_OID, 0, 0, 0, "1.2.840.113549.1.1.10", 0 },
};

/* Every proper prefix, and the whole with one byte more, is refused. */
static void refuse_cuts(const struct row *r, const blob *der, int cert)
{
	size_t n;
	int bad = 0;
	pkey k;

	for (n = 0; n <= der->n + 1; n++) {
		unsigned char *cp;
		int rc;

		if (n == der->n)
			continue; /* the whole: accepted above */
		cp = malloc(n ? n : 1);
		memcpy(cp, der->b, n < der->n ? n : der->n);
		if (n > der->n)
			cp[der->n] = 0;
		rc = cert ? pkey_cert(cp, n, &k) : pkey_parse(cp, n, &k);
		if (rc != PKEY_E_DER)
			bad++;
		free(cp);
	}
	CHECKM(bad == 0, "%s: %d cuts of the %s accepted", r->name, bad,
		cert ? "certificate" : "key");
}

static void one(const struct row *r, blob *prev_cert)
{
	static blob p8, cert, spki, text, mod, e, priv, point;
	char cmd[512];
	pkey k;
	int rc;

	snprintf(cmd, sizeof cmd, "openssl %s -out key0.pem && %s", r->gen, r->no_public
		? "openssl ec -in key0.pem -no_public -out key.pem" : "cp key0.pem key.pem");
	CHECKM(system_in_dir(cmd) == 0, "%s: openssl %s", r->name, r->gen);
	CHECKM(run(&p8, "openssl pkcs8 -topk8 -nocrypt -in key.pem -outform DER") == 0,
		"%s: openssl pkcs8", r->name);
	CHECKM(run(&cert, "openssl req -new -x509 -key key.pem -subj /CN=t -days 1 -outform DER")
		== 0, "%s: openssl req", r->name);
	CHECKM(run(&spki, "openssl pkey -in key.pem -pubout -outform DER") == 0,
		"%s: openssl pkey -pubout", r->name);
	CHECKM(run(&text, "openssl pkey -in key.pem -noout -text") == 0, "%s: openssl pkey -text",
		r->name);

	rc = pkey_parse(p8.b, p8.n, &k);
	CHECKM(rc == (r->parse_ok ? 0 : r->rc), "%s: pkey_parse %d", r->name, rc);
	if (r->rc == PKEY_E_OID && !r->parse_ok)
		CHECK_STR(k.oid, r->oid);
	if (r->parse_ok) {
		hex_after(&text, "priv:", "pub:", &priv);
		point.n = r->point;
		memcpy(point.b, spki.b + spki.n - r->point, r->point);
		CHECKM(k.curve == r->curve && same(k.d, k.dlen, &priv) && same(k.pub, k.publen, &point),
			"%s: curve, scalar and point", r->name);
		refuse_cuts(r, &p8, 0);
	}
	if (r->rc == 0 && r->curve == 0) {
		hex_after(&text, "modulus:", "publicExponent", &mod);
		CHECKM(k.curve == 0 && same(k.pub, k.publen, &mod), "%s: modulus", r->name);
	}
	if (r->rc == 0 && r->curve != 0) {
		hex_after(&text, "priv:", "pub:", &priv);
		point.n = r->point;
		memcpy(point.b, spki.b + spki.n - r->point, r->point);
		CHECKM(k.curve == r->curve && same(k.d, k.dlen, &priv), "%s: scalar", r->name);
		CHECKM(r->no_public ? k.pub == NULL : same(k.pub, k.publen, &point), "%s: point",
			r->name);
	}

	rc = pkey_cert(cert.b, cert.n, &k);
	CHECKM(rc == r->rc, "%s: pkey_cert %d", r->name, rc);
	if (r->rc == PKEY_E_OID)
		CHECK_STR(k.oid, r->oid);
	if (r->rc == 0 && r->curve == 0) {
		exponent(&text, &e);
		CHECKM(k.curve == 0 && same(k.pub, k.publen, &mod) && same(k.e, k.elen, &e),
			"%s: certificate's modulus and exponent", r->name);
		CHECKM(pkey_in_cert(cert.b, cert.n, mod.b, mod.n) == 1, "%s: in its certificate",
			r->name);
	}
	if (r->rc == 0 && r->curve != 0) {
		CHECKM(k.curve == r->curve && same(k.pub, k.publen, &point),
			"%s: certificate's point", r->name);
		CHECKM(pkey_in_cert(cert.b, cert.n, point.b, point.n) == 1, "%s: in its certificate",
			r->name);
	}
	if (r->rc == 0 && prev_cert->n > 0) {
		const blob *pub = r->curve ? &point : &mod;

		CHECKM(pkey_in_cert(prev_cert->b, prev_cert->n, pub->b, pub->n) == 0,
			"%s: in another key's certificate", r->name);
	}
	if (r->rc == 0) {
		refuse_cuts(r, &p8, 0);
		refuse_cuts(r, &cert, 1);
		*prev_cert = cert;
	}
}

static void test_rows(void)
{
	static blob prev;
	char rm[64];
	size_t i;

	if (mkdtemp(dir) == NULL) {
		CHECKM(0, "mkdtemp %s", dir);
		return;
	}
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
		one(&rows[i], &prev);
	snprintf(rm, sizeof rm, "rm -rf %s", dir);
	CHECK(system(rm) == 0);
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_rows);
	T_END();
}
