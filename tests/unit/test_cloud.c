/* Unit tests for cloud: suffix -> resource, authority per cloud and the
 * resource-vs-vault check (docs/protocols.md 4.6, 5). */
#include "azure/cloud.h"
#include "t.h"

static void test_resource(void)
{
	static const struct {
		const char *host, *res;
	} t[] = {
		{ "myvault.vault.azure.net", "https://vault.azure.net" },
		{ "myvault.vault.azure.cn", "https://vault.azure.cn" },
		{ "myvault.vault.usgovcloudapi.net", "https://vault.usgovcloudapi.net" },
		{ "myvault.vault.microsoftazure.de", "https://vault.microsoftazure.de" },
		{ "hsm.managedhsm.azure.net", "https://managedhsm.azure.net" },
		{ "hsm.managedhsm.azure.cn", "https://managedhsm.azure.cn" },
		{ "hsm.managedhsm.usgovcloudapi.net", "https://managedhsm.usgovcloudapi.net" },
		{ "hsm.managedhsm.microsoftazure.de", "https://managedhsm.microsoftazure.de" },
		{ "a.b.managedhsm.azure.net", "https://managedhsm.azure.net" },
		{ "MyVault.VAULT.Azure.NET", "https://vault.azure.net" },
		{ "KV.MANAGEDHSM.AZURE.CN", "https://managedhsm.azure.cn" },
		{ "x.vault.azure.net", "https://vault.azure.net" },
		{ "vault.azure.net", NULL },
		{ ".vault.azure.net", NULL },
		{ "a..vault.azure.net", NULL },
		{ "evilvault.azure.net", NULL },
		{ "myvault.vault.azure.net.evil.com", NULL },
		{ "myvault.vault.azure.com", NULL },
		{ "myvault.vault.azure.net.", NULL },
		{ "managedhsm.azure.net", NULL },
		{ "localhost", NULL },
		{ "", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		const char *r = cloud_resource(t[i].host);

		if (t[i].res == NULL)
			CHECKM(r == NULL, "%s: got %s", t[i].host, r);
		else
			CHECKM(r != NULL && strcmp(r, t[i].res) == 0, "%s: got %s",
			    t[i].host, r ? r : "NULL");
	}
}

static void test_authority(void)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "myvault.vault.azure.net", "login.microsoftonline.com" },
		{ "https://vault.azure.net", "login.microsoftonline.com" },
		{ "hsm.managedhsm.azure.net", "login.microsoftonline.com" },
		{ "kv.vault.azure.cn", "login.chinacloudapi.cn" },
		{ "https://vault.azure.cn", "login.chinacloudapi.cn" },
		{ "HTTPS://VAULT.AZURE.CN:443/", "login.chinacloudapi.cn" },
		{ "https://managedhsm.azure.cn/.default", "login.chinacloudapi.cn" },
		{ "kv.vault.usgovcloudapi.net", "login.microsoftonline.us" },
		{ "https://managedhsm.usgovcloudapi.net/", "login.microsoftonline.us" },
		{ "kv.vault.microsoftazure.de", "login.microsoftonline.de" },
		{ "https://vault.microsoftazure.de", "login.microsoftonline.de" },
		{ "notazure.cn", "login.microsoftonline.com" },
		{ "kv.vault.azure.cn.evil.com", "login.microsoftonline.com" },
		{ "localhost", "login.microsoftonline.com" },
		{ "", "login.microsoftonline.com" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECKM(strcmp(cloud_authority(t[i].in), t[i].out) == 0,
		    "%s: got %s", t[i].in, cloud_authority(t[i].in));
}

#define KV "https://vault.azure.net"

static void test_check(void)
{
	static const struct {
		const char *vault, *res;
		int rc;
	} t[] = {
		{ "myvault.vault.azure.net", KV, 0 },
		{ "MyVault.Vault.Azure.Net", "https://VAULT.azure.net/", 0 },
		{ "myvault.vault.azure.net", "https://vault.azure.net:443/x", 0 },
		{ "kv.vault.azure.cn", "https://vault.azure.cn", 0 },
		{ "a.b.managedhsm.azure.net", "https://managedhsm.azure.net", 0 },
		{ "kv.vault.usgovcloudapi.net", "https://vault.usgovcloudapi.net", 0 },
		/* the SDK rule is a dot-boundary suffix, not an allow-list */
		{ "myvault.vault.azure.net", "https://azure.net", 0 },
		{ "myvault.vault.azure.net", "https://management.azure.com", CLOUD_E_MISMATCH },
		{ "myvault.vault.azure.net", "https://managedhsm.azure.net", CLOUD_E_MISMATCH },
		{ "kv.vault.azure.cn", KV, CLOUD_E_MISMATCH },
		{ "evilvault.azure.net", KV, CLOUD_E_MISMATCH },
		{ "vault.azure.net", KV, CLOUD_E_MISMATCH },
		{ "VAULT.AZURE.NET", KV, CLOUD_E_MISMATCH },
		{ ".vault.azure.net", KV, CLOUD_E_MISMATCH },
		{ "x..vault.azure.net", KV, CLOUD_E_MISMATCH },
		{ "myvault.vault.azure.net.evil.com", KV, CLOUD_E_MISMATCH },
		{ "myvault.vault.azure.net", "http://vault.azure.net", CLOUD_E_MISMATCH },
		{ "myvault.vault.azure.net", "vault.azure.net", CLOUD_E_MISMATCH },
		{ "myvault.vault.azure.net", "", CLOUD_E_MISMATCH },
		{ "myvault.vault.azure.net", "https://", CLOUD_E_MISMATCH },
		{ "", KV, CLOUD_E_MISMATCH },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECKM(cloud_check(t[i].vault, t[i].res) == t[i].rc,
		    "%s vs %s: got %d", t[i].vault, t[i].res,
		    cloud_check(t[i].vault, t[i].res));
}

/* The one "/.default" rule, for azkv token and the vault's challenge. */
static void test_scope(void)
{
	static const struct {
		const char *in;
		size_t n;
	} t[] = {
		{ KV "/.default", sizeof KV - 1 },
		{ KV "/.DEFAULT", sizeof KV - 1 },
		{ KV "/.Default", sizeof KV - 1 },
		{ KV, sizeof KV - 1 },
		{ KV "/", sizeof KV },
		{ KV "/.defaults", sizeof KV + 9 },
		{ KV ".default", sizeof KV + 7 },
		{ "/.default", 9 },
		{ "x/.default", 1 },
		{ "", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECKM(cloud_scope_resource(t[i].in, strlen(t[i].in)) == t[i].n, "%s: got %zu",
			t[i].in, cloud_scope_resource(t[i].in, strlen(t[i].in)));
}

static void test_strerror(void)
{
	int c, d;

	for (c = CLOUD_E_MISMATCH; c <= 0; c++) {
		CHECK(cloud_strerror(c) != NULL);
		for (d = CLOUD_E_MISMATCH; d < c; d++)
			CHECKM(strcmp(cloud_strerror(c), cloud_strerror(d)) != 0,
			    "%d and %d share a message", c, d);
	}
}

/* Key Vault or Managed HSM by the host's suffix (keyop refuses AES key
 * wrap on a Key Vault), unknown for anything else. */
static void test_kind(void)
{
	static const struct {
		const char *host;
		int kind;
	} t[] = {
		{ "myvault.vault.azure.net", CLOUD_VAULT },
		{ "myvault.vault.azure.cn", CLOUD_VAULT },
		{ "myvault.vault.usgovcloudapi.net", CLOUD_VAULT },
		{ "MYVAULT.VAULT.MICROSOFTAZURE.DE", CLOUD_VAULT },
		{ "hsm.managedhsm.azure.net", CLOUD_HSM },
		{ "hsm.managedhsm.azure.cn", CLOUD_HSM },
		{ "hsm.managedhsm.usgovcloudapi.net", CLOUD_HSM },
		{ "Hsm.ManagedHSM.microsoftazure.de", CLOUD_HSM },
		{ "vault.managedhsm.azure.net", CLOUD_HSM },
		{ "managedhsm.vault.azure.net", CLOUD_VAULT },
		{ "evilvault.azure.net", 0 },
		{ "managedhsm.azure.net", 0 },
		{ "myvault.vault.azure.net.evil.com", 0 },
		{ "127.0.0.1", 0 },
		{ "", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECKM(cloud_kind(t[i].host) == t[i].kind, "%s: got %d, want %d", t[i].host,
		    cloud_kind(t[i].host), t[i].kind);
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_resource);
	T_RUN(test_kind);
	T_RUN(test_authority);
	T_RUN(test_check);
	T_RUN(test_scope);
	T_RUN(test_strerror);
	T_END();
}
