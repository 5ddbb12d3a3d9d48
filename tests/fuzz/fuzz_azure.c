/*
 * fuzz_azure: the Azure body parsers on one arbitrary body.
 * azure_token_parse: a token is non-empty visible ASCII, terminated, and not
 * yet expired; a failure leaves *t all zero. azure_secret_parse: the value is
 * terminated and fits, or the buffer is empty. azure_error_text: printable
 * ASCII, terminated within cap, and "" for a body that starts like JSON but
 * does not parse (never echoed). azure_identity_not_found: 0 or 1.
 */
#include "azure/azure.h"
#include "fuzz.h"
#include "codec/json.h"

#define NOW 1700000000LL

static azure_token tok, zero;

static void check_token(const char *body, size_t n)
{
	size_t k;
	int rc = azure_token_parse(&tok, body, n, NOW);

	FUZZ_CHECK(rc <= 0 && rc >= AZURE_E_TOKEN_CHARS);
	if (rc != 0) {
		FUZZ_CHECK(memcmp(&tok, &zero, sizeof tok) == 0);
		return;
	}
	FUZZ_CHECK(tok.len > 0 && tok.len <= AZURE_TOKEN_MAX);
	FUZZ_CHECK(tok.access[tok.len] == 0 && strlen(tok.access) == tok.len);
	for (k = 0; k < tok.len; k++)
		FUZZ_CHECK(tok.access[k] > 0x20 && tok.access[k] < 0x7f);
	FUZZ_CHECK(tok.expires_at > NOW);
}

static void check_secret(const char *body, size_t n, size_t cap)
{
	char *out = fuzz_buf(cap);
	size_t len = 99;
	int rc = azure_secret_parse(body, n, out, cap, &len);

	FUZZ_CHECK(rc <= 0 && rc >= AZURE_E_TOKEN_CHARS);
	if (rc == 0) {
		FUZZ_CHECK(len < cap && out[len] == 0);
		FUZZ_CHECK(fuzz_utf8((const unsigned char *)out, len));
	} else {
		FUZZ_CHECK(len == 0);
		FUZZ_CHECK(cap == 0 || out[0] == 0);
	}
	free(out);
}

static int starts_like_json(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && strchr(" \t\r\n", s[i]) && s[i] != 0)
		i++;
	return i < n && (s[i] == '{' || s[i] == '[');
}

static void check_error(const char *body, size_t n, size_t cap)
{
	static json_doc d;
	char *out = fuzz_buf(cap);

	azure_error_text(body, n, out, cap);
	if (cap > 0) {
		FUZZ_CHECK(fuzz_terminated(out, cap));
		FUZZ_CHECK(strlen(out) < AZURE_ERRTEXT_MAX);
		FUZZ_CHECK(fuzz_printable(out));
		if (starts_like_json(body, n) && json_parse(&d, body, n) < 0)
			FUZZ_CHECK(out[0] == 0);
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = fuzz_buf(size); /* exact size: no NUL to lean on */
	int nf;

	if (size > 0)
		memcpy(body, data, size);
	check_token(body, size);
	check_secret(body, size, AZURE_SECRET_MAX + 1);
	check_secret(body, size, 8);
	check_secret(body, size, 0);
	check_error(body, size, AZURE_ERRTEXT_MAX + 1);
	check_error(body, size, 40);
	check_error(body, size, 1);
	check_error(body, size, 0);
	nf = azure_identity_not_found(body, size);
	FUZZ_CHECK(nf == 0 || nf == 1);
	free(body);
	return 0;
}
