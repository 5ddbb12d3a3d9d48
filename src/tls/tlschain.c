#include "tls/tlschain.h"
#include "base/date.h"
#include "base/fmt.h"
#include "base/log.h"
#include "pki/x509.h"

#include <string.h>

enum {
	TLSCHAIN_WHY_NONE,
	TLSCHAIN_WHY_MANY,     /* more than TLSCHAIN_CERTS */
	TLSCHAIN_WHY_BIG,      /* more than TLSCHAIN_BYTES */
	TLSCHAIN_WHY_DER,      /* the leaf is not DER we can read */
	TLSCHAIN_WHY_SHA1,     /* why_cert is signed with SHA-1 */
	TLSCHAIN_WHY_EKU,      /* the leaf is not for TLS servers */
	TLSCHAIN_WHY_EXPIRED,  /* why_cert's notAfter (why_time) passed */
	TLSCHAIN_WHY_NOTYET,   /* why_cert's notBefore (why_time) is to come */
};

static tlschain *chain_of(const br_x509_class **ctx)
{
	return (tlschain *)(void *)ctx;
}

static void refuse(tlschain *ch, int why, size_t cert, long long t)
{
	if (ch->why == TLSCHAIN_WHY_NONE) {
		ch->why = why;
		ch->why_cert = cert;
		ch->why_time = t;
	}
}

static void ch_start_chain(const br_x509_class **ctx, const char *server_name)
{
	tlschain *ch = chain_of(ctx);

	ch->server_name = server_name;
	ch->n = ch->used = 0;
	ch->cur_want = 0;
	ch->why = TLSCHAIN_WHY_NONE;
	ch->result = BR_ERR_X509_EMPTY_CHAIN;
}

static void ch_start_cert(const br_x509_class **ctx, uint32_t length)
{
	tlschain *ch = chain_of(ctx);

	if (ch->why != TLSCHAIN_WHY_NONE)
		return;
	if (ch->n == TLSCHAIN_CERTS)
		refuse(ch, TLSCHAIN_WHY_MANY, ch->n + 1, 0);
	else if (length > TLSCHAIN_BYTES - ch->used)
		refuse(ch, TLSCHAIN_WHY_BIG, ch->n + 1, 0);
	else {
		ch->off[ch->n] = ch->used;
		ch->len[ch->n] = length;
		ch->cur_want = length;
	}
}

static void ch_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	tlschain *ch = chain_of(ctx);

	if (ch->why != TLSCHAIN_WHY_NONE)
		return;
	if (len > ch->cur_want) /* the engine frames each certificate: never */
		len = ch->cur_want;
	memcpy(ch->buf + ch->used, buf, len);
	ch->used += len;
	ch->cur_want -= (unsigned)len;
}

static void ch_end_cert(const br_x509_class **ctx)
{
	tlschain *ch = chain_of(ctx);

	if (ch->why == TLSCHAIN_WHY_NONE)
		ch->n++;
}

/* Which certificates the path takes, said under -v when it is not simply
 * the chain as sent. */
static size_t order_chain(tlschain *ch, const x509_cert *c, const int *ok, size_t *order)
{
	size_t k, i, n = 0, idx[TLSCHAIN_CERTS];
	x509_cert good[TLSCHAIN_CERTS];
	char list[64] = "";
	size_t at = 0;

	for (i = 0; i < ch->n; i++)
		if (ok[i]) {
			idx[n] = i;
			good[n++] = c[i];
		}
	k = x509_path(good, n, order);
	for (i = 0; i < k; i++)
		order[i] = idx[order[i]];
	for (i = 0; i < k && at < sizeof list - 4; i++)
		at += (size_t)fmt(list + at, sizeof list - at, "%s%zu", i ? "," : "", order[i] + 1);
	for (i = 0; i < k && order[i] == i; i++)
		;
	if (i < k || k < ch->n)
		log_v("certificate chain: %zu sent, validating %s in issuer order; %zu not on the path dropped",
			ch->n, list, ch->n - k);
	return k;
}

/* The minimal engine's clock for certificate c (BearSSL counts days from
 * year 0: 719528 days before 1970). */
static void set_time(tlschain *ch, const x509_cert *c, size_t as_sent)
{
	long long t = x509_check_time(ch->now, ch->build, c->not_before);

	if (ch->now < ch->build && c->not_before > ch->build) {
		char d[11];

		date_fmt(c->not_before, d);
		log_v("certificate %zu: valid from %s, after this build; its start is not checked "
			"(clock unknown)", as_sent, d);
	}
	if (t < 0)
		t = 0;
	br_x509_minimal_set_time(ch->xc, (uint32_t)(t / 86400 + 719528), (uint32_t)(t % 86400));
}

/* Feed the minimal engine cert by cert; the first one it failed on goes
 * to *failed (as an index into the chain as sent). */
static unsigned feed(tlschain *ch, const x509_cert *c, const size_t *order, size_t k,
	size_t *failed)
{
	const br_x509_class **xv = &ch->xc->vtable;
	size_t i;

	(*xv)->start_chain(xv, ch->server_name);
	for (i = 0; i < k; i++) {
		size_t j = order[i];

		set_time(ch, &c[j], j + 1);
		(*xv)->start_cert(xv, (uint32_t)ch->len[j]);
		(*xv)->append(xv, ch->buf + ch->off[j], ch->len[j]);
		(*xv)->end_cert(xv);
		if (*failed == (size_t)-1 && ch->xc->err != 0 && ch->xc->err != BR_ERR_X509_OK)
			*failed = j;
	}
	return (*xv)->end_chain(xv);
}

/* Put the engine's refusal of certificate j (as sent) in our words where
 * ours are more precise. */
static void explain(tlschain *ch, unsigned r, const x509_cert *c, size_t j)
{
	long long t;

	if (j == (size_t)-1)
		return;
	t = x509_check_time(ch->now, ch->build, c[j].not_before);
	if (r == BR_ERR_X509_UNSUPPORTED && c[j].sha1)
		refuse(ch, TLSCHAIN_WHY_SHA1, j + 1, 0);
	else if (r == BR_ERR_X509_EXPIRED && c[j].not_after < t)
		refuse(ch, TLSCHAIN_WHY_EXPIRED, j + 1, c[j].not_after);
	else if (r == BR_ERR_X509_EXPIRED && c[j].not_before > t)
		refuse(ch, TLSCHAIN_WHY_NOTYET, j + 1, c[j].not_before);
}

static unsigned ch_end_chain(const br_x509_class **ctx)
{
	tlschain *ch = chain_of(ctx);
	x509_cert c[TLSCHAIN_CERTS];
	int ok[TLSCHAIN_CERTS];
	size_t order[TLSCHAIN_CERTS], i, k, failed = (size_t)-1;
	unsigned r;

	if (ch->why != TLSCHAIN_WHY_NONE)
		return (unsigned)(ch->result = BR_ERR_X509_LIMIT_EXCEEDED);
	if (ch->n == 0)
		return (unsigned)(ch->result = BR_ERR_X509_EMPTY_CHAIN);
	for (i = 0; i < ch->n; i++) {
		ok[i] = x509_parse(&c[i], ch->buf + ch->off[i], ch->len[i]) == 0;
		if (!ok[i] && i > 0)
			log_v("certificate chain: certificate %zu is not DER X.509; dropped", i + 1);
	}
	if (!ok[0]) {
		refuse(ch, TLSCHAIN_WHY_DER, 1, 0);
		return (unsigned)(ch->result = BR_ERR_X509_INVALID_VALUE);
	}
	k = order_chain(ch, c, ok, order);
	r = feed(ch, c, order, k, &failed);
	if (r != 0)
		explain(ch, r, c, failed);
	else if (!x509_eku_server_ok(c[0].eku)) {
		refuse(ch, TLSCHAIN_WHY_EKU, 1, 0);
		r = BR_ERR_X509_FORBIDDEN_KEY_USAGE;
	}
	ch->result = (int)r;
	return r;
}

static const br_x509_pkey *ch_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	const tlschain *ch = (const tlschain *)(const void *)ctx;

	if (ch->result != 0)
		return NULL;
	return ch->xc->vtable->get_pkey(&ch->xc->vtable, usages);
}

static const br_x509_class chain_vtable = {
	sizeof(tlschain), ch_start_chain, ch_start_cert, ch_append,
	ch_end_cert, ch_end_chain, ch_get_pkey,
};

void tlschain_init(tlschain *ch, br_x509_minimal_context *xc, unsigned char *buf,
	long long now, long long build)
{
	memset(ch, 0, sizeof *ch);
	ch->vtable = &chain_vtable;
	ch->xc = xc;
	ch->buf = buf;
	ch->now = now;
	ch->build = build;
	ch->result = BR_ERR_X509_EMPTY_CHAIN;
}

/* "the server's certificate" or "certificate N of the server's chain". */
static const char *which(size_t cert, char *out, size_t cap)
{
	if (cert == 1)
		return "the server's certificate";
	fmt(out, cap, "certificate %zu of the server's chain", cert);
	return out;
}

int tlschain_why(const tlschain *ch, int code, char *out, size_t cap)
{
	char w[48], d[11];

	if (ch->why == TLSCHAIN_WHY_NONE || code != ch->result)
		return 0;
	date_fmt(ch->why_time, d);
	switch (ch->why) {
	case TLSCHAIN_WHY_MANY:
		fmt(out, cap, "server sent more than %d certificates", TLSCHAIN_CERTS);
		break;
	case TLSCHAIN_WHY_BIG:
		fmt(out, cap, "server's certificates exceed %d bytes", TLSCHAIN_BYTES);
		break;
	case TLSCHAIN_WHY_DER:
		fmt(out, cap, "the server's certificate is not valid DER X.509");
		break;
	case TLSCHAIN_WHY_SHA1:
		fmt(out, cap, "%s is signed with SHA-1, which is refused", which(ch->why_cert, w, sizeof w));
		break;
	case TLSCHAIN_WHY_EKU:
		fmt(out, cap, "the server's certificate is not for TLS servers (its extendedKeyUsage "
			"lacks serverAuth)");
		break;
	case TLSCHAIN_WHY_EXPIRED:
		fmt(out, cap, "%s expired on %s%s", which(ch->why_cert, w, sizeof w), d,
			ch->now < ch->build ? ", before this build" : "");
		break;
	case TLSCHAIN_WHY_NOTYET:
		fmt(out, cap, "%s is not valid until %s", which(ch->why_cert, w, sizeof w), d);
		break;
	default:
		return 0;
	}
	return 1;
}
