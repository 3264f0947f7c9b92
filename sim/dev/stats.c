/* stats.c: field-wise helpers over dev_stats_t, generated from the one field
 * list DEV_STATS_FIELDS. */
#include "stats.h"

void dev_stats_add(dev_stats_t *d, const dev_stats_t *s, uint64_t times) {
#define ADD(f, doc) d->f += s->f * times;
  DEV_STATS_FIELDS(ADD)
#undef ADD
}

void dev_stats_foreach(const dev_stats_t *s, void (*fn)(const char *, uint64_t, void *),
                       void *ctx) {
#define EACH(f, doc) fn(#f, s->f, ctx);
  DEV_STATS_FIELDS(EACH)
#undef EACH
}
