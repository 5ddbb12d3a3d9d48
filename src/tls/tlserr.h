/*
 * tlserr: BearSSL's error codes and the TLS alerts in words, for the TLS
 * module's messages. Pure; tables of BearSSL 0.6's codes (bearssl_ssl.h,
 * bearssl_x509.h) and the alert registry. An unknown code or alert still
 * gets its number.
 */
#ifndef AZKV_TLSERR_H
#define AZKV_TLSERR_H

#include <stddef.h>

#define TLSERR_ALERT_MAX 48 /* the longest alert text with its number fits */

/* A BearSSL error code (from br_ssl_engine_last_error) in words: "server
 * sent fatal alert handshake_failure (40)", "certificate expired or not
 * yet valid". */
void tlserr_text(int code, char *out, size_t cap);

/* A TLS alert number: "handshake_failure (40)", or "alert 200". */
void tlserr_alert(int alert, char *out, size_t cap);

#endif
