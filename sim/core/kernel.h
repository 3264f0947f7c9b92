/* kernel.h: the clocked kernel every coda block runs on.
 *
 * A block is a struct with its const config, its registered state, its next
 * state and its statistics. The kernel calls, at each visited cycle `now`:
 *   1. eval(now) on every block: compute next state from the current
 *      (committed) state of this and other blocks only;
 *   2. commit(now) on every block: latch next state; return 1 if anything
 *      visible changed.
 * Because every block evaluates before any commits, block order never
 * matters. If any commit changed something, the next visited cycle is now+1
 * (a neighbour may react); otherwise the kernel jumps to the smallest
 * next_event(now) over all blocks: the earliest cycle at which a block can
 * change on its own (a latency expiring). Latencies are timestamps, not
 * per-cycle countdowns, so idle and busy-waiting stretches cost nothing.
 * The kernel has no global state: any number of sims run in one process.
 */
#ifndef CODA_KERNEL_H
#define CODA_KERNEL_H

#include <stdint.h>

typedef uint64_t cyc_t;
#define CYC_NEVER UINT64_MAX
#define SIM_MAX_BLOCKS 16

typedef struct sim_block_ops {
  const char *name;
  void (*eval)(void *self, cyc_t now);
  int (*commit)(void *self, cyc_t now);
  cyc_t (*next_event)(const void *self, cyc_t now); /* > now, or CYC_NEVER */
} sim_block_ops_t;

typedef struct sim {
  cyc_t now;             /* the cycle being (or last) evaluated */
  int n_blocks;          /* registered blocks */
  const sim_block_ops_t *ops[SIM_MAX_BLOCKS];
  void *self[SIM_MAX_BLOCKS];
  uint64_t visited;      /* cycles actually evaluated (the rest were skipped) */
  int dense;             /* 1: visit every cycle (no skipping); a baseline for benches */
} sim_t;

void sim_init(sim_t *s);
/* Registers a block; returns its index or -1 when full. */
int sim_add(sim_t *s, const sim_block_ops_t *ops, void *self);

/* Evaluates and commits cycle s->now, then returns the next cycle to visit:
 * now+1 if anything changed, else the smallest next event (CYC_NEVER when
 * nothing will ever change again). Does not advance s->now. */
cyc_t sim_cycle(sim_t *s);

#endif
