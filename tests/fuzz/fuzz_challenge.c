/*
 * fuzz_challenge: the Bearer challenge parser and the host check.
 * The input up to its first newline is a WWW-Authenticate value; the rest
 * (up to a NUL) is a vault host for the checks. An accepted challenge gives
 * an https resource URL of at most CLOUD_RESOURCE_MAX bytes; a refused one
 * leaves both outputs empty. cloud_check is compared with its definition:
 * the vault host ends with "." + the resource's host, with a label before.
 */
#include <strings.h>

#include "azure/cloud.h"
#include "azure/challenge.h"
#include "fuzz.h"
#include "http/url.h"

static url u;

static int iends_label(const char *h, const char *sfx)
{
	size_t n = strlen(h), k = strlen(sfx);

	return n > k + 1 && h[n - k - 1] == '.' && h[n - k - 2] != '.' &&
		strcasecmp(h + n - k, sfx) == 0;
}

static void check_pair(const char *vault, const char *resource)
{
	int rc = cloud_check(vault, resource), want;

	want = url_parse(&u, resource) == 0 && u.https &&
		iends_label(vault, u.host);
	FUZZ_CHECK(rc == 0 || rc == CLOUD_E_MISMATCH);
	FUZZ_CHECK((rc == 0) == want);
}

static void check_challenge(const char *hdr, const char *vault,
	size_t rcap, size_t acap, int with_auth)
{
	char *res = fuzz_buf(rcap), *auth = fuzz_buf(acap);
	int rc = challenge_bearer(hdr, res, rcap, with_auth ? auth : NULL, acap);

	FUZZ_CHECK(rc <= 0 && rc >= CHALLENGE_E_SPACE);
	if (rc == 0) {
		FUZZ_CHECK(fuzz_terminated(res, rcap));
		FUZZ_CHECK(strlen(res) <= CLOUD_RESOURCE_MAX);
		FUZZ_CHECK(url_parse(&u, res) == 0 && u.https);
		FUZZ_CHECK(fuzz_printable(res));
		if (with_auth)
			FUZZ_CHECK(fuzz_terminated(auth, acap) &&
				fuzz_printable(auth));
		check_pair(vault, res);
		check_pair("myvault.vault.azure.net", res);
	} else {
		FUZZ_CHECK(rcap == 0 || res[0] == 0);
		if (with_auth)
			FUZZ_CHECK(acap == 0 || auth[0] == 0);
	}
	free(res);
	free(auth);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), *nl = strchr(s, '\n');
	const char *vault = "";
	const char *r;

	if (nl) {
		*nl = 0;
		vault = nl + 1;
	}
	check_challenge(s, vault, CLOUD_RESOURCE_MAX + 1, 512, 1);
	check_challenge(s, vault, 24, 16, 1);
	check_challenge(s, vault, CLOUD_RESOURCE_MAX + 1, 0, 0);
	check_pair(vault, s);
	r = cloud_resource(vault);
	if (r != NULL)
		check_pair(vault, r);
	FUZZ_CHECK(cloud_authority(s) != NULL && cloud_authority(vault) != NULL);
	free(s);
	return 0;
}
