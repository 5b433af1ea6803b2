/*
 * errbuf.h: one error message, built where the problem is found and printed once by the caller.
 * Host-only training helpers (runtime/hosted/); never copied into generated folders.
 */
#ifndef GRADC_HOSTED_ERRBUF_H
#define GRADC_HOSTED_ERRBUF_H

#include <stddef.h>

/* Lets gcc and clang check errbuf_set's format against its arguments. */
#if defined(__GNUC__)
#define ERRBUF_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define ERRBUF_PRINTF(fmt, args)
#endif

/* A message of at most one line; longer texts are cut, never overflowed. */
typedef struct {
    char text[512];
} errbuf;

/* Set the message printf-style; returns -1 so a failing function can `return errbuf_set(...)`. */
int errbuf_set(errbuf *e, const char *fmt, ...) ERRBUF_PRINTF(2, 3);

#endif
