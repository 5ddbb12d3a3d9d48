/*
 * log: the -v trace on stderr, one line per step, prefixed "azkv: +MSms ";
 * and the lines said whatever -v (errors, warnings), "azkv: " first.
 * Callers pass only non-secret text: hosts, addresses, statuses, sizes,
 * names. log_verbose and the start time are set once by the CLI (they are
 * its options, the only global state azkv keeps).
 */
#ifndef AZKV_LOG_H
#define AZKV_LOG_H

extern int log_verbose;

/* Start the clock that -v lines are stamped with. */
void log_start(void);

/* Print one trace line when -v was given. */
void log_v(const char *f, ...) __attribute__((format(printf, 1, 2)));

/* Print one line "azkv: " + the text (cut at ERR_MSG_MAX and a little). */
void log_err(const char *f, ...) __attribute__((format(printf, 1, 2)));

#endif
