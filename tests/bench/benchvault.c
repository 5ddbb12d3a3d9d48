/*
 * benchvault: a compiled stand-in for the fake Key Vault, for `make bench`
 * only. The Python fake's time per request (its TLS write, its log, its GIL)
 * hides azkv's own cost per secret; this one answers with bytes the Python
 * fake recorded earlier (tests/bench/bench.py records them), so the client
 * sees the same responses, only sooner. TLS is OpenSSL's, as in the Python
 * fake (and as fast as a real server's: BearSSL's constant-time RSA signs
 * much slower, which would pad the handshake).
 *
 *   benchvault ADDR PORT CERT.pem KEY.pem DIR
 *
 * CERT.pem: the certificate chain, leaf first; KEY.pem: its key. DIR/NAME holds
 * the whole HTTP response (status line, headers, body) for
 * GET /secrets/NAME[/...]; other names get a Key Vault 404, a request
 * without "Authorization: Bearer" a 401. One connection at a time,
 * keep-alive until the client closes. Prints "ready" once listening; runs
 * until killed. With BENCHVAULT_CONNLOG=FILE set, appends a line to FILE
 * for each connection accepted (the bench counts a client's handshakes). Never a test fixture: tests use tests/fake/fake_azure.py.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define BV_RESP_MAX 32          /* responses: the bench uses 10 secrets */
#define BV_RESP_SIZE 16384      /* one recorded response, headers and body */
#define BV_NAME_MAX 128         /* a secret name (Key Vault allows 127) */
#define BV_REQ_MAX 32768        /* a request head; azkv's Bearer is ~1.5 KiB */

struct bv_resp {
	char name[BV_NAME_MAX];
	size_t len;
	unsigned char *bytes;
};

static void die(const char *what)
{
	fprintf(stderr, "benchvault: %s: %s\n", what, errno ? strerror(errno) : "failed");
	exit(1);
}

static size_t read_file(const char *path, unsigned char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		die(path);
	n = fread(buf, 1, cap, f);
	if (n == cap || ferror(f))
		die(path);
	fclose(f);
	return n;
}

static size_t load_responses(const char *dir, struct bv_resp *resp)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;
	char path[4096];

	if (!d)
		die(dir);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= BV_NAME_MAX)
			continue;
		if (n == BV_RESP_MAX) {
			errno = 0;
			die("too many responses");
		}
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		strcpy(resp[n].name, e->d_name);
		resp[n].bytes = malloc(BV_RESP_SIZE);
		if (!resp[n].bytes)
			die("malloc");
		resp[n].len = read_file(path, resp[n].bytes, BV_RESP_SIZE);
		n++;
	}
	closedir(d);
	return n;
}

/* A canned response in Key Vault's error shape, its length in *len. */
static const unsigned char *canned(char *buf, size_t cap, const char *status, const char *hdr,
				   const char *code, size_t *len)
{
	char body[256];
	int blen = snprintf(body, sizeof body, "{\"error\":{\"code\":\"%s\",\"message\":\"benchvault\"}}",
			    code);
	int n = snprintf(buf, cap, "HTTP/1.1 %s\r\nContent-Type: application/json; charset=utf-8\r\n"
			 "%sContent-Length: %d\r\n\r\n%s", status, hdr, blen, body);

	*len = (size_t)n;
	return (const unsigned char *)buf;
}

/* The response to one request head (NUL-terminated), or NULL: close. */
static const unsigned char *answer(const char *req, const struct bv_resp *resp, size_t nresp,
				   size_t *len)
{
	static char canned_buf[1024];
	const char *p = req + 4, *end;
	size_t i;

	if (strncmp(req, "GET ", 4) != 0)
		return NULL;
	if (!strcasestr(req, "\r\nAuthorization: Bearer ")) {
		return canned(canned_buf, sizeof canned_buf, "401 Unauthorized",
			      "WWW-Authenticate: Bearer authorization=\"https://login.microsoftonline.com/"
			      "72f988bf-86f1-41af-91ab-2d7cd011db47\", resource=\"https://vault.azure.net\"\r\n",
			      "Unauthorized", len);
	}
	if (strncmp(p, "/secrets/", 9) == 0) {
		p += 9;
		end = p + strcspn(p, "/? ");
		for (i = 0; i < nresp; i++)
			if ((size_t)(end - p) == strlen(resp[i].name) &&
			    strncasecmp(p, resp[i].name, (size_t)(end - p)) == 0) {
				*len = resp[i].len;
				return resp[i].bytes;
			}
	}
	return canned(canned_buf, sizeof canned_buf, "404 Not Found", "", "SecretNotFound", len);
}

/* Requests on one TLS connection until the client closes or errs. */
static void serve(SSL *io, const struct bv_resp *resp, size_t nresp)
{
	static char req[BV_REQ_MAX];
	size_t have = 0;

	for (;;) {
		char *head_end;
		const unsigned char *out;
		size_t outlen, used;
		int r = SSL_read(io, req + have, (int)(sizeof req - 1 - have));

		if (r <= 0)
			return;
		have += (size_t)r;
		req[have] = 0;
		while ((head_end = strstr(req, "\r\n\r\n")) != NULL) {
			head_end[2] = 0;
			out = answer(req, resp, nresp, &outlen);
			if (!out)
				return;
			if (SSL_write(io, out, (int)outlen) != (int)outlen)
				return;
			used = (size_t)(head_end + 4 - req);
			memmove(req, req + used, have - used + 1);
			have -= used;
		}
		if (have == sizeof req - 1)
			return;
	}
}

static int listen_on(const char *addr, const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	sa.sin_port = htons((unsigned short)atoi(port));
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		errno = EINVAL;
		die(addr);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 64) < 0)
		die("bind/listen");
	return fd;
}

static void log_conn(void)
{
	const char *path = getenv("BENCHVAULT_CONNLOG");
	FILE *f = path ? fopen(path, "a") : NULL;

	if (f) {
		fputs("connection\n", f);
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	static struct bv_resp resp[BV_RESP_MAX];
	SSL_CTX *ctx;
	size_t nresp;
	int lfd;

	if (argc != 6) {
		fprintf(stderr, "usage: benchvault ADDR PORT CERT.pem KEY.pem DIR\n");
		return 2;
	}
	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, argv[3]) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, argv[4], SSL_FILETYPE_PEM) != 1) {
		ERR_print_errors_fp(stderr);
		return 1;
	}
	nresp = load_responses(argv[5], resp);
	lfd = listen_on(argv[1], argv[2]);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		SSL *io;
		int one = 1, fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept");
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		log_conn();
		io = SSL_new(ctx);
		if (io && SSL_set_fd(io, fd) == 1 && SSL_accept(io) == 1) {
			serve(io, resp, nresp);
			SSL_shutdown(io);
		}
		SSL_free(io);
		ERR_clear_error();
		close(fd);
	}
}
