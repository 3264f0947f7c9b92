/* pim_bank.h: cycle-level model of one HBM2 bank's PIM unit, Newton-style as
 * in NeuPIMs (REFERENCES.md "NeuPIMs", PIM and dual row buffer): command
 * decode, the normal and the PIM open-row states, the bank storage they
 * access, the global buffer and the GEMV datapath (16 FP16 multipliers, an
 * FP32 adder tree, an FP32 accumulator), one clock at a time, register for
 * register like its RTL.
 *
 * One command per cycle (pim_bank_cmd_e), with a row, a column and 256 bits
 * of data (16 FP16, one column of a row = one COMP operand):
 *   ACT r      open row r in the normal row buffer
 *   PRE        close the normal row (a no-op if closed)
 *   RD c       rdata_q <= bank[normal row][c], rd_valid_q = 1 for a cycle
 *   WR c       bank[normal row][c] <= data
 *   GWRITE c   gbuf[c] <= data (the channel's global buffer, modelled as the
 *              bank unit's own copy; NeuPIMs broadcasts it to every bank)
 *   G_ACT r    open row r in the PIM row buffer
 *   COMP c     16 products bank[PIM row][c][i] x gbuf[c][i] (binary16 x
 *              binary16 -> exact binary32), summed by the adder tree, added
 *              to the accumulator (pim_fp.h: the exact arithmetic)
 *   READRES    res_q <= the accumulator (including the sum being added at
 *              this clock), res_valid_q = 1 for a cycle; the accumulator
 *              restarts at +0
 *   PIM_PRE    close the PIM row (a no-op if closed)
 * Row-buffer rules (pim.row_buffers): ACT needs the normal row closed, G_ACT
 * the PIM row closed, RD/WR an open normal row, COMP an open PIM row; in
 * single mode (one row buffer, NeuPIMs' blocked mode) ACT also needs the
 * PIM row closed and G_ACT the normal row closed. A command that breaks a
 * rule, or an undefined opcode (10..15), is ignored and err_q is 1 in the
 * next cycle. GWRITE, READRES, PRE, PIM_PRE and NOP are always legal.
 *
 * Timing (design choice; NeuPIMs' COMP every 2 cycles fits inside it): a
 * command presented in cycle t acts at the clock of t (rows, storage,
 * rdata_q, err_q, res_q visible in cycle t + 1). COMP is a 3-stage
 * pipeline: the clock of t registers the 16 products (prod_q, v1_q); the
 * clock of t + 1 the adder tree's sum (sum_q, v2_q); the clock of t + 2
 * adds it to acc_q. So READRES in cycle t returns the COMPs presented up to
 * cycle t - 2 since the previous READRES; those of cycles t - 1 and t go
 * into the next result.
 * Reset (rst_ni low) clears every register, the storage and the global
 * buffer included (a model choice, so both twins start equal; DRAM cells
 * keep their data).
 * Leaves out: DRAM timing (tRCD, CL, tCCD, refresh: sim/mem/hbm.c's rules),
 * the NeuPIMs PIM_HEADER / PIM_GEMV composite commands (a controller
 * expands them into the commands above), the channel-level broadcast.
 * RTL twin: rtl/pim/pim_bank.v (pim_fp16_mul, pim_fp32_add, pim_bank_array),
 * co-simulated through rtl/pim/pim_bank_cosim_top.v as block "pim_bank"
 * (sim/cosim/blk_pim_bank.c).
 * Constants: 16 FP16 multipliers per bank and the command set from
 * REFERENCES.md "NeuPIMs" (Newton-style); rows, columns and the row-buffer
 * mode from the arch config (params.def section pim); FP32 products, adder
 * tree and accumulator, and the pipeline, are design choices (pim_fp.h).
 */
#ifndef CODA_PIM_BANK_H
#define CODA_PIM_BANK_H

#include <stdint.h>

#include "../core/config.h"
#include "../core/status.h"

#define PIM_BANK_MAX_ROWS 64 /* params.def pim.bank_rows upper bound */
#define PIM_BANK_MAX_COLS 32 /* params.def pim.bank_cols upper bound */
#define PIM_BANK_LANES 16    /* FP16 values per column = multipliers per bank (NeuPIMs) */
#define PIM_BANK_CMD_BITS 4  /* opcode field of a command */
#define PIM_BANK_COL_BITS (PIM_BANK_LANES * 16) /* 256 data bits per column */

typedef enum {
  PIM_BANK_CMD_NOP = 0,
  PIM_BANK_CMD_ACT = 1,
  PIM_BANK_CMD_PRE = 2,
  PIM_BANK_CMD_RD = 3,
  PIM_BANK_CMD_WR = 4,
  PIM_BANK_CMD_GWRITE = 5,
  PIM_BANK_CMD_G_ACT = 6,
  PIM_BANK_CMD_COMP = 7,
  PIM_BANK_CMD_READRES = 8,
  PIM_BANK_CMD_PIM_PRE = 9,
  PIM_BANK_CMD_COUNT = 10 /* 10..15 are undefined: flagged, ignored */
} pim_bank_cmd_e;

typedef enum {
  PIM_BANK_SINGLE = 0, /* params.def pim.row_buffers "single" */
  PIM_BANK_DUAL = 1    /* "dual" */
} pim_bank_mode_e;

typedef struct pim_bank_cfg {
  uint32_t rows;        /* pim.bank_rows, a power of two, 2..64 */
  uint32_t cols;        /* pim.bank_cols, a power of two, 2..32 */
  pim_bank_mode_e mode; /* pim.row_buffers */
} pim_bank_cfg_t;

/* One cycle's command. */
typedef struct pim_bank_in {
  uint8_t cmd;                       /* pim_bank_cmd_e, 4 bits */
  uint32_t row;                      /* ACT, G_ACT: row (log2 rows bits) */
  uint32_t col;                      /* RD, WR, GWRITE, COMP: column (log2 cols bits) */
  uint16_t data[PIM_BANK_LANES];     /* WR, GWRITE: 16 binary16 values, lane i at bits 16i */
} pim_bank_in_t;

/* The registered state apart from the storage: exactly the RTL's
 * flip-flops (pim_bank.v). */
typedef struct pim_bank_regs {
  uint8_t nopen;                     /* normal row buffer holds a row */
  uint32_t nrow;                     /* its row */
  uint8_t popen;                     /* PIM row buffer holds a row */
  uint32_t prow;                     /* its row */
  uint8_t err;                       /* the previous cycle's command broke a rule */
  uint8_t rd_valid;                  /* rdata holds a RD of the previous cycle */
  uint16_t rdata[PIM_BANK_LANES];    /* the last RD's column */
  uint8_t v1;                        /* stage 1: prod holds a COMP */
  uint32_t prod[PIM_BANK_LANES];     /* stage 1: the 16 binary32 products */
  uint8_t v2;                        /* stage 2: sum holds a COMP */
  uint32_t sum;                      /* stage 2: the adder tree's binary32 sum */
  uint32_t acc;                      /* binary32 accumulator */
  uint8_t res_valid;                 /* res holds a READRES of the previous cycle */
  uint32_t res;                      /* the last READRES's binary32 result */
} pim_bank_regs_t;

/* Model-only bookkeeping. */
typedef struct pim_bank_stats {
  uint64_t cycles;   /* clocks */
  uint64_t accepted; /* commands other than NOP that were carried out */
  uint64_t errors;   /* commands flagged and ignored */
  uint64_t comps;    /* COMPs carried out */
  uint64_t results;  /* READRESs */
} pim_bank_stats_t;

typedef struct pim_bank {
  pim_bank_cfg_t cfg;                /* validated */
  pim_bank_regs_t cur, nxt;          /* current registers and eval's next */
  /* storage (registered too): bank[row][col][lane] at (row*cols+col)*16+lane,
   * gbuf[col][lane] at col*16+lane; eval leaves the one write of a cycle
   * pending, commit applies it */
  uint16_t bank[PIM_BANK_MAX_ROWS * PIM_BANK_MAX_COLS * PIM_BANK_LANES];
  uint16_t gbuf[PIM_BANK_MAX_COLS * PIM_BANK_LANES];
  uint16_t *wr_dst;                  /* the pending write's column (NULL: none) */
  uint16_t wr_data[PIM_BANK_LANES];  /* its data */
  uint8_t pend_cmd, pend_err;        /* eval's command and flag, counted by commit */
  pim_bank_stats_t st;               /* bookkeeping */
} pim_bank_t;

/* The bank of an arch config (section pim). */
pim_bank_cfg_t pim_bank_cfg_of(const arch_cfg_t *arch);
/* rows and cols powers of two within 2..64 and 2..32, a known mode. */
int pim_bank_check(const pim_bank_cfg_t *cfg, coda_err_t *err);
/* Bits of the row and column fields: log2 rows, log2 cols. */
uint32_t pim_bank_row_bits(const pim_bank_cfg_t *cfg);
uint32_t pim_bank_col_bits(const pim_bank_cfg_t *cfg);

/* Validates cfg and puts the bank in its reset state. */
int pim_bank_init(pim_bank_t *b, const pim_bank_cfg_t *cfg, coda_err_t *err);
/* Back to the reset state (rst_ni low); statistics are kept. */
void pim_bank_reset(pim_bank_t *b);
/* Next registered state from the current one and `in` (fields cut to their
 * widths as the ports would); returns 1 if the command is flagged. */
int pim_bank_eval(pim_bank_t *b, const pim_bank_in_t *in);
/* The clock edge. */
void pim_bank_commit(pim_bank_t *b);
static inline const pim_bank_regs_t *pim_bank_regs(const pim_bank_t *b) { return &b->cur; }

#endif
