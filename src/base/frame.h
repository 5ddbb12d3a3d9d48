/*
 * frame: BIG_FRAME marks a function with a large stack frame (buffers of
 * KiBs: JSON tokens, a CONNECT exchange, DNS packets, a federated token, a
 * CA file's certificate).
 * Link-time optimisation would fold it into its callers, which would then
 * carry that frame under every call they make, network and TLS included:
 * more stack touched, more resident memory in every run. Kept apart, the
 * frame exists only while the function runs, on the paths that need it.
 */
#ifndef AZKV_FRAME_H
#define AZKV_FRAME_H

#define BIG_FRAME __attribute__((noinline))

#endif
