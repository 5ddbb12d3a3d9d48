/* Unit tests for challenge: the vault's Bearer challenge (docs/protocols.md
 * 4.6) and Arc's Basic realm challenge (1.7). */
#include "azure/challenge.h"
#include "azure/cloud.h"
#include "t.h"

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
	{ "Bearer authorization=\"" AUTH "\"", CHALLENGE_E_NORES, "", "" },
	{ "Bearer", CHALLENGE_E_NORES, "", "" },
	{ "Bearer   ", CHALLENGE_E_NORES, "", "" },
	{ "Bearer realm=\"\", error=\"insufficient_claims\", claims=\"e30=\"", CHALLENGE_E_NORES, "", "" },
	/* syntax */
	{ "Basic realm=\"x\"", CHALLENGE_E_SYNTAX, "", "" },
	{ "Negotiate", CHALLENGE_E_SYNTAX, "", "" },
	{ "", CHALLENGE_E_SYNTAX, "", "" },
	{ "   ", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearerx resource=\"" KV "\"", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer, resource=\"" KV "\"", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer resource", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer resource=\"" KV "\" junk", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer =\"x\"", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer resource=\"" KV, CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer resource=\"" KV "\"x", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer resource=" KV "\"", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer resource=\"" KV "\r\nX-Evil: 1\"", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer resource=\"" KV "\"\r\n", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer resource=\"https://vault.azure.net\\\"\"", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer resource=\"https://v\xc3\xa9.net\"", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer resource=vault.azure.net", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer resource=\"http://vault.azure.net\"", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer resource=\"\"", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer resource=\"https://u@vault.azure.net\"", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer resource=\"" KV "\", resource=\"https://management.azure.com\"", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer scope=\"" KV "/.default https://management.azure.com/.default\"", CHALLENGE_E_SYNTAX, "", "" },
	{ "Bearer authorization=\"a\" authorization_uri=\"b\" resource=\"" KV "\"", CHALLENGE_E_SYNTAX, "", "" },
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
	CHECK_EQ(challenge_bearer(hdr, res, sizeof res, NULL, 0), CHALLENGE_E_SPACE);
	CHECK_STR(res, "");
	/* a scope may be longer by its "/.default" */
	long_resource(hdr, CLOUD_RESOURCE_MAX, "scope");
	strcpy(hdr + strlen(hdr) - 1, "/.default\"");
	CHECK_EQ(challenge_bearer(hdr, res, sizeof res, NULL, 0), 0);
	CHECK_EQ(strlen(res), CLOUD_RESOURCE_MAX);
	long_resource(hdr, CLOUD_RESOURCE_MAX + 1, "scope");
	strcpy(hdr + strlen(hdr) - 1, "/.default\"");
	CHECK_EQ(challenge_bearer(hdr, res, sizeof res, NULL, 0), CHALLENGE_E_SPACE);

	/* the caller's buffers */
	CHECK_EQ(challenge_bearer("Bearer resource=" KV, small, sizeof KV, NULL, 0), 0);
	CHECK_STR(small, KV);
	CHECK_EQ(challenge_bearer("Bearer resource=" KV, small, sizeof KV - 1, NULL, 0),
	    CHALLENGE_E_SPACE);
	CHECK_STR(small, "");
	CHECK_EQ(challenge_bearer("Bearer resource=" KV " authorization=https://x",
	    res, sizeof res, auth, sizeof auth), 0);
	CHECK_STR(auth, "https://x");
	CHECK_EQ(challenge_bearer("Bearer resource=" KV " authorization=\"" AUTH "\"",
	    res, sizeof res, auth, sizeof auth), CHALLENGE_E_SPACE);
	CHECK_STR(auth, "");
	CHECK_STR(res, "");
	CHECK_EQ(challenge_bearer("Bearer resource=" KV " authorization=\"" AUTH "\"",
	    res, sizeof res, NULL, 0), 0);
	CHECK_STR(res, KV);
}

static void test_realm(void)
{
	static const struct {
		const char *hdr, *path;
		int rc;
	} t[] = {
		{ "Basic realm=/var/opt/azcmagent/tokens/0f3b.key", "/var/opt/azcmagent/tokens/0f3b.key", 0 },
		{ "basic realm=/var/opt/azcmagent/tokens/a.key", "/var/opt/azcmagent/tokens/a.key", 0 },
		{ "BASIC REALM=/x.key", "/x.key", 0 },
		{ "Basic  realm=/x.key  ", "/x.key", 0 },
		/* '=' in the path stays in it (PY-ARC's split("=")[1] would cut) */
		{ "Basic realm=/var/opt/azcmagent/tokens/a=b.key", "/var/opt/azcmagent/tokens/a=b.key", 0 },
		{ "Basic realm=C:\\ProgramData\\AzureConnectedMachineAgent\\Tokens\\a.key",
			"C:\\ProgramData\\AzureConnectedMachineAgent\\Tokens\\a.key", 0 },
		{ "Basic realm=", NULL, CHALLENGE_E_SYNTAX },
		{ "Basic realm= ", NULL, CHALLENGE_E_SYNTAX },
		{ "Basic", NULL, CHALLENGE_E_SYNTAX },
		{ "Basic ", NULL, CHALLENGE_E_SYNTAX },
		{ "Basic path=/x.key", NULL, CHALLENGE_E_SYNTAX },
		{ "Basicrealm=/x.key", NULL, CHALLENGE_E_SYNTAX },
		{ "Bearer realm=/x.key", NULL, CHALLENGE_E_SYNTAX },
		{ "Bearer authorization=\"https://login\", resource=\"x\"", NULL, CHALLENGE_E_SYNTAX },
		{ "", NULL, CHALLENGE_E_SYNTAX },
		{ "Basic realm=/x\x01.key", NULL, CHALLENGE_E_SYNTAX },
		{ "Basic realm=/x\t.key", NULL, CHALLENGE_E_SYNTAX },
	};
	char path[64];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int rc = challenge_arc(t[i].hdr, path, sizeof path);

		CHECKM(rc == t[i].rc, "\"%s\": got %d", t[i].hdr, rc);
		if (t[i].path && rc == 0)
			CHECK_STR(path, t[i].path);
		if (rc < 0)
			CHECK_STR(path, "");
	}
	CHECK_EQ(challenge_arc("Basic realm=/0123456789.key", path, 15), CHALLENGE_E_SPACE);
	CHECK_EQ(challenge_arc("Basic realm=/0123456789.key", path, 16), 0);
}

static void test_strerror(void)
{
	int c, d;

	for (c = CHALLENGE_E_SPACE; c < 0; c++) {
		CHECKM(strcmp(challenge_strerror(c), "unknown challenge error") != 0, "code %d", c);
		for (d = CHALLENGE_E_SPACE; d < c; d++)
			CHECKM(strcmp(challenge_strerror(c), challenge_strerror(d)) != 0,
			    "%d and %d share a message", c, d);
	}
	CHECK_STR(challenge_strerror(CHALLENGE_E_SPACE - 1), "unknown challenge error");
	CHECK_STR(challenge_strerror(0), "unknown challenge error");
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_challenge_table);
	T_RUN(test_challenge_limits);
	T_RUN(test_realm);
	T_RUN(test_strerror);
	T_END();
}
