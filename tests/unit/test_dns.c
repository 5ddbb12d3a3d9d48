/* Unit tests for dns: /etc/hosts lookup and resolv.conf as tables of text
 * and expected addresses; query bytes compared exactly; replies crafted byte
 * by byte (compression, CNAME chains, loops, every RCODE, limits), each valid
 * one also cut at every length. Inputs are heap copies of exactly their size,
 * so under ASan a read past the end is a failure. */
#include "net/dns.h"
#include "t.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>

/* ---- helpers ---------------------------------------------------------------- */

static char *heap(const void *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	memcpy(p, s, n);
	return p;
}

/* Addresses as "a b c" (IPv6 zone as %N), for comparing with a table. */
static void addrs_text(const dns_addr *a, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;

	out[0] = 0;
	for (i = 0; i < n && o < cap; i++) {
		char t[INET6_ADDRSTRLEN];

		inet_ntop(a[i].type == DNS_A ? AF_INET : AF_INET6, a[i].ip, t, sizeof t);
		o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? " " : "", t);
		if (a[i].scope)
			o += (size_t)snprintf(out + o, cap - o, "%%%u", a[i].scope);
		if ((a[i].type == DNS_A) != (strchr(t, ':') == NULL))
			o += (size_t)snprintf(out + o, cap - o, "(bad type)");
	}
}

/* ---- /etc/hosts ------------------------------------------------------------- */

static const struct {
	const char *text, *name;
	size_t max;
	const char *want;
} hosts[] = {
	{ "127.0.0.1 localhost\n10.0.0.1 a.example b\n", "b", 8, "10.0.0.1" },
	{ "10.0.0.1 a.example b\n", "a.example", 8, "10.0.0.1" },
	{ "10.0.0.1 MyVault.Vault.Azure.NET\n", "myvault.vault.azure.net", 8, "10.0.0.1" },
	{ "10.0.0.1 myvault.vault.azure.net\n", "MYVAULT.vault.azure.NET", 8, "10.0.0.1" },
	{ "10.0.0.1\ta\t\tb\n", "b", 8, "10.0.0.1" },
	{ "  \t10.0.0.1 a\n", "a", 8, "10.0.0.1" },
	{ "10.0.0.1 a\r\n", "a", 8, "10.0.0.1" },
	{ "10.0.0.1 a", "a", 8, "10.0.0.1" },
	{ "10.0.0.1 a\n10.0.0.2 a\n::1 a\n10.0.0.3 a", "a", 8,
	  "10.0.0.1 10.0.0.2 ::1 10.0.0.3" },
	{ "10.0.0.1 a\n10.0.0.2 a\n10.0.0.3 a\n", "a", 2, "10.0.0.1 10.0.0.2" },
	{ "10.0.0.1 a\n", "a", 0, "" },
	{ "# 10.0.0.1 a\n10.0.0.2 b # a\n10.0.0.3 a#x\n", "a", 8, "10.0.0.3" },
	{ "#\n\n \n\t\n10.0.0.4 a\n", "a", 8, "10.0.0.4" },
	{ "10.0.0.1 # a\n", "a", 8, "" },
	{ "::1 localhost ip6-localhost\n", "ip6-localhost", 8, "::1" },
	{ "2001:DB8::1 a\n", "a", 8, "2001:db8::1" },
	{ "::ffff:1.2.3.4 a\n", "a", 8, "::ffff:1.2.3.4" },
	{ "fe80::1%2 a\n", "a", 8, "fe80::1%2" },
	{ "fe80::1%eth0 a\nfe80::2% a\n10.0.0.1%1 a\n", "a", 8, "" },
	{ "10.0.0.256 a\n010.0.0.1 a\n1.2.3 a\n1.2.3.4.5 a\nfoo a\n10.0.0.9 a\n",
	  "a", 8, "10.0.0.9" },
	{ "1:2:3:4:5:6:7:8:9 a\n:::1 a\n", "a", 8, "" },
	{ "10.0.0.1 abc\n10.0.0.2 ab\n", "ab", 8, "10.0.0.2" },
	{ "10.0.0.1 ab\n", "abc", 8, "" },
	{ "10.0.0.1 ab\n", "a", 8, "" },
	{ "10.0.0.1 a\n", "10.0.0.1", 8, "" },
	{ "10.0.0.1\n", "a", 8, "" },
	{ "10.0.0.1 a.\n", "a", 8, "" },
	{ "", "a", 8, "" },
	{ "1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb:cccc:dddd:eeee:ffff:0000 a\n",
	  "a", 8, "" },
};

static void test_hosts(void)
{
	size_t i;

	for (i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
		dns_addr out[8];
		char got[256];
		size_t len = strlen(hosts[i].text), n;
		char *text = heap(hosts[i].text, len);

		memset(out, 0xa5, sizeof out);
		n = dns_hosts_lookup(text, len, hosts[i].name, out, hosts[i].max);
		CHECKM(n <= hosts[i].max, "row %zu: %zu > max", i, n);
		addrs_text(out, n, got, sizeof got);
		CHECKM(strcmp(got, hosts[i].want) == 0, "row %zu: got \"%s\" want \"%s\"",
			i, got, hosts[i].want);
		free(text);
	}
}

/* A line cut anywhere is a shorter line, never a read past the end. */
static void test_hosts_cut(void)
{
	const char *t = "10.0.0.1 a b\n2001:db8::5 b\n";
	size_t len = strlen(t), k, bad = 0;

	for (k = 0; k <= len; k++) {
		dns_addr out[4];
		char *text = heap(t, k);
		size_t n = dns_hosts_lookup(text, k, "b", out, 4);
		size_t want = k >= 12 ? (k >= 26 ? 2 : 1) : 0;

		/* "10.0.0.1 a b" is whole from 12 bytes; the AAAA line from 26 */
		if (n != want)
			bad++;
		free(text);
	}
	CHECK_EQ(bad, 0);
}

/* ---- resolv.conf ------------------------------------------------------------ */

static const struct {
	const char *text, *ns;
	unsigned timeout, attempts;
} confs[] = {
	{ "", "127.0.0.1", 5, 2 },
	{ "nameserver 10.0.0.1\n", "10.0.0.1", 5, 2 },
	{ "nameserver 10.0.0.1", "10.0.0.1", 5, 2 },
	{ "nameserver\t10.0.0.2  # comment\n", "10.0.0.2", 5, 2 },
	{ "nameserver 10.0.0.1\r\n", "10.0.0.1", 5, 2 },
	{ "nameserver 10.0.0.1\nnameserver 10.0.0.2\nnameserver ::1\nnameserver 10.0.0.4\n",
	  "10.0.0.1 10.0.0.2 ::1", 5, 2 },
	{ "nameserver 2001:db8::53\nnameserver fe80::1%3\n", "2001:db8::53 fe80::1%3", 5, 2 },
	{ "nameserver foo\nnameserver 10.0.0.300\nnameserver fe80::1%eth0\n", "127.0.0.1", 5, 2 },
	{ "nameserver foo\nnameserver 10.0.0.5\n", "10.0.0.5", 5, 2 },
	{ "nameserver\n", "127.0.0.1", 5, 2 },
	{ "nameserver \n", "127.0.0.1", 5, 2 },
	{ " nameserver 10.0.0.1\n", "127.0.0.1", 5, 2 },
	{ "nameservers 10.0.0.1\n", "127.0.0.1", 5, 2 },
	{ "NAMESERVER 10.0.0.1\n", "127.0.0.1", 5, 2 },
	{ "#nameserver 10.0.0.9\n;nameserver 10.0.0.8\n", "127.0.0.1", 5, 2 },
	{ "search example.com corp.example\ndomain example.com\n", "127.0.0.1", 5, 2 },
	{ "options timeout:3 attempts:4\n", "127.0.0.1", 3, 4 },
	{ "options\ttimeout:1\tattempts:1\n", "127.0.0.1", 1, 1 },
	{ "options ndots:5 rotate timeout:2 edns0\n", "127.0.0.1", 2, 2 },
	{ "options timeout:0 attempts:0\n", "127.0.0.1", 1, 1 },
	{ "options timeout:60 attempts:10\n", "127.0.0.1", 60, 10 },
	{ "options timeout:61 attempts:11\n", "127.0.0.1", 60, 10 },
	{ "options timeout:99999999999999999999999 attempts:4294967297\n", "127.0.0.1", 60, 10 },
	{ "options timeout:2x attempts:-1 timeout: attempts:\n", "127.0.0.1", 5, 2 },
	{ "options timeout:+3 attempts: 3\n", "127.0.0.1", 5, 2 },
	{ "options timeout:3\noptions timeout:4\n", "127.0.0.1", 4, 2 },
	{ "options timeout:3 timeout:7\n", "127.0.0.1", 7, 2 },
	{ "option timeout:3\noptionstimeout:3\n", "127.0.0.1", 5, 2 },
	{ "nameserver 10.0.0.1 # options timeout:9\n", "10.0.0.1", 5, 2 },
	{ "options timeout:3", "127.0.0.1", 3, 2 },
	{ "\n\n\noptions attempts:5\r\nnameserver 10.1.1.1\r\n", "10.1.1.1", 5, 5 },
};

static void test_conf(void)
{
	size_t i;

	for (i = 0; i < sizeof confs / sizeof confs[0]; i++) {
		dns_conf c;
		char got[256];
		size_t len = strlen(confs[i].text);
		char *text = heap(confs[i].text, len);

		dns_conf_init(&c);
		dns_resolv_conf(&c, text, len);
		addrs_text(c.ns, c.nns, got, sizeof got);
		CHECKM(strcmp(got, confs[i].ns) == 0, "row %zu: ns \"%s\" want \"%s\"",
			i, got, confs[i].ns);
		CHECKM(c.timeout == confs[i].timeout, "row %zu: timeout %u want %u", i,
			c.timeout, confs[i].timeout);
		CHECKM(c.attempts == confs[i].attempts, "row %zu: attempts %u want %u",
			i, c.attempts, confs[i].attempts);
		free(text);
	}
}

/* Lines fed in several calls add up (net.c reads the file in chunks). */
static void test_conf_chunks(void)
{
	dns_conf c;
	char got[128];

	dns_conf_init(&c);
	CHECK_EQ(c.nns, 1);
	dns_resolv_conf(&c, "options timeout:3\n", 18);
	dns_resolv_conf(&c, "nameserver 10.0.0.1\n", 20);
	dns_resolv_conf(&c, "nameserver 10.0.0.2\nnameserver 10.0.0.3\n", 40);
	dns_resolv_conf(&c, "nameserver 10.0.0.4\n", 20);
	addrs_text(c.ns, c.nns, got, sizeof got);
	CHECK_STR(got, "10.0.0.1 10.0.0.2 10.0.0.3");
	CHECK_EQ(c.timeout, 3);
	CHECK_EQ(c.attempts, 2);
	CHECK(c.listed);
}

/* ---- query ------------------------------------------------------------------ */

static void test_query_bytes(void)
{
	static const unsigned char a_bc[] = {
		0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x01, 'a', 0x02, 'b', 'c', 0x00, 0x00, 0x01, 0x00, 0x01 };
	static const unsigned char aaaa[] = {
		0xff, 0xfe, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x07, 'M', 'y', 'V', 'a', 'u', 'l', 't', 0x05, 'v', 'a', 'u', 'l', 't',
		0x05, 'a', 'z', 'u', 'r', 'e', 0x03, 'n', 'e', 't', 0x00,
		0x00, 0x1c, 0x00, 0x01 };
	unsigned char buf[DNS_QUERY_MAX];
	int n;

	n = dns_query_fmt(buf, sizeof buf, 0x1234, "a.bc", DNS_A);
	CHECK_EQ(n, sizeof a_bc);
	CHECK(n == (int)sizeof a_bc && memcmp(buf, a_bc, sizeof a_bc) == 0);
	memset(buf, 0, sizeof buf);
	n = dns_query_fmt(buf, sizeof buf, 0x1234, "a.bc.", DNS_A);
	CHECK(n == (int)sizeof a_bc && memcmp(buf, a_bc, sizeof a_bc) == 0);
	n = dns_query_fmt(buf, sizeof buf, 0x1fffe, "MyVault.vault.azure.net", DNS_AAAA);
	CHECK(n == (int)sizeof aaaa && memcmp(buf, aaaa, sizeof aaaa) == 0);
	n = dns_query_fmt(buf, sizeof a_bc, 0x1234, "a.bc", DNS_A);
	CHECK_EQ(n, sizeof a_bc);
	n = dns_query_fmt(buf, sizeof a_bc - 1, 0x1234, "a.bc", DNS_A);
	CHECK_EQ(n, DNS_E_SPACE);
	CHECK_EQ(dns_query_fmt(buf, sizeof buf, 1, "a.bc", 5), DNS_E_QTYPE);
	CHECK_EQ(dns_query_fmt(buf, sizeof buf, 1, "a.bc", 0), DNS_E_QTYPE);
}

static void test_query_names(void)
{
	static const struct { const char *name; int ok; } names[] = {
		{ "a", 1 }, { "a.", 1 }, { "x-y_z.example", 1 }, { "1.2.3.4", 1 },
		{ "", 0 }, { ".", 0 }, { "..", 0 }, { "a..b", 0 }, { ".a", 0 },
		{ "a.b..", 0 }, { "a b", 0 }, { "a\tb", 0 }, { "a\x7f", 0 },
		{ "a\x80.b", 0 }, { "a\nb", 0 },
	};
	unsigned char buf[DNS_QUERY_MAX];
	char name[300];
	size_t i;
	int n;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		n = dns_query_fmt(buf, sizeof buf, 7, names[i].name, DNS_A);
		CHECKM(names[i].ok ? n > 0 : n == DNS_E_NAME, "\"%s\": %d", names[i].name, n);
	}
	/* labels: 63 bytes fit, 64 do not */
	memset(name, 'a', 63);
	strcpy(name + 63, ".b");
	CHECK_EQ(dns_query_fmt(buf, sizeof buf, 7, name, DNS_A), 12 + 67 + 4);
	memset(name, 'a', 64);
	strcpy(name + 64, ".b");
	CHECK_EQ(dns_query_fmt(buf, sizeof buf, 7, name, DNS_A), DNS_E_NAME);
	strcpy(name, "b.");
	memset(name + 2, 'a', 64);
	name[66] = 0;
	CHECK_EQ(dns_query_fmt(buf, sizeof buf, 7, name, DNS_A), DNS_E_NAME);
	/* names: 253 characters fit exactly in DNS_QUERY_MAX, 254 do not */
	for (i = 0; i < 253; i++)
		name[i] = (i % 50 == 49) ? '.' : 'x';
	name[253] = 0;
	CHECK_EQ(dns_query_fmt(buf, sizeof buf, 7, name, DNS_A), DNS_QUERY_MAX);
	name[253] = '.';
	name[254] = 0;
	CHECK_EQ(dns_query_fmt(buf, sizeof buf, 7, name, DNS_A), DNS_QUERY_MAX);
	name[253] = 'x';
	CHECK_EQ(dns_query_fmt(buf, sizeof buf, 7, name, DNS_A), DNS_E_NAME);
}

/* ---- replies: a small packet writer ------------------------------------------ */

#define ID 0xbeef
#define QN "myvault.vault.azure.net" /* at offset 12; "vault.azure.net" at 20 */
#define QP 12                         /* pointer target of the question name */

typedef struct pk {
	unsigned char b[4096];
	size_t n;
} pk;

static void u8(pk *p, unsigned v)
{
	p->b[p->n++] = (unsigned char)v;
}

static void u16(pk *p, unsigned v)
{
	u8(p, v >> 8);
	u8(p, v & 255);
}

/* "a.b" as labels and a zero; "a.b@N" as labels and a pointer to N;
 * "@N" as a pointer alone. */
static void nm(pk *p, const char *s)
{
	while (*s && *s != '@') {
		const char *dot = strchr(s, '.'), *at = strchr(s, '@');
		size_t len = dot && (!at || dot < at) ? (size_t)(dot - s) :
			(at ? (size_t)(at - s) : strlen(s));

		u8(p, (unsigned)len);
		memcpy(p->b + p->n, s, len);
		p->n += len;
		s += len;
		if (*s == '.')
			s++;
	}
	if (*s == '@')
		u16(p, 0xc000 | (unsigned)atoi(s + 1));
	else
		u8(p, 0);
}

static void hdr(pk *p, unsigned id, unsigned flags, unsigned qd, unsigned an)
{
	p->n = 0;
	u16(p, id);
	u16(p, flags);
	u16(p, qd);
	u16(p, an);
	u16(p, 0);
	u16(p, 0);
}

static void question(pk *p, const char *name, unsigned type)
{
	nm(p, name);
	u16(p, type);
	u16(p, 1);
}

/* A standard reply head: our id, QR RD RA, one question, an answers. */
static void head(pk *p, unsigned type, unsigned an)
{
	hdr(p, ID, 0x8180, 1, an);
	question(p, QN, type);
}

static void rr_head(pk *p, const char *owner, unsigned type, unsigned cls,
	unsigned rdlen)
{
	nm(p, owner);
	u16(p, type);
	u16(p, cls);
	u16(p, 0);
	u16(p, 300);
	u16(p, rdlen);
}

static void rr_a(pk *p, const char *owner, unsigned a, unsigned b, unsigned c,
	unsigned d)
{
	rr_head(p, owner, DNS_A, 1, 4);
	u8(p, a), u8(p, b), u8(p, c), u8(p, d);
}

static void rr_aaaa(pk *p, const char *owner, unsigned last)
{
	int i;

	rr_head(p, owner, DNS_AAAA, 1, 16);
	u16(p, 0x2001), u16(p, 0xdb8);
	for (i = 0; i < 5; i++)
		u16(p, 0);
	u16(p, last);
}

/* A CNAME; returns the offset of its target name. */
static size_t rr_cname(pk *p, const char *owner, const char *target)
{
	size_t at, start;

	rr_head(p, owner, 5, 1, 0);
	at = p->n - 2;
	start = p->n;
	nm(p, target);
	p->b[at] = (unsigned char)((p->n - start) >> 8);
	p->b[at + 1] = (unsigned char)(p->n - start);
	return start;
}

/* ---- replies: the cases ------------------------------------------------------ */

static void b_one_a(pk *p)
{
	head(p, DNS_A, 1);
	rr_a(p, "@12", 10, 1, 2, 3);
}

static void b_two_a(pk *p)
{
	head(p, DNS_A, 2);
	rr_a(p, "@12", 10, 1, 2, 3);
	rr_a(p, "@12", 10, 1, 2, 4);
}

static void b_full_owner(pk *p)
{
	head(p, DNS_A, 1);
	rr_a(p, "MYVAULT.Vault.AZURE.net", 10, 0, 0, 9);
}

static void b_suffix_owner(pk *p)
{
	head(p, DNS_A, 1);
	rr_a(p, "myvault@20", 10, 0, 0, 8);
}

static void b_aaaa(pk *p)
{
	head(p, DNS_AAAA, 2);
	rr_aaaa(p, "@12", 1);
	rr_aaaa(p, "@12", 2);
}

static void b_mixed_types(pk *p)
{
	head(p, DNS_A, 4);
	rr_head(p, "@12", 16, 1, 3); /* TXT */
	u8(p, 2), u8(p, 'h'), u8(p, 'i');
	rr_aaaa(p, "@12", 1);
	rr_head(p, "@12", DNS_A, 3, 4); /* class CH: not ours */
	u8(p, 1), u8(p, 1), u8(p, 1), u8(p, 1);
	rr_a(p, "@12", 10, 0, 0, 7);
}

static void b_noop(pk *p)
{
	(void)p;
}

/* Built step by step so that each pointer names a real earlier offset. */
static size_t cname_to(pk *p, size_t owner_off, const char *target)
{
	char o[16];

	snprintf(o, sizeof o, "@%zu", owner_off);
	return rr_cname(p, o, target);
}

static void a_at(pk *p, size_t owner_off, unsigned d)
{
	char o[16];

	snprintf(o, sizeof o, "@%zu", owner_off);
	rr_a(p, o, 10, 9, 9, d);
}

static void b_chain(pk *p)
{
	size_t t1, t2;

	head(p, DNS_A, 4);
	t1 = cname_to(p, QP, "data-prod@20");
	t2 = cname_to(p, t1, "x.trafficmanager.net");
	a_at(p, t2, 1);
	a_at(p, t2, 2);
}

/* The same records, addresses first: the chain does not depend on order
 * (owners spelt out, as pointers may only go backwards). */
static void b_chain_reversed(pk *p)
{
	head(p, DNS_A, 4);
	rr_a(p, "x.trafficmanager.net", 10, 9, 9, 1);
	rr_a(p, "x.trafficmanager.net", 10, 9, 9, 2);
	rr_cname(p, "data-prod.vault.azure.net", "x.trafficmanager.net");
	cname_to(p, QP, "data-prod@20");
}

static void b_chain_unrelated(pk *p)
{
	head(p, DNS_A, 3);
	cname_to(p, QP, "data-prod@20");
	rr_a(p, "other.example", 10, 0, 0, 1);
	rr_a(p, "@20", 10, 0, 0, 2); /* vault.azure.net: not in the chain */
}

static void b_chain_mid_addr(pk *p)
{
	size_t t1;

	head(p, DNS_A, 3);
	t1 = cname_to(p, QP, "data-prod@20");
	cname_to(p, t1, "x.trafficmanager.net");
	a_at(p, t1, 5); /* owner inside the chain: accepted */
}

static void b_cname_loop(pk *p)
{
	size_t t1;

	head(p, DNS_A, 2);
	t1 = cname_to(p, QP, "b.example");
	cname_to(p, t1, QN);
}

static void b_cname_self(pk *p)
{
	head(p, DNS_A, 1);
	cname_to(p, QP, "@12");
}

static void chain_of(pk *p, int hops)
{
	size_t at = QP;
	int i;

	head(p, DNS_A, (unsigned)hops + 1);
	for (i = 0; i < hops; i++) {
		char t[32];

		snprintf(t, sizeof t, "c%d.example", i);
		at = cname_to(p, at, t);
	}
	a_at(p, at, 7);
}

static void b_chain_max(pk *p)
{
	chain_of(p, DNS_CNAME_MAX);
}

static void b_chain_over(pk *p)
{
	chain_of(p, DNS_CNAME_MAX + 1);
}

static void b_two_cnames(pk *p)
{
	head(p, DNS_A, 3);
	cname_to(p, QP, "first.example");
	cname_to(p, QP, "second.example");
	rr_a(p, "second.example", 10, 0, 0, 2);
}

static void b_nodata(pk *p)
{
	head(p, DNS_A, 0);
	u8(p, 0xde), u8(p, 0xad); /* authority/additional bytes are not read */
}

static void b_many(pk *p, unsigned count)
{
	unsigned i;

	head(p, DNS_A, count);
	for (i = 0; i < count; i++)
		rr_a(p, "@12", 10, 0, i >> 8, i & 255);
}

static void b_rr_max(pk *p)
{
	b_many(p, DNS_RR_MAX);
}

static void b_rr_over(pk *p)
{
	b_many(p, DNS_RR_MAX + 1);
}

static void b_wrong_id(pk *p)
{
	b_one_a(p);
	p->b[1] ^= 1;
}

static void flags(pk *p, unsigned f)
{
	b_one_a(p);
	p->b[2] = (unsigned char)(f >> 8);
	p->b[3] = (unsigned char)f;
}

static void b_query(pk *p) { flags(p, 0x0100); }
static void b_opcode(pk *p) { flags(p, 0x8900); }
static void b_tc(pk *p) { flags(p, 0x8380); }
static void b_nx(pk *p) { flags(p, 0x8183); }
static void b_servfail(pk *p) { flags(p, 0x8182); }
static void b_refused(pk *p) { flags(p, 0x8185); }
static void b_notimp(pk *p) { flags(p, 0x8184); }
static void b_formerr(pk *p) { flags(p, 0x8181); }
static void b_rcode15(pk *p) { flags(p, 0x818f); }
static void b_aa_ad(pk *p) { flags(p, 0x85a0); }

static void b_tc_nx(pk *p)
{
	flags(p, 0x8383);
}

static void b_qd0(pk *p)
{
	b_one_a(p);
	p->b[5] = 0;
}

static void b_qd2(pk *p)
{
	b_one_a(p);
	p->b[5] = 2;
}

static void b_other_name(pk *p)
{
	hdr(p, ID, 0x8180, 1, 1);
	question(p, "evil.vault.azure.net", DNS_A);
	rr_a(p, "@12", 10, 6, 6, 6);
}

static void b_other_type(pk *p)
{
	hdr(p, ID, 0x8180, 1, 1);
	question(p, QN, DNS_AAAA);
	rr_a(p, "@12", 10, 6, 6, 6);
}

static void b_other_class(pk *p)
{
	b_one_a(p);
	p->b[12 + 25 + 3] = 3; /* QCLASS CH */
}

static void b_question_case(pk *p)
{
	hdr(p, ID, 0x8180, 1, 1);
	question(p, "MyVault.VAULT.azure.net", DNS_A);
	rr_a(p, "@12", 10, 1, 2, 3);
}

static void b_ptr_self(pk *p)
{
	head(p, DNS_A, 1);
	u16(p, 0xc000 | (unsigned)p->n); /* points at itself */
	u16(p, 1), u16(p, 1), u16(p, 0), u16(p, 0), u16(p, 4);
	u8(p, 1), u8(p, 2), u8(p, 3), u8(p, 4);
}

static void b_ptr_forward(pk *p)
{
	head(p, DNS_A, 1);
	u16(p, 0xc000 | (unsigned)(p->n + 16));
	u16(p, 1), u16(p, 1), u16(p, 0), u16(p, 0), u16(p, 4);
	u8(p, 1), u8(p, 2), u8(p, 3), u8(p, 4);
	u8(p, 0);
}

/* label then a pointer back to that same label: backward, yet a loop */
static void b_ptr_loop(pk *p)
{
	size_t at;

	head(p, DNS_A, 1);
	at = p->n;
	u8(p, 1), u8(p, 'x');
	u16(p, 0xc000 | (unsigned)at);
	u16(p, 1), u16(p, 1), u16(p, 0), u16(p, 0), u16(p, 4);
	u8(p, 1), u8(p, 2), u8(p, 3), u8(p, 4);
}

static void b_ptr_header(pk *p)
{
	head(p, DNS_A, 1);
	rr_a(p, "@4", 1, 2, 3, 4);
}

static void b_ptr_question(pk *p)
{
	hdr(p, ID, 0x8180, 1, 0);
	u16(p, 0xc000 | 12);
	u16(p, 1), u16(p, 1);
}

static void b_label_40(pk *p)
{
	head(p, DNS_A, 1);
	u8(p, 0x41), u8(p, 'x'), u8(p, 0);
	u16(p, 1), u16(p, 1), u16(p, 0), u16(p, 0), u16(p, 4);
	u8(p, 1), u8(p, 2), u8(p, 3), u8(p, 4);
}

static void b_label_80(pk *p)
{
	b_label_40(p);
	p->b[41] = 0x81;
}

/* An owner of 2 x 63-byte labels pointing at a CNAME target of two more
 * labels: 255 bytes on the wire are fine, 256 are not. */
static void name_total(pk *p, size_t last)
{
	char owner[160], target[160];
	size_t t;

	memset(target, 'c', 63);
	target[63] = '.';
	memset(target + 64, 'd', last);
	target[64 + last] = 0;
	head(p, DNS_A, 2);
	t = rr_cname(p, "other.example", target);
	memset(owner, 'a', 63);
	owner[63] = '.';
	memset(owner + 64, 'b', 63);
	snprintf(owner + 127, sizeof owner - 127, "@%zu", t);
	rr_a(p, owner, 1, 2, 3, 4);
}

static void b_name_255(pk *p)
{
	name_total(p, 61);
}

static void b_name_256(pk *p)
{
	name_total(p, 62);
}

static void b_a_rdlen5(pk *p)
{
	head(p, DNS_A, 1);
	rr_head(p, "@12", DNS_A, 1, 5);
	u8(p, 1), u8(p, 2), u8(p, 3), u8(p, 4), u8(p, 5);
}

static void b_aaaa_rdlen4(pk *p)
{
	head(p, DNS_AAAA, 1);
	rr_head(p, "@12", DNS_AAAA, 1, 4);
	u8(p, 1), u8(p, 2), u8(p, 3), u8(p, 4);
}

/* A malformed AAAA in an A reply still fails: the section is checked whole. */
static void b_bad_other(pk *p)
{
	head(p, DNS_A, 2);
	rr_a(p, "@12", 10, 1, 1, 1);
	rr_head(p, "@12", DNS_AAAA, 1, 3);
	u8(p, 1), u8(p, 2), u8(p, 3);
}

static void b_cname_slack(pk *p)
{
	size_t at;

	head(p, DNS_A, 1);
	rr_head(p, "@12", 5, 1, 0);
	at = p->n - 2;
	nm(p, "t.example");
	u8(p, 0);
	p->b[at + 1] = 12; /* "t.example" is 11 bytes */
}

/* rdlength 10: the 11-byte name runs one byte past its rdata */
static void b_cname_short(pk *p)
{
	head(p, DNS_A, 1);
	rr_head(p, "@12", 5, 1, 10);
	nm(p, "t.example");
}

static void b_rdlen_past(pk *p)
{
	b_one_a(p);
	p->b[p->n - 5] = 5;
}

static void b_cut_question(pk *p)
{
	b_one_a(p);
	p->n = 12 + 25 + 2;
}

static const struct acase {
	const char *what;
	void (*build)(pk *p);
	int qtype;
	size_t max;
	int rc;
	const char *want;
} acases[] = {
	{ "one A", b_one_a, DNS_A, 8, 1, "10.1.2.3" },
	{ "two A in order", b_two_a, DNS_A, 8, 2, "10.1.2.3 10.1.2.4" },
	{ "max 1 keeps the first", b_two_a, DNS_A, 1, 1, "10.1.2.3" },
	{ "owner spelt out, other case", b_full_owner, DNS_A, 8, 1, "10.0.0.9" },
	{ "owner label + pointer", b_suffix_owner, DNS_A, 8, 1, "10.0.0.8" },
	{ "AAAA", b_aaaa, DNS_AAAA, 8, 2, "2001:db8::1 2001:db8::2" },
	{ "TXT, AAAA, class CH skipped", b_mixed_types, DNS_A, 8, 1, "10.0.0.7" },
	{ "CNAME chain", b_chain, DNS_A, 8, 2, "10.9.9.1 10.9.9.2" },
	{ "CNAME chain, records reversed", b_chain_reversed, DNS_A, 8, 2, "10.9.9.1 10.9.9.2" },
	{ "CNAME chain, unrelated A ignored", b_chain_unrelated, DNS_A, 8, 0, "" },
	{ "A owned by a middle link", b_chain_mid_addr, DNS_A, 8, 1, "10.9.9.5" },
	{ "CNAME loop", b_cname_loop, DNS_A, 8, DNS_E_CNAME, "" },
	{ "CNAME to itself", b_cname_self, DNS_A, 8, DNS_E_CNAME, "" },
	{ "DNS_CNAME_MAX hops", b_chain_max, DNS_A, 8, 1, "10.9.9.7" },
	{ "one hop too many", b_chain_over, DNS_A, 8, DNS_E_CNAME, "" },
	{ "two CNAMEs: the first is followed", b_two_cnames, DNS_A, 8, 0, "" },
	{ "NODATA, trailing bytes ignored", b_nodata, DNS_A, 8, 0, "" },
	{ "an A reply to an AAAA query", b_one_a, DNS_AAAA, 8, DNS_E_QUESTION, "" },
	{ "DNS_RR_MAX records", b_rr_max, DNS_A, 8, 8, "10.0.0.0 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 10.0.0.6 10.0.0.7" },
	{ "one record too many", b_rr_over, DNS_A, 8, DNS_E_TOOMANY, "" },
	{ "wrong id", b_wrong_id, DNS_A, 8, DNS_E_ID, "" },
	{ "a query, not a reply", b_query, DNS_A, 8, DNS_E_HEADER, "" },
	{ "opcode 1", b_opcode, DNS_A, 8, DNS_E_HEADER, "" },
	{ "AA and AD bits are fine", b_aa_ad, DNS_A, 8, 1, "10.1.2.3" },
	{ "TC", b_tc, DNS_A, 8, DNS_E_TRUNCATED, "" },
	{ "TC before RCODE", b_tc_nx, DNS_A, 8, DNS_E_TRUNCATED, "" },
	{ "NXDOMAIN", b_nx, DNS_A, 8, DNS_E_NXDOMAIN, "" },
	{ "SERVFAIL", b_servfail, DNS_A, 8, DNS_E_SERVFAIL, "" },
	{ "REFUSED", b_refused, DNS_A, 8, DNS_E_REFUSED, "" },
	{ "NOTIMP", b_notimp, DNS_A, 8, DNS_E_RCODE, "" },
	{ "FORMERR", b_formerr, DNS_A, 8, DNS_E_RCODE, "" },
	{ "RCODE 15", b_rcode15, DNS_A, 8, DNS_E_RCODE, "" },
	{ "no question", b_qd0, DNS_A, 8, DNS_E_QUESTION, "" },
	{ "two questions", b_qd2, DNS_A, 8, DNS_E_QUESTION, "" },
	{ "another name asked", b_other_name, DNS_A, 8, DNS_E_QUESTION, "" },
	{ "another type asked", b_other_type, DNS_A, 8, DNS_E_QUESTION, "" },
	{ "another class asked", b_other_class, DNS_A, 8, DNS_E_QUESTION, "" },
	{ "question echoed in other case", b_question_case, DNS_A, 8, 1, "10.1.2.3" },
	{ "pointer to itself", b_ptr_self, DNS_A, 8, DNS_E_MALFORMED, "" },
	{ "pointer forward", b_ptr_forward, DNS_A, 8, DNS_E_MALFORMED, "" },
	{ "pointer back into its own run", b_ptr_loop, DNS_A, 8, DNS_E_MALFORMED, "" },
	{ "pointer into the header", b_ptr_header, DNS_A, 8, DNS_E_MALFORMED, "" },
	{ "pointer in the question", b_ptr_question, DNS_A, 8, DNS_E_MALFORMED, "" },
	{ "label type 0x40", b_label_40, DNS_A, 8, DNS_E_MALFORMED, "" },
	{ "label type 0x80", b_label_80, DNS_A, 8, DNS_E_MALFORMED, "" },
	{ "name of 255 bytes", b_name_255, DNS_A, 8, 0, "" },
	{ "name of 256 bytes", b_name_256, DNS_A, 8, DNS_E_MALFORMED, "" },
	{ "A rdlength 5", b_a_rdlen5, DNS_A, 8, DNS_E_MALFORMED, "" },
	{ "AAAA rdlength 4", b_aaaa_rdlen4, DNS_AAAA, 8, DNS_E_MALFORMED, "" },
	{ "bad AAAA in an A reply", b_bad_other, DNS_A, 8, DNS_E_MALFORMED, "" },
	{ "CNAME rdata longer than its name", b_cname_slack, DNS_A, 8, DNS_E_MALFORMED, "" },
	{ "CNAME name past its rdata", b_cname_short, DNS_A, 8, DNS_E_MALFORMED, "" },
	{ "rdlength past the end", b_rdlen_past, DNS_A, 8, DNS_E_MALFORMED, "" },
	{ "question cut", b_cut_question, DNS_A, 8, DNS_E_MALFORMED, "" },
	{ "empty", b_noop, DNS_A, 8, DNS_E_MALFORMED, "" },
};

static void test_answers(void)
{
	size_t i;

	for (i = 0; i < sizeof acases / sizeof acases[0]; i++) {
		const struct acase *c = &acases[i];
		dns_addr out[8];
		char got[512];
		pk p;
		unsigned char *buf;
		int rc;

		memset(&p, 0, sizeof p);
		c->build(&p);
		buf = (unsigned char *)heap(p.b, p.n);
		memset(out, 0, sizeof out);
		rc = dns_answer_parse(buf, p.n, ID, QN, c->qtype, out, c->max);
		CHECKM(rc == c->rc, "%s: rc %d (%s) want %d (%s)", c->what, rc,
			dns_strerror(rc), c->rc, dns_strerror(c->rc));
		addrs_text(out, rc > 0 ? (size_t)rc : 0, got, sizeof got);
		CHECKM(strcmp(got, c->want) == 0, "%s: got \"%s\" want \"%s\"", c->what,
			got, c->want);
		free(buf);
	}
}

/* Every reply that parses, cut at every shorter length, is malformed (the
 * cases above end with their last answer record). */
static void test_answers_cut(void)
{
	size_t i, k, bad = 0, runs = 0;

	for (i = 0; i < sizeof acases / sizeof acases[0]; i++) {
		const struct acase *c = &acases[i];
		pk p;

		if (c->rc < 0 || c->build == b_nodata)
			continue;
		memset(&p, 0, sizeof p);
		c->build(&p);
		for (k = 0; k < p.n; k++) {
			dns_addr out[8];
			unsigned char *buf = (unsigned char *)heap(p.b, k);
			int rc = dns_answer_parse(buf, k, ID, QN, c->qtype, out, 8);

			runs++;
			if (rc != DNS_E_MALFORMED) {
				bad++;
				fprintf(stderr, "cut %s at %zu: %d\n", c->what, k, rc);
			}
			free(buf);
		}
	}
	CHECK_EQ(bad, 0);
	CHECK(runs > 500);
}

/* The id is 16 bits; the name may carry a trailing dot; bad arguments. */
static void test_answer_args(void)
{
	dns_addr out[2];
	pk p;
	int rc;

	b_one_a(&p);
	CHECK_EQ(dns_answer_parse(p.b, p.n, 0x10000 | ID, QN, DNS_A, out, 2), 1);
	CHECK_EQ(dns_answer_parse(p.b, p.n, ID, QN ".", DNS_A, out, 2), 1);
	CHECK_EQ(dns_answer_parse(p.b, p.n, ID, "MYVAULT.VAULT.AZURE.NET", DNS_A, out, 2), 1);
	CHECK_EQ(dns_answer_parse(p.b, p.n, ID, "vault.azure.net", DNS_A, out, 2),
		DNS_E_QUESTION);
	CHECK_EQ(dns_answer_parse(p.b, p.n, ID, "a..b", DNS_A, out, 2), DNS_E_NAME);
	CHECK_EQ(dns_answer_parse(p.b, p.n, ID, QN, 5, out, 2), DNS_E_QTYPE);
	rc = dns_answer_parse(p.b, p.n, ID, QN, DNS_A, out, 0);
	CHECK_EQ(rc, 0);
	CHECK_EQ(dns_answer_parse(p.b, 1, ID, QN, DNS_A, out, 2), DNS_E_MALFORMED);
	CHECK_EQ(dns_answer_parse(p.b, 2, ID ^ 1, QN, DNS_A, out, 2), DNS_E_ID);
	CHECK_EQ(dns_answer_parse(p.b, 11, ID, QN, DNS_A, out, 2), DNS_E_MALFORMED);
}

/* A reply written by our own query writer, then answered: round trip. */
static void test_round_trip(void)
{
	unsigned char q[DNS_QUERY_MAX];
	dns_addr out[2];
	pk p;
	int n = dns_query_fmt(q, sizeof q, 0x4242, "kv.example", DNS_AAAA);

	CHECK(n > 0);
	memcpy(p.b, q, (size_t)n);
	p.n = (size_t)n;
	p.b[2] |= 0x80;
	p.b[7] = 1;
	rr_aaaa(&p, "@12", 0x53);
	CHECK_EQ(dns_answer_parse(p.b, p.n, 0x4242, "kv.example", DNS_AAAA, out, 2), 1);
	CHECK(out[0].type == DNS_AAAA && out[0].ip[0] == 0x20 && out[0].ip[15] == 0x53);
}

static void test_strerror(void)
{
	int c, d;

	for (c = DNS_E_NODATA; c < 0; c++) {
		const char *s = dns_strerror(c);

		CHECKM(s && *s && strcmp(s, "unknown DNS error") != 0, "code %d", c);
		for (d = c + 1; d < 0; d++)
			CHECKM(strcmp(s, dns_strerror(d)) != 0, "codes %d and %d", c, d);
	}
	CHECK_STR(dns_strerror(DNS_E_NODATA - 1), "unknown DNS error");
	CHECK_STR(dns_strerror(1), "unknown DNS error");
	CHECK_STR(dns_strerror(0), "ok");
	CHECK(strstr(dns_strerror(DNS_E_NXDOMAIN), "not found") != NULL);
	CHECK(strstr(dns_strerror(DNS_E_TRUNCATED), "TCP") != NULL);
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_hosts);
	T_RUN(test_hosts_cut);
	T_RUN(test_conf);
	T_RUN(test_conf_chunks);
	T_RUN(test_query_bytes);
	T_RUN(test_query_names);
	T_RUN(test_answers);
	T_RUN(test_answers_cut);
	T_RUN(test_answer_args);
	T_RUN(test_round_trip);
	T_RUN(test_strerror);
	T_END();
}
