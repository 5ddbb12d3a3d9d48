#include "vault/cert.h"

#include <fcntl.h>
#include <string.h>

#include "base/file.h"
#include "base/fmt.h"
#include "codec/b64.h"
#include "base/frame.h"
#include "base/log.h"
#include "base/mem.h"
#include "codec/pem.h"
#include "pki/pkcs12.h"
#include "base/str.h"
#include "pki/pkey.h"
#include "pki/x509.h"

#define CERT_PUB_MAX 160 /* an EC point (P-521: 133 bytes) */

/* cert_write's buffers: taken for it, wiped and given back after. */
typedef struct cert_mem {
	pkcs12 p12;
	unsigned char pfx[PKCS12_PFX_MAX];
	char kbuf[2 * CERT_OUT_MAX], cbuf[CERT_OUT_MAX];
	out_file files[3];
} cert_mem;

static cert_mem *m;

/* --pfx-password-file into buf[PKCS12_PASS_MAX + 2]: at most
 * PKCS12_PASS_MAX bytes; one trailing newline is not part of the password.
 * buf is wiped on error. */
static int read_pass(const char *path, char *buf, size_t *n, err *e)
{
	char what[ERR_MSG_MAX];

	fmt(what, sizeof what, "--pfx-password-file %s", path);
	if (file_read_small(AT_FDCWD, path, 0, buf, PKCS12_PASS_MAX + 1, n, ERR_USAGE, what, e) < 0)
		return -1;
	*n -= *n > 0 && buf[*n - 1] == '\n';
	if (*n <= PKCS12_PASS_MAX)
		return 0;
	explicit_bzero(buf, *n + 1);
	return err_set(e, ERR_USAGE, "%s: %s", what, "larger than the limit, refused");
}

static int bad(const char *what, const char *why, const char *more, err *e)
{
	return err_set(e, ERR_MALFORMED, "%s: %s%s", what, why, more);
}

static int p12_error(const char *what, int rc, err *e)
{
	const char *more = rc == PKCS12_E_OID ? m->p12.oid : "";

	if (rc == PKCS12_E_MAC || rc == PKCS12_E_DECRYPT)
		more = m->p12.pass_given ? ": wrong password, or a damaged file"
			: ": a damaged file, or it needs --pfx-password-file";
	return err_set(e, rc == PKCS12_E_TIME ? ERR_NETWORK : ERR_MALFORMED, "%s: %s%s", what,
		pkcs12_strerror(rc), more);
}

static int same(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	return an == bn && memcmp(a, b, an) == 0;
}

/* Without a key (not exportable): the first certificate that issued none
 * of the others. */
static size_t guess_leaf(const x509_cert *c, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++)
			if (j != i && same(c[j].issuer, c[j].issuer_len, c[i].subject, c[i].subject_len))
				break;
		if (j == n)
			return i;
	}
	return 0;
}

/* The leaf: the certificate holding the key's public key (the RSA
 * modulus, or the EC point, computed when the key does not carry it). */
static int find_leaf(const char *what, const x509_cert *certs, size_t *leaf, err *e)
{
	unsigned char buf[CERT_PUB_MAX];
	pkey k;
	int rc;

	if (!m->p12.has_key)
		return *leaf = guess_leaf(certs, m->p12.ncerts), 0;
	rc = pkey_parse(m->p12.key.der, m->p12.key.len, &k);
	if (rc == PKEY_E_OID)
		return bad(what, "key algorithm not supported: ", k.oid, e);
	if (rc == 0 && !k.pub) {
		k.publen = pkcs12_ec_public(k.curve, k.d, k.dlen, buf, sizeof buf);
		k.pub = buf;
	}
	if (rc < 0 || k.publen == 0)
		return bad(what, "malformed private key", "", e);
	for (*leaf = 0; *leaf < m->p12.ncerts; ++*leaf)
		if (pkey_in_cert(m->p12.certs[*leaf].der, m->p12.certs[*leaf].len, k.pub, k.publen) == 1)
			break;
	explicit_bzero(&k, sizeof k);
	if (*leaf == m->p12.ncerts && m->p12.ncerts)
		return bad(what, "no certificate matches the private key", "", e);
	return 0;
}

static int from_pkcs12(const char *what, const char *value, size_t n, const cert_files *f,
	pem_out *key, pem_out *chain, err *e)
{
	static char pass[PKCS12_PASS_MAX + 2];
	x509_cert certs[PKCS12_CERTS_MAX];
	size_t order[PKCS12_CERTS_MAX], idx[PKCS12_CERTS_MAX], plen = 0, leaf = 0, i, k = 0;
	long len = b64_decode(m->pfx, sizeof m->pfx, value, n);
	int rc;

	if (len <= 0)
		return bad(what, "no PEM private key or certificate, nor base64 PKCS#12", "", e);
	if (f->pass_file && read_pass(f->pass_file, pass, &plen, e) < 0)
		return -1;
	pkcs12_init(&m->p12, f->pass_file ? pass : NULL, plen);
	explicit_bzero(pass, sizeof pass);
	m->p12.deadline = f->deadline;
	if ((rc = pkcs12_parse(&m->p12, m->pfx, (size_t)len)) < 0)
		return p12_error(what, rc, e);
	for (i = 0; i < m->p12.ncerts; i++) {
		idx[i] = i;
		if (x509_parse(&certs[i], m->p12.certs[i].der, m->p12.certs[i].len) < 0)
			return bad(what, "malformed certificate", "", e);
	}
	if (find_leaf(what, certs, &leaf, e) < 0)
		return -1;
	if (m->p12.ncerts) { /* x509_path starts at index 0: the leaf goes there */
		x509_cert t = certs[0];

		certs[0] = certs[leaf], certs[leaf] = t;
		idx[0] = leaf, idx[leaf] = 0;
		k = x509_path(certs, m->p12.ncerts, order);
	}
	if (k < m->p12.ncerts)
		log_v("%s: %zu certificates not on the leaf's path dropped", what, m->p12.ncerts - k);
	rc = m->p12.has_key ? pem_write(key, "PRIVATE KEY", m->p12.key.der, m->p12.key.len) : 0;
	for (i = 0; i < k && rc == 0; i++)
		rc = pem_write(chain, "CERTIFICATE", m->p12.certs[idx[order[i]]].der,
			m->p12.certs[idx[order[i]]].len);
	return rc < 0 ? bad(what, pem_strerror(rc), "", e) : 0;
}

/* The files asked for, written together: all or nothing. */
static int write_outputs(const cert_files *f, pem_out *key, const pem_out *chain,
	const out_opts *o, err *e)
{
	out_file *files = m->files;
	const char *path[3] = { f->key, f->certs, f->both };
	const char *data[3] = { key->buf, chain->buf, key->buf };
	size_t len[3] = { key->len, chain->len, key->len + chain->len }, i, n = 0;

	memcpy(key->buf + key->len, chain->buf, chain->len); /* --pem: key, chain */
	for (i = 0; i < 3; i++)
		if (path[i]) {
			files[n].path = path[i];
			files[n].data = data[i];
			files[n++].n = len[i];
		}
	return out_write_all(files, n, o, e);
}

int cert_write(const char *what, const char *value, size_t n, const cert_files *f,
	const out_opts *o, err *e)
{
	pem_out key, chain;
	int rc;

	m = mem_take(sizeof *m, e);
	if (!m)
		return -1;
	/* the key's buffer has room for the chain after it (--pem) */
	key = (pem_out){ m->kbuf, sizeof m->kbuf - CERT_OUT_MAX, 0, 0 };
	chain = (pem_out){ m->cbuf, sizeof m->cbuf, 0, 0 };

	if (str_find(value, "-----BEGIN "))
		rc = pem_split(value, n, &key, &chain) < 0 ? bad(what, "malformed PEM bundle", "", e) : 0;
	else
		rc = from_pkcs12(what, value, n, f, &key, &chain, e);
	if (rc == 0 && (f->key || f->both) && key.blocks == 0)
		rc = bad(what, "no private key in the value", "", e);
	if (rc == 0 && (f->certs || f->both) && chain.blocks == 0)
		rc = bad(what, "no certificate in the value", "", e);
	if (rc == 0)
		rc = write_outputs(f, &key, &chain, o, e);
	explicit_bzero(m->kbuf, key.len + chain.len);
	explicit_bzero(m->pfx, sizeof m->pfx);
	pkcs12_wipe(&m->p12);
	mem_give(m, sizeof *m, 0);
	return rc;
}

/* The certificate's DER is on the stack, only while it is converted. */
BIG_FRAME int cert_leaf_pem(char *v, size_t *n, size_t cap)
{
	unsigned char der[PKCS12_PFX_MAX];
	long len = b64_decode(der, sizeof der, v, *n);
	pem_out o = { v, cap, 0, 0 };

	if (len <= 0 || pem_write(&o, "CERTIFICATE", der, (size_t)len) < 0)
		return -1;
	*n = o.len;
	return 0;
}
