#include "net/dns.h"
#include "base/str.h"

#include <string.h>

#define HDR 12          /* DNS header bytes */
#define WIRE_MAX 255    /* longest name on the wire, final zero included */
#define ADDR_TEXT_MAX 64 /* longest address text we parse ("%zone" included) */
#define CLASS_IN 1
#define TYPE_CNAME 5

/* A name in wire form (length-prefixed labels, final zero), lower-cased:
 * two names are equal when their bytes are. */
typedef struct wname {
	unsigned char b[WIRE_MAX];
	size_t n;
} wname;

/* One answer record: offsets into the reply. */
typedef struct rr {
	size_t owner, rd, rdlen;
	unsigned type, cls;
} rr;

static unsigned get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* ---- text files ---------------------------------------------------------- */

/* The next line of text[n] from *pos, without its newline; 0 at the end. */
static int next_line(const char *text, size_t n, size_t *pos,
	const char **line, size_t *len)
{
	const char *nl;

	if (*pos >= n)
		return 0;
	*line = text + *pos;
	nl = memchr(*line, '\n', n - *pos);
	*len = nl ? (size_t)(nl - *line) : n - *pos;
	*pos += *len + 1;
	return 1;
}

/* The next blank-separated field of line[len] from *pos; 0 at the end. */
static int next_field(const char *line, size_t len, size_t *pos,
	const char **f, size_t *flen)
{
	size_t i = *pos;

	while (i < len && str_isspace((unsigned char)line[i]))
		i++;
	if (i == len)
		return 0;
	*f = line + i;
	while (i < len && !str_isspace((unsigned char)line[i]))
		i++;
	*flen = (size_t)(line + i - *f);
	*pos = i;
	return 1;
}

/* Decimal digits s[n] (n >= 1) into *v, saturating at max. 0 or -1. */
static int udec_sat(const char *s, size_t n, unsigned max, unsigned *v)
{
	unsigned long long x = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (x <= max)
			x = x * 10 + (unsigned)(s[i] - '0');
	}
	*v = x > max ? max : (unsigned)x;
	return 0;
}

/* a.b.c.d, each part 0-255 in decimal without a leading zero, then the
 * end of s. 1 or 0. */
static int ip4(const char *s, unsigned char ip[4])
{
	int i, k, v;

	for (i = 0; i < 4; i++, s += k + 1) {
		for (v = k = 0; k < 3 && str_isdigit((unsigned char)s[k]); k++)
			v = v * 10 + s[k] - '0';
		if (k == 0 || (k > 1 && s[0] == '0') || v > 255 || s[k] != (i < 3 ? '.' : 0))
			return 0;
		ip[i] = (unsigned char)v;
	}
	return 1;
}

/* Groups into b[0..n), the bytes after a "::" moved to the end of the 16
 * and zeros put in between. 1 or 0. */
static int ip6(const char *s, unsigned char b[16])
{
	int n = 0, gap = -1, k, v, d;

	if (s[0] == ':' && s[1] == ':') {
		gap = 0;
		s += 2;
	}
	while (*s || gap != n) {
		if (n <= 12 && ip4(s, b + n)) { /* a dotted quad ends it */
			n += 4;
			break;
		}
		for (v = k = 0; k < 4 && (d = str_hexval((unsigned char)s[k])) >= 0; k++)
			v = v << 4 | d;
		if (k == 0 || n == 16)
			return 0;
		b[n++] = (unsigned char)(v >> 8);
		b[n++] = (unsigned char)v;
		s += k;
		if (*s == 0)
			break;
		if (*s++ != ':')
			return 0;
		if (*s == ':' && gap < 0) {
			gap = n;
			s++;
		}
	}
	if (gap < 0 ? n != 16 : n > 14)
		return 0;
	if (gap >= 0) {
		memmove(b + 16 - (n - gap), b + gap, (size_t)(n - gap));
		memset(b + gap, 0, (size_t)(16 - n));
	}
	return 1;
}

int dns_ip_parse(const char *s, unsigned char ip[16])
{
	unsigned char b[16];

	if (ip4(s, b)) {
		memcpy(ip, b, 4);
		return DNS_A;
	}
	if (!ip6(s, b))
		return 0;
	memcpy(ip, b, 16);
	return DNS_AAAA;
}

/* "a.b.c.d" or an IPv6 text with an optional numeric "%zone". 0 or -1. */
static int addr_parse(dns_addr *a, const char *s, size_t n)
{
	char t[ADDR_TEXT_MAX];
	const char *pct = memchr(s, '%', n);
	size_t alen = pct ? (size_t)(pct - s) : n;

	memset(a, 0, sizeof *a);
	if (alen >= sizeof t)
		return -1;
	memcpy(t, s, alen);
	t[alen] = 0;
	a->type = dns_ip_parse(t, a->ip);
	if (a->type == 0 || (pct && a->type != DNS_AAAA))
		return -1;
	if (pct && udec_sat(pct + 1, n - alen - 1, 0xffffffffu, &a->scope) < 0)
		return -1;
	return 0;
}

/* One hosts line: the address when one of its names is name. 0 or -1. */
static int hosts_line(const char *line, size_t len, const char *name,
	dns_addr *a)
{
	const char *hash = memchr(line, '#', len), *ip, *f;
	size_t pos = 0, iplen, flen;

	if (hash)
		len = (size_t)(hash - line);
	if (!next_field(line, len, &pos, &ip, &iplen))
		return -1;
	while (next_field(line, len, &pos, &f, &flen))
		if (str_ieqmem(f, flen, name))
			return addr_parse(a, ip, iplen);
	return -1;
}

size_t dns_hosts_lookup(const char *text, size_t n, const char *name,
	dns_addr *out, size_t max)
{
	const char *line;
	size_t pos = 0, len, k = 0;

	while (k < max && next_line(text, n, &pos, &line, &len))
		if (hosts_line(line, len, name, &out[k]) == 0)
			k++;
	return k;
}

void dns_conf_init(dns_conf *c)
{
	memset(c, 0, sizeof *c);
	c->ns[0].type = DNS_A;
	memcpy(c->ns[0].ip, "\x7f\0\0\1", 4);
	c->nns = 1;
	c->timeout = 5;
	c->attempts = 2;
}

/* "KEYWORD" then a blank at the start of line[len]. */
static int keyword(const char *line, size_t len, const char *kw)
{
	size_t k = strlen(kw);

	return len > k && memcmp(line, kw, k) == 0 &&
		str_isspace((unsigned char)line[k]);
}

/* "NAME:DIGITS" sets *v, clamped to 1..max. */
static void option(const char *f, size_t n, const char *name, unsigned max,
	unsigned *v)
{
	size_t k = strlen(name);
	unsigned x;

	if (n > k && memcmp(f, name, k) == 0 &&
		udec_sat(f + k, n - k, max, &x) == 0)
		*v = x ? x : 1;
}

static void conf_line(dns_conf *c, const char *line, size_t len)
{
	const char *f;
	size_t pos, flen;
	dns_addr a;

	if (keyword(line, len, "nameserver")) {
		pos = 10;
		if (!next_field(line, len, &pos, &f, &flen) ||
			addr_parse(&a, f, flen) < 0)
			return;
		if (!c->listed)
			c->nns = 0, c->listed = 1;
		if (c->nns < DNS_NS_MAX)
			c->ns[c->nns++] = a;
	} else if (keyword(line, len, "options")) {
		pos = 7;
		while (next_field(line, len, &pos, &f, &flen)) {
			option(f, flen, "timeout:", DNS_TIMEOUT_MAX,
				&c->timeout);
			option(f, flen, "attempts:", DNS_ATTEMPTS_MAX,
				&c->attempts);
		}
	}
}

void dns_resolv_conf(dns_conf *c, const char *text, size_t n)
{
	const char *line;
	size_t pos = 0, len;

	while (next_line(text, n, &pos, &line, &len))
		conf_line(c, line, len);
}

/* ---- query --------------------------------------------------------------- */

/* name as wire labels into w (lower-cased when fold). 0 or DNS_E_NAME. */
static int name_wire(const char *name, wname *w, int fold)
{
	size_t len = strlen(name), i, lab = 0;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > DNS_NAME_MAX)
		return DNS_E_NAME;
	w->n = len + 2;
	for (i = len; i-- > 0;) {
		unsigned char c = (unsigned char)name[i];

		if (c == '.') {
			if (lab == 0 || lab > DNS_LABEL_MAX)
				return DNS_E_NAME;
			w->b[i + 1] = (unsigned char)lab;
			lab = 0;
			continue;
		}
		if (c <= 0x20 || c >= 0x7f)
			return DNS_E_NAME;
		w->b[i + 1] = (unsigned char)(fold ? str_lower(c) : c);
		lab++;
	}
	if (lab == 0 || lab > DNS_LABEL_MAX)
		return DNS_E_NAME;
	w->b[0] = (unsigned char)lab;
	w->b[len + 1] = 0;
	return 0;
}

static int qtype_ok(int qtype)
{
	return qtype == DNS_A || qtype == DNS_AAAA;
}

int dns_query_fmt(unsigned char *buf, size_t cap, unsigned id,
	const char *name, int qtype)
{
	wname w;
	int rc = name_wire(name, &w, 0);

	if (rc < 0)
		return rc;
	if (!qtype_ok(qtype))
		return DNS_E_QTYPE;
	if (cap < HDR + w.n + 4)
		return DNS_E_SPACE;
	memset(buf, 0, HDR);
	buf[0] = (unsigned char)(id >> 8);
	buf[1] = (unsigned char)id;
	buf[2] = 0x01; /* RD: the nameserver recurses for us */
	buf[5] = 1;    /* one question */
	memcpy(buf + HDR, w.b, w.n);
	buf[HDR + w.n] = 0;
	buf[HDR + w.n + 1] = (unsigned char)qtype;
	buf[HDR + w.n + 2] = 0;
	buf[HDR + w.n + 3] = CLASS_IN;
	return (int)(HDR + w.n + 4);
}

/* ---- reply --------------------------------------------------------------- */

/* The name at buf[off], decompressed and lower-cased into w; *end is where
 * the bytes after it start. Every pointer must point into the body before
 * the run of labels it ends, so each jump goes strictly backwards and no
 * loop is possible. 0 or DNS_E_MALFORMED. */
static int name_get(const unsigned char *buf, size_t n, size_t off, wname *w,
	size_t *end)
{
	size_t pos = off, run = off;
	int jumped = 0;

	w->n = 0;
	for (;;) {
		unsigned c;

		if (pos >= n)
			return DNS_E_MALFORMED;
		c = buf[pos];
		if (c >= 0xc0) {
			size_t ptr = (size_t)(c & 0x3f) << 8;

			if (pos + 1 >= n || (ptr |= buf[pos + 1]) >= run ||
				ptr < HDR)
				return DNS_E_MALFORMED;
			if (!jumped)
				*end = pos + 2, jumped = 1;
			pos = run = ptr;
			continue;
		}
		if (c > DNS_LABEL_MAX || n - pos - 1 < c ||
			w->n + 1 + c > WIRE_MAX)
			return DNS_E_MALFORMED;
		w->b[w->n++] = (unsigned char)c;
		if (c == 0)
			break;
		for (pos++; c-- > 0; pos++)
			w->b[w->n++] = (unsigned char)str_lower(buf[pos]);
	}
	if (!jumped)
		*end = pos + 1;
	return 0;
}

static int wname_eq(const wname *a, const wname *b)
{
	return a->n == b->n && memcmp(a->b, b->b, a->n) == 0;
}

/* Id, then QR and opcode. 0 or DNS_E_*. */
static int header_check(const unsigned char *buf, size_t n, unsigned id)
{
	if (n < 2)
		return DNS_E_MALFORMED;
	if (get16(buf) != (id & 0xffff))
		return DNS_E_ID;
	if (n < HDR)
		return DNS_E_MALFORMED;
	if (!(buf[2] & 0x80) || (buf[2] & 0x78) != 0)
		return DNS_E_HEADER;
	return 0;
}

/* Exactly our one question; *pos is set past it. 0 or DNS_E_*. */
static int question_check(const unsigned char *buf, size_t n, const wname *q,
	int qtype, size_t *pos)
{
	wname w;
	int rc;

	if (get16(buf + 4) != 1)
		return DNS_E_QUESTION;
	if ((rc = name_get(buf, n, HDR, &w, pos)) < 0)
		return rc;
	if (n - *pos < 4)
		return DNS_E_MALFORMED;
	if (!wname_eq(&w, q) || get16(buf + *pos) != (unsigned)qtype ||
		get16(buf + *pos + 2) != CLASS_IN)
		return DNS_E_QUESTION;
	*pos += 4;
	return 0;
}

static int rcode_check(const unsigned char *buf)
{
	switch (buf[3] & 15) {
	case 0: return 0;
	case 2: return DNS_E_SERVFAIL;
	case 3: return DNS_E_NXDOMAIN;
	case 5: return DNS_E_REFUSED;
	default: return DNS_E_RCODE;
	}
}

/* The rdata of the types we read must be well-formed, wherever they are. */
static int rdata_check(const unsigned char *buf, size_t n, const rr *r)
{
	wname w;
	size_t end;

	if (r->cls != CLASS_IN)
		return 0;
	if (r->type == DNS_A && r->rdlen != 4)
		return DNS_E_MALFORMED;
	if (r->type == DNS_AAAA && r->rdlen != 16)
		return DNS_E_MALFORMED;
	if (r->type == TYPE_CNAME && (name_get(buf, n, r->rd, &w, &end) < 0 ||
		end != r->rd + r->rdlen))
		return DNS_E_MALFORMED;
	return 0;
}

/* The answer section from pos into rrs[]; authority and additional
 * records are not read. 0 or DNS_E_*. */
static int answers_read(const unsigned char *buf, size_t n, size_t pos,
	rr *rrs, size_t *nrr)
{
	size_t i, count = get16(buf + 6);
	wname w;
	int rc;

	if (count > DNS_RR_MAX)
		return DNS_E_TOOMANY;
	for (i = 0; i < count; i++) {
		rr *r = &rrs[i];

		r->owner = pos;
		if ((rc = name_get(buf, n, pos, &w, &pos)) < 0)
			return rc;
		if (n - pos < 10 || n - pos - 10 < get16(buf + pos + 8))
			return DNS_E_MALFORMED;
		r->type = get16(buf + pos);
		r->cls = get16(buf + pos + 2);
		r->rdlen = get16(buf + pos + 8);
		r->rd = pos + 10;
		if ((rc = rdata_check(buf, n, r)) < 0)
			return rc;
		pos = r->rd + r->rdlen;
	}
	*nrr = count;
	return 0;
}

static int in_chain(const wname *w, const wname *chain, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (wname_eq(w, &chain[i]))
			return 1;
	return 0;
}

/* Is the owner of r one of chain[0..len)? */
static int owner_in(const unsigned char *buf, size_t n, const rr *r,
	const wname *chain, size_t len)
{
	wname w;
	size_t end;

	return name_get(buf, n, r->owner, &w, &end) == 0 &&
		in_chain(&w, chain, len);
}

/* The target of the CNAME whose owner is from, into to: 1, or 0 if none.
 * Records may come in any order. */
static int cname_next(const unsigned char *buf, size_t n, const rr *rrs,
	size_t nrr, const wname *from, wname *to)
{
	size_t i, end;

	for (i = 0; i < nrr; i++)
		if (rrs[i].type == TYPE_CNAME && rrs[i].cls == CLASS_IN &&
			owner_in(buf, n, &rrs[i], from, 1))
			return name_get(buf, n, rrs[i].rd, to, &end) == 0;
	return 0;
}

/* chain[0] is the question; append each CNAME target in turn. Returns the
 * chain length or DNS_E_CNAME (too long; a loop is endless, so too long). */
static int cname_chain(const unsigned char *buf, size_t n, const rr *rrs,
	size_t nrr, wname *chain)
{
	size_t len = 1;
	wname next;

	while (cname_next(buf, n, rrs, nrr, &chain[len - 1], &next)) {
		if (len == DNS_CNAME_MAX + 1)
			return DNS_E_CNAME;
		chain[len++] = next;
	}
	return (int)len;
}

int dns_answer_parse(const unsigned char *buf, size_t n, unsigned id,
	const char *name, int qtype, dns_addr *out, size_t max)
{
	wname chain[DNS_CNAME_MAX + 1];
	rr rrs[DNS_RR_MAX];
	size_t pos = 0, nrr = 0, i, k = 0;
	int rc, len;

	if (!qtype_ok(qtype))
		return DNS_E_QTYPE;
	if ((rc = name_wire(name, &chain[0], 1)) < 0 ||
		(rc = header_check(buf, n, id)) < 0 ||
		(rc = question_check(buf, n, &chain[0], qtype, &pos)) < 0)
		return rc;
	if (buf[2] & 0x02)
		return DNS_E_TRUNCATED;
	if ((rc = rcode_check(buf)) < 0 ||
		(rc = answers_read(buf, n, pos, rrs, &nrr)) < 0)
		return rc;
	if ((len = cname_chain(buf, n, rrs, nrr, chain)) < 0)
		return len;
	for (i = 0; i < nrr && k < max; i++) {
		if (rrs[i].type != (unsigned)qtype || rrs[i].cls != CLASS_IN ||
			!owner_in(buf, n, &rrs[i], chain, (size_t)len))
			continue;
		memset(&out[k], 0, sizeof out[k]);
		out[k].type = qtype;
		memcpy(out[k].ip, buf + rrs[i].rd, rrs[i].rdlen);
		k++;
	}
	return (int)k;
}

const char *dns_strerror(int code)
{
	static const char *const msg[] = {
		"invalid name",
		"unsupported query type",
		"buffer too small",
		"reply id does not match",
		"not a standard query response",
		"reply question does not match the query",
		"malformed reply",
		"answer truncated (TC set; no TCP fallback)",
		"too many answer records",
		"CNAME chain too long or looping",
		"name not found (NXDOMAIN)",
		"server failure (SERVFAIL)",
		"query refused (REFUSED)",
		"error reply from the server",
		"no address for the name (no A or AAAA record)",
	};

	if (code < 0 && (size_t)-code <= sizeof msg / sizeof msg[0])
		return msg[-code - 1];
	return code == 0 ? "ok" : "unknown DNS error";
}
