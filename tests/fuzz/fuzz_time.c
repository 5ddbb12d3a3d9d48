/*
 * fuzz_time: azure_time_parse, the expires_on reader.
 * Results are 0 or AZURE_E_EXPIRY. Accepted text is checked against libc:
 * pure digits against strtoull; the zone-less ISO and US forms against
 * timegm (glibc's is TZ-independent and proleptic), and any accepted date
 * lies within years 1..9999 give or take a zone offset.
 */
#include <time.h>

#include "azure/azure.h"
#include "fuzz.h"

#define DAY 86400LL
#define YEAR1 (-62135596800LL)    /* 0001-01-01T00:00:00Z */
#define YEAR10000 253402300800LL  /* 10000-01-01T00:00:00Z */

static int digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/* timegm of fields: a reference computed by libc. */
static long long ref_epoch(int y, int mo, int d, int h, int mi, int sec)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return (long long)timegm(&tm);
}

static void check_plain(const char *s, long long got)
{
	int y, mo, d, h, mi, sec, k = 0;
	char sep, ampm[3];

	if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi,
		&sec, &k) == 7 && k == 19 && s[19] == 0 && y >= 1000) {
		FUZZ_CHECK(got == ref_epoch(y, mo, d, h, mi, sec));
		return;
	}
	k = 0;
	if (sscanf(s, "%2d/%2d/%4d %2d:%2d:%2d%n", &mo, &d, &y, &h, &mi, &sec,
		&k) == 6 && s[k] == 0 && s[0] != ' ' && y >= 1000) {
		FUZZ_CHECK(got == ref_epoch(y, mo, d, h, mi, sec));
		return;
	}
	k = 0;
	if (sscanf(s, "%2d/%2d/%4d %2d:%2d:%2d %2[AP]M%n", &mo, &d, &y, &h, &mi,
		&sec, ampm, &k) == 7 && s[k] == 0 && s[0] != ' ' && y >= 1000)
		FUZZ_CHECK(got == ref_epoch(y, mo, d, h % 12 +
			(ampm[0] == 'P' ? 12 : 0), mi, sec));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_buf(size), *z = fuzz_cstr(data, size);
	long long e = 0x5a5a;
	int rc;

	if (size > 0)
		memcpy(s, data, size);
	rc = azure_time_parse(s, size, &e);
	FUZZ_CHECK(rc == 0 || rc == AZURE_E_EXPIRY);
	if (rc == 0 && digits(s, size)) {
		FUZZ_CHECK(e == (long long)strtoull(z, NULL, 10));
	} else if (rc == 0) {
		FUZZ_CHECK(e >= YEAR1 - DAY && e < YEAR10000 + DAY);
		if (strlen(z) == size)
			check_plain(z, e);
	}
	free(s);
	free(z);
	return 0;
}
