/* date: days from a civil date and back, timegm, "YYYY-MM-DD", date_valid
 * and the HTTP-date (src/base/date.c). */
#include "base/date.h"
#include "t.h"

static void test_calendar(void)
{
	CHECK_EQ(date_days_from_civil(1970, 1, 1), 0);
	CHECK_EQ(date_days_from_civil(1969, 12, 31), -1);
	CHECK_EQ(date_days_from_civil(2000, 3, 1), 11017);
	CHECK_EQ(date_days_from_civil(2024, 2, 29), 19782);
	CHECK_EQ(date_days_from_civil(2026, 11, 28), 20785);
	CHECK_EQ(date_month_days(2024, 2), 29);
	CHECK_EQ(date_month_days(2100, 2), 28);
	CHECK_EQ(date_month_days(2000, 2), 29);
	CHECK_EQ(date_month_days(2023, 12), 31);
	CHECK_EQ(date_month_days(2023, 4), 30);
}

static void test_timegm(void)
{
	CHECK_EQ(date_timegm(1970, 1, 1, 0, 0, 0), 0);
	CHECK_EQ(date_timegm(2026, 1, 1, 0, 0, 0), 1767225600);
	CHECK_EQ(date_timegm(2000, 2, 29, 0, 0, 0), 951782400);
	CHECK_EQ(date_timegm(1969, 12, 31, 23, 59, 59), -1);
	CHECK_EQ(date_timegm(2015, 10, 21, 7, 28, 0), 1445412480);
	CHECK_EQ(date_timegm(2016, 12, 31, 23, 59, 60), 1483228800); /* leap second */
}

/* Every day from 1900 to 2100 goes to its date and back. */
static void test_round_trip(void)
{
	long long y;
	int m, d, bad = 0;
	char got[DATE_FMT_LEN], want[48];

	for (y = 1900; y <= 2100; y++)
		for (m = 1; m <= 12; m++)
			for (d = 1; d <= date_month_days(y, m); d++) {
				date_fmt(date_timegm(y, m, d, 12, 0, 0), got);
				snprintf(want, sizeof want, "%04lld-%02d-%02d", y, m, d);
				bad += strcmp(got, want) != 0;
			}
	CHECK_EQ(bad, 0);
}

static void test_fmt(void)
{
	char d[DATE_FMT_LEN];

	date_fmt(0, d);
	CHECK_STR(d, "1970-01-01");
	date_fmt(1767225600, d);
	CHECK_STR(d, "2026-01-01");
	date_fmt(951782400, d); /* 2000-02-29 */
	CHECK_STR(d, "2000-02-29");
	date_fmt(-1, d);
	CHECK_STR(d, "1969-12-31");
}

/* date_valid: each field at its limits, and just past them. */
static void test_valid(void)
{
	static const struct {
		long long y;
		int m, d, h, mi, s, ok;
	} t[] = {
		{ 2024, 1, 1, 0, 0, 0, 1 },
		{ 2024, 12, 31, 23, 59, 59, 1 },
		{ 2016, 12, 31, 23, 59, 60, 1 }, /* leap second */
		{ 2024, 2, 29, 0, 0, 0, 1 },
		{ 0, 1, 1, 0, 0, 0, 1 },
		{ 2023, 2, 29, 0, 0, 0, 0 },
		{ 2100, 2, 29, 0, 0, 0, 0 },
		{ 2024, 4, 31, 0, 0, 0, 0 },
		{ 2024, 0, 1, 0, 0, 0, 0 },
		{ 2024, 13, 1, 0, 0, 0, 0 },
		{ 2024, -1, 1, 0, 0, 0, 0 },
		{ 2024, 1, 0, 0, 0, 0, 0 },
		{ 2024, 1, 32, 0, 0, 0, 0 },
		{ 2024, 1, 1, 24, 0, 0, 0 },
		{ 2024, 1, 1, -1, 0, 0, 0 },
		{ 2024, 1, 1, 0, 60, 0, 0 },
		{ 2024, 1, 1, 0, -1, 0, 0 },
		{ 2024, 1, 1, 0, 0, 61, 0 },
		{ 2024, 1, 1, 0, 0, -1, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECKM(date_valid(t[i].y, t[i].m, t[i].d, t[i].h, t[i].mi, t[i].s) == t[i].ok,
			"row %zu", i);
}

/* The HTTP-date (IMF-fixdate) of Date and Retry-After. */
static void test_http_date(void)
{
	static const struct {
		const char *s;
		int rc;
		long long want;
	} t[] = {
		{ "Thu, 01 Jan 1970 00:00:00 GMT", 0, 0 },
		{ "Sun, 06 Nov 1994 08:49:37 GMT", 0, 784111777LL },
		{ "Tue, 29 Feb 2000 23:59:59 GMT", 0, 951868799 },
		{ "Sat, 31 Dec 2016 23:59:60 GMT", 0, 1483228800 },
		{ "Tue, 19 Jan 2038 03:14:08 GMT", 0, 2147483648LL },
		{ "Sun, 15 Jun 2025 12:00:00 GMT", 0, 1749988800 },
		{ "Fri, 31 Dec 9999 23:59:59 GMT", 0, 253402300799LL },
		{ "Wed, 31 Dec 1969 23:59:59 GMT", 0, -1 },
		{ "Mon, 01 Jan 0001 00:00:00 GMT", 0, -62135596800LL },
		{ "Mon, 06 Nov 1994 08:49:37 GMT", -1, 0 },  /* wrong weekday */
		{ "Thu, 29 Feb 1900 00:00:00 GMT", -1, 0 },  /* not a leap year */
		{ "Mon, 29 Feb 2100 00:00:00 GMT", -1, 0 },
		{ "Mon, 31 Apr 2025 00:00:00 GMT", -1, 0 },
		{ "Sun, 00 Nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun, 32 Nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun, 06 Nov 1994 24:00:00 GMT", -1, 0 },
		{ "Sun, 06 Nov 1994 08:60:37 GMT", -1, 0 },
		{ "Sun, 06 Nov 1994 08:49:61 GMT", -1, 0 },
		{ "Sun, 06 Nox 1994 08:49:37 GMT", -1, 0 },
		{ "sun, 06 Nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun, 06 nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun, 06 Nov 1994 08:49:37 UTC", -1, 0 },
		{ "Sun, 06 Nov 1994 08:49:37 gmt", -1, 0 },
		{ "Sun, 6 Nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun,  6 Nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun, 06 Nov 94 08:49:37 GMT", -1, 0 },
		{ "Sun, 06 Nov 1994 08:49:37 GMT ", -1, 0 },
		{ " Sun, 06 Nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun, 06 Nov 1994 08:49:37 +0000", -1, 0 },
		{ "Sun, 06 Nov 1994 8:49:37 GMT", -1, 0 },
		{ "Sun, 06 Nov 1994 08.49.37 GMT", -1, 0 },
		{ "Sun, 06-Nov-1994 08:49:37 GMT", -1, 0 },
		{ "Sun 06 Nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun, 0x Nov 1994 08:49:37 GMT", -1, 0 },
		{ "Sun, 06 Nov 19+4 08:49:37 GMT", -1, 0 },
		{ "Sunday, 06-Nov-94 08:49:37 GMT", -1, 0 },
		{ "Sun Nov  6 08:49:37 1994", -1, 0 },
		{ "", -1, 0 },
		{ NULL, -1, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		long long e = 42;
		int rc = date_http_parse(t[i].s, &e);

		CHECKM(rc == t[i].rc, "\"%s\": rc %d", t[i].s ? t[i].s : "NULL", rc);
		CHECKM(e == (rc == 0 ? t[i].want : 42), "\"%s\": got %lld",
		    t[i].s ? t[i].s : "NULL", e);
	}
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_calendar);
	T_RUN(test_timegm);
	T_RUN(test_round_trip);
	T_RUN(test_fmt);
	T_RUN(test_valid);
	T_RUN(test_http_date);
	T_END();
}
