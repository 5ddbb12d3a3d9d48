/*
 * fuzz_pkcs12: a PKCS#12 file through pkcs12_parse, then its certificates
 * and key through pkey and x509 (parse, match, chain), as azkv does with a
 * certificate's secret. data[0] picks the password: none given (the empty
 * and absent ones are tried), "" given, or "pw". The input is an exact-size
 * heap copy. On success every item lies inside the input or the context's
 * work buffer, within its limit; chain indexes are distinct and in range.
 */
#include "fuzz.h"
#include "pki/pkcs12.h"
#include "pki/pkey.h"
#include "pki/x509.h"

static pkcs12 ctx;

static int inside(const unsigned char *p, size_t n, const unsigned char *b, size_t bn)
{
	return p >= b && n <= bn && (size_t)(p - b) <= bn - n;
}

static void check_items(const unsigned char *in, size_t n)
{
	x509_cert certs[PKCS12_CERTS_MAX];
	size_t order[PKCS12_CERTS_MAX], i, k, got;
	unsigned char seen[PKCS12_CERTS_MAX] = { 0 };
	pkey key;

	FUZZ_CHECK(ctx.ncerts <= PKCS12_CERTS_MAX);
	for (i = 0; i < ctx.ncerts; i++) {
		const pkcs12_item *it = &ctx.certs[i];

		FUZZ_CHECK(it->len <= PKCS12_CERT_MAX);
		FUZZ_CHECK(inside(it->der, it->len, in, n)
			|| inside(it->der, it->len, ctx.work, ctx.used));
		if (x509_parse(&certs[i], it->der, it->len) < 0)
			return;
	}
	if (ctx.has_key) {
		FUZZ_CHECK(ctx.key.len <= PKCS12_KEY_MAX);
		FUZZ_CHECK(inside(ctx.key.der, ctx.key.len, in, n)
			|| inside(ctx.key.der, ctx.key.len, ctx.work, ctx.used));
		if (pkey_parse(ctx.key.der, ctx.key.len, &key) == 0 && key.pub)
			for (i = 0; i < ctx.ncerts; i++)
				FUZZ_CHECK(pkey_in_cert(ctx.certs[i].der, ctx.certs[i].len,
					key.pub, key.publen) <= 1);
	}
	if (ctx.ncerts == 0)
		return;
	got = x509_path(certs, ctx.ncerts, order);
	FUZZ_CHECK(got >= 1 && got <= ctx.ncerts);
	for (k = 0; k < got; k++) {
		FUZZ_CHECK(order[k] < ctx.ncerts && !seen[order[k]]);
		seen[order[k]] = 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *in;
	int rc;

	if (size < 1)
		return 0;
	in = (unsigned char *)fuzz_buf(size - 1);
	memcpy(in, data + 1, size - 1);
	if (data[0] % 3 == 0)
		rc = pkcs12_init(&ctx, NULL, 0);
	else
		rc = pkcs12_init(&ctx, data[0] % 3 == 1 ? "" : "pw", data[0] % 3 == 1 ? 0 : 2);
	FUZZ_CHECK(rc == 0);
	rc = pkcs12_parse(&ctx, in, size - 1);
	FUZZ_CHECK(rc <= 0 && pkcs12_strerror(rc) != NULL);
	if (rc == 0)
		check_items(in, size - 1);
	pkcs12_wipe(&ctx);
	free(in);
	return 0;
}
