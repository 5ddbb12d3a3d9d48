/* Unit tests for str: bounded copies, ASCII case folding, printable cut,
 * decimal parse with overflow. Buffers carry a guard pattern past cap so an
 * overflow fails here even without ASan. */
#include <limits.h>
#include <string.h>

#include "base/str.h"
#include "t.h"

#define GUARD 0x5a
#define BUF 64

static int guard_ok(const char *b, size_t from)
{
	size_t i;

	for (i = from; i < BUF; i++)
		if ((unsigned char)b[i] != GUARD)
			return 0;
	return 1;
}

static void test_copy(void)
{
	static const struct {
		const char *src;
		size_t cap;
		int rc;
		const char *want;
	} t[] = {
		{ "abc", 4, 0, "abc" },
		{ "abc", 3, -1, "" },
		{ "abc", 1, -1, "" },
		{ "", 1, 0, "" },
		{ "", 0, -1, NULL },
		{ "abc", 0, -1, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		char b[BUF];

		memset(b, GUARD, sizeof b);
		CHECK_EQ(str_copy(b, t[i].cap, t[i].src), t[i].rc);
		if (t[i].want)
			CHECK_STR(b, t[i].want);
		CHECKM(guard_ok(b, t[i].cap), "case %zu wrote past cap", i);
	}
}

static void test_copyn(void)
{
	char b[BUF];

	memset(b, GUARD, sizeof b);
	CHECK_EQ(str_copyn(b, 6, "ab\0cd", 5), 0);
	CHECK(memcmp(b, "ab\0cd", 6) == 0);
	CHECK(guard_ok(b, 6));
	memset(b, GUARD, sizeof b);
	CHECK_EQ(str_copyn(b, 5, "ab\0cd", 5), -1);
	CHECK_EQ(b[0], 0);
	CHECK(guard_ok(b, 5));
	CHECK_EQ(str_copyn(b, 3, "abcdef", 2), 0);
	CHECK_STR(b, "ab");
}

static void test_case(void)
{
	static const struct {
		const char *a, *b;
		int eq, ends;
	} t[] = {
		{ "Bearer", "bEARER", 1, 1 },
		{ "a", "ab", 0, 0 },
		{ "ab", "a", 0, 0 },
		{ "ab", "B", 0, 1 },
		{ "", "", 1, 1 },
		{ "x", "", 0, 1 },
		{ "", "x", 0, 0 },
		{ "@", "`", 0, 0 },   /* 0x40/0x60: only A-Z fold */
		{ "[", "{", 0, 0 },
		{ "myvault.VAULT.azure.net", ".vault.azure.NET", 0, 1 },
		{ "net", "vault.azure.net", 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		CHECKM(str_ieq(t[i].a, t[i].b) == t[i].eq, "ieq %zu", i);
		CHECKM(str_iends(t[i].a, t[i].b) == t[i].ends, "iends %zu", i);
	}
}

static void test_printable_table(void)
{
	static const struct {
		const char *src;
		size_t n, cap;
		const char *want;
	} t[] = {
		{ "abc", 3, 4, "abc" }, /* fits exactly: no "..." */
		{ "abc", 3, 3, ".." },
		{ "abc", 3, 2, "." },
		{ "abc", 3, 1, "" },
		{ "abcd", 4, 4, "..." },
		{ "abcd", 4, 5, "abcd" },
		{ "abcdefgh", 8, 1, "" },
		{ "abcdefgh", 8, 2, "." },
		{ "abcdefgh", 8, 3, ".." },
		{ "abcdefgh", 8, 4, "..." },
		{ "abcdefgh", 8, 5, "a..." },
		{ "abcdefgh", 8, 6, "ab..." },
		{ "abcdefgh", 8, 7, "abc..." },
		{ "abcdefgh", 8, 8, "abcd..." },
		{ "abcdefgh", 8, 9, "abcdefgh" },
		{ "abcdefghijklm", 13, 14, "abcdefghijklm" },
		{ "a\nb", 3, 16, "a\\x0ab" },
		{ "a\\b", 3, 16, "a\\x5cb" },
		{ "\x7f\xff\x1b", 3, 16, "\\x7f\\xff\\x1b" },
		{ "a\0b", 3, 16, "a\\x00b" },
		{ "\n\n\n", 3, 8, "\\x0a..." },
		{ "a\n", 2, 5, "a..." },
		{ "a\n", 2, 6, "a\\x0a" },
		{ "ab\n", 3, 6, "ab..." }, /* escape does not fit beside "..." */
		{ "ab\n", 3, 7, "ab\\x0a" },
		{ "abc", 0, 8, "" },
		{ "", 0, 1, "" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		char b[BUF];

		memset(b, GUARD, sizeof b);
		str_printable(b, t[i].cap, t[i].src, t[i].n);
		CHECKM(strcmp(b, t[i].want) == 0, "case %zu got \"%s\" want \"%s\"",
		    i, b, t[i].want);
		CHECKM(guard_ok(b, t[i].cap), "case %zu wrote past cap", i);
	}
}

/* b (written with cap) is terminated inside cap, untouched past it, and
 * either the full rendering or a prefix of it followed by "..." (as many
 * dots as fit when cap < 4). */
static int sweep_ok(const char *b, size_t cap, const char *full)
{
	const char *nul = memchr(b, 0, cap);
	size_t len, dots;

	if (nul == NULL || !guard_ok(b, cap))
		return 0;
	if (strlen(full) < cap)
		return strcmp(b, full) == 0;
	len = (size_t)(nul - b);
	dots = cap < 4 ? cap - 1 : 3;
	return len >= dots && strncmp(b, full, len - dots) == 0 &&
	    memcmp(b + len - dots, "...", dots) == 0;
}

/* Every cap against inputs mixing plain and escaped bytes. */
static void test_printable_sweep(void)
{
	static const char *const in[] = {
		"hello", "\x01\x02\x03", "a\\b\nc\xff", "0123456789abcdef0123",
	};
	size_t i, cap;

	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		char full[BUF];

		str_printable(full, sizeof full, in[i], strlen(in[i]));
		for (cap = 1; cap < 40; cap++) {
			char b[BUF];

			memset(b, GUARD, sizeof b);
			str_printable(b, cap, in[i], strlen(in[i]));
			CHECKM(sweep_ok(b, cap, full), "input %zu cap %zu got \"%.*s\"",
			    i, cap, (int)cap, b);
		}
	}
}

static void test_printable_cap0(void)
{
	char b[BUF];

	memset(b, GUARD, sizeof b);
	str_printable(b, 0, "abc", 3);
	CHECK(guard_ok(b, 0));
}

static void test_udec(void)
{
	static const struct {
		const char *s;
		unsigned long long max;
		int rc;
		unsigned long long v;
	} t[] = {
		{ "18446744073709551615", ULLONG_MAX, 0, ULLONG_MAX },
		{ "18446744073709551616", ULLONG_MAX, -1, 0 },
		{ "99999999999999999999", ULLONG_MAX, -1, 0 },
		{ "65535", 65535, 0, 65535 },
		{ "65536", 65535, -1, 0 },
		{ "0", 0, 0, 0 },
		{ "1", 0, -1, 0 },
		{ "5", 5, 0, 5 },
		{ "7", 5, -1, 0 }, /* digit above max: was accepted (wrap) */
		{ "9", 8, -1, 0 },
		{ "00000000000000000000000001", 1, 0, 1 },
		{ "", 10, -1, 0 },
		{ "1a", 10, -1, 0 },
		{ "-1", 10, -1, 0 },
		{ " 1", 10, -1, 0 },
		{ "+1", 10, -1, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		unsigned long long v = 12345;

		CHECKM(str_udec(t[i].s, strlen(t[i].s), t[i].max, &v) == t[i].rc,
		    "case %zu (%s)", i, t[i].s);
		if (t[i].rc == 0)
			CHECKM(v == t[i].v, "case %zu got %llu", i, v);
	}
	{
		unsigned long long v = 0;

		CHECK_EQ(str_udec("123", 2, 1000, &v), 0);
		CHECK_EQ(v, 12);
	}
}

static void test_hexval(void)
{
	int c, n = 0;

	for (c = 0; c < 256; c++)
		n += str_hexval(c) >= 0;
	CHECK_EQ(n, 22);
	CHECK_EQ(str_hexval('0'), 0);
	CHECK_EQ(str_hexval('9'), 9);
	CHECK_EQ(str_hexval('a'), 10);
	CHECK_EQ(str_hexval('F'), 15);
	CHECK_EQ(str_hexval('g'), -1);
}

/* str_find agrees with strstr on every pair of short strings over {a,b}. */
static void test_find(void)
{
	static const char *const w[] = { "", "a", "b", "aa", "ab", "ba", "bb",
		"aab", "aba", "abab", "baab", "bbbb", "aabab" };
	size_t i, j, n = sizeof w / sizeof w[0];

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			CHECKM(str_find(w[i], w[j]) == strstr(w[i], w[j]),
				"\"%s\" in \"%s\"", w[j], w[i]);
	CHECK_STR(str_find("http://h", "://"), "://h");
	CHECK(str_find("code: SecretDisable", "SecretDisabled") == NULL);
}

/* str_digits: exactly n digits, nothing else; str_isblank, str_isspace:
 * every byte value; the hex digits. */
static void test_digits_ctype(void)
{
	int v = 7, c, blank, space;

	CHECK(str_digits("0042", 4, &v) == 0 && v == 42);
	CHECK(str_digits("19", 2, &v) == 0 && v == 19);
	CHECK(str_digits("123", 2, &v) == 0 && v == 12); /* only n of them */
	v = 7;
	CHECK(str_digits("1a", 2, &v) < 0 && v == 7);
	CHECK(str_digits(" 1", 2, &v) < 0 && v == 7);
	CHECK(str_digits("-1", 2, &v) < 0 && v == 7);
	CHECK(str_digits("+1", 2, &v) < 0 && v == 7);
	CHECK(str_digits("1", 0, &v) < 0 && v == 7);
	CHECK(str_digits("99999999999", 11, &v) < 0 && v == 7); /* past INT_MAX */
	for (c = -1; c < 256; c++) {
		blank = c == ' ' || c == '\t';
		space = blank || c == '\r' || c == '\n';
		CHECKM(str_isblank(c) == blank && str_isspace(c) == space, "byte %d", c);
	}
	CHECK_STR(str_hex, "0123456789abcdef");
	for (c = 0; c < 16; c++)
		CHECK_EQ(str_hexval(str_hex[c]), c);
}

/* str_spn, str_cspn and str_pbrk against libc's, on each of these strings
 * with each of these sets (empty ones, bytes >= 0x80, a match at either
 * end, none). */
static void test_scan_vs_libc(void)
{
	static const char *const strs[] = {
		"", "a", "b", "ab", "ba", "aab", "abc", "cba", "xyz", "a=b;c",
		"  \t x", "\x80\xff", "a\xff" "b", "key=value&k2", "zzzzzzzzzzzzzzzzzza",
	};
	static const char *const sets[] = {
		"", "a", "b", "ab", "abc", " \t", "=;&", "\xff", "\x80" "a", "xyz",
	};
	size_t i, j;

	for (i = 0; i < sizeof strs / sizeof strs[0]; i++)
		for (j = 0; j < sizeof sets / sizeof sets[0]; j++) {
			const char *s = strs[i], *set = sets[j];

			CHECKM(str_spn(s, set) == strspn(s, set), "\"%s\" \"%s\"", s, set);
			CHECKM(str_cspn(s, set) == strcspn(s, set), "\"%s\" \"%s\"", s, set);
			CHECKM(str_pbrk(s, set) == strpbrk(s, set), "\"%s\" \"%s\"", s, set);
		}
}

/* str_nth and str_code over a packed error table: codes -1..-3, then the
 * fallback for everything else. */
static void test_packed_codes(void)
{
	static const char texts[] = "one\0two\0three\0other";
	static const struct {
		int code;
		const char *want;
	} t[] = {
		{ -1, "one" }, { -2, "two" }, { -3, "three" }, { -4, "other" }, { 0, "other" },
		{ 1, "other" }, { INT_MIN, "other" }, { INT_MAX, "other" },
	};
	size_t i;

	CHECK(strcmp(str_nth(texts, 0), "one") == 0);
	CHECK(strcmp(str_nth(texts, 3), "other") == 0);
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECKM(strcmp(str_code(texts, t[i].code, -3), t[i].want) == 0, "code %d: got %s",
			t[i].code, str_code(texts, t[i].code, -3));
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_find);
	T_RUN(test_packed_codes);
	T_RUN(test_scan_vs_libc);
	T_RUN(test_hexval);
	T_RUN(test_copy);
	T_RUN(test_copyn);
	T_RUN(test_case);
	T_RUN(test_printable_table);
	T_RUN(test_printable_sweep);
	T_RUN(test_printable_cap0);
	T_RUN(test_udec);
	T_RUN(test_digits_ctype);
	T_END();
}
