/* Unit tests for ref: the secret reference shapes of `azkv get` (URL,
 * VAULT/NAME, HOST/NAME) and of `azkv exec` (@Microsoft.KeyVault(...),
 * akv://), what each accepts and refuses, and ref_target. Tables: one row per
 * input and outcome. */
#include "vault/ref.h"
#include "t.h"

#define V32 "0123456789abcdef0123456789ABCDEF"

static const struct {
	const char *in;
	int rc;
	const char *host;
	unsigned port;
	const char *name, *version;
} refs[] = {
	{ "https://myvault.vault.azure.net/secrets/db-pass", 0, "myvault.vault.azure.net", 443, "db-pass", "" },
	{ "https://myvault.vault.azure.net/secrets/db-pass/", 0, "myvault.vault.azure.net", 443, "db-pass", "" },
	{ "https://myvault.vault.azure.net/secrets/db-pass/" V32, 0, "myvault.vault.azure.net", 443, "db-pass", V32 },
	{ "HTTPS://MyVault.Vault.Azure.Net/Secrets/Db-Pass", 0, "myvault.vault.azure.net", 443, "Db-Pass", "" },
	{ "https://localhost:8443/secrets/x", 0, "localhost", 8443, "x", "" },
	{ "https://127.0.0.1:8443/secrets/x/" V32, 0, "127.0.0.1", 8443, "x", V32 },
	{ "https://kv.managedhsm.azure.net/secrets/x", 0, "kv.managedhsm.azure.net", 443, "x", "" },
	{ "http://myvault.vault.azure.net/secrets/x", REF_E_SCHEME, "", 0, "", "" },
	{ "HTTP://myvault.vault.azure.net/secrets/x", REF_E_SCHEME, "", 0, "", "" },
	{ "ftp://myvault.vault.azure.net/secrets/x", REF_E_SCHEME, "", 0, "", "" },
	{ "https://h/secrets/x/" V32 "/", REF_E_FORM, "", 0, "", "" },
	{ "https://h/secrets/x/" V32 "/extra", REF_E_FORM, "", 0, "", "" },
	{ "https://h/secrets/x//", REF_E_FORM, "", 0, "", "" },
	{ "https://h/secrets/x?api-version=7.4", REF_E_FORM, "", 0, "", "" },
	{ "https://h/secrets/x/?a", REF_E_FORM, "", 0, "", "" },
	{ "https://h/secrets/x#f", REF_E_FORM, "", 0, "", "" },
	{ "https://h/keys/x", REF_E_FORM, "", 0, "", "" },
	{ "https://h/secretsx/x", REF_E_FORM, "", 0, "", "" },
	{ "https://h/secrets", REF_E_FORM, "", 0, "", "" },
	{ "https://h/", REF_E_FORM, "", 0, "", "" },
	{ "https://h", REF_E_FORM, "", 0, "", "" },
	{ "https://u@h/secrets/x", REF_E_FORM, "", 0, "", "" },
	{ "https://h/x/secrets/x", REF_E_FORM, "", 0, "", "" },
	{ "https://h/secrets/", REF_E_NAME, "", 0, "", "" },
	{ "https://h/secrets//" V32, REF_E_NAME, "", 0, "", "" },
	{ "https://h/secrets/a_b", REF_E_NAME, "", 0, "", "" },
	{ "https://h/secrets/a.b", REF_E_NAME, "", 0, "", "" },
	{ "https://h/secrets/a%2Db", REF_E_NAME, "", 0, "", "" },
	{ "https://h/secrets/x/0123", REF_E_VERSION, "", 0, "", "" },
	{ "https://h/secrets/x/" V32 "0", REF_E_VERSION, "", 0, "", "" },
	{ "https://h/secrets/x/0123456789abcdef0123456789abcde-", REF_E_VERSION, "", 0, "", "" },
	{ "https://bad!host/secrets/x", REF_E_VAULT, "", 0, "", "" },
	{ "https://h:0/secrets/x", REF_E_VAULT, "", 0, "", "" },
	{ "https:///secrets/x", REF_E_VAULT, "", 0, "", "" },
	/* accepted URL variants: explicit port, IPv6, case, any alnum version */
	{ "https://kv.vault.azure.net:443/secrets/x", 0, "kv.vault.azure.net", 443, "x", "" },
	{ "https://[::1]:8443/secrets/x", 0, "::1", 8443, "x", "" },
	{ "https://kv.vault.azure.net/SECRETS/x", 0, "kv.vault.azure.net", 443, "x", "" },
	{ "https://kv.vault.azure.net/secrets/-a-/", 0, "kv.vault.azure.net", 443, "-a-", "" },
	{ "https://kv.vault.azure.net/secrets/x/ghijklmnopqrstuvwxyzGHIJKLMNOPQR", 0,
	  "kv.vault.azure.net", 443, "x", "ghijklmnopqrstuvwxyzGHIJKLMNOPQR" },
	{ "https://kv.vault.azure.net:65536/secrets/x", REF_E_VAULT, "", 0, "", "" },
	{ "https://kv.vault.azure.net/secrets/x/" V32 "?api-version=7.5", REF_E_FORM, "", 0, "", "" },
	{ "https://kv.vault.azure.net/secrets/x/0123456789abcdef0123456789abcde\xc3\xa9", REF_E_FORM, "", 0, "", "" },
	{ "https://kv.vault.azure.net/secrets/x y", REF_E_FORM, "", 0, "", "" },
	/* short forms */
	{ "myvault/x", 0, "myvault.vault.azure.net", 443, "x", "" },
	{ "MyVault/X/", 0, "myvault.vault.azure.net", 443, "X", "" },
	{ "myvault/x/" V32, 0, "myvault.vault.azure.net", 443, "x", V32 },
	{ "kv.vault.azure.cn/x/0123456789abcdef0123456789abcdef", 0, "kv.vault.azure.cn", 443, "x", "0123456789abcdef0123456789abcdef" },
	{ "KV.Vault.UsGovCloudApi.Net/db", 0, "kv.vault.usgovcloudapi.net", 443, "db", "" },
	{ "abc/x", 0, "abc.vault.azure.net", 443, "x", "" },
	{ "a-b-c/x", 0, "a-b-c.vault.azure.net", 443, "x", "" },
	{ "abcdefghijklmnopqrstuvw9/x", 0, "abcdefghijklmnopqrstuvw9.vault.azure.net", 443, "x", "" },
	{ "ab/x", REF_E_VAULT, "", 0, "", "" },
	{ "abcdefghijklmnopqrstuvwxy/x", REF_E_VAULT, "", 0, "", "" },
	{ "a--b/x", REF_E_VAULT, "", 0, "", "" },
	{ "1vault/x", REF_E_VAULT, "", 0, "", "" },
	{ "-vault/x", REF_E_VAULT, "", 0, "", "" },
	{ "vault-/x", REF_E_VAULT, "", 0, "", "" },
	{ "va_lt/x", REF_E_VAULT, "", 0, "", "" },
	{ "vault:443/x", REF_E_VAULT, "", 0, "", "" },
	{ "kv.example.com:443/x", REF_E_VAULT, "", 0, "", "" },
	{ "bad..host/x", REF_E_VAULT, "", 0, "", "" },
	{ "/x", REF_E_VAULT, "", 0, "", "" },
	{ "myvault", REF_E_FORM, "", 0, "", "" },
	{ "", REF_E_FORM, "", 0, "", "" },
	{ "myvault/x/" V32 "/z", REF_E_FORM, "", 0, "", "" },
	{ "myvault/x?y", REF_E_FORM, "", 0, "", "" },
	{ "myvault/x#y", REF_E_FORM, "", 0, "", "" },
	{ "myvault/", REF_E_NAME, "", 0, "", "" },
	{ "myvault//" V32, REF_E_NAME, "", 0, "", "" },
	{ "myvault/a_b", REF_E_NAME, "", 0, "", "" },
	{ "myvault/x/y", REF_E_VERSION, "", 0, "", "" },
	{ "kv.vault.azure.net/x/", 0, "kv.vault.azure.net", 443, "x", "" },
	{ "kv.managedhsm.azure.net/x", 0, "kv.managedhsm.azure.net", 443, "x", "" },
	{ "Abc/x", 0, "abc.vault.azure.net", 443, "x", "" },
	{ "myvault/x/" V32 "/", REF_E_FORM, "", 0, "", "" },
	{ "kv..vault.azure.net/x", REF_E_VAULT, "", 0, "", "" },
	{ "kv.vault.azure.net./x", REF_E_VAULT, "", 0, "", "" },
	{ "my vault/x", REF_E_VAULT, "", 0, "", "" },
	{ "myvault/-", 0, "myvault.vault.azure.net", 443, "-", "" },
	{ "myvault/x y", REF_E_NAME, "", 0, "", "" },
};

static void test_ref_table(void)
{
	size_t i;

	for (i = 0; i < sizeof refs / sizeof refs[0]; i++) {
		ref r;
		int rc = ref_parse(&r, refs[i].in);

		CHECKM(rc == refs[i].rc, "%s: got %d want %d", refs[i].in, rc,
		    refs[i].rc);
		CHECKM(strcmp(r.host, refs[i].host) == 0, "%s: host %s",
		    refs[i].in, r.host);
		CHECKM(r.port == refs[i].port, "%s: port %u", refs[i].in, r.port);
		CHECKM(strcmp(r.name, refs[i].name) == 0, "%s: name %s",
		    refs[i].in, r.name);
		CHECKM(strcmp(r.version, refs[i].version) == 0, "%s: version %s",
		    refs[i].in, r.version);
	}
}

static void test_ref_name_len(void)
{
	char in[256], name[REF_NAME_MAX + 2];
	ref r;

	memset(name, 'n', REF_NAME_MAX);
	name[REF_NAME_MAX] = 0;
	snprintf(in, sizeof in, "myvault/%s", name);
	CHECK_EQ(ref_parse(&r, in), 0);
	CHECK_STR(r.name, name);
	snprintf(in, sizeof in, "https://h/secrets/%s/" V32, name);
	CHECK_EQ(ref_parse(&r, in), 0);
	CHECK_STR(r.name, name);
	strcat(name, "n");
	snprintf(in, sizeof in, "myvault/%s", name);
	CHECK_EQ(ref_parse(&r, in), REF_E_NAME);
	snprintf(in, sizeof in, "https://h/secrets/%s", name);
	CHECK_EQ(ref_parse(&r, in), REF_E_NAME);
}

static void test_ref_target(void)
{
	static const char want[] = "/secrets/db-pass/" V32 "?api-version=2025-07-01";
	char b[256];
	ref r;

	CHECK_EQ(ref_parse(&r, "myvault/db-pass"), 0);
	CHECK_EQ(ref_target(&r, NULL, "7.4", b, sizeof b), 0);
	CHECK_STR(b, "/secrets/db-pass?api-version=7.4");
	CHECK_EQ(ref_parse(&r, "https://kv.vault.azure.net/secrets/db-pass/"), 0);
	CHECK_EQ(ref_target(&r, NULL, "7.4", b, sizeof b), 0);
	CHECK_STR(b, "/secrets/db-pass?api-version=7.4");
	CHECK_EQ(ref_parse(&r, "myvault/db-pass/" V32), 0);
	CHECK_EQ(ref_target(&r, NULL, "2025-07-01", b, sizeof b), 0);
	CHECK_STR(b, want);
	CHECK_EQ(ref_target(&r, NULL, "2025-07-01", b, sizeof want), 0);
	CHECK_STR(b, want);
	CHECK_EQ(ref_target(&r, NULL, "2025-07-01", b, sizeof want - 1), REF_E_SPACE);
	CHECK_STR(b, "");
	CHECK_EQ(ref_target(&r, NULL, "2025-07-01", b, 17), REF_E_SPACE);
	CHECK_STR(b, "");
	CHECK_EQ(ref_target(&r, NULL, "a b", b, sizeof b), 0);
	CHECK_STR(b, "/secrets/db-pass/" V32 "?api-version=a%20b");
}

/* Certificate references: the URL and short forms with "certificates/". */
static void test_ref_certificates(void)
{
	char b[256];
	ref r;

	CHECK_EQ(ref_parse(&r, "https://kv.vault.azure.net/certificates/web/" V32), 0);
	CHECK(r.kind == REF_CERT && strcmp(r.name, "web") == 0 && strcmp(r.version, V32) == 0);
	CHECK_EQ(ref_target(&r, NULL, "7.5", b, sizeof b), 0);
	CHECK_STR(b, "/certificates/web/" V32 "?api-version=7.5");
	CHECK_EQ(ref_parse(&r, "https://kv.vault.azure.net/Certificates/web"), 0);
	CHECK(r.kind == REF_CERT && strcmp(r.name, "web") == 0);
	CHECK_EQ(ref_parse(&r, "myvault/certificates/web"), 0);
	CHECK(r.kind == REF_CERT && strcmp(r.host, "myvault.vault.azure.net") == 0);
	CHECK_EQ(ref_parse(&r, "kv.vault.azure.cn/certificates/web/"), 0);
	CHECK(r.kind == REF_CERT && strcmp(r.host, "kv.vault.azure.cn") == 0 && !r.version[0]);
	/* a secret named "certificates" stays a secret */
	CHECK_EQ(ref_parse(&r, "myvault/certificates"), 0);
	CHECK(r.kind == REF_SECRET && strcmp(r.name, "certificates") == 0);
	CHECK_EQ(ref_parse(&r, "https://kv.vault.azure.net/secrets/certificates/" V32), 0);
	CHECK(r.kind == REF_SECRET && strcmp(r.name, "certificates") == 0);
	CHECK_EQ(ref_target(&r, NULL, "7.5", b, sizeof b), 0);
	CHECK_STR(b, "/secrets/certificates/" V32 "?api-version=7.5");
	CHECK_EQ(ref_parse(&r, "myvault/certificates/"), REF_E_NAME);
	CHECK_EQ(ref_parse(&r, "https://kv.vault.azure.net/keys/web"), REF_E_FORM);
	CHECK_EQ(ref_parse_env(&r, "akv://myvault/certificates/web"), 1);
	CHECK(r.kind == REF_CERT);
	CHECK_EQ(ref_parse_env(&r, "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/certificates/web/)"), 1);
	CHECK(r.kind == REF_CERT);
}

/* Key references (ref_parse_key) and their targets. */
static void test_ref_keys(void)
{
	char b[256];
	ref r;

	CHECK_EQ(ref_parse_key(&r, "https://MyVault.vault.azure.net/keys/k1"), 0);
	CHECK_STR(r.host, "myvault.vault.azure.net");
	CHECK_STR(r.name, "k1");
	CHECK_STR(r.version, "");
	CHECK_EQ(ref_parse_key(&r, "https://v.vault.azure.net/keys/k1/0123456789abcdef0123456789abcdef"), 0);
	CHECK_STR(r.version, "0123456789abcdef0123456789abcdef");
	CHECK_EQ(ref_parse_key(&r, "https://h.managedhsm.azure.net:8443/KEYS/k1/"), 0);
	CHECK_EQ(r.port, 8443);
	CHECK_STR(r.host, "h.managedhsm.azure.net");
	CHECK_EQ(ref_parse_key(&r, "myvault/k1"), 0);
	CHECK_STR(r.host, "myvault.vault.azure.net");
	CHECK_EQ(ref_parse_key(&r, "myvault/keys/k1/0123456789abcdef0123456789abcdef"), 0);
	CHECK_STR(r.name, "k1");
	CHECK_STR(r.version, "0123456789abcdef0123456789abcdef");
	CHECK_EQ(ref_parse_key(&r, "h.managedhsm.azure.net/keys/k1"), 0);
	CHECK_STR(r.host, "h.managedhsm.azure.net");
	CHECK_EQ(ref_parse_key(&r, "myvault/keys"), 0); /* a key named keys */
	CHECK_EQ(r.kind, REF_KEY);
	CHECK_STR(r.name, "keys");
	CHECK_EQ(ref_parse_key(&r, "https://v.vault.azure.net/secrets/k1"), REF_E_FORM);
	CHECK_EQ(ref_parse_key(&r, "https://v.vault.azure.net"), REF_E_FORM);
	CHECK_EQ(ref_parse_key(&r, "https://v.vault.azure.net/keys/k1?x=1"), REF_E_FORM);
	CHECK_EQ(ref_parse_key(&r, "http://v.vault.azure.net/keys/k1"), REF_E_SCHEME);
	CHECK_EQ(ref_parse_key(&r, "https://v.vault.azure.net/keys/k_1"), REF_E_NAME);
	CHECK_EQ(ref_parse_key(&r, "myvault/k1/short"), REF_E_VERSION);
	CHECK_EQ(ref_parse_key(&r, "myvault"), REF_E_FORM);
	CHECK_EQ(ref_parse_key(&r, ""), REF_E_FORM);
	CHECK_EQ(ref_parse_key(&r, "x"), REF_E_FORM);
	CHECK_EQ(r.host[0], 0);
	CHECK(strstr(ref_key_strerror(REF_E_FORM), "keys/NAME") != NULL);
	CHECK_STR(ref_key_strerror(REF_E_VERSION), ref_strerror(REF_E_VERSION));
	CHECK_EQ(ref_parse_key(&r, "myvault/keys/k1/" V32), 0);
	CHECK_EQ(ref_target(&r, NULL, "7.5", b, sizeof b), 0);
	CHECK_STR(b, "/keys/k1/" V32 "?api-version=7.5");
	CHECK_EQ(ref_target(&r, "unwrapkey", "7.5", b, sizeof b), 0);
	CHECK_STR(b, "/keys/k1/" V32 "/unwrapkey?api-version=7.5");
	CHECK_EQ(ref_parse_key(&r, "myvault/k1"), 0);
	CHECK_EQ(ref_target(&r, "wrapkey", "7.5", b, sizeof b), 0);
	CHECK_STR(b, "/keys/k1/wrapkey?api-version=7.5");
	CHECK_EQ(ref_target(&r, "wrapkey", "7.5", b, 16), REF_E_SPACE);
	CHECK_STR(b, "");
}

static void test_ref_strerror(void)
{
	int c, d;

	for (c = REF_E_SPACE; c <= 0; c++) {
		CHECK(ref_strerror(c) != NULL);
		for (d = REF_E_SPACE; d < c; d++)
			CHECKM(strcmp(ref_strerror(c), ref_strerror(d)) != 0,
			    "%d and %d share a message", c, d);
	}
}

static const struct {
	const char *in;
	int rc;
	const char *host, *name, *version;
} envrefs[] = {
	{ "plain value", 0, "", "", "" },
	{ "", 0, "", "", "" },
	{ "https://kv.vault.azure.net/secrets/x", 0, "", "", "" },
	{ "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)", 1,
	  "kv.vault.azure.net", "db", "" },
	{ "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/" V32 ")", 1,
	  "kv.vault.azure.net", "db", V32 },
	{ "@Microsoft.KeyVault(VaultName=myvault;SecretName=db)", 1,
	  "myvault.vault.azure.net", "db", "" },
	{ "@microsoft.keyvault(secretname=db;vaultname=myvault;SECRETVERSION=" V32 ")", 1,
	  "myvault.vault.azure.net", "db", V32 },
	{ "akv://myvault/db", 1, "myvault.vault.azure.net", "db", "" },
	{ "akv://kv.vault.azure.cn/db/" V32, 1, "kv.vault.azure.cn", "db", V32 },
	{ "@Microsoft.KeyVault(SecretUri=http://kv.vault.azure.net/secrets/db)",
	  REF_E_SCHEME, "", "", "" },
	{ "@Microsoft.KeyVault(VaultName=myvault;SecretName=db", REF_E_FORM, "", "", "" },
	{ "@Microsoft.KeyVault(VaultName=myvault)", REF_E_FORM, "", "", "" },
	{ "@Microsoft.KeyVault(VaultName=myvault;VaultName=myvault;SecretName=db)", REF_E_FORM, "", "", "" },
	{ "@Microsoft.KeyVault(VaultName=myvault;SecretName=d/b)", REF_E_FORM, "", "", "" },
	{ "@Microsoft.KeyVault(VaultName=myvault;SecretName=db;Color=red)", REF_E_FORM, "", "", "" },
	{ "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db;VaultName=myvault)",
	  REF_E_FORM, "", "", "" },
	{ "@Microsoft.KeyVault()", REF_E_FORM, "", "", "" },
	{ "@Microsoft.KeyVault(VaultName=myvault;SecretName=a_b)", REF_E_NAME, "", "", "" },
	{ "akv://myvault/", REF_E_NAME, "", "", "" },
	{ "akv://k/db", REF_E_VAULT, "", "", "" },
	/* accepted: any case of the prefixes, a sovereign host as VaultName */
	{ "AKV://MyVault/db", 1, "myvault.vault.azure.net", "db", "" },
	{ "@MICROSOFT.KEYVAULT(SecretUri=https://kv.vault.azure.net/secrets/db)", 1,
	  "kv.vault.azure.net", "db", "" },
	{ "@Microsoft.KeyVault(VaultName=kv.vault.azure.cn;SecretName=db)", 1,
	  "kv.vault.azure.cn", "db", "" },
	/* refused: not the whole value, a mixed or incomplete form, bad parts */
	{ "@Microsoft.KeyVault(VaultName=myvault;SecretName=db) ", REF_E_FORM, "", "", "" },
	{ "@Microsoft.KeyVault(SecretName=db)", REF_E_FORM, "", "", "" },
	{ "@Microsoft.KeyVault(VaultName=myvault;SecretName=db;SecretName=db)", REF_E_FORM, "", "", "" },
	{ "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db;SecretVersion=" V32 ")",
	  REF_E_FORM, "", "", "" },
	{ "@Microsoft.KeyVault(VaultName=myvault;SecretName)", REF_E_FORM, "", "", "" },
	{ "@Microsoft.KeyVault(VaultName=myvault;SecretName=db;SecretVersion=0123)",
	  REF_E_VERSION, "", "", "" },
	{ "@Microsoft.KeyVault(VaultName=a--b;SecretName=db)", REF_E_VAULT, "", "", "" },
	{ "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/keys/db)", REF_E_FORM, "", "", "" },
	{ "akv://myvault", REF_E_FORM, "", "", "" },
	{ "akv://myvault/db/" V32 "/x", REF_E_FORM, "", "", "" },
	{ "akv://https://kv.vault.azure.net/secrets/db", REF_E_VAULT, "", "", "" },
	/* not references: left alone */
	{ "@Microsoft.KeyVaultX", 0, "", "", "" },
	{ "akv:/myvault/db", 0, "", "", "" },
	{ " akv://myvault/db", 0, "", "", "" },
};

static void test_ref_env(void)
{
	size_t i;

	for (i = 0; i < sizeof envrefs / sizeof envrefs[0]; i++) {
		ref r;
		int rc = ref_parse_env(&r, envrefs[i].in);

		CHECKM(rc == envrefs[i].rc, "%s: got %d want %d", envrefs[i].in, rc,
		    envrefs[i].rc);
		CHECKM(strcmp(r.host, envrefs[i].host) == 0, "%s: host %s",
		    envrefs[i].in, r.host);
		CHECKM(strcmp(r.name, envrefs[i].name) == 0, "%s: name %s",
		    envrefs[i].in, r.name);
		CHECKM(strcmp(r.version, envrefs[i].version) == 0, "%s: version %s",
		    envrefs[i].in, r.version);
	}
}

/* A refused reference leaves nothing behind in *r. */
static void test_ref_zeroed(void)
{
	static const char *const bad[] = {
		"https://kv.vault.azure.net/secrets/x/0123", "myvault/a_b",
		"kv.vault.azure.net/x/" V32 "/", "http://kv.vault.azure.net/secrets/x",
	};
	static const ref zero;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ref r;

		memset(&r, 0xa5, sizeof r);
		CHECKM(ref_parse(&r, bad[i]) < 0, "%s", bad[i]);
		CHECKM(memcmp(&r, &zero, sizeof r) == 0, "%s: not zeroed", bad[i]);
	}
	{
		ref r;

		memset(&r, 0xa5, sizeof r);
		CHECK_EQ(ref_parse_env(&r, "@Microsoft.KeyVault(VaultName=myvault;SecretName=a_b)"), REF_E_NAME);
		CHECKM(memcmp(&r, &zero, sizeof r) == 0, "env: not zeroed");
		memset(&r, 0xa5, sizeof r);
		CHECK_EQ(ref_parse_env(&r, "akv://myvault/x/0123"), REF_E_VERSION);
		CHECKM(memcmp(&r, &zero, sizeof r) == 0, "akv: not zeroed");
	}
}

/* ref_env_scan: which environment entries are references, the table
 * limit (nothing written past it: the tables are exactly SCAN_MAX long, so
 * ASan sees any overflow), and where a bad one is. */
#define SCAN_MAX 3

static ref scan_refs[SCAN_MAX];
static size_t scan_at[SCAN_MAX];

static void scan_found(void)
{
	char *env[] = { "A=1", "DB=akv://myvault/db", "NOEQ", "B=@Microsoft.KeyVault(VaultName=vlt;SecretName=s)",
		"C=akv:/x", NULL };
	size_t n = 99, bad = 99;

	CHECK_EQ(ref_env_scan(env, scan_refs, scan_at, SCAN_MAX, &n, &bad), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(scan_at[0], 1);
	CHECK_EQ(scan_at[1], 3);
	CHECK_STR(scan_refs[0].host, "myvault.vault.azure.net");
	CHECK_STR(scan_refs[0].name, "db");
	CHECK_STR(scan_refs[1].host, "vlt.vault.azure.net");
	CHECK_STR(scan_refs[1].name, "s");
	CHECK_EQ(bad, 99);
}

static void scan_full(void)
{
	/* exactly SCAN_MAX references, then plain variables: all fine */
	char *env[] = { "A=akv://vlt/a", "B=akv://vlt/b", "C=akv://vlt/c", "D=plain", "E=x",
		NULL };
	size_t n, bad = 99;

	CHECK_EQ(ref_env_scan(env, scan_refs, scan_at, SCAN_MAX, &n, &bad), 0);
	CHECK_EQ(n, SCAN_MAX);
	CHECK_STR(scan_refs[2].name, "c");
	CHECK_EQ(scan_at[2], 2);
}

static void scan_too_many(void)
{
	char *env[] = { "A=akv://vlt/a", "P=plain", "B=akv://vlt/b", "C=akv://vlt/c",
		"D=akv://vlt/d", "E=akv://vlt/e", NULL };
	size_t n, bad = 99;

	CHECK_EQ(ref_env_scan(env, scan_refs, scan_at, SCAN_MAX, &n, &bad), REF_E_MANY);
	CHECK_EQ(bad, 4);
	CHECK_EQ(n, SCAN_MAX);
	CHECK_STR(scan_refs[2].name, "c"); /* the table is as it was filled */
	CHECK(ref_strerror(REF_E_MANY)[0] != 'u');
}

static void scan_bad(void)
{
	char *env[] = { "A=akv://vlt/a", "BAD=@Microsoft.KeyVault(VaultName=vlt)", NULL };
	/* a malformed reference after a full table is still reported as such */
	char *env2[] = { "A=akv://vlt/a", "B=akv://vlt/b", "C=akv://vlt/c", "X=akv://vlt/",
		NULL };
	size_t n, bad = 99;

	CHECK(ref_env_scan(env, scan_refs, scan_at, SCAN_MAX, &n, &bad) < 0);
	CHECK_EQ(bad, 1);
	CHECK_EQ(ref_env_scan(env2, scan_refs, scan_at, SCAN_MAX, &n, &bad), REF_E_NAME);
	CHECK_EQ(bad, 3);
}

static void scan_empty(void)
{
	char *env[] = { NULL };
	size_t n = 5, bad;

	CHECK_EQ(ref_env_scan(env, scan_refs, scan_at, 0, &n, &bad), 0);
	CHECK_EQ(n, 0);
}

/* Selections: VAULT/PREFIX*, HOST/PREFIX*, https://HOST/secrets/PREFIX*
 * through ref_parse_sel and akv://; ref_parse and App Service forms refuse
 * them, as they refuse a '*' anywhere else. */
static void test_ref_selections(void)
{
	static const struct {
		const char *in;
		int rc, list;
		const char *host, *name;
	} sels[] = {
		{ "myvault/*", 0, 1, "myvault.vault.azure.net", "*" },
		{ "myvault/app-*", 0, 1, "myvault.vault.azure.net", "app-*" },
		{ "kv.vault.azure.cn/Db*", 0, 1, "kv.vault.azure.cn", "Db*" },
		{ "https://kv.vault.azure.net:8443/secrets/x*", 0, 1, "kv.vault.azure.net", "x*" },
		{ "https://kv.vault.azure.net/secrets/*", 0, 1, "kv.vault.azure.net", "*" },
		{ "myvault/db", 0, 0, "myvault.vault.azure.net", "db" },
		{ "myvault/*/", REF_E_NAME, 0, "", "" },
		{ "myvault/a*b", REF_E_NAME, 0, "", "" },
		{ "myvault/**", REF_E_NAME, 0, "", "" },
		{ "myvault/*a", REF_E_NAME, 0, "", "" },
		{ "myvault/a_*", REF_E_NAME, 0, "", "" },
		{ "myvault/x*/" V32, REF_E_NAME, 0, "", "" },
		{ "myvault/x/" V32 "*", REF_E_VERSION, 0, "", "" },
		{ "myvault/certificates/*", REF_E_FORM, 0, "", "" },
		{ "https://kv.vault.azure.net/certificates/w*", REF_E_FORM, 0, "", "" },
		{ "myvault/", REF_E_NAME, 0, "", "" },
		{ "*/x", REF_E_VAULT, 0, "", "" },
	};
	char prefixed[300];
	size_t i;
	ref r;

	for (i = 0; i < sizeof sels / sizeof sels[0]; i++) {
		int rc = ref_parse_sel(&r, sels[i].in);

		CHECKM(rc == sels[i].rc, "%s: rc %d", sels[i].in, rc);
		CHECKM((r.kind == REF_LIST) == sels[i].list, "%s: kind %d", sels[i].in, r.kind);
		CHECKM(strcmp(r.host, sels[i].host) == 0 && strcmp(r.name, sels[i].name) == 0,
			"%s: %s / %s", sels[i].in, r.host, r.name);
		CHECKM(r.version[0] == 0 || rc == 0, "%s", sels[i].in);
		if (sels[i].list) {
			CHECKM(ref_parse(&r, sels[i].in) == REF_E_NAME, "ref_parse took %s", sels[i].in);
			snprintf(prefixed, sizeof prefixed, "akv://%s", sels[i].in);
			if (strncmp(sels[i].in, "https:", 6) != 0) {
				CHECKM(ref_parse_env(&r, prefixed) == 1 && r.kind == REF_LIST
					&& strcmp(r.name, sels[i].name) == 0, "%s", prefixed);
			}
		}
	}
	CHECK_EQ(ref_parse_env(&r, "@Microsoft.KeyVault(VaultName=myvault;SecretName=app-*)"), REF_E_NAME);
	CHECK_EQ(ref_parse_env(&r, "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/*)"),
		REF_E_NAME);
	CHECK_EQ(ref_parse_env(&r, "akv://myvault/certificates/x*"), REF_E_FORM);
	CHECK_EQ(ref_parse_env(&r, "akv://myvault/x"), 1);
	CHECK_EQ(r.kind, REF_SECRET);
	memset(prefixed, 'a', 140);
	memcpy(prefixed, "myvault/", 8);
	strcpy(prefixed + 8 + 126, "*");
	CHECK_EQ(ref_parse_sel(&r, prefixed), 0);
	CHECK_EQ(strlen(r.name), 127);
	strcpy(prefixed + 8 + 127, "*");
	CHECK_EQ(ref_parse_sel(&r, prefixed), REF_E_NAME);
	CHECK(ref_name_ok("a-B-9", 5) && !ref_name_ok("", 0) && !ref_name_ok("a*", 2)
		&& !ref_name_ok("a/b", 3) && !ref_name_ok(".", 1) && !ref_name_ok("..", 2));
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_ref_table);
	T_RUN(test_ref_selections);
	T_RUN(test_ref_name_len);
	T_RUN(test_ref_target);
	T_RUN(test_ref_keys);
	T_RUN(test_ref_certificates);
	T_RUN(test_ref_strerror);
	T_RUN(test_ref_env);
	T_RUN(test_ref_zeroed);
	scan_found();
	scan_full();
	scan_too_many();
	scan_bad();
	scan_empty();
	T_END();
}
