/*
 * tlspin: the pinned X.509 "validator" for Service Fabric's self-signed
 * token endpoint: the SHA-1 of the leaf's DER must equal the pin, and its
 * public key is then the server's. No chain, name or date check.
 */
#include "tlspin.h"

#include <stddef.h>

static void pin_start_chain(const br_x509_class **ctx, const char *server_name)
{
	tls_pin *p = (tls_pin *)(void *)ctx;

	(void)server_name; /* a self-signed endpoint: the pin replaces the name */
	p->certs = 0;
	p->pk = NULL;
}

static void pin_start_cert(const br_x509_class **ctx, uint32_t length)
{
	tls_pin *p = (tls_pin *)(void *)ctx;

	(void)length;
	if (p->certs == 0) {
		br_sha1_init(&p->sha);
		br_x509_decoder_init(&p->dc, NULL, NULL);
	}
}

static void pin_append(const br_x509_class **ctx, const unsigned char *buf,
	size_t len)
{
	tls_pin *p = (tls_pin *)(void *)ctx;

	if (p->certs == 0) {
		br_sha1_update(&p->sha, buf, len);
		br_x509_decoder_push(&p->dc, buf, len);
	}
}

static void pin_end_cert(const br_x509_class **ctx)
{
	((tls_pin *)(void *)ctx)->certs++;
}

static unsigned pin_end_chain(const br_x509_class **ctx)
{
	tls_pin *p = (tls_pin *)(void *)ctx;
	unsigned char got[TLS_PIN_LEN];
	unsigned diff = 0;
	size_t i;
	int derr;
	const br_x509_pkey *pk;

	if (p->certs == 0)
		return BR_ERR_X509_EMPTY_CHAIN;
	br_sha1_out(&p->sha, got);
	for (i = 0; i < TLS_PIN_LEN; i++) /* constant time */
		diff |= (unsigned)(got[i] ^ p->want[i]);
	if (diff != 0)
		return BR_ERR_X509_NOT_TRUSTED;
	pk = br_x509_decoder_get_pkey(&p->dc);
	if (pk == NULL) {
		derr = br_x509_decoder_last_error(&p->dc);
		return derr ? (unsigned)derr : BR_ERR_X509_INVALID_VALUE;
	}
	p->pk = pk;
	return 0;
}

static const br_x509_pkey *pin_get_pkey(const br_x509_class *const *ctx,
	unsigned *usages)
{
	const tls_pin *p = (const tls_pin *)(const void *)ctx;

	if (p->pk && usages)
		*usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
	return p->pk;
}

const br_x509_class tlspin_vtable = {
	sizeof(tls_pin), pin_start_chain, pin_start_cert, pin_append,
	pin_end_cert, pin_end_chain, pin_get_pkey,
};
