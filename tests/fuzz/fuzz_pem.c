/*
 * fuzz_pem: CA-file text through pem_reader, and PEM bundles through
 * pem_split. data[0] picks the piece size the reader is fed in, data[1] the
 * DER capacity. The reader never writes past its capacity, reports a
 * certificate only with len <= cap, consumes no more than it is given, and
 * gives the same certificates and the same outcome however the input is
 * cut (fed whole vs in pieces). pem_split holds its output caps and
 * terminates the outputs it wrote blocks to.
 */
#include "fuzz.h"
#include "codec/pem.h"

#define OUT_MAX 4096 /* certificates' bytes remembered per run */

typedef struct run {
	unsigned char got[OUT_MAX];
	size_t used;
	int certs, rc;
} run;

static void read_all(const char *p, size_t n, size_t step, size_t cap, run *o)
{
	unsigned char *der = (unsigned char *)fuzz_buf(cap);
	pem_reader r;
	size_t at = 0;
	int rc = 0;

	memset(o, 0, sizeof *o);
	pem_reader_init(&r, der, cap);
	while (at < n && rc >= 0) {
		size_t k = n - at < step ? n - at : step, used = 0;

		rc = pem_reader_feed(&r, p + at, k, &used);
		FUZZ_CHECK(used <= k);
		FUZZ_CHECK(rc == PEM_NEED ? used == k : used >= 1);
		at += used;
		if (rc == PEM_CERT) {
			size_t c = r.len < OUT_MAX - o->used ? r.len : OUT_MAX - o->used;

			FUZZ_CHECK(r.len <= cap);
			memcpy(o->got + o->used, der, c);
			o->used += c;
			o->certs++;
		}
	}
	if (rc >= 0) {
		rc = pem_reader_end(&r);
		if (rc == PEM_CERT) {
			FUZZ_CHECK(r.len <= cap);
			o->certs++;
			rc = 0;
		}
	}
	o->rc = rc;
	free(der);
}

static void check_split(const char *p, size_t n, size_t cap)
{
	char *kb = fuzz_buf(cap), *cb = fuzz_buf(cap);
	pem_out k = { kb, cap, 0, 0 }, c = { cb, cap, 0, 0 };

	if (pem_split(p, n, &k, &c) == 0 && cap > 0) {
		FUZZ_CHECK(k.len < cap && (k.blocks == 0 || kb[k.len] == 0));
		FUZZ_CHECK(c.len < cap && (c.blocks == 0 || cb[c.len] == 0));
	}
	free(kb);
	free(cb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static run whole, cut;
	const char *p = (const char *)data + 2;
	size_t step, cap, n;

	if (size < 2)
		return 0;
	step = 1 + data[0] % 64;
	cap = (size_t)data[1] * 8;
	n = size - 2;
	read_all(p, n, n ? n : 1, cap, &whole);
	read_all(p, n, step, cap, &cut);
	FUZZ_CHECK(whole.rc == cut.rc && whole.certs == cut.certs);
	FUZZ_CHECK(whole.used == cut.used && memcmp(whole.got, cut.got, whole.used) == 0);
	check_split(p, n, cap);
	return 0;
}
