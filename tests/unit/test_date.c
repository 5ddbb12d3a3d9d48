/* date: days from a civil date and back, timegm, "YYYY-MM-DD" (src/base/date.c). */
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

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_calendar);
	T_RUN(test_timegm);
	T_RUN(test_round_trip);
	T_RUN(test_fmt);
	T_END();
}
