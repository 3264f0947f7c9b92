/* kernel.c: eval/commit over every block, then skip to the next event. */
#include "kernel.h"

#include <string.h>

void sim_init(sim_t *s) { memset(s, 0, sizeof *s); }

int sim_add(sim_t *s, const sim_block_ops_t *ops, void *self) {
  if (s->n_blocks >= SIM_MAX_BLOCKS) return -1;
  s->ops[s->n_blocks] = ops;
  s->self[s->n_blocks] = self;
  return s->n_blocks++;
}

cyc_t sim_cycle(sim_t *s) {
  cyc_t now = s->now;
  int changed = 0;
  for (int i = 0; i < s->n_blocks; i++) s->ops[i]->eval(s->self[i], now);
  for (int i = 0; i < s->n_blocks; i++) changed |= s->ops[i]->commit(s->self[i], now);
  s->visited++;
  if (changed) return now + 1;
  if (s->dense) {
    for (int i = 0; i < s->n_blocks; i++)
      if (s->ops[i]->next_event(s->self[i], now) != CYC_NEVER) return now + 1;
    return CYC_NEVER;
  }
  cyc_t next = CYC_NEVER;
  for (int i = 0; i < s->n_blocks; i++) {
    cyc_t t = s->ops[i]->next_event(s->self[i], now);
    if (t < next) next = t;
  }
  return next <= now ? now + 1 : next;
}
