/*
 * fuzz_x509: a certificate's DER through x509_parse, and the same bytes as
 * an extendedKeyUsage value through x509_eku. Parsed names lie inside the
 * input and are SEQUENCEs; dates lie within years 1950..9999; the result
 * is X509_E_DER or fields; eku is one of the four values. x509_path over
 * copies of the parsed certificate starts with the leaf and never repeats;
 * ca is 0 or 1. pkey_cert on the same bytes (a --cacert root's or the
 * pinned leaf's key): 0 with a key inside the input on a known curve (or
 * RSA with an exponent), or PKEY_E_DER / PKEY_E_OID.
 */
#include "fuzz.h"
#include "pki/pkey.h"
#include "pki/x509.h"

#define Y1950 (-631152000LL)
#define Y10000 253402300800LL

static int inside(const unsigned char *p, size_t n, const unsigned char *b, size_t len)
{
	return p >= b && n <= len && (size_t)(p - b) <= len - n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *b = (unsigned char *)fuzz_buf(size);
	x509_cert c, set[4];
	pkey pk;
	size_t order[4], k, i, j;
	int r, e;

	memcpy(b, data, size);
	r = x509_parse(&c, b, size);
	FUZZ_CHECK(r == 0 || r == X509_E_DER);
	if (r == 0) {
		FUZZ_CHECK(inside(c.issuer, c.issuer_len, b, size) && c.issuer_len >= 2);
		FUZZ_CHECK(inside(c.subject, c.subject_len, b, size) && c.subject_len >= 2);
		FUZZ_CHECK(c.issuer[0] == 0x30 && c.subject[0] == 0x30);
		FUZZ_CHECK(c.not_before >= Y1950 && c.not_before < Y10000);
		FUZZ_CHECK(c.not_after >= Y1950 && c.not_after < Y10000);
		FUZZ_CHECK(c.sha1 == 0 || c.sha1 == 1);
		FUZZ_CHECK(c.eku >= X509_EKU_ABSENT && c.eku <= X509_EKU_OTHER);
		FUZZ_CHECK(c.ca == 0 || c.ca == 1);
		for (i = 0; i < 4; i++)
			set[i] = c;
		k = x509_path(set, 4, order);
		FUZZ_CHECK(k >= 1 && k <= 4 && order[0] == 0);
		for (i = 0; i < k; i++)
			for (j = i + 1; j < k; j++)
				FUZZ_CHECK(order[i] != order[j]);
	}
	r = pkey_cert(b, size, &pk);
	FUZZ_CHECK(r == 0 || r == PKEY_E_DER || r == PKEY_E_OID);
	if (r == 0) {
		FUZZ_CHECK(pk.publen > 0 && inside(pk.pub, pk.publen, b, size));
		FUZZ_CHECK(pk.curve == 0 || (pk.curve >= 23 && pk.curve <= 25));
		FUZZ_CHECK(pk.curve != 0 || (pk.elen > 0 && inside(pk.e, pk.elen, b, size)));
	}
	e = x509_eku(b, size);
	FUZZ_CHECK(e == X509_E_DER || (e >= X509_EKU_SERVER && e <= X509_EKU_OTHER));
	free(b);
	return 0;
}
