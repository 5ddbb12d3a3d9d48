/*
 * date: calendar arithmetic in UTC (proleptic Gregorian, no time zone, no
 * leap seconds: a second 60 counts as the next minute's 0), and the
 * HTTP-date. Pure; the caller checks its fields first (date_valid).
 */
#ifndef AZKV_DATE_H
#define AZKV_DATE_H

#define DATE_FMT_LEN 11 /* "YYYY-MM-DD" and its NUL */

/* Days since 1970-01-01 of year y, month m (1-12), day d (may be < 0). */
long long date_days_from_civil(long long y, int m, int d);

/* Days in month m (1-12) of year y. */
int date_month_days(long long y, int m);

/* Is this a date and time of the calendar: month 1-12, a day of that
 * month, hour 0-23, minute 0-59, second 0-60 (a leap second)? 1 or 0. */
int date_valid(long long y, int m, int d, int h, int mi, int s);

/* Unix seconds of a UTC date and time (as timegm, without struct tm). */
long long date_timegm(long long y, int m, int d, int h, int mi, int s);

/* Parse an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", RFC 7231 7.1.1.1:
 * the HTTP-date of Date and Retry-After; exact spacing, two-digit day, the
 * weekday must match the date) into Unix seconds. Returns 0 or -1. */
int date_http_parse(const char *s, long long *epoch);

/* "YYYY-MM-DD" of Unix seconds t into out; years outside 0-9999 clamped. */
void date_fmt(long long t, char out[DATE_FMT_LEN]);

#endif
