/*
 * diff_trust: the --cacert loader (trust.c: x509_parse for the subject
 * name and basicConstraints, pkey_cert for the key) against BearSSL's own
 * X.509 decoder, which made the anchors before. For every certificate of
 * the PEM files named (tests/run.sh: the system bundle and the built-in
 * roots of certs/), each anchor must hold exactly the decoder's name, CA
 * flag and key. Then every truncation (both refuse) and a one-byte change
 * at every offset of each file's first certificate: whenever both accept,
 * they must agree (where only one accepts is counted and shown). Links the host build of
 * BearSSL (build/bearssl-host); run under ASan/UBSan by tests/run.sh.
 * DIFF_TRUST_SHOW=1 lists the changes only our loader accepts.
 */
#include <bearssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "codec/pem.h"
#include "t.h"
#include "tls/trust.h"

/* trust.c's trust_builtin names the generated table: none here. */
const br_x509_trust_anchor tls_builtin_anchors[1];
const size_t tls_builtin_anchors_num = 0;

static trust_anchors trust;
static char tmp[] = "/tmp/diff_trust.XXXXXX";

typedef struct dn {
	unsigned char b[8192];
	size_t n;
} dn;

static void dn_add(void *ctx, const void *p, size_t n)
{
	dn *d = ctx;

	if (n <= sizeof d->b - d->n) {
		memcpy(d->b + d->n, p, n);
		d->n += n;
	}
}

static int same(const void *a, size_t an, const void *b, size_t bn)
{
	return an == bn && memcmp(a, b, an) == 0;
}

/* Does anchor ta hold what the decoder reads from der[n]? -1: the decoder
 * refuses it. */
static int matches(const br_x509_trust_anchor *ta, const unsigned char *der, size_t n)
{
	br_x509_decoder_context dc;
	const br_x509_pkey *pk;
	dn name = { .n = 0 };

	br_x509_decoder_init(&dc, dn_add, &name);
	br_x509_decoder_push(&dc, der, n);
	pk = br_x509_decoder_get_pkey(&dc);
	if (pk == NULL)
		return -1;
	if (ta == NULL)
		return 0;
	if (!same(ta->dn.data, ta->dn.len, name.b, name.n)
		|| !!(ta->flags & BR_X509_TA_CA) != !!br_x509_decoder_isCA(&dc)
		|| ta->pkey.key_type != pk->key_type)
		return 0;
	if (pk->key_type == BR_KEYTYPE_RSA)
		return same(ta->pkey.key.rsa.n, ta->pkey.key.rsa.nlen, pk->key.rsa.n, pk->key.rsa.nlen)
			&& same(ta->pkey.key.rsa.e, ta->pkey.key.rsa.elen, pk->key.rsa.e, pk->key.rsa.elen);
	return ta->pkey.key.ec.curve == pk->key.ec.curve
		&& same(ta->pkey.key.ec.q, ta->pkey.key.ec.qlen, pk->key.ec.q, pk->key.ec.qlen);
}

/* Load der[n] alone as a CA file: the anchor, or NULL if refused. */
static const br_x509_trust_anchor *load_one(const unsigned char *der, size_t n)
{
	FILE *f = fopen(tmp, "w");
	pem_out o = { .len = 0 };
	static char text[64 * 1024];
	err e;

	o.buf = text;
	o.cap = sizeof text;
	if (f == NULL || pem_write(&o, "CERTIFICATE", der, n) < 0)
		return NULL;
	fwrite(text, 1, o.len, f);
	fclose(f);
	if (trust_load(&trust, tmp, &e) < 0)
		return NULL;
	return trust.n == 1 ? trust.tas : NULL;
}

/* Every truncation and one-byte change of der[n]. */
static void mutate(const char *what, const unsigned char *der, size_t n)
{
	static unsigned char m[TLS_CERT_MAX];
	size_t i, both = 0, ours = 0, theirs = 0;
	int d;

	for (i = 0; i < n; i++) {
		memcpy(m, der, i);
		CHECKM(load_one(m, i) == NULL && matches(NULL, m, i) == -1,
			"%s: truncated at %zu accepted", what, i);
	}
	for (i = 0; i < n; i++) {
		const br_x509_trust_anchor *ta;

		memcpy(m, der, n);
		m[i] ^= (unsigned char)(i % 7 == 0 ? 0x80 : 1 << (i % 7));
		ta = load_one(m, n);
		d = matches(ta, m, n);
		if (ta && d >= 0) {
			both++;
			CHECKM(d == 1, "%s: byte %zu changed: the anchors differ", what, i);
		} else if (ta) {
			ours++;
			if (getenv("DIFF_TRUST_SHOW"))
				printf("  only ours: byte %zu %02x->%02x\n", i, der[i], m[i]);
		} else if (d >= 0) {
			theirs++;
		}
	}
	printf("%s: %zu one-byte changes: both accept %zu, only ours %zu, only BearSSL's %zu\n",
		what, n, both, ours, theirs);
}

static void check_file(const char *path)
{
	static char text[1024 * 1024];
	static unsigned char der[TLS_CERT_MAX];
	FILE *f = fopen(path, "r");
	pem_reader r;
	size_t len, at = 0, used, k = 0;
	int rc;
	err e;

	CHECKM(f != NULL, "%s: cannot open", path);
	if (f == NULL)
		return;
	len = fread(text, 1, sizeof text, f);
	fclose(f);
	CHECKM(trust_load(&trust, path, &e) == 0, "%s: %s", path, e.msg);
	pem_reader_init(&r, der, sizeof der);
	while (at < len) {
		rc = pem_reader_feed(&r, text + at, len - at, &used);
		at += used;
		if (rc != PEM_CERT)
			continue;
		CHECKM(k < trust.n && matches((const br_x509_trust_anchor *)trust.tas + k, der,
			r.len) == 1, "%s: certificate %zu differs from BearSSL's decoding", path, k + 1);
		k++;
	}
	CHECKM(k == trust.n && k > 0, "%s: %zu certificates, %zu anchors", path, k, trust.n);
	printf("%s: %zu anchors as BearSSL decodes them\n", path, k);
	/* the first certificate again, now alone: mutations */
	pem_reader_init(&r, der, sizeof der);
	for (at = 0; at < len; at += used)
		if (pem_reader_feed(&r, text + at, len - at, &used) == PEM_CERT) {
			unsigned char copy[TLS_CERT_MAX];
			size_t n = r.len;

			memcpy(copy, der, n);
			mutate(path, copy, n);
			break;
		}
}

int main(int argc, char **argv)
{
	int fd = mkstemp(tmp), i;

	CHECK(fd >= 0);
	close(fd);
	CHECKM(argc > 1, "%s", "usage: diff_trust PEM...");
	for (i = 1; i < argc; i++)
		check_file(argv[i]);
	unlink(tmp);
	T_END();
}
