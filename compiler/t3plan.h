/* t3plan.h: the T3 compiler pass (issue 8 item 3): from one tensor-parallel
 * sublayer's GEMM and the system config, the per-device configuration of the
 * producer's output address space, its staggered tile order and the
 * tracker's entries, as instructions of the ISA's coll group
 * (isa/coda.isa), and back.
 *
 * The sublayer (t3_gemm_t): every device d of t3.devices = N computes the
 * partial output P_d = A_d (M x K) x B_d (K x Ncols), FP16, and the
 * reduce-scatter leaves device d with chunk (d + 1) mod N of sum_d P_d
 * (sim/t3/ring.h's convention). Chunk c = output rows
 * [c x M / N, (c + 1) x M / N) (M % N == 0 required), cut into tiles of
 * t3.tile_m x t3.tile_n (chunk rows % tile_m == 0 and Ncols % tile_n == 0
 * required; a tile larger than the chunk or the output is an error).
 *
 * Ring stages (T3, Pati et al. ASPLOS'24; REFERENCES.md "T3"): device d
 * computes, in stage s = 0 .. N-1, chunk (d - s) mod N (staggered, so each
 * device first produces the chunk the ring needs first):
 *   s = 0      REMOTE: the tiles' stores go over the link straight to device
 *              d + 1, landing there as near-memory updates;
 *   0<s<N-1    FWD: local near-memory updates; the tracker counts the local
 *              updates and the incoming (remote store or DMA) ones of each
 *              (tile, memory controller) and, at the programmed count, fires
 *              the DMA that forwards that controller's part of the reduced
 *              tile to device d + 1 (tagged update);
 *   s = N-1    FINAL: local updates; the chunk is then fully reduced, nothing
 *              is forwarded (its tracker entries count for completion only).
 * Output layout (so that every device's addresses are the same function of
 * the stage, the symmetric-simulation premise of sim/t3/system.h): slot s =
 * the chunk of stage s, at addr_out + s x chunk_bytes; inside a slot the
 * tiles are row-major, each tile tile_m x tile_n x 2 B contiguous,
 * row-major inside. A device receives the chunk of its stage s + 1 from
 * device d - 1's stage s, so the sender writes into the receiver's slot
 * s + 1.
 * Tile ids: stage s tile t has id s x tiles_per_chunk + t (mod 2^16); the
 * tracker is direct-mapped by id mod entries, so the entries of two
 * consecutive stages (the ones in flight) must not collide:
 * 2 x tiles_per_chunk <= t3.tracker_entries (else an error).
 * Expected count of a (tile, controller): the tile's 64 B transactions in
 * that controller's channel (the HBM address mapping) from the local
 * producer plus as many incoming ones.
 *
 * Instructions (coll group; docs/machine.md): t3_layout (output address
 * space: base, tile shape, tiles per chunk, chunk bytes), t3_stage (stage,
 * chunk, kind, destination device), t3_track (a tracker entry, broadcast to
 * every memory controller of the device: tile id, expected count per
 * controller, DMA source address, bytes, destination), t3_mca (arbitration
 * mode, threshold, starvation limit), t3_inputs (the addresses of A, B and
 * the receive buffer).
 */
#ifndef CODA_T3PLAN_H
#define CODA_T3PLAN_H

#include <stdint.h>
#include <stdio.h>

#include "../isa/isa.h"
#include "../sim/core/config.h"
#include "../sim/core/status.h"

#define T3_MAX_DEVICES 64

typedef enum { T3_SUB_OPROJ = 0, T3_SUB_FC2, T3_SUB_FC1_BWD, T3_SUB_IPROJ_BWD, T3_SUB_COUNT } t3_sub_e;

/* One tensor-parallel sublayer's per-device GEMM. */
typedef struct t3_gemm {
  char model[32];      /* "tnlg", ... */
  t3_sub_e sub;        /* which sublayer */
  uint32_t tp;         /* devices */
  uint64_t m, n, k;    /* output M x N (tokens x hidden), reduction K per device */
  uint32_t elem_bytes; /* 2 (FP16) */
} t3_gemm_t;

typedef enum { T3_STAGE_REMOTE = 0, T3_STAGE_FWD = 1, T3_STAGE_FINAL = 2 } t3_stage_kind_e;

/* One device's plan. */
typedef struct t3_plan {
  uint32_t devices, device;        /* N, d */
  uint64_t m, n, k;                /* the GEMM */
  uint32_t elem_bytes;
  uint32_t tile_m, tile_n;         /* output tile */
  uint32_t tile_rows, tile_cols;   /* tiles per chunk: rows x cols */
  uint32_t tiles_per_chunk;        /* tile_rows x tile_cols */
  uint64_t tile_bytes;             /* tile_m x tile_n x elem_bytes */
  uint64_t chunk_bytes;            /* tiles_per_chunk x tile_bytes */
  uint64_t addr_a, addr_b, addr_out, addr_recv; /* the device address map (t3.addr_*) */
  uint32_t stage_chunk[T3_MAX_DEVICES]; /* chunk computed in stage s: (d - s) mod N */
  uint8_t stage_kind[T3_MAX_DEVICES];   /* t3_stage_kind_e */
  uint32_t dest;                   /* d + 1 mod N */
  uint32_t expect_per_ctrl;        /* tracker count per (tile, controller) */
  uint32_t ctrl_bytes;             /* bytes of one tile in one controller (the DMA size) */
  uint32_t mca_mode;               /* t3.mca */
  uint32_t mca_threshold, mca_starve;
} t3_plan_t;

/* The sublayer GEMM of a model: sub's shape (tokens x hidden output; K =
 * hidden / tp (oproj), 4 hidden / tp (fc2, fc1_bwd), 3 hidden / tp
 * (iproj_bwd)). */
void t3_gemm_of(t3_gemm_t *g, const char *model, t3_sub_e sub, uint32_t tp, uint64_t tokens, uint64_t hidden);
const char *t3_sub_name(t3_sub_e s);

/* Builds device `device`'s plan from the GEMM and the config's t3.* keys
 * (hbm.* for the channel interleave). Errors (one line naming the key):
 * a ring of one device, M % N, a tile larger than the chunk or the output,
 * a tile that does not divide them, overlapping address regions
 * (t3.addr_a / addr_b / addr_out / addr_recv against the sizes of A, B, the
 * output and the receive buffer), regions beyond the HBM capacity, tiles of
 * two stages colliding in the tracker. */
int t3_plan_build(t3_plan_t *p, const t3_gemm_t *g, const arch_cfg_t *cfg, uint32_t device, coda_err_t *err);

/* The tile for g: cfg's t3.tile_m x t3.tile_n if the plan accepts it, else
 * (autotile) the first tile the plan accepts, tile_n from the configured one
 * down to 8 (divisors of N, multiples of 8), tile_m from the configured one
 * down, then up to the chunk's rows; written back into cfg. CODA_EINVAL with
 * the configured tile's error when none fits. */
int t3_pick_tile(arch_cfg_t *cfg, const t3_gemm_t *g, int autotile, coda_err_t *err);
/* 1 if one of the n overrides sets t3.tile_m or t3.tile_n (the pick is then off). */
int t3_sets_tile(const arch_set_t *s, int n);

/* The plan as coll-group instructions (t3_layout, t3_stage x N, t3_track
 * per tile of every tracked stage, t3_mca, t3_inputs). *out is malloc'd. */
int t3_plan_emit(const t3_plan_t *p, isa_insn_t **out, uint32_t *n, coda_err_t *err);
/* The inverse: a plan from its instructions (devices, device and the GEMM's
 * k come from the arguments; everything else from the stream). Errors name
 * the instruction index. */
int t3_plan_decode(t3_plan_t *p, const isa_insn_t *in, uint32_t n, uint32_t devices, uint32_t device,
                   uint64_t k, coda_err_t *err);

/* The sublayer named s ("oproj", "fc2", "fc1_bwd", "iproj_bwd"), or -1. */
int t3_sub_parse(const char *s);

/* Encoding of the t3_layout element type (ISA_ATYPE_*) for elem_bytes:
 * only FP16 (2 bytes) is planned. */
#define T3_ELEM_ATYPE ISA_ATYPE_FP16

#define T3_COMPILE_USAGE                                                                                   \
  "coda t3 compile --arch A.json --model workloads/t3/M.json --sub oproj|fc2|fc1_bwd|iproj_bwd --tp N\n"    \
  "                --device D [-o P.cbin] [-S P.s] [--set t3.key=v]...\n"                                  \
  "  The T3 plan of device D of a ring of N (= t3.devices) for the model's sublayer GEMM (tokens x\n"      \
  "  hidden output): t3_layout, t3_stage x N, t3_track per tile of stages 1..N-1, t3_mca, t3_inputs\n"               \
  "  (docs/machine.md), as a .cbin and/or assembly; at least one of -o, -S. compiler/t3plan.h.\n"

/* `coda t3 compile ...` (T3_COMPILE_USAGE); argv[1] is "t3", argv[2]
 * "compile", the options follow (as t3_main in sim/t3/ring.h takes them).
 * The model's tp list need not contain --tp. Returns the exit code: 0, or 2
 * with one line on stderr for bad input. */
int t3_compile_main(int argc, char **argv);

#endif
