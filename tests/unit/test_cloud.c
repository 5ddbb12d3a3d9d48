/* Unit tests for cloud: suffix -> resource, authority per cloud, the Bearer
 * challenge parser and the resource-vs-vault check (docs/protocols.md 4.6, 5). */
#include "azure/cloud.h"
#include "azure/challenge.h"
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

#define AUTH "https://login.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47"
#define KV "https://vault.azure.net"

static const struct {
	const char *hdr;
	int rc;
	const char *res, *auth;
} chals[] = {
	{ "Bearer authorization=\"" AUTH "\", resource=\"" KV "\"", 0, KV, AUTH },
	{ "Bearer authorization=\"" AUTH "\" resource=\"" KV "\"", 0, KV, AUTH },
	{ "Bearer authorization=\"" AUTH "\",resource=\"" KV "\"", 0, KV, AUTH },
	{ "Bearer authorization=\"" AUTH "\" , ,resource=\"" KV "\" ,", 0, KV, AUTH },
	{ "Bearer authorization_uri=https://x, resource=" KV, 0, KV, "https://x" },
	{ "Bearer resource=" KV ",authorization_uri=https://x", 0, KV, "https://x" },
	{ "Bearer\tresource=\"" KV "\"\t", 0, KV, "" },
	{ "  bearer resource=\"" KV "\"", 0, KV, "" },
	{ "BEARER Resource=\"" KV "\"", 0, KV, "" },
	{ "Bearer resource = \"" KV "\"", 0, KV, "" },
	{ "Bearer resource=\"" KV "/\"", 0, KV "/", "" },
	{ "Bearer error=\"invalid_token\", resource=\"" KV "\"", 0, KV, "" },
	{ "Bearer authorization=\"" AUTH "\", resource=\"" KV "\", scope=\"https://managedhsm.azure.net/.default\"",
	  0, "https://managedhsm.azure.net", AUTH },
	{ "Bearer scope=\"" KV "/.default\" resource=\"https://other.example\"", 0, KV, "" },
	{ "Bearer scope=" KV "/.DEFAULT", 0, KV, "" },
	{ "Bearer scope=\"" KV "\"", 0, KV, "" },
	{ "Bearer scope=\"" KV "/x/.default\"", 0, KV "/x", "" },
	{ "Bearer resource=\"https://vault.azure.net:443\"", 0, "https://vault.azure.net:443", "" },
	/* no resource */
	{ "Bearer authorization=\"" AUTH "\"", CLOUD_E_NORES, "", "" },
	{ "Bearer", CLOUD_E_NORES, "", "" },
	{ "Bearer   ", CLOUD_E_NORES, "", "" },
	{ "Bearer realm=\"\", error=\"insufficient_claims\", claims=\"e30=\"", CLOUD_E_NORES, "", "" },
	/* syntax */
	{ "Basic realm=\"x\"", CLOUD_E_SYNTAX, "", "" },
	{ "Negotiate", CLOUD_E_SYNTAX, "", "" },
	{ "", CLOUD_E_SYNTAX, "", "" },
	{ "   ", CLOUD_E_SYNTAX, "", "" },
	{ "Bearerx resource=\"" KV "\"", CLOUD_E_SYNTAX, "", "" },
	{ "Bearer, resource=\"" KV "\"", CLOUD_E_SYNTAX, "", "" },
	{ "Bearer resource", CLOUD_E_SYNTAX, "", "" },
	{ "Bearer resource=\"" KV "\" junk", CLOUD_E_SYNTAX, "", "" },
	{ "Bearer =\"x\"", CLOUD_E_SYNTAX, "", "" },
	{ "Bearer resource=\"" KV, CLOUD_E_SYNTAX, "", "" },
	{ "Bearer resource=\"" KV "\"x", CLOUD_E_SYNTAX, "", "" },
	{ "Bearer resource=" KV "\"", CLOUD_E_SYNTAX, "", "" },
	{ "Bearer resource=\"" KV "\r\nX-Evil: 1\"", CLOUD_E_SYNTAX, "", "" },
	{ "Bearer resource=\"" KV "\"\r\n", CLOUD_E_SYNTAX, "", "" },
	{ "Bearer resource=\"https://vault.azure.net\\\"\"", CLOUD_E_SYNTAX, "", "" },
	{ "Bearer resource=\"https://v\xc3\xa9.net\"", CLOUD_E_SYNTAX, "", "" },
	{ "Bearer resource=vault.azure.net", CLOUD_E_SYNTAX, "", "" },
	{ "Bearer resource=\"http://vault.azure.net\"", CLOUD_E_SYNTAX, "", "" },
	{ "Bearer resource=\"\"", CLOUD_E_SYNTAX, "", "" },
	{ "Bearer resource=\"https://u@vault.azure.net\"", CLOUD_E_SYNTAX, "", "" },
	{ "Bearer resource=\"" KV "\", resource=\"https://management.azure.com\"", CLOUD_E_SYNTAX, "", "" },
	{ "Bearer scope=\"" KV "/.default https://management.azure.com/.default\"", CLOUD_E_SYNTAX, "", "" },
	{ "Bearer authorization=\"a\" authorization_uri=\"b\" resource=\"" KV "\"", CLOUD_E_SYNTAX, "", "" },
};

static void test_challenge_table(void)
{
	size_t i;

	for (i = 0; i < sizeof chals / sizeof chals[0]; i++) {
		char res[CLOUD_RESOURCE_MAX + 1] = "junk", auth[128] = "junk";
		int rc = challenge_bearer(chals[i].hdr, res, sizeof res, auth,
		    sizeof auth);

		CHECKM(rc == chals[i].rc, "case %zu: got %d want %d", i, rc,
		    chals[i].rc);
		CHECKM(strcmp(res, chals[i].res) == 0, "case %zu: res %s", i, res);
		CHECKM(strcmp(auth, chals[i].auth) == 0, "case %zu: auth %s", i,
		    auth);
	}
}

/* "Bearer resource=\"https://" + n-8 bytes of host + "\"" */
static void long_resource(char *buf, size_t n, const char *key)
{
	size_t o = (size_t)sprintf(buf, "Bearer %s=\"https://", key), i;

	for (i = 0; i < n - 8; i++)
		buf[o + i] = (i % 50 == 49) ? '.' : 'a';
	strcpy(buf + o + n - 8, "\"");
}

static void test_challenge_limits(void)
{
	static char hdr[4096];
	char res[CLOUD_RESOURCE_MAX + 1], small[24], auth[16];

	long_resource(hdr, CLOUD_RESOURCE_MAX, "resource");
	CHECK_EQ(challenge_bearer(hdr, res, sizeof res, NULL, 0), 0);
	CHECK_EQ(strlen(res), CLOUD_RESOURCE_MAX);
	long_resource(hdr, CLOUD_RESOURCE_MAX + 1, "resource");
	CHECK_EQ(challenge_bearer(hdr, res, sizeof res, NULL, 0), CLOUD_E_SPACE);
	CHECK_STR(res, "");
	/* a scope may be longer by its "/.default" */
	long_resource(hdr, CLOUD_RESOURCE_MAX, "scope");
	strcpy(hdr + strlen(hdr) - 1, "/.default\"");
	CHECK_EQ(challenge_bearer(hdr, res, sizeof res, NULL, 0), 0);
	CHECK_EQ(strlen(res), CLOUD_RESOURCE_MAX);
	long_resource(hdr, CLOUD_RESOURCE_MAX + 1, "scope");
	strcpy(hdr + strlen(hdr) - 1, "/.default\"");
	CHECK_EQ(challenge_bearer(hdr, res, sizeof res, NULL, 0), CLOUD_E_SPACE);

	/* the caller's buffers */
	CHECK_EQ(challenge_bearer("Bearer resource=" KV, small, sizeof KV, NULL, 0), 0);
	CHECK_STR(small, KV);
	CHECK_EQ(challenge_bearer("Bearer resource=" KV, small, sizeof KV - 1, NULL, 0),
	    CLOUD_E_SPACE);
	CHECK_STR(small, "");
	CHECK_EQ(challenge_bearer("Bearer resource=" KV " authorization=https://x",
	    res, sizeof res, auth, sizeof auth), 0);
	CHECK_STR(auth, "https://x");
	CHECK_EQ(challenge_bearer("Bearer resource=" KV " authorization=\"" AUTH "\"",
	    res, sizeof res, auth, sizeof auth), CLOUD_E_SPACE);
	CHECK_STR(auth, "");
	CHECK_STR(res, "");
	CHECK_EQ(challenge_bearer("Bearer resource=" KV " authorization=\"" AUTH "\"",
	    res, sizeof res, NULL, 0), 0);
	CHECK_STR(res, KV);
}

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

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_resource);
	T_RUN(test_authority);
	T_RUN(test_challenge_table);
	T_RUN(test_challenge_limits);
	T_RUN(test_check);
	T_RUN(test_strerror);
	T_END();
}
