/* timeline.h: a device run as Chrome trace-event JSON (Perfetto,
 * chrome://tracing, `coda run --timeline OUT.json`).
 *
 * The file is one JSON object:
 *   {"traceEvents": [...], "displayTimeUnit": "ns", "otherData": {...}}
 * Every event is on process 1 ("coda device <arch>") and on one track (tid):
 *   1 front end       "SYNC wait": the front end held at a SYNC, one event per
 *                     SYNC that waited (sum = sync_stall_cycles)
 *   2 DMA             one "ld"/"st" per transfer, [start, last response)
 *   3 precompute      one "tpre" per instruction, [start, end)
 *   4 array           one "lmma"/"mma" per instruction (sum = array_busy_cycles)
 *   5 memory stall    "memory stall": array and precompute idle while the DMA is
 *                     busy, merged into maximal spans (sum = cycles_memory, the
 *                     report's memory_stall_cycles)
 *   6 layers          one span per layer from the issue of its first instruction
 *                     to the issue of the next layer's first (the last ends at
 *                     the total cycle count), plus a global instant marker
 *                     ("ph":"i") at each layer's first issue
 *   16 + i memory     memory requests in flight, slot i: one "rd"/"wr" per DMA
 *                     burst, [sent, response popped); a request takes the
 *                     lowest free slot, so slots never overlap and the number
 *                     of busy slots is the memory-level parallelism (at most
 *                     dma.max_outstanding). The memory model is behind
 *                     mem_if_t, so its channels are not visible here.
 * Complete events ("ph":"X") carry ts and dur in microseconds of simulated
 * time at core.freq_mhz (cycle / freq_mhz, printed to 1e-6 us), and the exact
 * integers in args: start_cycle and cycles. Every track is named by a
 * thread_name metadata event and ordered by thread_sort_index.
 * An interval [s, e) means the unit held the work from cycle s up to, not
 * including, cycle e, the convention of the device's busy counters.
 *
 * Size: at most max_events events (metadata not counted) are written; the
 * rest are counted and dropped, and otherData says so ("capped": true,
 * "dropped_events": N). Events stream to the file as they happen, so memory
 * stays constant. When no timeline is asked for, the device pays one NULL
 * test per hook.
 */
#ifndef CODA_DEV_TIMELINE_H
#define CODA_DEV_TIMELINE_H

#include <stdint.h>

#include "../core/kernel.h"
#include "../core/status.h"
#include "../mem/mem.h"

#define DEV_TL_DEFAULT_MAX_EVENTS 1000000ull

struct device;
struct dev_op;
typedef struct dev_timeline dev_timeline_t;

/* Opens path for d's run (after device_init, before device_run); max_events
 * 0 means DEV_TL_DEFAULT_MAX_EVENTS. An unwritable path is CODA_EIO. */
int device_timeline(struct device *d, const char *path, uint64_t max_events, coda_err_t *err);

/* Hooks the device calls only when d->tl is set. */
void dev_tl_op(struct device *d, const struct dev_op *op, cyc_t end);
void dev_tl_req_sent(dev_timeline_t *t, const mem_req_t *q, cyc_t now);
void dev_tl_req_done(dev_timeline_t *t, uint64_t tag, cyc_t now);
void dev_tl_issue(struct device *d, uint32_t pc, cyc_t now);
/* [now, next) was spent in the state just committed. */
void dev_tl_span(struct device *d, cyc_t now, cyc_t next);
/* Ends open spans at d->cycles, writes the trailer and closes the file. */
int dev_tl_close(struct device *d, coda_err_t *err);
/* Frees without finishing (error paths). */
void dev_tl_free(dev_timeline_t *t);

#endif
