#include "codec/pem.h"
#include "codec/b64.h"
#include "base/fmt.h"
#include "base/str.h"

#include <string.h>

#define PEM_BEGIN "-----BEGIN "
#define PEM_END "-----END "
#define PEM_DASHES "-----"

static const char *find(const char *s, const char *end, const char *pat)
{
	size_t n = strlen(pat);

	for (; s + n <= end; s++)
		if (memcmp(s, pat, n) == 0)
			return s;
	return NULL;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static int put(pem_out *o, const char *p, size_t n)
{
	if (!o)
		return 0;
	if (n + 2 > o->cap - o->len)
		return PEM_E_SPACE;
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	if (p[n - 1] != '\n')
		o->buf[o->len++] = '\n';
	o->buf[o->len] = 0;
	o->blocks++;
	return 0;
}

/* One block starting at b (at "-----BEGIN "): copy it, set *next. */
static int block(const char *b, const char *end, pem_out *key, pem_out *certs,
	const char **next)
{
	const char *label = b + sizeof PEM_BEGIN - 1, *le, *e, *stop;
	char want[96];
	size_t ln;

	le = find(label, end, PEM_DASHES);
	if (!le || (ln = (size_t)(le - label)) + sizeof PEM_END + sizeof PEM_DASHES > sizeof want)
		return PEM_E_FORM;
	memcpy(want, PEM_END, sizeof PEM_END - 1);
	memcpy(want + sizeof PEM_END - 1, label, ln);
	memcpy(want + sizeof PEM_END - 1 + ln, PEM_DASHES, sizeof PEM_DASHES);
	e = find(le, end, want);
	if (!e)
		return PEM_E_FORM;
	stop = e + strlen(want);
	if (stop < end && *stop == '\r')
		stop++;
	if (stop < end && *stop == '\n')
		stop++;
	*next = stop;
	if (ends_with(label, ln, "PRIVATE KEY")) {
		if (key && key->blocks)
			return PEM_E_KEYS;
		return put(key, b, (size_t)(stop - b));
	}
	if (ends_with(label, ln, "CERTIFICATE"))
		return put(certs, b, (size_t)(stop - b));
	return 0;
}

int pem_split(const char *in, size_t n, pem_out *key, pem_out *certs)
{
	const char *p = in, *end = in + n, *b;
	int rc;

	if (key)
		key->len = 0, key->blocks = 0;
	if (certs)
		certs->len = 0, certs->blocks = 0;
	while ((b = find(p, end, PEM_BEGIN)) != NULL) {
		rc = block(b, end, key, certs, &p);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int pem_write(pem_out *o, const char *label, const unsigned char *der, size_t n)
{
	size_t ll = strlen(label), need = 2 * (ll + 16) + (n + 2) / 3 * 4 + n / 48 + 2, i;
	char *w, *end;

	if (need >= o->cap - o->len)
		return PEM_E_SPACE;
	w = o->buf + o->len;
	end = w + need;
	w += fmt(w, need, "-----BEGIN %s-----\n", label);
	for (i = 0; i < n; i += 48) { /* lines of 64 characters */
		w += b64_encode(w, (size_t)(end - w), der + i, n - i < 48 ? n - i : 48);
		*w++ = '\n';
	}
	w += fmt(w, need, "-----END %s-----\n", label);
	o->len = (size_t)(w - o->buf);
	o->blocks++;
	return 0;
}

/* ---- pem_reader --------------------------------------------------------- */

enum { R_OUT, R_CERT, R_OTHER };       /* pem_reader.state */
enum { L_KEEP, L_BODY, L_LONG };       /* pem_reader.kind: the current line's */

void pem_reader_init(pem_reader *r, unsigned char *der, size_t cap)
{
	memset(r, 0, sizeof *r);
	r->der = der;
	r->cap = cap;
}

/* Is line[n] (no CR/LF) a BEGIN or END line; its label in *label, *ln. */
static int marker(const char *line, size_t n, const char *kind,
	const char **label, size_t *ln)
{
	size_t k = strlen(kind), d = sizeof PEM_DASHES - 1;

	while (n > 0 && str_isspace((unsigned char)line[n - 1]))
		n--;
	if (n < k + d || memcmp(line, kind, k) != 0 || !ends_with(line, n, PEM_DASHES))
		return 0;
	*label = line + k;
	*ln = n - k - d;
	return 1;
}

static int is_cert_label(const char *label, size_t n)
{
	return (n == 11 && memcmp(label, "CERTIFICATE", 11) == 0)
		|| (n == 16 && memcmp(label, "X509 CERTIFICATE", 16) == 0);
}

/* A whole line that is not certificate body: 1 when it ends a certificate,
 * PEM_E_B64 when it is some other marker inside one. */
static int on_line(pem_reader *r)
{
	const char *label;
	size_t ln;

	if (r->state == R_OUT) {
		if (marker(r->line, r->ll, PEM_BEGIN, &label, &ln)) {
			r->state = is_cert_label(label, ln) ? R_CERT : R_OTHER;
			r->len = 0;
			r->bits = r->nbits = 0;
			r->pad = 0;
		}
		return 0;
	}
	if (marker(r->line, r->ll, PEM_END, &label, &ln)) {
		int cert = r->state == R_CERT;

		r->state = R_OUT;
		return cert;
	}
	return r->state == R_CERT ? PEM_E_B64 : 0;
}

/* One character of a certificate's body. */
static int body_char(pem_reader *r, int c)
{
	int standard = 1, v;

	if (str_isspace(c))
		return 0;
	if (c == '=') {
		r->pad = 1;
		return 0;
	}
	if ((v = b64_digit(c, &standard)) < 0 || r->pad)
		return PEM_E_B64;
	r->bits = (r->bits << 6 | (unsigned)v) & 0xffffu;
	r->nbits += 6;
	if (r->nbits >= 8) {
		r->nbits -= 8;
		if (r->len == r->cap)
			return PEM_E_BIG;
		r->der[r->len++] = (unsigned char)(r->bits >> r->nbits);
	}
	return 0;
}

/* The current line ends: 1 if it completed a certificate, or an error. */
static int line_end(pem_reader *r)
{
	int rc = 0;

	if (r->kind == L_KEEP)
		rc = on_line(r);
	else if (r->kind == L_LONG && r->state == R_CERT)
		rc = PEM_E_B64; /* a long '-' line inside a certificate */
	r->ll = 0;
	r->kind = L_KEEP;
	/* left-over bits must be the zero padding of a last group */
	if (rc == 1 && (r->nbits >= 6 || (r->bits & ((1u << r->nbits) - 1)) != 0))
		rc = PEM_E_B64;
	return rc;
}

int pem_reader_feed(pem_reader *r, const char *p, size_t n, size_t *used)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)p[i];

		rc = 0;
		if (c == '\n') {
			if ((rc = line_end(r)) != 0)
				return *used = i + 1, rc < 0 ? rc : PEM_CERT;
			continue;
		}
		/* Certificate body lines never start with '-': they are decoded
		 * as they come; other lines are kept for on_line. */
		if (r->ll == 0 && r->kind == L_KEEP && r->state == R_CERT && c != '-')
			r->kind = L_BODY;
		if (r->kind == L_BODY)
			rc = body_char(r, c);
		else if (r->kind == L_KEEP && r->ll == sizeof r->line)
			r->kind = L_LONG;
		else if (r->kind == L_KEEP)
			r->line[r->ll++] = (char)c;
		if (rc < 0)
			return *used = i + 1, rc;
	}
	*used = n;
	return PEM_NEED;
}

int pem_reader_end(pem_reader *r)
{
	size_t used;
	int rc = 0;

	if (r->ll > 0 || r->kind != L_KEEP) /* a last line without its newline */
		rc = pem_reader_feed(r, "\n", 1, &used);
	if (rc != 0)
		return rc;
	return r->state == R_OUT ? 0 : PEM_E_FORM;
}

const char *pem_strerror(int code)
{
	switch (code) {
	case PEM_E_FORM:
		return "PEM block without its END line";
	case PEM_E_KEYS:
		return "more than one private key";
	case PEM_E_SPACE:
		return "PEM output too large";
	case PEM_E_B64:
		return "a certificate's body is not valid base64";
	case PEM_E_BIG:
		return "a certificate too large";
	}
	return "PEM error";
}
