/*
 * dns: the pure half of name resolution (net.c does the files and sockets):
 * /etc/hosts lookup, /etc/resolv.conf settings, A/AAAA query bytes and a
 * strict reply parser. Callers own every buffer; nothing allocates.
 * Names are looked up as given (no search list, no ndots: vault and Entra
 * hosts are FQDNs); one trailing dot is accepted. No EDNS and no TCP: a
 * reply with TC set is DNS_E_TRUNCATED. Errors are DNS_E_* (dns_strerror).
 * Limits: names DNS_NAME_MAX, DNS_RR_MAX answers, DNS_CNAME_MAX hops;
 * compression pointers must point before the name run that holds them.
 */
#ifndef AZKV_DNS_H
#define AZKV_DNS_H

#include <stddef.h>

#define DNS_A 1            /* query types, and which an address is */
#define DNS_AAAA 28
#define DNS_NAME_MAX 253   /* text, no trailing dot: 255 bytes on the wire */
#define DNS_LABEL_MAX 63
#define DNS_QUERY_MAX (12 + 255 + 4) /* header, longest name, type, class */
#define DNS_RR_MAX 64      /* answer records; 512 bytes hold about 40 */
#define DNS_CNAME_MAX 10   /* hops followed in one reply; Azure uses 3-4 */
#define DNS_NS_MAX 3       /* nameservers, as musl and glibc (MAXNS) */
#define DNS_TIMEOUT_MAX 60 /* options timeout:N clamp (musl) */
#define DNS_ATTEMPTS_MAX 10 /* options attempts:N clamp (musl) */

enum {
	DNS_E_NAME = -1,      /* empty, a label not 1..63, or over 253 */
	DNS_E_QTYPE = -2,     /* not DNS_A or DNS_AAAA */
	DNS_E_SPACE = -3,     /* output buffer too small */
	DNS_E_ID = -4,        /* reply id differs: not a reply to this query */
	DNS_E_HEADER = -5,    /* not a response, or not a standard query */
	DNS_E_QUESTION = -6,  /* question section does not echo ours */
	DNS_E_MALFORMED = -7, /* cut short, bad label, pointer or rdata */
	DNS_E_TRUNCATED = -8, /* TC bit: the answer did not fit in UDP */
	DNS_E_TOOMANY = -9,   /* more than DNS_RR_MAX answer records */
	DNS_E_CNAME = -10,    /* CNAME chain over DNS_CNAME_MAX (or a loop) */
	DNS_E_NXDOMAIN = -11, /* RCODE 3: the name does not exist */
	DNS_E_SERVFAIL = -12, /* RCODE 2: the server could not answer */
	DNS_E_REFUSED = -13,  /* RCODE 5 */
	DNS_E_RCODE = -14,    /* any other RCODE */
	DNS_E_NODATA = -15,   /* for callers: no address of either type */
};

typedef struct dns_addr {
	int type;             /* DNS_A: ip[0..3]; DNS_AAAA: ip[0..15] */
	unsigned char ip[16]; /* network order */
	unsigned scope;       /* IPv6 zone index from a numeric "%N", else 0 */
} dns_addr;

typedef struct dns_conf {
	dns_addr ns[DNS_NS_MAX];
	size_t nns;        /* >= 1: 127.0.0.1 until a nameserver line */
	unsigned timeout;  /* seconds to wait per attempt, 1..DNS_TIMEOUT_MAX */
	unsigned attempts; /* rounds of queries, 1..DNS_ATTEMPTS_MAX */
	int listed;        /* a nameserver line was seen */
} dns_conf;

/* An address in text, as inet_pton reads it: IPv4 "a.b.c.d" (each part
 * 0-255, no leading zero) into ip[0..3], or IPv6 (RFC 4291 2.2: up to 8
 * groups of 1-4 hex digits, one "::" for one or more zero groups, a dotted
 * quad for the last 32 bits) into ip[0..15]. Returns DNS_A, DNS_AAAA, or 0
 * if s is neither (nothing more may follow: no zone, no space). */
int dns_ip_parse(const char *s, unsigned char ip[16]);

/* Addresses of name in /etc/hosts text[n] (whole lines; a last line may lack
 * its newline), in file order, at most max. '#' starts a comment; fields are
 * split by spaces and tabs; names compare ASCII case-insensitively; lines
 * whose address does not parse are skipped. Returns the count (0: absent). */
size_t dns_hosts_lookup(const char *text, size_t n, const char *name,
	dns_addr *out, size_t max);

/* musl's defaults: nameserver 127.0.0.1, timeout 5, attempts 2. */
void dns_conf_init(dns_conf *c);

/* Apply the resolv.conf lines in text[n] to c (call again for more lines):
 * "nameserver ADDR" (IPv4, IPv6 with an optional numeric %zone; the first
 * DNS_NS_MAX kept), "options timeout:N attempts:N" (clamped to 1..max);
 * search, domain, other options and malformed lines are ignored. */
void dns_resolv_conf(dns_conf *c, const char *text, size_t n);

/* A standard query with RD set for name and qtype into buf[cap].
 * Returns its length, or DNS_E_NAME, DNS_E_QTYPE, DNS_E_SPACE. */
int dns_query_fmt(unsigned char *buf, size_t cap, unsigned id,
	const char *name, int qtype);

/* Check reply buf[n] against our query (id, name, qtype) and store its
 * qtype addresses for name, or for the CNAME chain from it, in answer order
 * (at most max; extra ones are ignored). Returns the count (0: the name has
 * no record of that type) or a DNS_E_* in the order id, header, question,
 * TC, RCODE, answers. */
int dns_answer_parse(const unsigned char *buf, size_t n, unsigned id,
	const char *name, int qtype, dns_addr *out, size_t max);

/* A short sentence for a DNS_E_* code. */
const char *dns_strerror(int code);

#endif
