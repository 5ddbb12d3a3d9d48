#include "vault/keyop.h"
#include "codec/b64.h"
#include "base/file.h"
#include "base/fmt.h"
#include "vault/kv.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/out.h"
#include "vault/meta.h"
#include "crypto/rsaenc.h"
#include "base/str.h"
#include "vault/tags.h"

#include <errno.h>
#include <string.h>

#define KEYOP_B64(n) (((n) + 2) / 3 * 4 + 1)
#define KEYOP_RES_MAX KEYOP_B64(JWK_KW_MAX + 8)   /* a result, as text first */
#define KEYOP_BODY_MAX (KEYOP_B64(JWK_KW_MAX + 8) + 64) /* {"alg","value"} */
#define KEYOP_NAMES_MAX 128 /* the algorithms' names, in a message */
#define KEYOP_OUT_MAX (KEYOP_B64(JWK_KW_MAX + 8) + JWK_KID_MAX + 64) /* --json */

/* One operation. Its input buffer, the large one, is taken for it. */
typedef struct keyrun {
	const keyop_opts *o;
	int json, newline; /* --json, -n */
	const jwk_alg *alg;
	ref r;
	size_t n;          /* input bytes */
	size_t rn;         /* result bytes */
	char kid[JWK_KID_MAX + 1];
	char what[KV_WHAT_MAX];
	jwk key;           /* the key read (wrap, encrypt) */
	char body[KEYOP_BODY_MAX];
	unsigned char res[KEYOP_RES_MAX];
	char out[KEYOP_OUT_MAX];
	char v[KEYOP_B64(JWK_KW_MAX + 8)];
	unsigned char *in; /* KEYOP_INPUT_MAX + 1 bytes (keyop_run) */
} keyrun;


/* The service's names: in paths, and in key_ops. */
static const char *op_path(int op)
{
	return op == JWK_WRAP ? "wrapkey" : op == JWK_UNWRAP ? "unwrapkey" : jwk_op_name(op);
}

static const char *op_perm(int op)
{
	return op == JWK_WRAP ? "wrapKey" : op == JWK_UNWRAP ? "unwrapKey" : jwk_op_name(op);
}

/* stdin, whole: a pipe or a terminal as well as a file (a loop to its end). */
static int read_input(keyrun *k, err *e)
{
	const char *op = jwk_op_name(k->o->op);

	if (file_read_fd(0, k->in, KEYOP_INPUT_MAX, &k->n) < 0)
		return err_set(e, ERR_USAGE, "%s: reading stdin: %s", op, err_errno(errno));
	if (k->n > KEYOP_INPUT_MAX)
		return err_set(e, ERR_USAGE, "%s: input over %d bytes", op, KEYOP_INPUT_MAX);
	if (k->n == 0)
		return err_set(e, ERR_USAGE, "%s: empty input on stdin", op);
	return 0;
}

/* The input fits the algorithm, for a key of kbytes (0: any key). */
static int check_len(const keyrun *k, size_t kbytes, err *e)
{
	size_t min, max = jwk_max_input(k->alg, k->o->op, kbytes, &min);

	if (jwk_len_ok(k->alg, k->o->op, kbytes, k->n))
		return 0;
	return err_set(e, ERR_USAGE, "%s: input of %zu bytes: %s %s %zu to %zu bytes%s",
		jwk_op_name(k->o->op), k->n, k->alg->name, kbytes ? "with this key takes" : "takes",
		min, max, k->alg->pad == JWK_KW ? ", a multiple of 8" : "");
}

static int parse_key(keyrun *k, const char *s, const char *tag, err *e)
{
	char shown[64];
	int rc = ref_parse_key(&k->r, s);

	if (rc == 0) {
		kv_what(&k->r, k->what);
		return 0;
	}
	str_printable(shown, sizeof shown, s, strlen(s));
	if (tag)
		return err_set(e, ERR_USAGE, "tag %s: value %s is not a key reference: %s",
			tag, shown, ref_key_strerror(rc));
	return err_set(e, ERR_USAGE, "key %s: %s", shown, ref_key_strerror(rc));
}

/* AES key wrap exists on Managed HSM only: refuse it for a Key Vault. */
static int check_host(const keyrun *k, err *e)
{
	if (k->alg->kty == JWK_OCT && cloud_kind(k->r.host) == CLOUD_VAULT)
		return err_set(e, ERR_USAGE, "%s: %s needs a Managed HSM oct-HSM key; %s is a Key Vault",
			k->what, k->alg->name, k->r.host);
	return 0;
}

/* GET the key: its public JWK, kty, key_ops and versioned kid. */
static int get_key(client *c, keyrun *k, err *e)
{
	kv_req q = { &k->r, NULL, NULL, 0, 0 };
	int rc;

	if (kv_call(c, &q, e) < 0)
		return -1;
	rc = jwk_parse(&k->key, (const char *)c->body, c->resp.body_len);
	if (rc < 0)
		return err_set(e, ERR_MALFORMED, "%s: %s", k->what, jwk_strerror(rc));
	log_v("%s: %s, kid %s", k->what, k->key.kty_name, k->key.kid);
	return 0;
}

/* The key read fits the algorithm, allows the operation, takes the input. */
static int check_key(const keyrun *k, err *e)
{
	if (k->key.kty != k->alg->kty)
		return err_set(e, ERR_USAGE, "%s is %s: %s needs %s key", k->what,
			k->key.kty_name, k->alg->name, k->alg->kty == JWK_RSA ? "an RSA"
			: "an oct-HSM (Managed HSM)");
	if (!(k->key.ops & k->o->op))
		return err_set(e, ERR_DENIED, "%s: the key's key_ops do not allow %s",
			k->what, op_perm(k->o->op));
	return check_len(k, k->alg->kty == JWK_RSA ? k->key.nlen : 0, e);
}

static int local_rsa(keyrun *k, err *e)
{
	int rc = rsaenc_encrypt(k->alg->pad, k->key.n, k->key.nlen, k->key.e, k->key.elen, k->in,
		k->n, k->res, sizeof k->res, &k->rn);

	if (rc < 0)
		return err_set(e, rc == RSAENC_E_RANDOM ? ERR_INTERNAL : rc == RSAENC_E_EXP
			? ERR_USAGE : ERR_MALFORMED,
			"%s: %s", k->what, rsaenc_strerror(rc));
	str_copy(k->kid, sizeof k->kid, k->key.kid);
	log_v("%s: %s done here with the public key", k->what, k->alg->name);
	return 0;
}

/* POST {"alg","value"} to r's op; the result into res. */
static int remote(client *c, keyrun *k, const ref *r, err *e)
{
	kv_req q = { r, op_path(k->o->op), k->body, 1, ERR_USAGE };
	size_t bl;
	int rc;

	bl = fmt(k->body, sizeof k->body, "{\"alg\":\"%s\",\"value\":\"", k->alg->name);
	if (b64_url_encode(k->body + bl, sizeof k->body - bl - 2, k->in, k->n) < 0)
		return err_set(e, ERR_INTERNAL, "%s: request too large", k->what);
	bl += strlen(k->body + bl);
	memcpy(k->body + bl, "\"}", 3);
	rc = kv_call(c, &q, e);
	explicit_bzero(k->body, bl + 2);
	if (rc < 0)
		return -1;
	rc = jwk_result((const char *)c->body, c->resp.body_len, k->kid, sizeof k->kid,
		k->res, sizeof k->res, &k->rn);
	explicit_bzero(c->body, c->resp.body_len);
	if (rc < 0)
		return err_set(e, ERR_MALFORMED, "%s: %s", k->what, jwk_strerror(rc));
	log_v("%s: %s by the vault, %zu bytes", k->what, k->alg->name, k->rn);
	return 0;
}

/* wrap, encrypt: read the key, then here (RSA) or at its version (oct). */
static int seal(client *c, keyrun *k, err *e)
{
	ref at;

	if (get_key(c, k, e) < 0 || check_key(k, e) < 0)
		return -1;
	if (k->key.kty == JWK_RSA)
		return local_rsa(k, e);
	at = k->r;
	if (ref_parse_key(&at, k->key.kid) < 0 || !str_ieq(at.name, k->r.name))
		at = k->r; /* post where we read it */
	else
		str_copy(at.host, sizeof at.host, k->r.host), at.port = k->r.port;
	if (remote(c, k, &at, e) < 0)
		return -1;
	if (!k->kid[0]) /* a result without kid: the versioned one we read */
		str_copy(k->kid, sizeof k->kid, k->key.kid);
	return 0;
}

static int print(keyrun *k, err *e)
{
	size_t n;

	if (!k->json)
		return out_value((const char *)k->res, k->rn, k->newline, e);
	if (b64_url_encode(k->v, sizeof k->v, k->res, k->rn) < 0)
		return err_set(e, ERR_INTERNAL, "%s: result too large", k->what);
	n = fmt(k->out, sizeof k->out, "{\"kid\": \"%s\", \"alg\": \"%s\", \"value\": \"%s\"}\n",
		k->kid, k->alg->name, k->v);
	if (n >= sizeof k->out)
		return err_set(e, ERR_INTERNAL, "%s: result too large", k->what);
	return out_stdout(k->out, n, e);
}

static int run(client *c, keyrun *k, err *e)
{
	const char *tag = tags_ref(k->o->key);
	char val[TAGS_VALUE_MAX + 1];

	k->alg = jwk_alg_find(k->o->alg ? k->o->alg : KEYOP_DEFAULT_ALG);
	if (!k->alg) {
		char names[KEYOP_NAMES_MAX];

		fmt_list(names, sizeof names, jwk_alg_name, ", ", 0);
		return err_set(e, ERR_USAGE, "--alg %s: unknown (%s)", k->o->alg, names);
	}
	if (!(k->alg->ops & k->o->op))
		return err_set(e, ERR_USAGE, "--alg %s: not for %s (AES key wrap is wrap and unwrap only)",
			k->alg->name, jwk_op_name(k->o->op));
	if (k->json && (k->o->op == JWK_UNWRAP || k->o->op == JWK_DECRYPT))
		return err_set(e, ERR_USAGE, "--json: only for wrap and encrypt");
	if (!tag && parse_key(k, k->o->key, NULL, e) < 0)
		return -1;
	if (read_input(k, e) < 0 || check_len(k, 0, e) < 0)
		return -1;
	if (tag && (meta_tag(c, tag, val, sizeof val, e) < 0 || parse_key(k, val, tag, e) < 0))
		return -1;
	if (check_host(k, e) < 0)
		return -1;
	if (k->o->op == JWK_WRAP || k->o->op == JWK_ENCRYPT)
		return seal(c, k, e);
	return remote(c, k, &k->r, e);
}

int keyop_run(client *c, const keyop_opts *o, int json, int newline, err *e)
{
	static keyrun kr;
	keyrun *k = &kr;
	int rc;

	k->in = mem_take(KEYOP_INPUT_MAX + 1, e);
	if (!k->in)
		return -1;
	k->o = o;
	k->json = json;
	k->newline = newline;
	rc = run(c, k, e);
	if (rc == 0)
		rc = print(k, e);
	mem_give(k->in, KEYOP_INPUT_MAX + 1, k->n < KEYOP_INPUT_MAX ? k->n : KEYOP_INPUT_MAX + 1);
	explicit_bzero(k->res, sizeof k->res);
	explicit_bzero(k->out, sizeof k->out);
	return rc;
}
