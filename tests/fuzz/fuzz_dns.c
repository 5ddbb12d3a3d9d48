/*
 * fuzz_dns: the DNS reply parser, /etc/hosts lookup and resolv.conf parser.
 * Input: byte 0 bits 0-1 choose: 0 a reply to our A query, 1 to our AAAA
 * query (the query id is the reply's own first two bytes, so the fuzzer gets
 * past the id check), 2 hosts text, 3 resolv.conf text; the rest is the input.
 * Reply: the result is a count <= max or a parser DNS_E_*, agrees with the
 * header bits it claims (TC, RCODE, QR); another id is DNS_E_ID; the name's
 * case, a trailing dot and a smaller max change nothing but the count.
 * Hosts and resolv.conf: results within their limits, and the same when the
 * text is fed in two pieces split at any newline (as net.c reads files).
 */
#include "fuzz.h"
#include "net/dns.h"

#define NAME "myvault.vault.azure.net"
#define NAME_UP "MyVault.VAULT.azure.NET."
#define MAX 8
#define SPLITS 64 /* newlines tried as split points */

static int is_parse_error(int rc)
{
	return rc == DNS_E_ID || rc == DNS_E_HEADER || rc == DNS_E_QUESTION ||
		rc == DNS_E_MALFORMED || rc == DNS_E_TRUNCATED || rc == DNS_E_TOOMANY ||
		rc == DNS_E_CNAME || rc == DNS_E_NXDOMAIN || rc == DNS_E_SERVFAIL ||
		rc == DNS_E_REFUSED || rc == DNS_E_RCODE;
}

static void check_claims(const unsigned char *b, size_t n, int rc)
{
	if (rc >= 0)
		FUZZ_CHECK(n >= 12 && (b[2] & 0xfa) == 0x80 && (b[3] & 15) == 0 &&
			b[4] == 0 && b[5] == 1);
	if (rc == DNS_E_TRUNCATED)
		FUZZ_CHECK(n >= 12 && (b[2] & 0x02));
	if (rc == DNS_E_NXDOMAIN)
		FUZZ_CHECK(n >= 12 && (b[3] & 15) == 3 && !(b[2] & 0x02));
	if (rc == DNS_E_SERVFAIL)
		FUZZ_CHECK(n >= 12 && (b[3] & 15) == 2);
	if (rc == DNS_E_REFUSED)
		FUZZ_CHECK(n >= 12 && (b[3] & 15) == 5);
	if (rc == DNS_E_HEADER)
		FUZZ_CHECK(n >= 12 && ((b[2] & 0xf8) != 0x80));
}

static void check_reply(const uint8_t *data, size_t n, int qtype)
{
	unsigned char *b = (unsigned char *)fuzz_buf(n);
	unsigned id = n >= 2 ? (unsigned)data[0] << 8 | data[1] : 0;
	dns_addr out[MAX], again[MAX];
	int rc, rc2, i;

	memcpy(b, data, n);
	rc = dns_answer_parse(b, n, id, NAME, qtype, out, MAX);
	FUZZ_CHECK((rc >= 0 && rc <= MAX) || is_parse_error(rc));
	check_claims(b, n, rc);
	for (i = 0; i < rc; i++)
		FUZZ_CHECK(out[i].type == qtype && out[i].scope == 0);
	rc2 = dns_answer_parse(b, n, id, NAME_UP, qtype, again, MAX);
	FUZZ_CHECK(rc2 == rc);
	for (i = 0; i < rc; i++)
		FUZZ_CHECK(memcmp(out[i].ip, again[i].ip, 16) == 0);
	rc2 = dns_answer_parse(b, n, id, NAME, qtype, again, 1);
	FUZZ_CHECK(rc < 0 ? rc2 == rc : rc2 == (rc > 0));
	if (rc > 0)
		FUZZ_CHECK(memcmp(out[0].ip, again[0].ip, 16) == 0);
	if (n >= 2)
		FUZZ_CHECK(dns_answer_parse(b, n, id ^ 0x100, NAME, qtype, again, MAX) ==
			DNS_E_ID);
	free(b);
}

static int same_addrs(const dns_addr *a, const dns_addr *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i].type != b[i].type || a[i].scope != b[i].scope ||
			memcmp(a[i].ip, b[i].ip, 16) != 0)
			return 0;
	return 1;
}

static void check_hosts(const char *t, size_t n)
{
	dns_addr out[MAX], part[MAX];
	size_t k = dns_hosts_lookup(t, n, NAME, out, MAX), i, a, splits = 0;

	FUZZ_CHECK(k <= MAX);
	for (i = 0; i < k; i++)
		FUZZ_CHECK(out[i].type == DNS_AAAA ||
			(out[i].type == DNS_A && out[i].scope == 0));
	FUZZ_CHECK(dns_hosts_lookup(t, n, "MYVAULT.vault.azure.net", part, MAX) == k &&
		same_addrs(out, part, k));
	for (i = 0; i < n && splits < SPLITS; i++) {
		if (t[i] != '\n')
			continue;
		splits++;
		a = dns_hosts_lookup(t, i + 1, NAME, part, MAX);
		a += dns_hosts_lookup(t + i + 1, n - i - 1, NAME, part + a, MAX - a);
		FUZZ_CHECK(a == k && same_addrs(out, part, k));
	}
}

static int conf_eq(const dns_conf *a, const dns_conf *b)
{
	return a->nns == b->nns && a->timeout == b->timeout &&
		a->attempts == b->attempts && a->listed == b->listed &&
		same_addrs(a->ns, b->ns, a->nns);
}

static void check_conf(const char *t, size_t n)
{
	dns_conf c, p;
	size_t i, splits = 0;

	dns_conf_init(&c);
	dns_resolv_conf(&c, t, n);
	FUZZ_CHECK(c.nns >= 1 && c.nns <= DNS_NS_MAX);
	FUZZ_CHECK(c.timeout >= 1 && c.timeout <= DNS_TIMEOUT_MAX);
	FUZZ_CHECK(c.attempts >= 1 && c.attempts <= DNS_ATTEMPTS_MAX);
	if (!c.listed)
		FUZZ_CHECK(c.nns == 1 && c.ns[0].type == DNS_A &&
			memcmp(c.ns[0].ip, "\x7f\0\0\1", 4) == 0);
	for (i = 0; i < n && splits < SPLITS; i++) {
		if (t[i] != '\n')
			continue;
		splits++;
		dns_conf_init(&p);
		dns_resolv_conf(&p, t, i + 1);
		dns_resolv_conf(&p, t + i + 1, n - i - 1);
		FUZZ_CHECK(conf_eq(&p, &c));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t;

	if (size < 1)
		return 0;
	if ((data[0] & 3) < 2) {
		check_reply(data + 1, size - 1, (data[0] & 3) ? DNS_AAAA : DNS_A);
		return 0;
	}
	t = fuzz_buf(size - 1);
	memcpy(t, data + 1, size - 1);
	if ((data[0] & 3) == 2)
		check_hosts(t, size - 1);
	else
		check_conf(t, size - 1);
	free(t);
	return 0;
}
