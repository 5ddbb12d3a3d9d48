/* trust: the built-in roots (build/gen/anchors.c) and the PEM file
 * loader, on our DER walkers (x509.c, pkey.c). */
#include "tls/trust.h"
#include "base/frame.h"
#include "base/mem.h"
#include "codec/pem.h"
#include "pki/pkey.h"
#include "pki/x509.h"

#include <bearssl.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

extern const br_x509_trust_anchor tls_builtin_anchors[];
extern const size_t tls_builtin_anchors_num;

/* A root's key: RSA modulus and exponent together (a 4096-bit modulus and
 * an exponent of up to 8 bytes), or an EC point: the limit BearSSL's X.509
 * decoder had (BR_X509_BUFSIZE_KEY) when it read the roots. */
#define TRUST_KEY_MAX 520

_Static_assert(sizeof(br_x509_trust_anchor) <= TRUST_ANCHOR_SIZE,
	"raise TRUST_ANCHOR_SIZE");

void trust_builtin(trust_anchors *t)
{
	t->tas = tls_builtin_anchors;
	t->n = tls_builtin_anchors_num;
	t->used = 0;
}

void trust_done(trust_anchors *t)
{
	mem_give(t->own, TRUST_OWN_SIZE + TRUST_ARENA_MAX, 0);
	t->own = NULL;
	t->tas = NULL;
	t->n = 0;
}

/* Loading state for one PEM file: the anchors and arena being filled. */
typedef struct loader {
	trust_anchors *t;
	unsigned char *der; /* the certificate being read */
	int overflow;
} loader;

static unsigned char *arena_put(loader *l, const void *p, size_t n)
{
	unsigned char *dst;

	if (n > TRUST_ARENA_MAX - l->t->used) {
		l->overflow = 1;
		return NULL;
	}
	dst = l->t->own + TRUST_OWN_SIZE + l->t->used;
	memcpy(dst, p, n);
	l->t->used += n;
	return dst;
}

/* Decode the len bytes of DER in l->der into the next anchor: its subject
 * name (the whole Name, as BearSSL compares issuers), whether it is a CA,
 * and its public key (RSA to TRUST_KEY_MAX bytes of modulus and exponent,
 * or EC P-256, P-384, P-521), all copied into the arena. */
static int add_anchor(loader *l, size_t len, const char *path, err *e)
{
	br_x509_trust_anchor *ta = (br_x509_trust_anchor *)(void *)l->t->own + l->t->n;
	x509_cert c;
	pkey k;
	int rc;

	if (l->t->n >= TRUST_ANCHORS_MAX)
		return err_set(e, ERR_USAGE, "CA file %s: more than %d certificates",
			path, TRUST_ANCHORS_MAX);
	rc = x509_parse(&c, l->der, len) < 0 ? PKEY_E_DER : pkey_cert(l->der, len, &k);
	if (rc == PKEY_E_OID)
		return err_set(e, ERR_USAGE, "CA file %s: certificate %zu: key algorithm %s not supported",
			path, l->t->n + 1, k.oid);
	if (rc < 0)
		return err_set(e, ERR_USAGE, "CA file %s: certificate %zu: not valid DER X.509",
			path, l->t->n + 1);
	if (k.publen + k.elen > TRUST_KEY_MAX)
		return err_set(e, ERR_USAGE, "CA file %s: certificate %zu: key over %d bytes",
			path, l->t->n + 1, TRUST_KEY_MAX);
	memset(ta, 0, sizeof *ta);
	ta->dn.data = arena_put(l, c.subject, c.subject_len);
	ta->dn.len = c.subject_len;
	ta->flags = c.ca ? BR_X509_TA_CA : 0;
	if (k.curve == 0) {
		ta->pkey.key_type = BR_KEYTYPE_RSA;
		ta->pkey.key.rsa.n = arena_put(l, k.pub, k.publen);
		ta->pkey.key.rsa.nlen = k.publen;
		ta->pkey.key.rsa.e = arena_put(l, k.e, k.elen);
		ta->pkey.key.rsa.elen = k.elen;
	} else {
		ta->pkey.key_type = BR_KEYTYPE_EC;
		ta->pkey.key.ec.curve = k.curve;
		ta->pkey.key.ec.q = arena_put(l, k.pub, k.publen);
		ta->pkey.key.ec.qlen = k.publen;
	}
	if (l->overflow)
		return err_set(e, ERR_USAGE, "CA file %s: too large (limit %d bytes of keys and names)",
			path, TRUST_ARENA_MAX);
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

/* The certificate being read is on the stack (a run loads roots before
 * anything deeper runs). */
BIG_FRAME int trust_load(trust_anchors *t, const char *path, err *e)
{
	unsigned char der[TLS_CERT_MAX];
	loader l = { t, der, 0 };
	pem_reader r;
	char chunk[4096];
	int fd, rc = 0;
	long got = 0;

	trust_done(t);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, ERR_USAGE, "CA file %s: %s", path, err_errno(errno));
	t->own = mem_take(TRUST_OWN_SIZE + TRUST_ARENA_MAX, e);
	if (!t->own) {
		close(fd);
		return -1;
	}
	t->used = 0;
	t->tas = t->own;
	pem_reader_init(&r, der, sizeof der);
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
