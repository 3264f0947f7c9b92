/* status.h: how every coda library function reports failure.
 *
 * Library code never exits. A function returns CODA_OK (0) or a negative
 * code and, on failure, fills a coda_err_t with one line of text that names
 * the file and the field or line at fault. The command line prints that line
 * and exits 2 for CODA_EINVAL/CODA_EIO, 1 for CODA_ECHECK.
 * Model bugs (states the model itself should never reach) go through
 * CODA_PANIC, which prints file and line and aborts. */
#ifndef CODA_STATUS_H
#define CODA_STATUS_H

#include <stdarg.h>
#include <stddef.h>

#define CODA_OK 0
#define CODA_EINVAL (-2) /* bad input: config, workload, program, usage */
#define CODA_EIO (-3)    /* a file could not be read or written */
#define CODA_ECHECK (-4) /* the simulated design failed a check */
#define CODA_ENOMEM (-5) /* an allocation failed */

typedef struct coda_err {
  int code;       /* the code last returned with this message */
  char msg[512];  /* one line, no trailing newline */
} coda_err_t;

/* Formats msg (printf-style) into e (if e is not NULL); returns code. */
int coda_errf(coda_err_t *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Aborts with file and line; for states the model must never reach. */
void coda_panic_at(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
#define CODA_PANIC(...) coda_panic_at(__FILE__, __LINE__, __VA_ARGS__)
#define CODA_ASSERT(c)                                 \
  do {                                                 \
    if (!(c)) CODA_PANIC("assertion failed: %s", #c); \
  } while (0)

#endif
