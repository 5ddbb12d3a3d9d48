/* Unit tests for ref_env_scan: which environment entries are references,
 * the table limit (nothing written past it: the tables here are exactly
 * max long, so ASan sees any overflow), and where a bad one is. */
#include "ref.h"
#include "t.h"

#define MAX 3

static ref refs[MAX];
static size_t at[MAX];

static void test_found(void)
{
	char *env[] = { "A=1", "DB=akv://myvault/db", "NOEQ", "B=@Microsoft.KeyVault(VaultName=vlt;SecretName=s)",
		"C=akv:/x", NULL };
	size_t n = 99, bad = 99;

	CHECK_EQ(ref_env_scan(env, refs, at, MAX, &n, &bad), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(at[0], 1);
	CHECK_EQ(at[1], 3);
	CHECK_STR(refs[0].host, "myvault.vault.azure.net");
	CHECK_STR(refs[0].name, "db");
	CHECK_STR(refs[1].host, "vlt.vault.azure.net");
	CHECK_STR(refs[1].name, "s");
	CHECK_EQ(bad, 99);
}

static void test_full(void)
{
	/* exactly MAX references, then plain variables: all fine */
	char *env[] = { "A=akv://vlt/a", "B=akv://vlt/b", "C=akv://vlt/c", "D=plain", "E=x",
		NULL };
	size_t n, bad = 99;

	CHECK_EQ(ref_env_scan(env, refs, at, MAX, &n, &bad), 0);
	CHECK_EQ(n, MAX);
	CHECK_STR(refs[2].name, "c");
	CHECK_EQ(at[2], 2);
}

static void test_too_many(void)
{
	char *env[] = { "A=akv://vlt/a", "P=plain", "B=akv://vlt/b", "C=akv://vlt/c",
		"D=akv://vlt/d", "E=akv://vlt/e", NULL };
	size_t n, bad = 99;

	CHECK_EQ(ref_env_scan(env, refs, at, MAX, &n, &bad), REF_E_MANY);
	CHECK_EQ(bad, 4);
	CHECK_EQ(n, MAX);
	CHECK_STR(refs[2].name, "c"); /* the table is as it was filled */
	CHECK(ref_strerror(REF_E_MANY)[0] != 'u');
}

static void test_bad(void)
{
	char *env[] = { "A=akv://vlt/a", "BAD=@Microsoft.KeyVault(VaultName=vlt)", NULL };
	/* a malformed reference after a full table is still reported as such */
	char *env2[] = { "A=akv://vlt/a", "B=akv://vlt/b", "C=akv://vlt/c", "X=akv://vlt/",
		NULL };
	size_t n, bad = 99;

	CHECK(ref_env_scan(env, refs, at, MAX, &n, &bad) < 0);
	CHECK_EQ(bad, 1);
	CHECK_EQ(ref_env_scan(env2, refs, at, MAX, &n, &bad), REF_E_NAME);
	CHECK_EQ(bad, 3);
}

static void test_empty(void)
{
	char *env[] = { NULL };
	size_t n = 5, bad;

	CHECK_EQ(ref_env_scan(env, refs, at, 0, &n, &bad), 0);
	CHECK_EQ(n, 0);
}

int main(void)
{
	test_found();
	test_full();
	test_too_many();
	test_bad();
	test_empty();
	T_END();
}
