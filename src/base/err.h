/*
 * err: azkv's one error vocabulary.
 * An err holds the first failure of an operation: a class (which is also the
 * process exit code) and one line "what failed: why". Later failures are
 * ignored, so a sequence of calls needs one check at the end. The message
 * never contains a token or secret value: callers pass only names, hosts,
 * codes and text already made printable (str_printable).
 * Limits: ERR_MSG_MAX bytes of message, silently cut (it is a diagnostic).
 */
#ifndef AZKV_ERR_H
#define AZKV_ERR_H

/* Classes double as exit codes (README "Exit codes"). */
enum {
	ERR_OK = 0,
	ERR_INTERNAL = 1,  /* bug or resource exhaustion in azkv itself */
	ERR_USAGE = 2,     /* bad command line or secret reference */
	ERR_IDENTITY = 3,  /* identity endpoint unavailable or token refused */
	ERR_DENIED = 4,    /* vault said 401 (with a token) or 403 */
	ERR_NOTFOUND = 5,  /* secret not found or disabled */
	ERR_NETWORK = 6,   /* DNS, connect, reset, deadline */
	ERR_TLS = 7,       /* handshake or certificate verification */
	ERR_MALFORMED = 8, /* malformed or oversized response */
	ERR_CLASSES
};

#define ERR_MSG_MAX 512 /* one stderr line, with room for a server's message */

/* Network failures, told apart for the retry policy (err.net). */
enum { ERR_NET_NONE, ERR_NET_CONNECT, ERR_NET_TIMEOUT, ERR_NET_RESET };

typedef struct err {
	int code;
	int net; /* ERR_NET_* when code is ERR_NETWORK */
	char msg[ERR_MSG_MAX];
} err;

/* Record a failure unless one is already held. Returns -1 for tail calls. */
int err_set(err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As err_set with ERR_NETWORK, recording which kind of network failure. */
int err_net(err *e, int net, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Forget a failure the caller has dealt with (it tries again another way). */
void err_clear(err *e);

/* Name of a class ("network", "tls", ...), for -v and tests. */
const char *err_name(int code);

/* strerror for the errno values azkv's system calls give, with musl's
 * words; any other value as "errno N" (musl's table of all of them is
 * 2 KB). The result is valid until the next call. */
const char *err_errno(int no);

#endif
