/* Unit tests of pem_split: bundles in the orders Key Vault produces, and
 * every refusal. */
#include "codec/pem.h"
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


/* Read text with a pem_reader fed in pieces of `step` bytes; the DERs found
 * are appended to out (each followed by '|'); returns 0 or the error. */
static int read_certs(const char *text, size_t step, size_t cap, char *out)
{
	unsigned char der[64];
	pem_reader r;
	size_t n = strlen(text), at = 0, used;
	int rc;

	*out = 0;
	pem_reader_init(&r, der, cap < sizeof der ? cap : sizeof der);
	while (at < n) {
		size_t k = n - at < step ? n - at : step;

		rc = pem_reader_feed(&r, text + at, k, &used);
		if (rc < 0)
			return rc;
		at += used;
		if (rc == PEM_CERT) {
			strncat(out, (const char *)der, r.len);
			strcat(out, "|");
		}
	}
	rc = pem_reader_end(&r);
	if (rc == PEM_CERT) {
		strncat(out, (const char *)der, r.len);
		strcat(out, "|");
		rc = 0;
	}
	return rc;
}

#define B(x) "-----BEGIN CERTIFICATE-----\n" x "\n-----END CERTIFICATE-----\n"

static void test_reader(void)
{
	const char *bundle = "# a comment line longer than PEM_LINE_MAX: "
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
		B("aGVsbG8g\nd29ybGQh")
		"-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n"
		"Subject: text between blocks\r\n"
		"-----BEGIN X509 CERTIFICATE-----\r\n  aGk=  \r\n\r\n-----END X509 CERTIFICATE-----  \r\n"
		B("aG\nV5");
	char out[256];
	size_t step;

	/* every way of cutting the input gives the same certificates */
	for (step = 1; step <= strlen(bundle); step++) {
		int rc = read_certs(bundle, step, 64, out);

		CHECKM(rc == 0 && strcmp(out, "hello world!|hi|hey|") == 0,
			"step %zu: rc %d out \"%s\"", step, rc, out);
	}
	/* no final newline */
	CHECK_EQ(read_certs("-----BEGIN CERTIFICATE-----\naGk=\n-----END CERTIFICATE-----", 7, 64, out), 0);
	CHECK_STR(out, "hi|");
	CHECK_EQ(read_certs("no certificates here\n", 3, 64, out), 0);
	CHECK_STR(out, "");
	/* refusals */
	CHECK_EQ(read_certs(B("aGk*"), 5, 64, out), PEM_E_B64);      /* not base64 */
	CHECK_EQ(read_certs(B("aG_k"), 5, 64, out), PEM_E_B64);      /* URL-safe alphabet */
	CHECK_EQ(read_certs(B("aGk=aGk="), 5, 64, out), PEM_E_B64);  /* data after padding */
	CHECK_EQ(read_certs(B("aGl="), 5, 64, out), PEM_E_B64);      /* non-zero spare bits */
	CHECK_EQ(read_certs(B("aGVsb"), 5, 64, out), PEM_E_B64);     /* a lone last character */
	CHECK_EQ(read_certs(B("aGVsbG8g"), 5, 4, out), PEM_E_BIG);   /* over cap */
	CHECK_EQ(read_certs("-----BEGIN CERTIFICATE-----\naGk=\n", 5, 64, out), PEM_E_FORM);
	CHECK_EQ(read_certs(B("aGk=\n-----BEGIN CERTIFICATE-----"), 5, 64, out), PEM_E_B64);
	CHECK_EQ(read_certs(B("aGk=\n-----------------------------------------------------------"
		"--------------------------------------------------------------------------------"), 5, 64, out),
		PEM_E_B64);
	/* a key block is skipped whole, even with a certificate-like line in it */
	CHECK_EQ(read_certs("-----BEGIN RSA PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\n"
		"-----END RSA PRIVATE KEY-----\n" B("aGk="), 4, 64, out), 0);
	CHECK_STR(out, "hi|");
}

static void test_pem_split(void)
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
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_pem_split);
	T_RUN(test_reader);
	T_END();
}
