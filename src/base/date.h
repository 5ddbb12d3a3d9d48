/*
 * date: calendar arithmetic in UTC (proleptic Gregorian, no time zone, no
 * leap seconds: a second 60 counts as the next minute's 0). Pure; the
 * caller checks its fields' ranges first (date_month_days for the day).
 */
#ifndef AZKV_DATE_H
#define AZKV_DATE_H

#define DATE_FMT_LEN 11 /* "YYYY-MM-DD" and its NUL */

/* Days since 1970-01-01 of year y, month m (1-12), day d (may be < 0). */
long long date_days_from_civil(long long y, int m, int d);

/* Days in month m (1-12) of year y. */
int date_month_days(long long y, int m);

/* Unix seconds of a UTC date and time (as timegm, without struct tm). */
long long date_timegm(long long y, int m, int d, int h, int mi, int s);

/* "YYYY-MM-DD" of Unix seconds t into out; years outside 0-9999 clamped. */
void date_fmt(long long t, char out[DATE_FMT_LEN]);

#endif
