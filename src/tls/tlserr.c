/*
 * Each table is a list, one line a pair, made into a byte table of codes
 * and one string of NUL-terminated texts in the same order (denser than
 * pointers): an entry cannot be paired with another's text.
 */
#include "tls/tlserr.h"
#include "base/fmt.h"
#include "base/str.h"

#include <bearssl.h>
#include <string.h>

/* The phrases the sentences below share, each one byte below ' ' in a
 * sentence (its place here, from 1), spelled out by tlserr_text. */
#define W_CERT "\001"
#define W_SENT "\002"
#define W_DER "\003"
#define W_INVALID "\004"
#define W_NOT "\005"
#define W_OFFER "\006"
#define W_HS "\007"
#define W_SERVER "\010"
static const char words[] = "certificate \0server sent \0certificate is not valid DER (\0"
	"invalid \0does not \0we did not offer\0handshake\0server";

/* A sentence for every BearSSL error code (bearssl_ssl.h, bearssl_x509.h);
 * alerts are numbered ranges, handled apart. */
#define TLSERR_BR(E) \
	E(BR_ERR_X509_NOT_TRUSTED, W_CERT "not trusted (unknown CA)") \
	E(BR_ERR_X509_BAD_SERVER_NAME, W_CERT W_NOT "match the host name") \
	E(BR_ERR_X509_EXPIRED, W_CERT "expired or not yet valid") \
	E(BR_ERR_X509_BAD_SIGNATURE, W_CERT "signature invalid") \
	E(BR_ERR_X509_NOT_CA, "chain has a non-CA issuer") \
	E(BR_ERR_X509_FORBIDDEN_KEY_USAGE, W_CERT "key usage forbids TLS") \
	E(BR_ERR_X509_WEAK_PUBLIC_KEY, W_CERT "key too weak") \
	E(BR_ERR_X509_UNSUPPORTED, W_CERT "uses an unsupported algorithm") \
	E(BR_ERR_X509_LIMIT_EXCEEDED, W_CERT "chain too large") \
	E(BR_ERR_X509_EMPTY_CHAIN, W_SENT "no certificate") \
	E(BR_ERR_X509_CRITICAL_EXTENSION, W_CERT "has an unknown critical extension") \
	E(BR_ERR_BAD_CIPHER_SUITE, "no common cipher suite") \
	E(BR_ERR_UNSUPPORTED_VERSION, W_SERVER " " W_NOT "speak TLS 1.2") \
	E(BR_ERR_BAD_VERSION, W_SERVER " chose an unsupported TLS version") \
	E(BR_ERR_BAD_MAC, "record authentication failed") \
	E(BR_ERR_NO_RANDOM, "no entropy for the random generator") \
	E(BR_ERR_TOO_LARGE, "record too large") \
	E(BR_ERR_UNEXPECTED, "unexpected TLS message") \
	E(BR_ERR_BAD_SIGNATURE, "bad " W_HS " signature") \
	E(BR_ERR_INVALID_ALGORITHM, W_SERVER " used an algorithm " W_OFFER) \
	E(BR_ERR_BAD_PARAM, W_SENT "an " W_INVALID W_HS " value") \
	E(BR_ERR_BAD_STATE, "TLS engine used out of order (a bug in azkv)") \
	E(BR_ERR_BAD_LENGTH, W_SENT "a record of " W_INVALID "length") \
	E(BR_ERR_UNKNOWN_TYPE, W_SENT "a record of unknown type") \
	E(BR_ERR_BAD_CCS, W_SENT "an " W_INVALID "ChangeCipherSpec") \
	E(BR_ERR_BAD_ALERT, W_SENT "a malformed alert") \
	E(BR_ERR_BAD_HANDSHAKE, W_SENT "a malformed " W_HS " message") \
	E(BR_ERR_OVERSIZED_ID, W_SENT "a session ID over 32 bytes") \
	E(BR_ERR_BAD_COMPRESSION, W_SERVER " chose compression, which " W_OFFER) \
	E(BR_ERR_BAD_FRAGLEN, W_SENT "an " W_INVALID "maximum fragment length") \
	E(BR_ERR_BAD_SECRENEG, W_SERVER " failed secure renegotiation") \
	E(BR_ERR_EXTRA_EXTENSION, W_SENT "an extension " W_OFFER) \
	E(BR_ERR_BAD_SNI, W_SENT "an " W_INVALID W_SERVER " name extension") \
	E(BR_ERR_BAD_HELLO_DONE, W_SENT "an " W_INVALID "ServerHelloDone") \
	E(BR_ERR_LIMIT_EXCEEDED, W_SERVER "'s " W_HS " exceeds a TLS engine limit") \
	E(BR_ERR_BAD_FINISHED, W_SERVER "'s Finished message " W_NOT "verify") \
	E(BR_ERR_RESUME_MISMATCH, W_SERVER " resumed a session with other parameters") \
	E(BR_ERR_WRONG_KEY_USAGE, W_SERVER "'s key " W_NOT "allow this cipher suite") \
	E(BR_ERR_NO_CLIENT_AUTH, W_SERVER " requires a client certificate") \
	E(BR_ERR_IO, "connection failed") \
	E(BR_ERR_X509_INVALID_VALUE, W_CERT "holds an " W_INVALID "value") \
	E(BR_ERR_X509_TRUNCATED, W_CERT "is truncated") \
	E(BR_ERR_X509_INNER_TRUNC, W_CERT "has a truncated inner element") \
	E(BR_ERR_X509_BAD_TAG_CLASS, W_DER "tag class)") \
	E(BR_ERR_X509_BAD_TAG_VALUE, W_DER "tag)") \
	E(BR_ERR_X509_INDEFINITE_LENGTH, W_DER "indefinite length)") \
	E(BR_ERR_X509_EXTRA_ELEMENT, W_CERT "has an unexpected extra element") \
	E(BR_ERR_X509_UNEXPECTED, W_CERT "has an unexpected element") \
	E(BR_ERR_X509_NOT_CONSTRUCTED, W_DER "not constructed)") \
	E(BR_ERR_X509_NOT_PRIMITIVE, W_DER "not primitive)") \
	E(BR_ERR_X509_PARTIAL_BYTE, W_CERT "has a BIT STRING with a partial byte") \
	E(BR_ERR_X509_BAD_BOOLEAN, W_CERT "has an " W_INVALID "BOOLEAN") \
	E(BR_ERR_X509_OVERFLOW, W_CERT "has a value too large") \
	E(BR_ERR_X509_BAD_DN, W_CERT "has an " W_INVALID "name") \
	E(BR_ERR_X509_BAD_TIME, W_CERT "has an " W_INVALID "date") \
	E(BR_ERR_X509_WRONG_KEY_TYPE, W_CERT "key type " W_NOT "match the cipher suite") \
	E(BR_ERR_X509_TIME_UNKNOWN, "no time to check certificates at") \
	E(BR_ERR_X509_DN_MISMATCH, "chain is broken: an issuer name " W_NOT "match")

/* Alerts BearSSL 0.6 has no constant for: RFC 7507 (86), RFC 6066 (112,
 * 113, 111), RFC 4279 (115), RFC 8446 (109, 116). */
#define TLSERR_ALERT_INAPPROPRIATE_FALLBACK 86
#define TLSERR_ALERT_MISSING_EXTENSION 109
#define TLSERR_ALERT_CERTIFICATE_UNOBTAINABLE 111
#define TLSERR_ALERT_UNRECOGNIZED_NAME 112
#define TLSERR_ALERT_BAD_CERTIFICATE_STATUS 113
#define TLSERR_ALERT_UNKNOWN_PSK_IDENTITY 115
#define TLSERR_ALERT_CERTIFICATE_REQUIRED 116

/* The registry's name of each alert (RFC 5246 7.2 and its successors). */
#define TLSERR_ALERTS(E) \
	E(BR_ALERT_CLOSE_NOTIFY, "close_notify") \
	E(BR_ALERT_UNEXPECTED_MESSAGE, "unexpected_message") \
	E(BR_ALERT_BAD_RECORD_MAC, "bad_record_mac") \
	E(BR_ALERT_RECORD_OVERFLOW, "record_overflow") \
	E(BR_ALERT_DECOMPRESSION_FAILURE, "decompression_failure") \
	E(BR_ALERT_HANDSHAKE_FAILURE, "handshake_failure") \
	E(BR_ALERT_BAD_CERTIFICATE, "bad_certificate") \
	E(BR_ALERT_UNSUPPORTED_CERTIFICATE, "unsupported_certificate") \
	E(BR_ALERT_CERTIFICATE_REVOKED, "certificate_revoked") \
	E(BR_ALERT_CERTIFICATE_EXPIRED, "certificate_expired") \
	E(BR_ALERT_CERTIFICATE_UNKNOWN, "certificate_unknown") \
	E(BR_ALERT_ILLEGAL_PARAMETER, "illegal_parameter") \
	E(BR_ALERT_UNKNOWN_CA, "unknown_ca") \
	E(BR_ALERT_ACCESS_DENIED, "access_denied") \
	E(BR_ALERT_DECODE_ERROR, "decode_error") \
	E(BR_ALERT_DECRYPT_ERROR, "decrypt_error") \
	E(BR_ALERT_PROTOCOL_VERSION, "protocol_version") \
	E(BR_ALERT_INSUFFICIENT_SECURITY, "insufficient_security") \
	E(BR_ALERT_INTERNAL_ERROR, "internal_error") \
	E(TLSERR_ALERT_INAPPROPRIATE_FALLBACK, "inappropriate_fallback") \
	E(BR_ALERT_USER_CANCELED, "user_canceled") \
	E(BR_ALERT_NO_RENEGOTIATION, "no_renegotiation") \
	E(TLSERR_ALERT_MISSING_EXTENSION, "missing_extension") \
	E(BR_ALERT_UNSUPPORTED_EXTENSION, "unsupported_extension") \
	E(TLSERR_ALERT_CERTIFICATE_UNOBTAINABLE, "certificate_unobtainable") \
	E(TLSERR_ALERT_UNRECOGNIZED_NAME, "unrecognized_name") \
	E(TLSERR_ALERT_BAD_CERTIFICATE_STATUS, "bad_certificate_status_response") \
	E(TLSERR_ALERT_UNKNOWN_PSK_IDENTITY, "unknown_psk_identity") \
	E(TLSERR_ALERT_CERTIFICATE_REQUIRED, "certificate_required") \
	E(BR_ALERT_NO_APPLICATION_PROTOCOL, "no_application_protocol")

#define E(code, text) code,
static const unsigned char br_codes[] = { TLSERR_BR(E) };
static const unsigned char alert_codes[] = { TLSERR_ALERTS(E) };
#undef E
#define E(code, text) text "\0"
static const char br_texts[] = TLSERR_BR(E);
static const char alert_texts[] = TLSERR_ALERTS(E);
#undef E

/* The text of code in a table of n codes and their texts, or NULL. */
static const char *text_of(const unsigned char *codes, size_t n,
	const char *texts, int code)
{
	size_t i;

	for (i = 0; i < n; i++, texts += strlen(texts) + 1)
		if (codes[i] == code)
			return texts;
	return NULL;
}

void tlserr_alert(int alert, char *out, size_t cap)
{
	const char *t = text_of(alert_codes, sizeof alert_codes, alert_texts, alert);

	if (t)
		fmt(out, cap, "%s (%d)", t, alert);
	else
		fmt(out, cap, "alert %d", alert);
}

void tlserr_text(int code, char *out, size_t cap)
{
	const char *t;
	char name[TLSERR_ALERT_MAX];

	if (code >= BR_ERR_RECV_FATAL_ALERT && code < BR_ERR_SEND_FATAL_ALERT) {
		tlserr_alert(code - BR_ERR_RECV_FATAL_ALERT, name, sizeof name);
		fmt(out, cap, "server sent fatal alert %s", name);
		return;
	}
	if (code >= BR_ERR_SEND_FATAL_ALERT) {
		tlserr_alert(code - BR_ERR_SEND_FATAL_ALERT, name, sizeof name);
		fmt(out, cap, "we sent fatal alert %s", name);
		return;
	}
	t = text_of(br_codes, sizeof br_codes, br_texts, code);
	if (t) {
		size_t at = fmt(out, cap, "%s", "");

		for (; *t; t++)
			at = (unsigned char)*t < ' '
				? fmt_at(out, cap, at, "%s", str_nth(words, (size_t)*t - 1))
				: fmt_at(out, cap, at, "%c", *t);
	} else
		fmt(out, cap, "TLS failure without a description (BearSSL code %d)", code);
}
