/*
 * tlserr: BearSSL's codes and the TLS alerts in words. The tables are
 * read here through tlserr.c's own lists (the file is included, not
 * linked): every alert's text must be its constant's name (BR_ALERT_
 * HANDSHAKE_FAILURE is "handshake_failure"), no code may appear twice (a
 * later entry would never be found), and every code's sentence comes out
 * as plain text. BearSSL codes are checked against their sentences by hand,
 * from both ends of the table and its middle, and every shared phrase.
 */
#include "tls/tlserr.c"
#include "t.h"

#include <ctype.h>

/* "BR_ALERT_BAD_RECORD_MAC" or "TLSERR_ALERT_..." as the registry spells
 * it: "bad_record_mac". */
static void registry_name(const char *macro, char *out, size_t cap)
{
	const char *p = strstr(macro, "ALERT_") + 6;
	size_t i;

	for (i = 0; p[i] && i + 1 < cap; i++)
		out[i] = (char)tolower((unsigned char)p[i]);
	out[i] = 0;
	if (strcmp(out, "bad_certificate_status") == 0) /* RFC 6066's longer name */
		snprintf(out, cap, "bad_certificate_status_response");
}

static void test_alerts(void)
{
	static const struct {
		const char *macro;
		int code;
		const char *text;
	} t[] = {
#define E(code, text) { #code, code, text },
		TLSERR_ALERTS(E)
#undef E
	};
	char want[96], got[TLSERR_ALERT_MAX], name[64];
	size_t i, j;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		registry_name(t[i].macro, name, sizeof name);
		CHECKM(strcmp(t[i].text, name) == 0, "%s is \"%s\"", t[i].macro, t[i].text);
		snprintf(want, sizeof want, "%s (%d)", name, t[i].code);
		tlserr_alert(t[i].code, got, sizeof got);
		CHECK_STR(got, want);
		for (j = 0; j < i; j++)
			CHECKM(t[j].code != t[i].code, "%s twice", t[i].macro);
	}
	tlserr_alert(200, got, sizeof got);
	CHECK_STR(got, "alert 200");
	tlserr_alert(BR_ALERT_HANDSHAKE_FAILURE, got, sizeof got);
	CHECK_STR(got, "handshake_failure (40)");
}

static void test_codes(void)
{
	static const struct {
		int code;
		const char *text;
	} own[] = {
#define E(code, text) { code, text },
		TLSERR_BR(E)
#undef E
	}, hand[] = {
		{ BR_ERR_X509_NOT_TRUSTED, "certificate not trusted (unknown CA)" },
		{ BR_ERR_X509_BAD_SERVER_NAME, "certificate does not match the host name" },
		{ BR_ERR_X509_EXPIRED, "certificate expired or not yet valid" },
		{ BR_ERR_BAD_MAC, "record authentication failed" },
		{ BR_ERR_NO_CLIENT_AUTH, "server requires a client certificate" },
		{ BR_ERR_IO, "connection failed" },
		{ BR_ERR_X509_INDEFINITE_LENGTH, "certificate is not valid DER (indefinite length)" },
		{ BR_ERR_X509_TIME_UNKNOWN, "no time to check certificates at" },
		{ BR_ERR_X509_DN_MISMATCH, "chain is broken: an issuer name does not match" },
		{ BR_ERR_BAD_SNI, "server sent an invalid server name extension" },
		{ BR_ERR_BAD_COMPRESSION, "server chose compression, which we did not offer" },
		{ BR_ERR_BAD_PARAM, "server sent an invalid handshake value" },
		{ BR_ERR_LIMIT_EXCEEDED, "server's handshake exceeds a TLS engine limit" },
		{ BR_ERR_RECV_FATAL_ALERT + BR_ALERT_UNKNOWN_CA,
			"server sent fatal alert unknown_ca (48)" },
		{ BR_ERR_SEND_FATAL_ALERT + BR_ALERT_DECODE_ERROR,
			"we sent fatal alert decode_error (50)" },
		{ BR_ERR_RECV_FATAL_ALERT + 201, "server sent fatal alert alert 201" },
		{ 30, "TLS failure without a description (BearSSL code 30)" },
	};
	char got[96];
	size_t i, j;

	/* the table's sentences hold the shared phrases as bytes below ' ':
	 * what comes out is plain text, longer, and never holds one */
	for (i = 0; i < sizeof own / sizeof own[0]; i++) {
		tlserr_text(own[i].code, got, sizeof got);
		CHECKM(strlen(got) >= strlen(own[i].text), "code %d: %s", own[i].code, got);
		for (j = 0; got[j]; j++)
			CHECKM((unsigned char)got[j] >= ' ', "code %d: byte %zu is %d", own[i].code, j, got[j]);
		for (j = 0; j < i; j++)
			CHECKM(own[j].code != own[i].code, "code %d twice", own[i].code);
	}
	for (i = 0; i < sizeof hand / sizeof hand[0]; i++) {
		tlserr_text(hand[i].code, got, sizeof got);
		CHECK_STR(got, hand[i].text);
	}
	/* cut as fmt cuts, in the middle of a phrase too */
	tlserr_text(BR_ERR_X509_BAD_TAG_VALUE, got, 20);
	CHECK_STR(got, "certificate is not ");
	tlserr_text(BR_ERR_X509_BAD_TAG_VALUE, got, 36);
	CHECK_STR(got, "certificate is not valid DER (tag)");
	/* every code of bearssl_ssl.h and bearssl_x509.h has its sentence:
	 * all of 1 to 62 but the two "OK"s and the unused 11, 30, 61 */
	for (i = 1; i < 63; i++) {
		int none = i == BR_ERR_X509_OK || i == 11 || i == 30 || i == 61, without;

		tlserr_text((int)i, got, sizeof got);
		without = strncmp(got, "TLS failure without", 19) == 0;
		CHECKM(without == none, "code %zu: %s", i, got);
	}
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_alerts);
	T_RUN(test_codes);
	T_END();
}
