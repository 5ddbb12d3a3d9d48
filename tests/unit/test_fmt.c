/* Unit tests of fmt: each conversion against the C library's snprintf. */
#include "base/fmt.h"
#include "t.h"

#include <limits.h>
#include <stdint.h>

#define SAME(...) do { \
	char a_[128], b_[128]; \
	size_t na_ = fmt(a_, sizeof a_, __VA_ARGS__); \
	int nb_ = snprintf(b_, sizeof b_, __VA_ARGS__); \
	CHECK_STR(a_, b_); CHECK_EQ(na_, nb_); } while (0)

static void test_fmt_basics(void)
{
	char small[6];
	size_t n;

	SAME("plain");
	SAME("%s and %s", "one", "two");
	SAME("%d %d %d", 0, -1, INT_MIN);
	SAME("%i %u %x", 42, UINT_MAX, 0xbeefu);
	SAME("%ld %lu %lx", LONG_MIN, ULONG_MAX, 0x123456789abcUL);
	SAME("%lld %llu %llx", LLONG_MIN, ULLONG_MAX, 0ULL);
	SAME("%zu %zx", (size_t)SIZE_MAX, (size_t)255);
	SAME("%o %o %o", 0u, 0600u, UINT_MAX);
	SAME("mode %o, %lo, %llo, %zo", 0400u, 01777UL, ULLONG_MAX, (size_t)0755);
	SAME("%c%c%%", 'a', 'b');
	SAME("[%.*s]", 3, "abcdef");
	SAME("[%.*s]", 10, "abc");
	SAME("%s:%u (%s): %s", "host", 443u, "127.0.0.1", "Connection refused");

	/* Cut at the buffer, always terminated, full length returned. */
	n = fmt(small, sizeof small, "%s", "0123456789");
	CHECK_STR(small, "01234");
	CHECK_EQ(n, 10);
	n = fmt(small, 1, "%d", 12345);
	CHECK_STR(small, "");
	CHECK_EQ(n, 5);
	n = fmt(NULL, 0, "%s", "abc");
	CHECK_EQ(n, 3);
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_fmt_basics);
	T_END();
}
