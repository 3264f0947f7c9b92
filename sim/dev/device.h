/* device.h: one coda device: front end, DMA, precompute/vector unit, tensor
 * core (LUT or MAC), four on-chip buffers and a memory, on one kernel.
 *
 * Models: docs/machine.md. The front end issues in order, one instruction a
 * cycle, into per-unit queues; SYNC waits for named units to drain. Each
 * unit is a kernel block whose busy time comes from its timing rule
 * (lut_core.h, mac_core.h) or, for the DMA, from the memory model's
 * responses (sim/mem/mem.h).
 * Leaves out: buffer bank conflicts and port contention between units.
 * RTL twin: the units' twins (rtl/), not the device as a whole.
 * Constants: the arch config (sim/core/params.def).
 */
#ifndef CODA_DEVICE_H
#define CODA_DEVICE_H

#include <stdint.h>
#include <stdio.h>

#include "../../isa/cbin.h"
#include "../core/config.h"
#include "../core/kernel.h"
#include "../mem/mem.h"
#include "bufs.h"
#include "stats.h"

enum { DEV_UNIT_DMA = 0, DEV_UNIT_TPRE = 1, DEV_UNIT_ARRAY = 2, DEV_UNIT_COUNT };

/* An instruction in flight, with what the trace records of it. */
typedef struct dev_op {
  isa_insn_t in;   /* decoded instruction */
  uint32_t pc;     /* its index in the program */
  cyc_t issue;     /* cycle the front end issued it */
  cyc_t start;     /* cycle its unit started it */
} dev_op_t;

/* An instruction queue between the front end and one unit. Pushes and pops
 * staged during eval take effect at commit. */
typedef struct dev_chan {
  dev_op_t *e;        /* ring of cap entries */
  uint32_t cap, head, count;
  int push;           /* staged push of `staged` */
  dev_op_t staged;
  int pop;            /* staged pop of the head */
} dev_chan_t;

struct device;

/* A compute unit (precompute or array): one instruction at a time. */
typedef struct dev_unit {
  struct device *dev;
  int kind;           /* DEV_UNIT_TPRE or DEV_UNIT_ARRAY */
  dev_chan_t ch;
  /* registered */
  int busy;           /* holds `cur` until `end` */
  dev_op_t cur;
  cyc_t end;
  /* staged */
  int n_finish, n_start;
  dev_op_t n_cur;
  cyc_t n_end;
} dev_unit_t;

typedef struct dev_dma {
  struct device *dev;
  dev_chan_t ch;
  /* registered */
  int busy;            /* holds `cur` */
  dev_op_t cur;
  uint64_t n_chunks;   /* chunks of the current transfer */
  uint64_t next_chunk; /* next chunk to send */
  uint64_t outstanding;/* chunks sent and not answered */
  uint64_t chunk_rows; /* rows of the transfer after merging contiguous rows */
  uint64_t chunk_row_bytes;
  /* staged */
  int n_finish, n_start, n_sent;
  uint64_t n_resp;     /* responses popped this cycle */
  dev_op_t n_cur;
} dev_dma_t;

typedef struct dev_fe {
  struct device *dev;
  uint32_t pc;         /* next instruction to issue */
  int n_adv;           /* staged: pc advances */
  int stalled_sync;    /* last eval stalled on a SYNC */
} dev_fe_t;

typedef struct device {
  arch_cfg_t cfg;             /* resolved config (copied) */
  const cbin_t *prog;         /* program (not owned) */
  isa_insn_t *insn;           /* decoded program */
  uint32_t *layer_of;         /* layer index of every instruction */
  sim_t sim;                  /* the kernel */
  mem_if_t mem;               /* memory model */
  dev_bufs_t bufs;            /* buffers + DRAM image */
  dev_fe_t fe;
  dev_dma_t dma;
  dev_unit_t tpre, array;
  dev_stats_t *layer_stats;   /* per layer (prog->n_layer, at least 1) */
  dev_stats_t *cur;           /* stats of the layer being issued */
  uint32_t cur_layer;
  cyc_t cycles;               /* total cycles after device_run */
  void *trace;                /* gzFile or NULL */
  int functional;             /* units compute real values */
  cyc_t max_cycles;           /* 0 = no limit */
  struct dev_timeline *tl;    /* Chrome trace-event timeline (timeline.h), or NULL */
  int finished;               /* device_step saw the program complete */
} device_t;

typedef struct device_opts {
  int functional;        /* -1 auto (program has data), 0 timing only, 1 require data */
  const char *trace_path;/* zlib-compressed per-instruction trace, or NULL */
  cyc_t max_cycles;      /* 0 = no limit */
  int dense;             /* visit every cycle (bench baseline) */
} device_opts_t;

/* Checks the program against cfg (every instruction's buffer and DRAM
 * extents, core type, tile shapes) and builds the device. `origin` names the
 * program in messages. */
int device_init(device_t *d, const arch_cfg_t *cfg, const cbin_t *prog, const device_opts_t *o,
                const char *origin, coda_err_t *err);
/* Runs to completion. */
int device_run(device_t *d, coda_err_t *err);
/* Runs visited cycles while the program is not complete and the kernel's
 * cycle is below `until` (the kernel may jump past it when it skips to the
 * next event). Returns 1 once complete (d->cycles set), 0 if not yet, or a
 * negative code. Stepping in any quanta gives the same cycles as device_run;
 * the SystemC wrapper (sim/systemc/) runs the device this way. */
int device_step(device_t *d, cyc_t until, coda_err_t *err);
void device_free(device_t *d);

/* The instruction's unit (DEV_UNIT_*), or -1 for SYNC. */
int device_unit_of(uint32_t op);

#endif
