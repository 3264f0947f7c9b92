/* compare.h: `coda report A.json [B.json]` -- a Markdown table of one run
 * report (coda.run.v1), or of two side by side with B's change against A
 * per layer and in total. Both files are untrusted input. */
#ifndef CODA_COMPARE_H
#define CODA_COMPARE_H

#include <stdio.h>

#include "../sim/core/status.h"

int report_compare(const char *a_path, const char *b_path, FILE *out, coda_err_t *err);

#endif
