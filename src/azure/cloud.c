#include "azure/cloud.h"

#include <string.h>

#include "base/str.h"
#include "http/url.h"

/* Key Vault's suffixes first, then Managed HSM's (VAULTS_KV rows each). */
#define VAULTS_KV 4
static const struct {
	const char *suffix, *resource;
} vaults[] = {
	{ "vault.azure.net", "https://vault.azure.net" },
	{ "vault.azure.cn", "https://vault.azure.cn" },
	{ "vault.usgovcloudapi.net", "https://vault.usgovcloudapi.net" },
	{ "vault.microsoftazure.de", "https://vault.microsoftazure.de" },
	{ "managedhsm.azure.net", "https://managedhsm.azure.net" },
	{ "managedhsm.azure.cn", "https://managedhsm.azure.cn" },
	{ "managedhsm.usgovcloudapi.net",
	  "https://managedhsm.usgovcloudapi.net" },
	{ "managedhsm.microsoftazure.de",
	  "https://managedhsm.microsoftazure.de" },
};

static const struct {
	const char *suffix, *authority;
} clouds[] = {
	{ "azure.cn", "login.chinacloudapi.cn" },
	{ "chinacloudapi.cn", "login.chinacloudapi.cn" },
	{ "usgovcloudapi.net", "login.microsoftonline.us" },
	{ "microsoftazure.de", "login.microsoftonline.de" },
	{ "cloudapi.de", "login.microsoftonline.de" },
};

#define CLOUD_PUBLIC_AUTHORITY "login.microsoftonline.com"

/* h[n] is "LABEL." + sfx (case-insensitive) with a non-empty LABEL. */
static int under(const char *h, size_t n, const char *sfx)
{
	size_t k = strlen(sfx);

	return n > k + 1 && h[n - k - 1] == '.' && h[n - k - 2] != '.' &&
	    str_ieqn(h + n - k, sfx, k);
}

size_t cloud_scope_resource(const char *s, size_t n)
{
	size_t k = sizeof CLOUD_DEFAULT_SUFFIX - 1;

	return n > k && str_ieqn(s + n - k, CLOUD_DEFAULT_SUFFIX, k) ? n - k : n;
}

/* vaults[]'s row for a vault host, or -1. */
static int vault_row(const char *vault_host)
{
	size_t i, n = strlen(vault_host);

	for (i = 0; i < sizeof vaults / sizeof vaults[0]; i++)
		if (under(vault_host, n, vaults[i].suffix))
			return (int)i;
	return -1;
}

const char *cloud_resource(const char *vault_host)
{
	int i = vault_row(vault_host);

	return i < 0 ? NULL : vaults[i].resource;
}

int cloud_kind(const char *vault_host)
{
	int i = vault_row(vault_host);

	return i < 0 ? 0 : i < VAULTS_KV ? CLOUD_VAULT : CLOUD_HSM;
}

const char *cloud_authority(const char *s)
{
	const char *p = str_find(s, "://");
	size_t i, n;

	s = p ? p + 3 : s;
	n = str_cspn(s, "/:?#");
	for (i = 0; i < sizeof clouds / sizeof clouds[0]; i++) {
		size_t k = strlen(clouds[i].suffix);

		if ((n == k && str_ieqn(s, clouds[i].suffix, k)) ||
		    under(s, n, clouds[i].suffix))
			return clouds[i].authority;
	}
	return CLOUD_PUBLIC_AUTHORITY;
}

int cloud_check(const char *vault_host, const char *resource)
{
	url u;

	if (url_parse(&u, resource) != 0 || !u.https ||
	    !under(vault_host, strlen(vault_host), u.host))
		return CLOUD_E_MISMATCH;
	return 0;
}

const char *cloud_strerror(int code)
{
	switch (code) {
	case 0: return "no error";
	case CLOUD_E_UNKNOWN: return "not a known Key Vault host suffix";
	case CLOUD_E_MISMATCH:
		return "challenge resource does not match the vault host";
	}
	return "unknown cloud error";
}
