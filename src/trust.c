/*
 * trust: the trust anchors a TLS connection checks against: the roots
 * built in from certs/ (build/gen/anchors.c), the CERTIFICATE blocks of a
 * --cacert PEM file decoded into the caller's tls_trust (anchors, names
 * and keys copied into its arena), or a Service Fabric pin.
 */
#include "tls.h"
#include "pem.h"

#include <bearssl.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

extern const br_x509_trust_anchor tls_builtin_anchors[];
extern const size_t tls_builtin_anchors_num;

_Static_assert(sizeof(br_x509_trust_anchor) <= TLS_ANCHOR_SIZE,
	"raise TLS_ANCHOR_SIZE");

void tls_trust_builtin(tls_trust *t)
{
	t->tas = tls_builtin_anchors;
	t->n = tls_builtin_anchors_num;
	t->used = 0;
	t->pinned = 0;
}

void tls_trust_pin(tls_trust *t, const unsigned char sha1[TLS_PIN_LEN])
{
	t->tas = NULL;
	t->n = t->used = 0;
	t->pinned = 1;
	memcpy(t->pin, sha1, TLS_PIN_LEN);
}

/* Loading state for one PEM file: the anchors and arena being filled. */
typedef struct loader {
	tls_trust *t;
	int overflow;
} loader;

static unsigned char *arena_put(loader *l, const void *p, size_t n)
{
	unsigned char *dst;

	if (n > TLS_ARENA_MAX - l->t->used) {
		l->overflow = 1;
		return NULL;
	}
	dst = l->t->arena + l->t->used;
	memcpy(dst, p, n);
	l->t->used += n;
	return dst;
}

static void dn_append(void *ctx, const void *p, size_t n)
{
	arena_put(ctx, p, n);
}

/* Decode the len bytes of DER in t->der into the next anchor. */
static int add_anchor(loader *l, size_t len, const char *path, err *e)
{
	br_x509_trust_anchor *ta = (br_x509_trust_anchor *)(void *)l->t->own + l->t->n;
	br_x509_decoder_context dc;
	const br_x509_pkey *pk;
	size_t dn_start = l->t->used;
	char why[96];

	if (l->t->n >= TLS_ANCHORS_MAX)
		return err_set(e, ERR_USAGE, "CA file %s: more than %d certificates",
			path, TLS_ANCHORS_MAX);
	br_x509_decoder_init(&dc, dn_append, l);
	br_x509_decoder_push(&dc, l->t->der, len);
	pk = br_x509_decoder_get_pkey(&dc);
	if (pk == NULL) {
		tls_errtext(br_x509_decoder_last_error(&dc), why, sizeof why);
		return err_set(e, ERR_USAGE, "CA file %s: certificate %zu: %s",
			path, l->t->n + 1, why);
	}
	memset(ta, 0, sizeof *ta);
	ta->dn.data = l->t->arena + dn_start;
	ta->dn.len = l->t->used - dn_start;
	ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	ta->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta->pkey.key.rsa.n = arena_put(l, pk->key.rsa.n, pk->key.rsa.nlen);
		ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta->pkey.key.rsa.e = arena_put(l, pk->key.rsa.e, pk->key.rsa.elen);
		ta->pkey.key.rsa.elen = pk->key.rsa.elen;
	} else {
		ta->pkey.key.ec.curve = pk->key.ec.curve;
		ta->pkey.key.ec.q = arena_put(l, pk->key.ec.q, pk->key.ec.qlen);
		ta->pkey.key.ec.qlen = pk->key.ec.qlen;
	}
	if (l->overflow)
		return err_set(e, ERR_USAGE, "CA file %s: too large (limit %d bytes of keys and names)",
			path, TLS_ARENA_MAX);
	l->t->n++;
	return 0;
}

/* What the reader said (PEM_CERT: add that certificate). */
static int pem_step(loader *l, pem_reader *r, int rc, const char *path, err *e)
{
	if (rc == PEM_CERT)
		return add_anchor(l, r->len, path, e);
	if (rc == PEM_E_BIG)
		return err_set(e, ERR_USAGE, "CA file %s: certificate %zu: over %d bytes",
			path, l->t->n + 1, TLS_CERT_MAX);
	if (rc < 0)
		return err_set(e, ERR_USAGE, "CA file %s: certificate %zu: %s", path,
			l->t->n + 1, pem_strerror(rc));
	return 0;
}

int tls_trust_load(tls_trust *t, const char *path, err *e)
{
	loader l = { t, 0 };
	pem_reader r;
	char chunk[4096];
	int fd, rc = 0;
	long got = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, ERR_USAGE, "CA file %s: %s", path, err_errno(errno));
	t->n = t->used = 0;
	t->tas = t->own;
	t->pinned = 0;
	pem_reader_init(&r, t->der, sizeof t->der);
	while (rc == 0 && (got = read(fd, chunk, sizeof chunk)) > 0) {
		size_t at = 0, used;

		while (rc == 0 && at < (size_t)got) {
			rc = pem_reader_feed(&r, chunk + at, (size_t)got - at, &used);
			at += used;
			rc = pem_step(&l, &r, rc, path, e);
		}
	}
	if (rc == 0 && got < 0)
		rc = err_set(e, ERR_USAGE, "CA file %s: %s", path, err_errno(errno));
	close(fd);
	if (rc == 0)
		rc = pem_step(&l, &r, pem_reader_end(&r), path, e);
	if (rc == 0 && t->n == 0)
		rc = err_set(e, ERR_USAGE, "CA file %s: no certificate found", path);
	return rc;
}
