/* status.c: error formatting and the panic path (see status.h). */
#include "status.h"

#include <stdio.h>
#include <stdlib.h>

int coda_errf(coda_err_t *e, int code, const char *fmt, ...) {
  if (e) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->code = code;
  }
  return code;
}

void coda_panic_at(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "coda: internal error at %s:%d: ", file, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  abort();
}
