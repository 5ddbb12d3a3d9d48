/* Unit tests for source: detection order from tables of environments, the
 * selector names per source, the thumbprint, authority, Arc realm, key path
 * and federated token parsers (docs/protocols.md 1); and, through azure.c,
 * the token response and error body of every source (1.11). */
#include "azure/azure.h"
#include "azure/challenge.h"
#include "azure/source.h"
#include "t.h"

#define ENV_MAX 8

/* Build a source_env from "NAME=value" entries (NULL-terminated). */
static void env_of(source_env *s, const char *const *entries)
{
	memset(s, 0, sizeof *s);
	for (; *entries; entries++)
		source_env_add(s, *entries);
}

static void test_detect(void)
{
	static const struct {
		const char *env[ENV_MAX];
		const char *client_id;
		int src;
	} t[] = {
		{ { NULL }, NULL, SRC_IMDS },
		{ { "IDENTITY_ENDPOINT=https://localhost:2377/x", "IDENTITY_HEADER=h",
			"IDENTITY_SERVER_THUMBPRINT=ab", NULL }, NULL, SRC_SERVICE_FABRIC },
		{ { "IDENTITY_ENDPOINT=http://localhost:4141/MSI/token", "IDENTITY_HEADER=h",
			NULL }, NULL, SRC_APP_SERVICE },
		/* App Service sets the 2017 pair too: 2019 wins */
		{ { "IDENTITY_ENDPOINT=http://a", "IDENTITY_HEADER=h", "MSI_ENDPOINT=http://b",
			"MSI_SECRET=s", NULL }, NULL, SRC_APP_SERVICE },
		{ { "IDENTITY_ENDPOINT=http://localhost:40342/x", "IMDS_ENDPOINT=http://localhost:40342",
			NULL }, NULL, SRC_ARC },
		/* a header makes it App Service even with IMDS_ENDPOINT */
		{ { "IDENTITY_ENDPOINT=http://a", "IMDS_ENDPOINT=http://b", "IDENTITY_HEADER=h",
			NULL }, NULL, SRC_APP_SERVICE },
		{ { "IDENTITY_ENDPOINT=http://a", "IMDS_ENDPOINT=http://b", "IDENTITY_HEADER=h",
			"IDENTITY_SERVER_THUMBPRINT=t", NULL }, NULL, SRC_SERVICE_FABRIC },
		/* a thumbprint without the header is not Service Fabric */
		{ { "IDENTITY_ENDPOINT=http://a", "IMDS_ENDPOINT=http://b",
			"IDENTITY_SERVER_THUMBPRINT=t", NULL }, NULL, SRC_ARC },
		{ { "MSI_ENDPOINT=http://127.0.0.1:46808/MSI/auth", "MSI_SECRET=s", NULL }, NULL,
			SRC_AZURE_ML },
		{ { "MSI_ENDPOINT=http://localhost:50342/oauth2/token", NULL }, NULL,
			SRC_CLOUD_SHELL },
		{ { "MSI_ENDPOINT=http://localhost:50342/oauth2/token", "MSI_SECRET=", NULL },
			NULL, SRC_CLOUD_SHELL },
		/* Arc before Azure ML and Cloud Shell */
		{ { "MSI_ENDPOINT=http://a", "MSI_SECRET=s", "IDENTITY_ENDPOINT=http://b",
			"IMDS_ENDPOINT=http://c", NULL }, NULL, SRC_ARC },
		/* IDENTITY_ENDPOINT alone names no source: on to the next rules */
		{ { "IDENTITY_ENDPOINT=http://a", NULL }, NULL, SRC_IMDS },
		{ { "IDENTITY_ENDPOINT=http://a", "MSI_ENDPOINT=http://b", NULL }, NULL,
			SRC_CLOUD_SHELL },
		{ { "IDENTITY_HEADER=h", "IMDS_ENDPOINT=http://b", "MSI_SECRET=s", NULL }, NULL,
			SRC_IMDS },
		{ { "AZURE_FEDERATED_TOKEN_FILE=/t", "AZURE_TENANT_ID=x", NULL },
			"11111111-1111-1111-1111-111111111111", SRC_WORKLOAD_IDENTITY },
		/* workload identity needs all three */
		{ { "AZURE_FEDERATED_TOKEN_FILE=/t", "AZURE_TENANT_ID=x", NULL }, NULL, SRC_IMDS },
		{ { "AZURE_FEDERATED_TOKEN_FILE=/t", "AZURE_TENANT_ID=x", NULL }, "", SRC_IMDS },
		{ { "AZURE_FEDERATED_TOKEN_FILE=/t", NULL }, "c", SRC_IMDS },
		{ { "AZURE_TENANT_ID=x", NULL }, "c", SRC_IMDS },
		{ { "AZURE_FEDERATED_TOKEN_FILE=", "AZURE_TENANT_ID=x", NULL }, "c", SRC_IMDS },
		/* AZURE_AUTHORITY_HOST is optional */
		{ { "AZURE_FEDERATED_TOKEN_FILE=/t", "AZURE_TENANT_ID=x",
			"AZURE_AUTHORITY_HOST=https://login.microsoftonline.com/", NULL }, "c",
			SRC_WORKLOAD_IDENTITY },
		/* every managed-identity source comes before workload identity */
		{ { "AZURE_FEDERATED_TOKEN_FILE=/t", "AZURE_TENANT_ID=x", "MSI_ENDPOINT=http://a",
			NULL }, "c", SRC_CLOUD_SHELL },
		{ { "AZURE_FEDERATED_TOKEN_FILE=/t", "AZURE_TENANT_ID=x", "IDENTITY_ENDPOINT=http://a",
			"IDENTITY_HEADER=h", NULL }, "c", SRC_APP_SERVICE },
		/* names are exact: lower case, prefixes and no '=' are not ours */
		{ { "identity_endpoint=http://a", "identity_header=h", NULL }, NULL, SRC_IMDS },
		{ { "MSI_ENDPOINTX=http://a", "MSI_ENDPOIN=http://a", "MSI_ENDPOINT", NULL }, NULL,
			SRC_IMDS },
		/* the pod-identity host only changes the IMDS address */
		{ { "AZURE_POD_IDENTITY_AUTHORITY_HOST=http://127.0.0.1:8081", NULL }, NULL,
			SRC_IMDS },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		source_env s;
		const char *why = NULL;
		int got;

		env_of(&s, t[i].env);
		got = source_detect(&s, t[i].client_id, &why);
		CHECKM(got == t[i].src, "case %zu: got %s want %s", i, source_name(got),
			source_name(t[i].src));
		CHECKM(why != NULL && why[0], "case %zu: no reason", i);
	}
}

static void test_why(void)
{
	static const char *const sf[] = { "IDENTITY_ENDPOINT=https://a", "IDENTITY_HEADER=h",
		"IDENTITY_SERVER_THUMBPRINT=t", NULL };
	static const char *const none[] = { NULL };
	source_env s;
	const char *why;

	env_of(&s, sf);
	source_detect(&s, NULL, &why);
	CHECK(strstr(why, "IDENTITY_SERVER_THUMBPRINT") != NULL);
	CHECK(strstr(why, "=") == NULL); /* names only, never values */
	env_of(&s, none);
	source_detect(&s, NULL, &why);
	CHECK_STR(why, "no other source in the environment");
}

static void test_env_add(void)
{
	source_env s;
	static const char entry[] = "IDENTITY_HEADER=a=b";

	memset(&s, 0, sizeof s);
	source_env_add(&s, entry);
	CHECK(s.v[SENV_IDENTITY_HEADER] == entry + 16);
	CHECK_STR(s.v[SENV_IDENTITY_HEADER], "a=b");
	source_env_add(&s, "IDENTITY_HEADER=");
	CHECK_STR(s.v[SENV_IDENTITY_HEADER], "a=b"); /* empty: unset, not cleared */
	source_env_add(&s, "=x");
	source_env_add(&s, "");
	source_env_add(&s, "AZURE_AUTHORITY_HOST=h");
	CHECK_STR(s.v[SENV_AZURE_AUTHORITY_HOST], "h");
	CHECK_STR(source_env_name(SENV_MSI_SECRET), "MSI_SECRET");
	CHECK_STR(source_env_name(SENV_COUNT), "?");
}

static void test_names(void)
{
	static const char *const names[] = { "auto", "imds", "vm-extension", "app-service",
		"app-service-2017", "arc", "service-fabric", "azure-ml", "cloud-shell",
		"workload-identity" };
	size_t i;

	CHECK_EQ(sizeof names / sizeof names[0], SRC_COUNT);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		CHECK_EQ(source_from_name(names[i]), (int)i);
		CHECK_STR(source_name((int)i), names[i]);
	}
	CHECK_EQ(source_from_name("IMDS"), -1);
	CHECK_EQ(source_from_name("appservice"), -1);
	CHECK_EQ(source_from_name(""), -1);
	CHECK_EQ(source_from_name("cloud-shell-9"), -1);
	CHECK_STR(source_name(-1), "?");
	CHECK_STR(source_name(SRC_COUNT), "?");
}

static void test_missing(void)
{
	static const char *const partial[] = { "IDENTITY_ENDPOINT=http://a", "MSI_ENDPOINT=http://b",
		"AZURE_TENANT_ID=t", NULL };
	source_env s;

	env_of(&s, partial);
	CHECK(source_missing(SRC_IMDS, &s) == NULL);
	CHECK(source_missing(SRC_VM_EXTENSION, &s) == NULL);
	CHECK(source_missing(SRC_ARC, &s) == NULL); /* default endpoint exists */
	CHECK(source_missing(SRC_CLOUD_SHELL, &s) == NULL);
	CHECK_STR(source_missing(SRC_APP_SERVICE, &s), "IDENTITY_ENDPOINT and IDENTITY_HEADER");
	CHECK_STR(source_missing(SRC_APP_SERVICE_2017, &s), "MSI_ENDPOINT and MSI_SECRET");
	CHECK_STR(source_missing(SRC_AZURE_ML, &s), "MSI_ENDPOINT and MSI_SECRET");
	CHECK(source_missing(SRC_SERVICE_FABRIC, &s) != NULL);
	CHECK(strstr(source_missing(SRC_WORKLOAD_IDENTITY, &s), "AZURE_FEDERATED_TOKEN_FILE"));
	source_env_add(&s, "IDENTITY_HEADER=h");
	CHECK(source_missing(SRC_APP_SERVICE, &s) == NULL);
	CHECK(source_missing(SRC_SERVICE_FABRIC, &s) != NULL);
	source_env_add(&s, "IDENTITY_SERVER_THUMBPRINT=t");
	CHECK(source_missing(SRC_SERVICE_FABRIC, &s) == NULL);
}

static void test_selectors(void)
{
	static const struct {
		int src;
		const char *names[SEL_COUNT];
	} t[] = {
		{ SRC_IMDS, { NULL, "client_id", "object_id", "msi_res_id" } },
		{ SRC_VM_EXTENSION, { NULL, "client_id", "object_id", "msi_res_id" } },
		{ SRC_APP_SERVICE, { NULL, "client_id", "principal_id", "mi_res_id" } },
		{ SRC_APP_SERVICE_2017, { NULL, "clientid", NULL, NULL } },
		{ SRC_AZURE_ML, { NULL, "clientid", NULL, NULL } },
		{ SRC_WORKLOAD_IDENTITY, { NULL, "client_id", NULL, NULL } },
		{ SRC_ARC, { NULL, NULL, NULL, NULL } },
		{ SRC_SERVICE_FABRIC, { NULL, NULL, NULL, NULL } },
		{ SRC_CLOUD_SHELL, { NULL, NULL, NULL, NULL } },
		{ SRC_AUTO, { NULL, NULL, NULL, NULL } },
	};
	size_t i;
	int k;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		for (k = 0; k < SEL_COUNT; k++) {
			const char *got = source_selector(t[i].src, k);

			if (t[i].names[k])
				CHECKM(got && strcmp(got, t[i].names[k]) == 0, "%s sel %d: %s",
					source_name(t[i].src), k, got ? got : "NULL");
			else
				CHECKM(got == NULL, "%s sel %d: %s", source_name(t[i].src), k, got);
		}
	CHECK(source_selector(SRC_IMDS, SEL_COUNT) == NULL);
	CHECK(source_selector(SRC_COUNT, SEL_CLIENT_ID) == NULL);
}

static void test_thumbprint(void)
{
	static const unsigned char want[SOURCE_SHA1_LEN] = {
		0x4a, 0x1b, 0xc0, 0xde, 0x00, 0xff, 0x12, 0x34, 0x56, 0x78,
		0x9a, 0xbc, 0xde, 0xf0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
	};
	static const struct {
		const char *text;
		int rc;
	} t[] = {
		{ "4A1BC0DE00FF123456789ABCDEF0012345678 9AB", 0 },
		{ "4a1bc0de00ff123456789abcdef00123456789ab", 0 },
		{ "4A1BC0DE00FF123456789ABCDEF00123456789AB", 0 },
		{ "4A:1B:C0:DE:00:FF:12:34:56:78:9A:BC:DE:F0:01:23:45:67:89:AB", 0 },
		{ "4a 1b c0 de 00 ff 12 34 56 78 9a bc de f0 01 23 45 67 89 ab", 0 },
		{ "  4A1BC0DE00FF123456789ABCDEF00123456789AB\n", 0 },
		{ "4A1BC0DE00FF123456789ABCDEF00123456789A", SOURCE_E_HEX },   /* 39 */
		{ "4A1BC0DE00FF123456789ABCDEF00123456789ABC", SOURCE_E_HEX }, /* 41 */
		{ "4A1BC0DE00FF123456789ABCDEF00123456789AG", SOURCE_E_HEX },
		{ "0x4A1BC0DE00FF123456789ABCDEF00123456789A", SOURCE_E_HEX },
		{ "4A-1B-C0-DE-00-FF-12-34-56-78-9A-BC-DE-F0-01-23-45-67-89-AB", SOURCE_E_HEX },
		{ "", SOURCE_E_HEX },
		{ ":::", SOURCE_E_HEX },
		/* a SHA-256 thumbprint is not accepted as a SHA-1 */
		{ "4A1BC0DE00FF123456789ABCDEF00123456789AB4A1BC0DE00FF123456789ABC", SOURCE_E_HEX },
	};
	unsigned char got[SOURCE_SHA1_LEN];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int rc = source_thumbprint(t[i].text, got);

		CHECKM(rc == t[i].rc, "\"%s\": got %d", t[i].text, rc);
		if (rc == 0 && t[i].rc == 0)
			CHECKM(memcmp(got, want, sizeof want) == 0, "\"%s\": bytes", t[i].text);
	}
}

static void test_authority(void)
{
	static const struct {
		const char *in, *out;
		int rc;
	} t[] = {
		{ "https://login.microsoftonline.com/", "https://login.microsoftonline.com", 0 },
		{ "https://login.microsoftonline.com", "https://login.microsoftonline.com", 0 },
		{ "https://login.microsoftonline.com//", "https://login.microsoftonline.com", 0 },
		{ "login.microsoftonline.com", "https://login.microsoftonline.com", 0 },
		{ "login.microsoftonline.com/", "https://login.microsoftonline.com", 0 },
		{ "  https://login.chinacloudapi.cn/  ", "https://login.chinacloudapi.cn", 0 },
		{ "HTTPS://login.microsoftonline.us", "https://login.microsoftonline.us", 0 },
		{ "https://adfs.contoso.com/adfs/", "https://adfs.contoso.com/adfs", 0 },
		{ "https://localhost:8443", "https://localhost:8443", 0 },
		{ "localhost:8443", "https://localhost:8443", 0 },
		{ "http://login.microsoftonline.com", NULL, SOURCE_E_SCHEME },
		{ "HTTP://login.microsoftonline.com/", NULL, SOURCE_E_SCHEME },
		{ "ftp://login.microsoftonline.com", NULL, SOURCE_E_SCHEME },
		{ "https://", NULL, SOURCE_E_SYNTAX },
		{ "https:///", NULL, SOURCE_E_SYNTAX },
		{ "", NULL, SOURCE_E_SYNTAX },
		{ "/", NULL, SOURCE_E_SYNTAX },
		{ "https://login.microsoftonline.com/?x=1", NULL, SOURCE_E_SYNTAX },
		{ "https://login.microsoftonline.com#f", NULL, SOURCE_E_SYNTAX },
		{ "https://login micro.com", NULL, SOURCE_E_SYNTAX },
		{ "https://login.microsoftonline.com\\", NULL, SOURCE_E_SYNTAX },
		{ "https://login.microsoftonline.com\r\nX: y", NULL, SOURCE_E_SYNTAX },
	};
	char out[SOURCE_AUTHORITY_MAX];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int rc = source_authority(t[i].in, out, sizeof out);

		CHECKM(rc == t[i].rc, "\"%s\": got %d", t[i].in, rc);
		if (rc == 0 && t[i].out)
			CHECK_STR(out, t[i].out);
	}
	CHECK_EQ(source_authority("https://login.microsoftonline.com", out, 34), 0);
	CHECK_EQ(source_authority("https://login.microsoftonline.com", out, 33), SOURCE_E_SPACE);
	CHECK_EQ(source_authority("login.microsoftonline.com", out, 33), SOURCE_E_SPACE);
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
		{ "Basic realm=", NULL, SOURCE_E_SYNTAX },
		{ "Basic realm= ", NULL, SOURCE_E_SYNTAX },
		{ "Basic", NULL, SOURCE_E_SYNTAX },
		{ "Basic ", NULL, SOURCE_E_SYNTAX },
		{ "Basic path=/x.key", NULL, SOURCE_E_SYNTAX },
		{ "Basicrealm=/x.key", NULL, SOURCE_E_SYNTAX },
		{ "Bearer realm=/x.key", NULL, SOURCE_E_SYNTAX },
		{ "Bearer authorization=\"https://login\", resource=\"x\"", NULL, SOURCE_E_SYNTAX },
		{ "", NULL, SOURCE_E_SYNTAX },
		{ "Basic realm=/x\x01.key", NULL, SOURCE_E_SYNTAX },
		{ "Basic realm=/x\t.key", NULL, SOURCE_E_SYNTAX },
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
	CHECK_EQ(challenge_arc("Basic realm=/0123456789.key", path, 15), SOURCE_E_SPACE);
	CHECK_EQ(challenge_arc("Basic realm=/0123456789.key", path, 16), 0);
}

static void test_key_path(void)
{
	static const char dir[] = "/var/opt/azcmagent/tokens";
	static const struct {
		const char *path;
		int rc;
	} t[] = {
		{ "/var/opt/azcmagent/tokens/0f3b6ee1-5a5e-4b39-9a4e.key", 0 },
		{ "/var/opt/azcmagent/tokens/a.key", 0 },
		{ "/var/opt/azcmagent/tokens/..key", 0 }, /* a file named "..key" */
		{ "/var/opt/azcmagent/tokens/.key", SOURCE_E_SUFFIX },
		{ "/var/opt/azcmagent/tokens/a.txt", SOURCE_E_SUFFIX },
		{ "/var/opt/azcmagent/tokens/a.KEY", SOURCE_E_SUFFIX },
		{ "/var/opt/azcmagent/tokens/a.key.txt", SOURCE_E_SUFFIX },
		{ "/var/opt/azcmagent/tokens/akey", SOURCE_E_SUFFIX },
		{ "/var/opt/azcmagent/tokens/", SOURCE_E_SUFFIX },
		{ "/var/opt/azcmagent/tokens", SOURCE_E_DIR },
		{ "/var/opt/azcmagent/tokensX/a.key", SOURCE_E_DIR },
		{ "/var/opt/azcmagent/tokens/sub/a.key", SOURCE_E_DIR },
		{ "/var/opt/azcmagent/tokens/../tokens/a.key", SOURCE_E_DIR },
		{ "/var/opt/azcmagent/tokens/../../../etc/shadow.key", SOURCE_E_DIR },
		{ "/var/opt/azcmagent/tokens//a.key", SOURCE_E_DIR },
		{ "/var/opt/azcmagent/a.key", SOURCE_E_DIR },
		{ "/tmp/a.key", SOURCE_E_DIR },
		{ "var/opt/azcmagent/tokens/a.key", SOURCE_E_DIR },
		{ "/VAR/opt/azcmagent/tokens/a.key", SOURCE_E_DIR },
		{ "", SOURCE_E_DIR },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int rc = source_key_path(t[i].path, dir);

		CHECKM(rc == t[i].rc, "\"%s\": got %d want %d", t[i].path, rc, t[i].rc);
	}
}

static void test_assertion(void)
{
	static const struct {
		const char *in;
		size_t n;
		int rc;
	} t[] = {
		{ "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", 41, 0 },
		{ "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\n", 41, 0 },
		{ "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\r\n\n  \t", 41, 0 },
		{ "a", 1, 0 },
		{ "", 0, SOURCE_E_EMPTY },
		{ "\n\n", 0, SOURCE_E_EMPTY },
		{ "a b", 3, SOURCE_E_CHARS },
		{ " ab", 3, SOURCE_E_CHARS },
		{ "a\nb", 3, SOURCE_E_CHARS },
		{ "a\x7f", 2, SOURCE_E_CHARS },
		{ "a\xc3\xa9", 3, SOURCE_E_CHARS },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		size_t n = strlen(t[i].in);
		int rc = source_assertion(t[i].in, &n);

		CHECKM(rc == t[i].rc, "case %zu: got %d", i, rc);
		CHECKM(n == t[i].n, "case %zu: length %zu want %zu", i, n, t[i].n);
	}
	{
		size_t n = 3;

		CHECK_EQ(source_assertion("a\0b", &n), SOURCE_E_CHARS); /* a NUL inside */
	}
}

/* The token response of each source, as docs/protocols.md 1.11 says it is
 * shaped; now is fixed, so the lifetimes are exact. */
static void test_source_tokens(void)
{
	static const long long now = 1700000000;
	static const struct {
		const char *what, *body;
		long long life;
	} t[] = {
		{ "IMDS/Arc/legacy extension: strings",
			"{\"access_token\":\"eyJ0.a.b\",\"refresh_token\":\"\",\"expires_in\":\"86399\","
			"\"expires_on\":\"1700086399\",\"ext_expires_in\":\"86399\",\"not_before\":\"1700000000\","
			"\"resource\":\"https://vault.azure.net\",\"token_type\":\"Bearer\"}", 86399 },
		{ "App Service 2019: expires_on epoch string only",
			"{\"access_token\":\"eyJ0.a.b\",\"expires_on\":\"1700003600\",\"resource\":"
			"\"https://vault.azure.net\",\"token_type\":\"Bearer\",\"client_id\":\"c\"}", 3600 },
		{ "App Service 2017 on Linux: MM/DD/YYYY HH:MM:SS +00:00",
			"{\"access_token\":\"eyJ0.a.b\",\"expires_on\":\"11/14/2023 23:13:20 +00:00\","
			"\"resource\":\"https://vault.azure.net\",\"token_type\":\"Bearer\"}", 3600 },
		{ "App Service 2017 on Windows: M/D/YYYY h:mm:ss PM +00:00",
			"{\"access_token\":\"eyJ0.a.b\",\"expires_on\":\"11/14/2023 11:13:20 PM +00:00\","
			"\"resource\":\"https://vault.azure.net\",\"token_type\":\"Bearer\"}", 3600 },
		{ "App Service 2017 with a zone offset",
			"{\"access_token\":\"eyJ0.a.b\",\"expires_on\":\"11/15/2023 1:13:20 AM +02:00\"}",
			3600 },
		{ "Azure ML: expires_on integer",
			"{\"access_token\":\"eyJ0.a.b\",\"expires_on\":1700007200,\"resource\":\"r\","
			"\"token_type\":\"Bearer\"}", 7200 },
		{ "Service Fabric: expires_on number",
			"{\"token_type\":\"Bearer\",\"access_token\":\"eyJ0.a.b\",\"expires_on\":1700000600,"
			"\"resource\":\"https://vault.azure.net\"}", 600 },
		{ "Service Fabric: expires_on string",
			"{\"token_type\":\"Bearer\",\"access_token\":\"eyJ0.a.b\",\"expires_on\":\"1700000600\"}",
			600 },
		{ "Cloud Shell: expires_in string",
			"{\"access_token\":\"eyJ0.a.b\",\"expires_in\":\"3599\",\"expires_on\":\"1700003599\","
			"\"not_before\":\"1700000000\",\"resource\":\"https://vault.azure.net\","
			"\"token_type\":\"Bearer\"}", 3599 },
		{ "Entra v2: expires_in number",
			"{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,"
			"\"access_token\":\"eyJ0.a.b\"}", 3599 },
		{ "ISO 8601 with seven fraction digits",
			"{\"access_token\":\"eyJ0.a.b\",\"expires_on\":\"2023-11-14T23:13:20.0000000+00:00\"}",
			3600 },
		{ "ISO 8601 Z",
			"{\"access_token\":\"eyJ0.a.b\",\"expires_on\":\"2023-11-14T23:13:20Z\"}", 3600 },
		{ "expires_in preferred over a far expires_on",
			"{\"access_token\":\"eyJ0.a.b\",\"expires_in\":1234,\"expires_on\":\"1800000000\"}",
			1234 },
	};
	static azure_token tk;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int rc = azure_token_parse(&tk, t[i].body, strlen(t[i].body), now);

		CHECKM(rc == 0, "%s: %s", t[i].what, azure_strerror(rc));
		if (rc == 0) {
			CHECKM(tk.expires_at - now == t[i].life, "%s: life %lld want %lld",
				t[i].what, tk.expires_at - now, t[i].life);
			CHECK_STR(tk.access, "eyJ0.a.b");
		}
	}
	{
		static const char old[] = "{\"access_token\":\"x\",\"expires_on\":\"11/14/2023 21:00:00 +00:00\"}";

		CHECK_EQ(azure_token_parse(&tk, old, sizeof old - 1, now), AZURE_E_EXPIRED);
	}
}

/* The error bodies the sources send, as one line for stderr. */
static void test_source_errors(void)
{
	static const struct {
		const char *body, *want;
	} t[] = {
		{ "{\"statusCode\":500,\"message\":\"An unexpected error occured while fetching the AAD Token.\","
			"\"correlationId\":\"2a1d0b62-6f4e-4c4b-9d7a-0f0b1a2c3d4e\"}",
			"500: An unexpected error occured while fetching the AAD Token." },
		{ "{\"error\":{\"correlationId\":\"7f0e\",\"code\":\"ManagedIdentityNotFound\","
			"\"message\":\"Managed Identity not found\"}}",
			"ManagedIdentityNotFound: Managed Identity not found" },
		{ "{\"error\":{\"code\":\"AudienceNotSupported\",\"message\":\"Audience https://x is not a "
			"supported MSI token audience.\"}}",
			"AudienceNotSupported: Audience https://x is not a supported MSI token audience." },
		{ "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS70021: No matching federated "
			"identity record found for presented assertion.\",\"error_codes\":[70021],"
			"\"timestamp\":\"2024-01-01 00:00:00Z\",\"trace_id\":\"t\",\"correlation_id\":\"c\"}",
			"invalid_client: AADSTS70021: No matching federated identity record found for presented assertion." },
		{ "{\"ExceptionMessage\":\"\",\"ErrorCode\":\"service_unavailable\",\"ServiceErrorCodes\":null,"
			"\"StatusCode\":503,\"Message\":null,\"CorrelationId\":\"c\"}", "service_unavailable" },
	};
	char out[AZURE_ERRTEXT_MAX];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		azure_error_text(t[i].body, strlen(t[i].body), out, sizeof out);
		CHECK_STR(out, t[i].want);
	}
}

static void test_strerror(void)
{
	int c;

	for (c = 0; c >= SOURCE_E_CHARS; c--)
		CHECKM(strcmp(source_strerror(c), "unknown error") != 0, "code %d", c);
	CHECK_STR(source_strerror(SOURCE_E_CHARS - 1), "unknown error");
	CHECK_STR(source_strerror(1), "unknown error");
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_detect);
	T_RUN(test_why);
	T_RUN(test_env_add);
	T_RUN(test_names);
	T_RUN(test_missing);
	T_RUN(test_selectors);
	T_RUN(test_thumbprint);
	T_RUN(test_authority);
	T_RUN(test_realm);
	T_RUN(test_key_path);
	T_RUN(test_assertion);
	T_RUN(test_source_tokens);
	T_RUN(test_source_errors);
	T_RUN(test_strerror);
	T_END();
}
