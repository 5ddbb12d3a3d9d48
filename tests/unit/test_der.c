/*
 * test_der: the DER walker: tags, short and long lengths, elements that
 * overrun their parent, indefinite and over-long lengths, high tag
 * numbers, INTEGER limits, OID text; and every truncation of a nested
 * structure fails cleanly (under ASan).
 */
#include "pki/der.h"
#include "t.h"

#include <stdlib.h>

static void test_der_cursor(void)
{
	/* SEQ { INT 3, OID 1.2.840.113549.1.7.1, [0] { OCTETS "ab" } } */
	static const unsigned char s[] = { 0x30, 0x14, 0x02, 0x01, 0x03,
		0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
		0xa0, 0x04, 0x04, 0x02, 'a', 'b' };
	static const unsigned char oid_data[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7,
		0x0d, 0x01, 0x07, 0x01 };
	unsigned char big[300];
	der d, seq, oid, c0, oct;
	unsigned long v;
	char text[DER_OID_TEXT_MAX];
	size_t n, tl;
	const unsigned char *tlv;

	der_init(&d, s, sizeof s);
	CHECK_EQ(der_peek(&d), DER_SEQ);
	tlv = d.p;
	CHECK_EQ(der_get(&d, DER_SEQ, &seq), 0);
	tl = (size_t)(d.p - tlv);
	CHECK(tlv == s && tl == sizeof s);
	CHECK_EQ(der_done(&d), 0);
	CHECK_EQ(der_uint(&seq, 255, &v), 0);
	CHECK_EQ(v, 3);
	CHECK_EQ(der_get(&seq, DER_OID, &oid), 0);
	CHECK(der_oid_is(&oid, oid_data, sizeof oid_data));
	der_oid_text(oid.p, der_left(&oid), text, sizeof text);
	CHECK_STR(text, "1.2.840.113549.1.7.1");
	CHECK_EQ(der_get(&seq, DER_CTX0, &c0), 0);
	CHECK_EQ(der_get(&c0, DER_OCTETS, &oct), 0);
	CHECK(der_left(&oct) == 2 && oct.p[0] == 'a');
	CHECK_EQ(der_done(&seq), 0);
	CHECK_EQ(der_peek(&seq), -1);

	/* wrong tag: sticky */
	der_init(&d, s, sizeof s);
	CHECK_EQ(der_get(&d, DER_SET, &seq), -1);
	CHECK(seq.bad);
	CHECK_EQ(der_get(&d, DER_SEQ, &seq), -1);
	CHECK_EQ(der_get(&seq, DER_INT, &oid), -1);
	CHECK(oid.bad);
	CHECK_EQ(der_done(&d), -1);

	/* every proper prefix fails somewhere; the copy is exactly n bytes,
	 * so ASan sees any read past it */
	for (n = 0; n < sizeof s; n++) {
		unsigned char *cp = malloc(n ? n : 1);
		int ok;

		memcpy(cp, s, n);
		der_init(&d, cp, n);
		ok = der_get(&d, DER_SEQ, &seq) == 0 && der_done(&d) == 0
			&& der_uint(&seq, 255, &v) == 0
			&& der_get(&seq, DER_OID, &oid) == 0
			&& der_get(&seq, DER_CTX0, &c0) == 0
			&& der_get(&c0, DER_OCTETS, &oct) == 0 && der_done(&seq) == 0;
		CHECKM(!ok, "prefix %zu accepted", n);
		free(cp);
	}

	/* lengths: long form, over-long, indefinite, 5 length bytes, high tag */
	memset(big, 0, sizeof big);
	big[0] = 0x04, big[1] = 0x82, big[2] = 0x01, big[3] = 0x00;
	der_init(&d, big, 4 + 256);
	CHECK_EQ(der_get(&d, DER_OCTETS, &oct), 0);
	CHECK_EQ(der_left(&oct), 256);
	der_init(&d, big, 4 + 255);
	CHECK_EQ(der_get(&d, DER_OCTETS, &oct), -1);
	big[1] = 0x80;
	der_init(&d, big, sizeof big);
	CHECK_EQ(der_peek(&d), -1);
	big[1] = 0x85;
	der_init(&d, big, sizeof big);
	CHECK_EQ(der_skip(&d), -1);
	big[0] = 0x1f, big[1] = 0x00;
	der_init(&d, big, sizeof big);
	CHECK_EQ(der_skip(&d), -1);

	/* INTEGER: negative, empty, over max, leading zero */
	{
		static const unsigned char neg[] = { 0x02, 0x01, 0x80 };
		static const unsigned char empty[] = { 0x02, 0x00 };
		static const unsigned char k[] = { 0x02, 0x03, 0x00, 0x98, 0x96 };
		static const unsigned char huge[] = { 0x02, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0 };

		der_init(&d, neg, sizeof neg);
		CHECK_EQ(der_uint(&d, 1000, &v), -1);
		der_init(&d, empty, sizeof empty);
		CHECK_EQ(der_uint(&d, 1000, &v), -1);
		der_init(&d, k, sizeof k);
		CHECK_EQ(der_uint(&d, 100000, &v), 0);
		CHECK_EQ(v, 0x9896);
		der_init(&d, k, sizeof k);
		CHECK_EQ(der_uint(&d, 0x9895, &v), -1);
		der_init(&d, huge, sizeof huge);
		CHECK_EQ(der_uint(&d, ~0UL, &v), -1);
	}

	/* OID text: 2.16.840.1.101.3.4.1.42, truncated, cut */
	{
		static const unsigned char aes[] = { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
			0x04, 0x01, 0x2a };
		char small[8];

		der_oid_text(aes, sizeof aes, text, sizeof text);
		CHECK_STR(text, "2.16.840.1.101.3.4.1.42");
		der_oid_text(aes, 2, text, sizeof text);
		CHECK_STR(text, "?");
		der_oid_text(aes, 0, text, sizeof text);
		CHECK_STR(text, "?");
		der_oid_text(aes, sizeof aes, small, sizeof small);
		CHECK(strlen(small) < sizeof small);
	}
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_der_cursor);
	T_END();
}
