/*
 * http: HTTP/1.1 request writer and incremental response parser.
 * Pure: no sockets. The parser is fed bytes as they arrive, in any split,
 * and stops at the end of one response as framed by Content-Length, chunked
 * encoding or (only when neither is present) the peer's close. The caller owns
 * the http_resp (all state and header copies live inside it) and the body
 * buffer. Limits are the HTTP_*_MAX constants; exceeding one is its own error.
 * Errors are negative HTTP_E_* codes; http_strerror names them.
 */
#ifndef AZKV_HTTP_H
#define AZKV_HTTP_H

#include <stddef.h>

#define HTTP_HEAD_MAX 16384        /* whole header block, status line included */
#define HTTP_LINE_MAX HTTP_HEAD_MAX /* one line may use the whole block */
#define HTTP_HEADERS_MAX 100       /* header fields; Azure sends about 15 */
#define HTTP_BODY_MAX (1024 * 1024) /* largest body we accept at all */
#define HTTP_CHUNK_LINE_MAX 256    /* chunk-size line with its extensions */
#define HTTP_WWWAUTH_MAX 2048      /* WWW-Authenticate value kept */
#define HTTP_SHORTVAL_MAX 128      /* Retry-After, Date, Content-Type kept */
/* A kept value that does not fit its field (with its NUL) is HTTP_E_HEADER. */
#define HTTP_REQ_MAX 16384         /* a formatted request (token + headers) */

enum {
	HTTP_MORE = 0,  /* feed: all input consumed, response not complete */
	HTTP_DONE = 1,  /* feed: response complete; *used says how far */
	HTTP_E_STATUS = -1,    /* status line not "HTTP/1.x NNN reason" */
	HTTP_E_HEADER = -2,    /* malformed header line, control byte, kept
	                          value over its field */
	HTTP_E_HEAD_TOO_BIG = -3,  /* header block over HTTP_HEAD_MAX */
	HTTP_E_TOO_MANY = -4,  /* more than HTTP_HEADERS_MAX fields */
	HTTP_E_LENGTH = -5,    /* bad or conflicting Content-Length */
	HTTP_E_BODY_TOO_BIG = -6,  /* body over the caller's buffer */
	HTTP_E_CHUNK = -7,     /* bad chunk size line or missing CRLF */
	HTTP_E_TRUNCATED = -8, /* peer closed before the framed end */
	HTTP_E_ENCODING = -9,  /* Transfer-Encoding other than chunked */
	HTTP_E_REQUEST = -10,  /* writer: CR/LF/NUL in a field, or too big */
	HTTP_E_STATE = -11,    /* fed after DONE or after an error */
	HTTP_E_BARE_LF = -12,  /* a line ended in LF without CR (curl accepts
	                          it; we refuse: a peer that sends it is not
	                          the server we meant to talk to) */
	HTTP_E_MEMORY = -13,   /* the body buffer could not grow (grow failed) */
};

typedef struct http_hdr {
	const char *name;
	const char *value;
	const char *pre; /* written just before value, NULL: nothing ("Bearer "
	                  * before a token, so the token is never copied) */
} http_hdr;

typedef struct http_resp {
	/* results, valid once the header block is parsed (HTTP_DONE) */
	int status;              /* 100..999 */
	int minor;               /* HTTP/1.minor */
	int chunked;             /* Transfer-Encoding: chunked */
	int keep_alive;          /* connection may be reused after DONE */
	long long content_length; /* -1 if absent */
	char www_authenticate[HTTP_WWWAUTH_MAX]; /* first one, "" if none */
	char retry_after[HTTP_SHORTVAL_MAX];
	char date[HTTP_SHORTVAL_MAX];
	char content_type[HTTP_SHORTVAL_MAX];
	char reason[HTTP_SHORTVAL_MAX]; /* status line's reason phrase, cut to
	                                   fit (shown in messages only) */
	int has_location;        /* a Location header was present */
	unsigned char *body;     /* caller's buffer */
	size_t body_cap;
	size_t body_len;
	/* NULL: body_cap is all the room there is. Else it makes room for need
	 * bytes (need <= HTTP_BODY_MAX) by moving body and body_cap: 0 or -1. */
	int (*grow)(struct http_resp *r, size_t need);
	/* parser state: private */
	int state, err, nheaders, no_body, seen_cl;
	size_t head_len, line_len;
	unsigned long long chunk_left;
	char line[HTTP_LINE_MAX];
} http_resp;

/* Prepare r to parse one response into body[cap] (grow NULL: set it after,
 * for a buffer that grows). no_body: the request was HEAD (no body
 * whatever the headers say). */
void http_resp_init(http_resp *r, unsigned char *body, size_t cap, int no_body);

/* Feed n bytes. Returns HTTP_MORE, HTTP_DONE (with *used = bytes consumed;
 * the rest belongs to the next response) or an HTTP_E_* code, which sticks.
 * 1xx interim responses are skipped (101 is HTTP_E_STATUS: never asked for).
 * Lines must end in CRLF (a bare LF is HTTP_E_BARE_LF). Trailers count
 * toward the header-block limits. */
int http_resp_feed(http_resp *r, const void *buf, size_t n, size_t *used);

/* The peer closed. Returns HTTP_DONE if the body was framed by close
 * (no length, not chunked), else HTTP_E_TRUNCATED. */
int http_resp_eof(http_resp *r);

/* One-line description of an HTTP_E_* code. */
const char *http_strerror(int code);

/* Write a request into out[cap]: "METHOD target HTTP/1.1", Host, the given
 * headers, Content-Length when body != NULL or method is POST, and
 * "Connection: keep-alive" or "close". Rejects CR, LF, NUL (any control but
 * HTAB in values, SP in method/host/target) and hdrs naming Host,
 * Content-Length, Connection or Transfer-Encoding. NUL-terminated: cap
 * counts the NUL. Returns the length written (without the NUL), or
 * HTTP_E_REQUEST. */
long http_req_fmt(char *out, size_t cap, const char *method, const char *host,
	const char *target, const http_hdr *hdrs, size_t nhdrs,
	const void *body, size_t body_len, int keep_alive);

#endif
