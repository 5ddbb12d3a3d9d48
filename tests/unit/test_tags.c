/* test_tags: tag:NAME references and the IMDS tag list they are looked up
 * in (tags.c, docs/protocols.md 4.8). */
#include "vault/tags.h"

#include <stdio.h>
#include <string.h>

#include "t.h"

static void test_find(void)
{
	const char *l = "[{\"name\":\"Department\",\"value\":\"IT\"},"
		"{\"name\":\"kek\",\"value\":\"myvault/k1\"},{\"name\":\"e\",\"value\":\"\"}]";
	char v[TAGS_VALUE_MAX + 1], big[8192];
	size_t o, i;

	CHECK(tags_ref("tag:x") && strcmp(tags_ref("tag:x"), "x") == 0);
	CHECK(tags_ref("TAG:x") == NULL && tags_ref("myvault/x") == NULL);
	CHECK_EQ(tags_find(l, strlen(l), "kek", v, sizeof v), 0);
	CHECK_STR(v, "myvault/k1");
	CHECK_EQ(tags_find(l, strlen(l), "department", v, sizeof v), 0);
	CHECK_STR(v, "IT");
	CHECK_EQ(tags_find(l, strlen(l), "e", v, sizeof v), 0);
	CHECK_STR(v, "");
	CHECK_EQ(tags_find(l, strlen(l), "nope", v, sizeof v), TAGS_E_MISSING);
	CHECK_EQ(tags_find("[]", 2, "a", v, sizeof v), TAGS_E_MISSING);
	CHECK_EQ(tags_find("{}", 2, "a", v, sizeof v), TAGS_E_JSON);
	CHECK_EQ(tags_find("[1]", 3, "a", v, sizeof v), TAGS_E_JSON);
	CHECK_EQ(tags_find("[{\"name\":\"a\"}]", 14, "a", v, sizeof v), TAGS_E_JSON);
	CHECK_EQ(tags_find("[{\"name\":\"a\",\"value\":1}]", 24, "a", v, sizeof v), TAGS_E_JSON);
	/* 50 tags fit, 51 do not; nor 2049 characters */
	for (i = 0, o = 1, big[0] = '['; i < 51; i++)
		o += (size_t)snprintf(big + o, sizeof big - o, "%s{\"name\":\"t%zu\",\"value\":\"v\"}",
			i ? "," : "", i);
	big[o++] = ']';
	CHECK_EQ(tags_find(big, o, "t1", v, sizeof v), TAGS_E_LIMIT);
	big[o] = 0;
	o = (size_t)(strstr(big, ",{\"name\":\"t50\"") - big);
	big[o++] = ']';
	CHECK_EQ(tags_find(big, o, "t49", v, sizeof v), 0);
	CHECK_STR(v, "v");
	for (i = 0, o = 1; i < 9; i++)
		o += (size_t)snprintf(big + o, sizeof big - o, "%s{\"name\":\"n%zu\",\"value\":\"%0256d\"}",
			i ? "," : "", i, 0);
	big[o++] = ']';
	CHECK_EQ(tags_find(big, o, "n0", v, sizeof v), TAGS_E_LIMIT);
	/* a value over 256 characters */
	o = (size_t)snprintf(big, sizeof big, "[{\"name\":\"a\",\"value\":\"%0257d\"}]", 0);
	CHECK_EQ(tags_find(big, o, "a", v, sizeof v), TAGS_E_LIMIT);
}

/* Escapes are decoded before names compare; the first match wins; the
 * caller's buffer is a limit, not a place to cut the value. */
static void test_edges(void)
{
	const char *l = "[{\"name\":\"k\\u0065k\",\"value\":\"a\\/b\"},"
		"{\"name\":\"KEK\",\"value\":\"second\"}]";
	char v[TAGS_VALUE_MAX + 1], small[4];

	CHECK_EQ(tags_find(l, strlen(l), "kek", v, sizeof v), 0);
	CHECK_STR(v, "a/b");
	CHECK_EQ(tags_find(l, strlen(l), "Kek", small, sizeof small), 0);
	CHECK_STR(small, "a/b");
	CHECK_EQ(tags_find(l, strlen(l), "kek", small, 3), TAGS_E_LIMIT);
	l = "[{\"name\":\"a\",\"value\":\"b\"}"; /* unclosed */
	CHECK_EQ(tags_find(l, strlen(l), "a", v, sizeof v), TAGS_E_JSON);
	CHECK_EQ(tags_find("", 0, "a", v, sizeof v), TAGS_E_JSON);
	CHECK_STR(tags_ref("tag:"), "");
	CHECK(tags_ref("tag") == NULL);
}

static void test_strerror(void)
{
	int c, d;

	for (c = TAGS_E_NAME; c < 0; c++) {
		CHECKM(strcmp(tags_strerror(c), "unknown tag error") != 0, "code %d", c);
		for (d = TAGS_E_NAME; d < c; d++)
			CHECKM(strcmp(tags_strerror(c), tags_strerror(d)) != 0, "%d and %d", c, d);
	}
	CHECK_STR(tags_strerror(TAGS_E_NAME - 1), "unknown tag error");
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_find);
	T_RUN(test_edges);
	T_RUN(test_strerror);
	T_END();
}
