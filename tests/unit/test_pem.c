/* Unit tests of pem_split: bundles in the orders Key Vault produces, and
 * every refusal. */
#include "pem.h"
#include "t.h"

#define K "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
#define RK "-----BEGIN RSA PRIVATE KEY-----\nBBBB\n-----END RSA PRIVATE KEY-----\n"
#define C1 "-----BEGIN CERTIFICATE-----\nCCCC\n-----END CERTIFICATE-----\n"
#define C2 "-----BEGIN CERTIFICATE-----\nDDDD\n-----END CERTIFICATE-----\n"

static int split(const char *in, char *kb, char *cb, size_t cap, int *kn, int *cn)
{
	pem_out k = { kb, cap, 0, 0 }, c = { cb, cap, 0, 0 };
	int rc = pem_split(in, strlen(in), &k, &c);

	kb[k.len] = 0;
	cb[c.len] = 0;
	*kn = k.blocks;
	*cn = c.blocks;
	return rc;
}

int main(void)
{
	char kb[512], cb[512];
	int kn, cn;

	CHECK_EQ(split(K C1 C2, kb, cb, sizeof kb, &kn, &cn), 0);
	CHECK_STR(kb, K);
	CHECK_STR(cb, C1 C2);
	CHECK(kn == 1 && cn == 2);
	/* certificates first, Bag Attributes text between blocks, RSA key */
	CHECK_EQ(split("Bag Attributes\n" C2 "junk\n" RK C1, kb, cb, sizeof kb, &kn, &cn), 0);
	CHECK_STR(kb, RK);
	CHECK_STR(cb, C2 C1);
	/* no final newline, CRLF endings */
	CHECK_EQ(split("-----BEGIN CERTIFICATE-----\r\nEE\r\n-----END CERTIFICATE-----", kb, cb,
		sizeof kb, &kn, &cn), 0);
	CHECK_STR(cb, "-----BEGIN CERTIFICATE-----\r\nEE\r\n-----END CERTIFICATE-----\n");
	CHECK_EQ(kn, 0);
	/* other labels are skipped */
	CHECK_EQ(split("-----BEGIN X509 CRL-----\nZZ\n-----END X509 CRL-----\n" C1, kb, cb,
		sizeof kb, &kn, &cn), 0);
	CHECK_STR(cb, C1);
	CHECK_EQ(split("", kb, cb, sizeof kb, &kn, &cn), 0);
	CHECK(kn == 0 && cn == 0);
	/* refusals */
	CHECK_EQ(split(K K, kb, cb, sizeof kb, &kn, &cn), PEM_E_KEYS);
	CHECK_EQ(split("-----BEGIN CERTIFICATE-----\nCCCC\n", kb, cb, sizeof kb, &kn, &cn), PEM_E_FORM);
	CHECK_EQ(split("-----BEGIN CERTIFICATE-----\nC\n-----END PRIVATE KEY-----\n", kb, cb,
		sizeof kb, &kn, &cn), PEM_E_FORM);
	CHECK_EQ(split("-----BEGIN CERTIFICATE", kb, cb, sizeof kb, &kn, &cn), PEM_E_FORM);
	CHECK_EQ(split(C1 C2, kb, cb, 80, &kn, &cn), PEM_E_SPACE);
	/* a NULL output drops its blocks */
	{
		pem_out c = { cb, sizeof cb, 0, 0 };

		CHECK_EQ(pem_split(K C1, strlen(K C1), NULL, &c), 0);
		CHECK_EQ(c.blocks, 1);
	}
	T_END();
}
