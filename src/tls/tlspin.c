#include "tls/tlspin.h"
#include "pki/pkey.h"

#include <stddef.h>
#include <string.h>

static void pin_start_chain(const br_x509_class **ctx, const char *server_name)
{
	tlspin *p = (tlspin *)(void *)ctx;

	(void)server_name; /* a self-signed endpoint: the pin replaces the name */
	p->certs = 0;
	p->len = 0;
	p->ok = 0;
	br_sha1_init(&p->sha);
}

static void pin_start_cert(const br_x509_class **ctx, uint32_t length)
{
	(void)ctx;
	(void)length;
}

static void pin_append(const br_x509_class **ctx, const unsigned char *buf,
	size_t len)
{
	tlspin *p = (tlspin *)(void *)ctx;

	if (p->certs != 0)
		return;
	br_sha1_update(&p->sha, buf, len);
	if (p->len <= TLSPIN_CERT_MAX && len <= TLSPIN_CERT_MAX - p->len) {
		memcpy(p->buf + p->len, buf, len);
		p->len += len;
	} else {
		p->len = TLSPIN_CERT_MAX + 1; /* too big: refused at end_chain */
	}
}

static void pin_end_cert(const br_x509_class **ctx)
{
	((tlspin *)(void *)ctx)->certs++;
}

static unsigned pin_end_chain(const br_x509_class **ctx)
{
	tlspin *p = (tlspin *)(void *)ctx;
	unsigned char got[TLS_PIN_LEN];
	unsigned diff = 0;
	size_t i;
	pkey k;
	int rc;

	if (p->certs == 0)
		return BR_ERR_X509_EMPTY_CHAIN;
	br_sha1_out(&p->sha, got);
	for (i = 0; i < TLS_PIN_LEN; i++) /* constant time */
		diff |= (unsigned)(got[i] ^ p->want[i]);
	if (diff != 0)
		return BR_ERR_X509_NOT_TRUSTED;
	if (p->len > TLSPIN_CERT_MAX)
		return BR_ERR_X509_LIMIT_EXCEEDED;
	rc = pkey_cert(p->buf, p->len, &k);
	if (rc == PKEY_E_OID)
		return BR_ERR_X509_UNSUPPORTED;
	if (rc < 0)
		return BR_ERR_X509_INVALID_VALUE;
	if (k.curve == 0) {
		p->pk.key_type = BR_KEYTYPE_RSA;
		p->pk.key.rsa.n = p->buf + (k.pub - p->buf);
		p->pk.key.rsa.nlen = k.publen;
		p->pk.key.rsa.e = p->buf + (k.e - p->buf);
		p->pk.key.rsa.elen = k.elen;
	} else {
		p->pk.key_type = BR_KEYTYPE_EC;
		p->pk.key.ec.curve = k.curve;
		p->pk.key.ec.q = p->buf + (k.pub - p->buf);
		p->pk.key.ec.qlen = k.publen;
	}
	p->ok = 1;
	return 0;
}

static const br_x509_pkey *pin_get_pkey(const br_x509_class *const *ctx,
	unsigned *usages)
{
	const tlspin *p = (const tlspin *)(const void *)ctx;

	if (!p->ok)
		return NULL;
	if (usages)
		*usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
	return &p->pk;
}

const br_x509_class tlspin_vtable = {
	sizeof(tlspin), pin_start_chain, pin_start_cert, pin_append,
	pin_end_cert, pin_end_chain, pin_get_pkey,
};
