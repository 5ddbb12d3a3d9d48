/*
 * b64: strict base64 decoding for --decode base64 (binary keys stored as
 * text). Accepts the standard alphabet with '=' padding, or unpadded input;
 * also the URL-safe alphabet ('-', '_'), but not both in one input. Spaces,
 * CR and LF between groups are skipped (PEM-style wrapping); anything else,
 * bad padding or non-zero trailing bits is an error. Pure; may decode in
 * place (out == in): output never runs ahead of input.
 */
#ifndef AZKV_B64_H
#define AZKV_B64_H

#include <stddef.h>

/* Value of the character c (0-63); -2 for '='; -1 if not base64 or not of
 * the alphabet *alpha holds: 1 standard ('+', '/'), 2 URL-safe ('-', '_'),
 * 0 either (set by the first '+', '/', '-' or '_' seen). */
int b64_digit(int c, int *alpha);

/* Encode in[n] with the standard alphabet and padding into out[cap] as a
 * C string (proxy Basic credentials). Returns its length, or -1 if out is
 * too small (out emptied). */
long b64_encode(char *out, size_t cap, const void *in, size_t n);

/* Decode in[n] into out[cap]; returns the decoded length or -1. */
long b64_decode(unsigned char *out, size_t cap, const char *in, size_t n);

/* As b64_encode (out needs room for the padded form), then made unpadded
 * base64url (RFC 4648 section 5: what Key Vault's JSON binary fields carry). */
long b64_url_encode(char *out, size_t cap, const unsigned char *in, size_t n);

#endif
