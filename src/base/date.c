/*
 * date: the proleptic Gregorian calendar in UTC, without libc's time zone
 * code (musl's gmtime/timegm bring little, but the formats around them
 * would bring stdio): days from a civil date and back (Howard Hinnant's
 * algorithms, exact for every year), a timegm, and "YYYY-MM-DD". The
 * parsers of each date format (ISO 8601 and US in azure.c, IMF-fixdate in
 * retry.c, ASN.1 times in x509.c) check their own fields, then call these.
 */
#include "base/date.h"

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

long long date_timegm(long long y, int m, int d, int h, int mi, int s)
{
	return date_days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + s;
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

	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = 0;
}
