/* Trust anchors are trust.c's, the Service Fabric pin tlspin.c's, the
 * chain checks tlschain.c's, the error texts tlserr.c's. */
#include "tls/tls.h"
#include "net/net.h"
#include "crypto/ec.h"
#include "base/fmt.h"
#include "base/log.h"
#include "base/rnd.h"
#include "crypto/rsa.h"
#include "base/str.h"
#include "tls/tlschain.h"
#include "tls/tlserr.h"
#include "tls/tlspin.h"
#include "tls/trust.h"

#include <bearssl.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "buildinfo.h"

/* The client-certificate "provider": azkv has no certificate, so it only
 * notes that the server asked (a CertificateRequest) and sends none. */
typedef struct tls_nocert {
	const br_ssl_client_certificate_class *vtable;
	int asked;
} tls_nocert;

typedef struct tls_impl {
	br_ssl_client_context cc;
	br_x509_minimal_context xc;
	tlspin pin;
	tlschain chain; /* in front of xc: issuer order, clock rule, EKU */
	tls_nocert nocert;
	int pinned;
	int fd;
	int handshaking; /* inside tls_open */
	int open;        /* the handshake succeeded: close_notify is due */
	int broken;      /* a socket read or write failed: send nothing more */
	char peer[300];
	size_t used; /* high-water mark of buf: every record in or out passed
	              * through [0, used), so wiping that wipes them all */
	unsigned char buf[BR_SSL_BUFSIZE_MONO]; /* half-duplex: HTTP is */
	unsigned char chainbuf[TLSCHAIN_BYTES]; /* the server's certificates
	                                         * (public: not wiped) */
} tls_impl;

_Static_assert(sizeof(tls_impl) <= TLS_CTX_SIZE, "raise TLS_CTX_SIZE");
_Static_assert(TLSPIN_CERT_MAX <= TLSCHAIN_BYTES, "the pinned leaf is kept in chainbuf");

static const uint16_t suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
};

static const struct {
	uint16_t id;
	const char *name;
} suite_names[] = {
	{ BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
	{ BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
	{ BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
	{ BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
};

/* Put the chain check in front of the minimal validator, with the clock
 * and the build time; the clock rule itself is x509_check_time's. */
static void chain_setup(tls_impl *s)
{
	long long now = clock_epoch();

	if (now < AZKV_BUILD_TIME)
		log_v("clock reads %lld, before this build (%lld): checking only that certificates "
			"had not expired at build time", now, (long long)AZKV_BUILD_TIME);
	tlschain_init(&s->chain, &s->xc, s->chainbuf, now, AZKV_BUILD_TIME);
}

/* Seed from the kernel: BearSSL's own fallback needs /dev/urandom, which an
 * empty root lacks, and RDRAND, which arm64 lacks. */
static int seed(br_ssl_engine_context *eng, err *e)
{
	unsigned char rnd[32];
	const char *why = rnd_bytes(rnd, sizeof rnd, 0);

	if (why)
		return err_set(e, ERR_INTERNAL, "getrandom: %s", why);
	br_ssl_engine_inject_entropy(eng, rnd, sizeof rnd);
	explicit_bzero(rnd, sizeof rnd);
	return 0;
}

#if RSA_FAST
/* BearSSL's PKCS#1 v1.5 signature unpadding and hash-OID check
 * (src/rsa/rsa_pkcs1_sig_unpad.c). It is declared only in BearSSL's private
 * src/inner.h, which we do not include (it drags in all of BearSSL's
 * internals); libbearssl.a exports the symbol, so it is declared here by
 * hand: the padding check stays BearSSL's, only x^e mod n is rsa.c's. This
 * prototype was checked against BearSSL 0.6's inner.h (the version
 * vendor/PINS pins); compare it again on any BearSSL update. */
uint32_t br_rsa_pkcs1_sig_unpad(const unsigned char *sig, size_t sig_len,
	const unsigned char *hash_oid, size_t hash_len, unsigned char *hash_out);

/* br_rsa_i62_pkcs1_vrfy with the public operation from rsa.c (variable
 * time: everything here is public). */
static uint32_t rsa_vrfy(const unsigned char *x, size_t xlen,
	const unsigned char *hash_oid, size_t hash_len,
	const br_rsa_public_key *pk, unsigned char *hash_out)
{
	unsigned char sig[RSA_BITS_MAX / 8];

	if (xlen > sizeof sig)
		return 0;
	memcpy(sig, x, xlen);
	if (!rsa_public(sig, xlen, pk->n, pk->nlen, pk->e, pk->elen))
		return 0;
	return br_rsa_pkcs1_sig_unpad(sig, xlen, hash_oid, hash_len, hash_out);
}
#endif

/* The curves: every one of ec.h's implementation, x25519 first
 * in the ClientHello (vendor/patches/0001-x25519-first.patch: BearSSL 0.6
 * meant that order but sent P-256 first), so a server that follows the
 * client's order takes x25519, and one whose ECDSA certificate is on P-256
 * or P-384 finds its curve in the first offer. */
static void offer(tls_impl *s)
{
	br_ssl_engine_context *eng = &s->cc.eng;

	br_ssl_engine_set_ec(eng, &ec_impl);
	br_ssl_engine_set_ecdsa(eng, br_ecdsa_vrfy_asn1_get_default());
	br_x509_minimal_set_ecdsa(&s->xc, &ec_impl,
		br_ecdsa_vrfy_asn1_get_default());
}

static void nocert_start_name_list(const br_ssl_client_certificate_class **pctx)
{
	((tls_nocert *)(void *)pctx)->asked = 1;
}

static void nocert_start_name(const br_ssl_client_certificate_class **pctx,
	size_t len)
{
	(void)pctx;
	(void)len;
}

static void nocert_append_name(const br_ssl_client_certificate_class **pctx,
	const unsigned char *data, size_t len)
{
	(void)pctx;
	(void)data;
	(void)len;
}

static void nocert_end(const br_ssl_client_certificate_class **pctx)
{
	(void)pctx;
}

/* Called on a CertificateRequest: no chain, so an empty Certificate. */
static void nocert_choose(const br_ssl_client_certificate_class **pctx,
	const br_ssl_client_context *cc, uint32_t auth_types,
	br_ssl_client_certificate *choices)
{
	(void)cc;
	(void)auth_types;
	((tls_nocert *)(void *)pctx)->asked = 1;
	memset(choices, 0, sizeof *choices);
}

/* Never called without a chain. */
static uint32_t nocert_do_keyx(const br_ssl_client_certificate_class **pctx,
	unsigned char *data, size_t *len)
{
	(void)pctx;
	(void)data;
	(void)len;
	return 0;
}

static size_t nocert_do_sign(const br_ssl_client_certificate_class **pctx,
	int hash_id, size_t hv_len, unsigned char *data, size_t len)
{
	(void)pctx;
	(void)hash_id;
	(void)hv_len;
	(void)data;
	(void)len;
	return 0;
}

static const br_ssl_client_certificate_class nocert_vtable = {
	sizeof(tls_nocert), nocert_start_name_list, nocert_start_name,
	nocert_append_name, nocert_end, nocert_end, nocert_choose,
	nocert_do_keyx, nocert_do_sign,
};

static void profile(tls_impl *s, const trust_anchors *roots, const tls_pin *pin)
{
	static const br_hash_class *const hashes[] = {
		&br_sha1_vtable, &br_sha256_vtable, &br_sha384_vtable, &br_sha512_vtable,
	};
	br_ssl_engine_context *eng = &s->cc.eng;
	size_t i;

	br_ssl_client_zero(&s->cc);
	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	br_x509_minimal_init(&s->xc, &br_sha256_vtable, roots->tas, roots->n);
	br_ssl_engine_set_suites(eng, suites, sizeof suites / sizeof suites[0]);
#if RSA_FAST
	br_ssl_engine_set_rsavrfy(eng, rsa_vrfy);
#else
	br_ssl_engine_set_default_rsavrfy(eng);
#endif
	offer(s);
	s->nocert.vtable = &nocert_vtable;
	s->nocert.asked = 0;
	br_ssl_client_set_client_certificate(&s->cc, &s->nocert.vtable);
	br_x509_minimal_set_rsa(&s->xc, br_ssl_engine_get_rsavrfy(eng));
	for (i = 0; i < sizeof hashes / sizeof hashes[0]; i++) {
		int id = (int)((hashes[i]->desc >> BR_HASHDESC_ID_OFF) & BR_HASHDESC_ID_MASK);

		br_ssl_engine_set_hash(eng, id, hashes[i]);
		/* SHA-1 signs some handshakes, never a certificate we accept */
		if (id != br_sha1_ID)
			br_x509_minimal_set_hash(&s->xc, id, hashes[i]);
	}
	s->pinned = pin != NULL;
	if (s->pinned) {
		memset(&s->pin, 0, sizeof s->pin);
		s->pin.vtable = &tlspin_vtable;
		memcpy(s->pin.want, pin->sha1, TLS_PIN_LEN);
		s->pin.buf = s->chainbuf; /* no chain to keep when pinned */
		br_ssl_engine_set_x509(eng, &s->pin.vtable);
	} else {
		br_ssl_engine_set_x509(eng, &s->chain.vtable);
	}
	br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
	/* GCM with the constant-time portable AES and GHASH only: the default
	 * would add the AES-NI/PCLMUL code (4 KB) for records that are a few
	 * KB each, where the portable code costs well under a millisecond.
	 * AES is the 32-bit bitsliced ct, also PKCS#12's CBC: ct64's four
	 * blocks at once cost 1.1 KB more for a few microseconds a KB. */
	br_ssl_engine_set_gcm(eng, &br_sslrec_in_gcm_vtable, &br_sslrec_out_gcm_vtable);
	br_ssl_engine_set_aes_ctr(eng, &br_aes_ct_ctr_vtable);
	br_ssl_engine_set_ghash(eng, &br_ghash_ctmul64);
	br_ssl_engine_set_buffer(eng, s->buf, sizeof s->buf, 0);
	chain_setup(s);
}

/* What a refused handshake adds when the server had asked for a client
 * certificate: that is most likely why it refused. */
static const char *asked_text(const tls_impl *s)
{
	return s->nocert.asked
		? "; the server asked for a client certificate and azkv has none" : "";
}

/* The engine closed: record why, unless it was a clean close. Returns 1 if
 * it was an error. */
static int closed_err(tls_impl *s, err *e)
{
	int code = br_ssl_engine_last_error(&s->cc.eng);
	char why[96];

	if (code == BR_ERR_OK)
		return 0;
	if (code == BR_ERR_IO)
		return 1; /* our socket layer already said what failed */
	if (s->pinned && code == BR_ERR_X509_NOT_TRUSTED)
		fmt(why, sizeof why, "certificate SHA-1 does not match the pinned thumbprint");
	else if (s->pinned && code == BR_ERR_X509_LIMIT_EXCEEDED)
		fmt(why, sizeof why, "the server's certificate is over %d bytes", TLSPIN_CERT_MAX);
	else if (!s->pinned && tlschain_why(&s->chain, code, why, sizeof why))
		;
	else
		tlserr_text(code, why, sizeof why);
	err_set(e, ERR_TLS, "TLS with %s: %s%s", s->peer, why, asked_text(s));
	return 1;
}

/* Record content types and the alert level (RFC 5246 6.2.1, 7.2). */
#define TLS_CT_CHANGE_CIPHER_SPEC 20
#define TLS_CT_ALERT 21
#define TLS_ALERT_FATAL 2

/* The first fatal alert in plaintext records buf[len] (a server's refusal
 * before its ChangeCipherSpec is not encrypted), or -1. */
static int plain_alert(const unsigned char *buf, size_t len)
{
	size_t at = 0;

	while (len - at >= 5) {
		size_t rlen = (size_t)buf[at + 3] << 8 | buf[at + 4];

		if (buf[at] == TLS_CT_CHANGE_CIPHER_SPEC) /* encrypted from here */
			return -1;
		if (buf[at] == TLS_CT_ALERT && rlen == 2 && len - at >= 7 &&
			buf[at + 5] == TLS_ALERT_FATAL)
			return buf[at + 6];
		at += 5 + rlen;
		if (at > len)
			break;
	}
	return -1;
}

/* A handshake write failed (the server reset the connection): a server
 * that refuses a client (no certificate, say) sends its alert and closes
 * while our next records are on the way, and those get the reset. What it
 * sent is still in the socket: report its alert if there is one. 1 if so. */
static int late_alert(tls_impl *s, clock_ms deadline, err *e)
{
	unsigned char buf[512]; /* a few alert records; nothing secret yet */
	clock_ms soon = clock_now() + TLS_LATE_ALERT_MS;
	char name[TLSERR_ALERT_MAX];
	err scratch;
	long r;
	int alert;

	err_clear(&scratch);
	r = net_read(s->fd, buf, sizeof buf, soon < deadline ? soon : deadline,
		s->peer, &scratch);
	alert = r > 0 ? plain_alert(buf, (size_t)r) : -1;
	if (alert < 0)
		return 0;
	tlserr_alert(alert, name, sizeof name);
	err_set(e, ERR_TLS, "TLS with %s: server sent fatal alert %s%s", s->peer,
		name, asked_text(s));
	return 1;
}

/* A socket write failed with we: nothing more goes out on this connection;
 * during the handshake the server's own alert is the better reason. */
static int write_failed(tls_impl *s, const err *we, clock_ms deadline, err *e)
{
	s->broken = 1;
	if (s->handshaking && late_alert(s, deadline, e))
		return -1;
	if (e->code == ERR_OK)
		*e = *we;
	return -1;
}

/* p[n] of s->buf is about to hold record or application bytes. */
static void mark(tls_impl *s, const unsigned char *p, size_t n)
{
	size_t end = (size_t)(p - s->buf) + n;

	if (end > s->used)
		s->used = end;
}

/* Pump records until the engine reaches a state in target. 0 reached,
 * 1 the peer closed the TCP stream, -1 error. As br_sslio's run_until, with
 * a deadline on every socket wait. */
static int run_until(tls_impl *s, unsigned target, clock_ms deadline, err *e)
{
	br_ssl_engine_context *eng = &s->cc.eng;

	for (;;) {
		unsigned st = br_ssl_engine_current_state(eng);
		unsigned char *buf;
		size_t len;
		long r;

		if (st & BR_SSL_CLOSED)
			return closed_err(s, e) ? -1 : 1;
		if (st & BR_SSL_SENDREC) {
			err we;

			buf = br_ssl_engine_sendrec_buf(eng, &len);
			mark(s, buf, len);
			err_clear(&we);
			if (net_write(s->fd, buf, len, deadline, s->peer, &we) < 0)
				return write_failed(s, &we, deadline, e); /* the caller closes */
			br_ssl_engine_sendrec_ack(eng, len);
			continue;
		}
		if (st & target)
			return 0;
		if (st & BR_SSL_RECVAPP)
			return err_set(e, ERR_MALFORMED, "%s: unexpected data from the server", s->peer);
		if (st & BR_SSL_RECVREC) {
			buf = br_ssl_engine_recvrec_buf(eng, &len);
			mark(s, buf, len);
			r = net_read(s->fd, buf, len, deadline, s->peer, e);
			if (r <= 0)
				s->broken = 1;
			if (r < 0)
				return -1;
			if (r == 0)
				return 1;
			br_ssl_engine_recvrec_ack(eng, (size_t)r);
			continue;
		}
		br_ssl_engine_flush(eng, 0);
	}
}

int tls_open(tls *t, const trust_anchors *roots, const tls_pin *pin, int fd, const char *host,
	const char *peer, clock_ms deadline, err *e)
{
	tls_impl *s = (tls_impl *)(void *)t->opaque;
	int rc;

	profile(s, roots, pin);
	s->fd = fd;
	s->open = s->broken = 0;
	str_copy(s->peer, sizeof s->peer, peer);
	if (seed(&s->cc.eng, e) < 0)
		return -1;
	if (!br_ssl_client_reset(&s->cc, host, 0))
		return closed_err(s, e) ? -1 : err_set(e, ERR_TLS, "TLS with %s: cannot start", peer);
	s->handshaking = 1;
	rc = run_until(s, BR_SSL_SENDAPP | BR_SSL_RECVAPP, deadline, e);
	s->handshaking = 0;
	if (rc == 1)
		return err_set(e, ERR_TLS, "TLS with %s: connection closed during the handshake%s",
			peer, asked_text(s));
	s->open = rc == 0;
	return rc;
}

long tls_read(tls *t, void *buf, size_t n, clock_ms deadline, err *e)
{
	tls_impl *s = (tls_impl *)(void *)t->opaque;
	unsigned char *app;
	size_t len;
	int rc = run_until(s, BR_SSL_RECVAPP, deadline, e);

	if (rc != 0)
		return rc == 1 ? 0 : -1;
	app = br_ssl_engine_recvapp_buf(&s->cc.eng, &len);
	if (len > n)
		len = n;
	memcpy(buf, app, len);
	br_ssl_engine_recvapp_ack(&s->cc.eng, len);
	return (long)len;
}

int tls_write(tls *t, const void *buf, size_t n, clock_ms deadline, err *e)
{
	tls_impl *s = (tls_impl *)(void *)t->opaque;
	const unsigned char *p = buf;

	while (n > 0) {
		unsigned char *app;
		size_t len;
		int rc = run_until(s, BR_SSL_SENDAPP, deadline, e);

		if (rc != 0)
			return rc == 1 ? err_net(e, ERR_NET_RESET, "write to %s: connection closed", s->peer) : -1;
		app = br_ssl_engine_sendapp_buf(&s->cc.eng, &len);
		if (len > n)
			len = n;
		mark(s, app, len);
		memcpy(app, p, len);
		br_ssl_engine_sendapp_ack(&s->cc.eng, len);
		p += len;
		n -= len;
	}
	br_ssl_engine_flush(&s->cc.eng, 0);
	if (run_until(s, BR_SSL_SENDAPP | BR_SSL_RECVAPP, deadline, e) < 0)
		return -1;
	return 0;
}

void tls_describe(const tls *t, char *out, size_t cap)
{
	const tls_impl *s = (const tls_impl *)(const void *)t->opaque;
	unsigned v = br_ssl_engine_get_version(&s->cc.eng);
	uint16_t id = s->cc.eng.session.cipher_suite;
	const char *name = "?";
	size_t i;
	/* (the getter takes a non-const engine; it only reads) */
	unsigned curve = (unsigned)br_ssl_engine_get_ecdhe_curve(
		(br_ssl_engine_context *)&s->cc.eng);

	for (i = 0; i < sizeof suite_names / sizeof suite_names[0]; i++)
		if (suite_names[i].id == id)
			name = suite_names[i].name;
	fmt(out, cap, "TLS1.%u %s curve %s", v >= 0x0301 ? v - 0x0301 : 0,
		name, curve == BR_EC_curve25519 ? "x25519" : curve == BR_EC_secp256r1
		? "P-256" : curve == BR_EC_secp384r1 ? "P-384" : curve == BR_EC_secp521r1
		? "P-521" : "?");
}

/* Send close_notify (servers log a close without it as an error), at most
 * TLS_CLOSE_MS of waiting for the socket to take it; the peer's own
 * close_notify is not waited for (nothing more is read). */
static void notify_close(tls_impl *s)
{
	br_ssl_engine_context *eng = &s->cc.eng;
	clock_ms until = clock_now() + TLS_CLOSE_MS;
	err scratch;

	if (!s->open || s->broken || (br_ssl_engine_current_state(eng) & BR_SSL_CLOSED))
		return;
	br_ssl_engine_close(eng);
	err_clear(&scratch);
	while (br_ssl_engine_current_state(eng) & BR_SSL_SENDREC) {
		size_t len;
		unsigned char *buf = br_ssl_engine_sendrec_buf(eng, &len);

		mark(s, buf, len);
		if (net_write(s->fd, buf, len, until, s->peer, &scratch) < 0)
			return;
		br_ssl_engine_sendrec_ack(eng, len);
	}
}

void tls_close(tls *t)
{
	tls_impl *s = (tls_impl *)(void *)t->opaque;
	size_t used;

	notify_close(s);
	used = s->used < sizeof s->buf ? s->used : sizeof s->buf;

	/* Keys, and the plaintext that passed through the record buffer; only
	 * its used part, so its untouched pages stay so. */
	explicit_bzero(s->buf, used);
	explicit_bzero(s, offsetof(tls_impl, buf));
}
