/* simple_mem.h: a memory with one data port of fixed bandwidth and a fixed
 * latency. Requests are served in order; a request of B bytes occupies the
 * port for B / bytes_per_cycle cycles (fractional, carried over) and its
 * response is ready `latency` cycles after its last byte left the port.
 * Leaves out: banks, rows, refresh, read/write turnaround (the HBM2 model
 * has them). RTL twin: none (a memory is an environment, not a block).
 * Constants: memory.bytes_per_cycle and memory.latency_cycles from the
 * arch config (sim/core/params.def). */
#ifndef CODA_SIMPLE_MEM_H
#define CODA_SIMPLE_MEM_H

#include "../core/status.h"
#include "mem.h"

int simple_mem_create(mem_if_t *out, double bytes_per_cycle, uint64_t latency_cycles,
                      coda_err_t *err);

#endif
