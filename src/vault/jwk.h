/*
 * jwk: the pure parts of Key Vault key operations. The JSON Web Key of a
 * key bundle (GET /keys/NAME[/VERSION]), the result of wrapkey, unwrapkey,
 * encrypt and decrypt ({"kid","value"}), and the encryption algorithms
 * with the input length each accepts. Binary fields are base64url without
 * padding on the wire; standard base64 and padding are accepted too.
 * Output goes to caller buffers sized by the JWK_* constants; a field that
 * does not fit is an error, never truncated. Returns 0 or JWK_E_*.
 */
#ifndef AZKV_JWK_H
#define AZKV_JWK_H

#include <stddef.h>

#define JWK_KID_MAX 512   /* https:// + host (255) + /keys/NAME (133) + /VERSION (33) */
#define JWK_N_MAX 512     /* modulus bytes: 4096-bit RSA, Key Vault's largest */
#define JWK_E_MAX 8       /* public exponent bytes (65537 takes 3) */
#define JWK_KW_MAX 4096   /* AES key wrap input: keys, not bulk data; the
                           * request must fit HTTP_REQ_MAX beside the token */
#define JWK_KTY_NAME_MAX 15

enum { JWK_OTHER, JWK_RSA, JWK_OCT };           /* key families */
enum { JWK_WRAP = 1, JWK_UNWRAP = 2, JWK_ENCRYPT = 4, JWK_DECRYPT = 8 }; /* key_ops */
enum { JWK_OAEP256 = 1, JWK_OAEP, JWK_PKCS1, JWK_KW }; /* paddings */

enum {
	JWK_E_JSON = -1,    /* not JSON, or a field of the wrong type */
	JWK_E_NO_KEY = -2,  /* no "key" object with kid and kty */
	JWK_E_RSA = -3,     /* RSA key without a usable n and e */
	JWK_E_KID = -4,     /* kid too long or with characters a URL has not */
	JWK_E_VALUE = -5,   /* result without a base64url "value" */
	JWK_E_SIZE = -6,    /* value larger than the caller's buffer */
	JWK_E_DUP = -7,     /* a key we read appears twice */
};

typedef struct jwk {
	char kid[JWK_KID_MAX + 1];            /* with its version */
	char kty_name[JWK_KTY_NAME_MAX + 1];  /* "RSA-HSM", for messages */
	int kty;                              /* JWK_RSA, JWK_OCT or JWK_OTHER */
	unsigned ops;                         /* JWK_WRAP...; all if key_ops absent */
	size_t nlen, elen;                    /* RSA: leading zeros stripped */
	unsigned char n[JWK_N_MAX], e[JWK_E_MAX];
} jwk;

typedef struct jwk_alg {
	const char *name; /* as in "alg": "RSA-OAEP-256" */
	int kty;          /* JWK_RSA or JWK_OCT */
	int pad;          /* JWK_OAEP256 ... */
	unsigned ops;     /* operations it serves */
	unsigned over;    /* RSA: padding bytes (max input = k - over) */
} jwk_alg;

/* Parse a key bundle {"key": {kid, kty, key_ops, n, e}, ...} into *k. */
int jwk_parse(jwk *k, const char *body, size_t len);

/* The algorithm named name (exact, as Key Vault spells it), or NULL. */
const jwk_alg *jwk_alg_find(const char *name);

/* The name of the i-th algorithm azkv speaks, or NULL past the last. */
const char *jwk_alg_name(int i);

/* Largest input op (JWK_WRAP...) takes with a, for a key of k modulus
 * bytes (0: not known yet, the largest any key takes); and the smallest
 * in *min. AES key wrap wants multiples of 8 (jwk_len_ok). */
size_t jwk_max_input(const jwk_alg *a, int op, size_t k, size_t *min);

/* 1 if n bytes are a valid input for op with a on a key of k bytes. */
int jwk_len_ok(const jwk_alg *a, int op, size_t k, size_t n);

/* Parse a key operation result {"kid", "value"}: kid into kid[kcap] ("" if
 * absent), the decoded value into out[cap], *n its length. out must also
 * have room for the encoded text (it is decoded in place). */
int jwk_result(const char *body, size_t len, char *kid, size_t kcap,
	unsigned char *out, size_t cap, size_t *n);

const char *jwk_strerror(int code);

/* The operation's name ("wrap"), or NULL for no JWK_* op. */
const char *jwk_op_name(int op);

#endif
