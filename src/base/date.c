/*
 * Without libc's time zone code (musl's gmtime/timegm bring little, but
 * the formats around them would bring stdio): days from a civil date and
 * back are Howard Hinnant's algorithms, exact for every year. The other
 * date formats are read next to their users (ISO 8601 and US in azure.c,
 * ASN.1 times in x509.c), which check their fields with date_valid.
 */
#include "base/date.h"
#include "base/str.h"

#include <string.h>

/* Howard Hinnant's days_from_civil. */
long long date_days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

int date_month_days(long long y, int m)
{
	static const unsigned char md[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return md[m - 1] + (m == 2 && leap);
}

int date_valid(long long y, int m, int d, int h, int mi, int s)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= date_month_days(y, m) && h >= 0 && h <= 23
		&& mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
}

long long date_timegm(long long y, int m, int d, int h, int mi, int s)
{
	return date_days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + s;
}

/* Index of the 3-letter name at s in a list of them, or -1. */
static int name(const char *list, const char *s)
{
	int i;

	for (i = 0; list[3 * i]; i++)
		if (memcmp(list + 3 * i, s, 3) == 0)
			return i;
	return -1;
}

/* The fixed characters of an IMF-fixdate; 'x' marks a variable one. */
static int shape_ok(const char *s)
{
	static const char shape[] = "xxx, xx xxx xxxx xx:xx:xx GMT";
	size_t i;

	if (strlen(s) != sizeof shape - 1)
		return 0;
	for (i = 0; shape[i]; i++)
		if (shape[i] != 'x' && shape[i] != s[i])
			return 0;
	return 1;
}

int date_http_parse(const char *s, long long *epoch)
{
	int wd, mo, d, y, h, mi, sec;
	long long days;

	if (s == NULL || !shape_ok(s))
		return -1;
	wd = name("MonTueWedThuFriSatSun", s);
	mo = name("JanFebMarAprMayJunJulAugSepOctNovDec", s + 8) + 1;
	if (wd < 0 || mo < 1 || str_digits(s + 5, 2, &d) < 0 || str_digits(s + 12, 4, &y) < 0
		|| str_digits(s + 17, 2, &h) < 0 || str_digits(s + 20, 2, &mi) < 0
		|| str_digits(s + 23, 2, &sec) < 0 || !date_valid(y, mo, d, h, mi, sec))
		return -1;
	days = date_days_from_civil(y, mo, d);
	/* 1970-01-01 was a Thursday, index 3 from Monday. */
	if (((days % 7 + 7 + 3) % 7) != wd)
		return -1;
	*epoch = date_timegm(y, mo, d, h, mi, sec);
	return 0;
}

void date_fmt(long long t, char out[DATE_FMT_LEN])
{
	/* Howard Hinnant's civil_from_days. */
	long long z = (t >= 0 ? t : t - 86399) / 86400 + 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	long long y = yoe + era * 400 + (m <= 2);
	unsigned long x;
	int i;

	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	x = (unsigned long)y * 10000 + (unsigned long)(m * 100 + d); /* YYYYMMDD */
	out[10] = 0;
	for (i = 9; i >= 0; i--) {
		if (i == 4 || i == 7) {
			out[i] = '-';
			continue;
		}
		out[i] = (char)('0' + x % 10);
		x /= 10;
	}
}
