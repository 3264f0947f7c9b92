/* scalesim.h: SCALE-Sim compatibility: its INI config and topology CSV
 * files, run on coda's systolic array (sim/tpe/systolic.h), reported in its
 * output columns. Formulas and differences: sim/scalesim/README.md. */
#ifndef CODA_SCALESIM_H
#define CODA_SCALESIM_H

#include <stddef.h>
#include <stdint.h>

#include "../core/status.h"
#include "../tpe/systolic.h"

/* A SCALE-Sim v2/v3 config (.cfg). */
typedef struct ss_cfg {
  char run_name[128];      /* [general] run_name */
  uint32_t rows, cols;     /* ArrayHeight, ArrayWidth */
  uint64_t ifmap_kb;       /* IfmapSramSzkB */
  uint64_t filter_kb;      /* FilterSramSzkB */
  uint64_t ofmap_kb;       /* OfmapSramSzkB */
  uint64_t ifmap_offset, filter_offset, ofmap_offset; /* address offsets (trace only; kept) */
  sa_dataflow_e df;        /* Dataflow */
  int user_bw;             /* [run_presets] InterfaceBandwidth: 1 USER, 0 CALC */
  uint64_t bandwidth;      /* Bandwidth (words/cycle; first entry), used in USER mode */
  uint32_t memory_banks;   /* MemoryBanks */
} ss_cfg_t;

typedef enum { SS_TOPO_AUTO, SS_TOPO_CONV, SS_TOPO_GEMM } ss_topo_kind_e;

/* One layer of a topology CSV. GEMM rows are stored as SCALE-Sim maps them:
 * ifmap M x K, filter 1 x K, 1 channel, N filters, stride 1. */
typedef struct ss_layer {
  char name[96];           /* Layer name (depthwise "DP" layers: one per channel) */
  int line;                /* line in the CSV */
  uint32_t ih, iw;         /* IFMAP Height, Width */
  uint32_t fh, fw;         /* Filter Height, Width */
  uint32_t ch;             /* Channels */
  uint32_t nf;             /* Num Filter */
  uint32_t sh, sw;         /* Strides (rows, cols) */
} ss_layer_t;

typedef struct ss_topo {
  ss_layer_t *layers;      /* malloc'd */
  size_t n;                /* layers */
  int gemm;                /* 1: an M,N,K topology */
} ss_topo_t;

/* The im2col GEMM of a layer: M = ofmap pixels, N = filters, K = window. */
typedef struct ss_dims {
  uint32_t oh, ow;         /* ofmap height, width */
  uint32_t m, n, k;        /* GEMM dims */
} ss_dims_t;

int ss_cfg_load(const char *path, ss_cfg_t *c, coda_err_t *e);
int ss_topo_load(const char *path, ss_topo_kind_e kind, ss_topo_t *t, coda_err_t *e);
void ss_topo_free(ss_topo_t *t);
ss_dims_t ss_layer_dims(const ss_layer_t *l);
/* Distinct ifmap words of the im2col block [m0,m1) x [k0,k1) of layer l
 * (SCALE-Sim's ifmap address function). `scratch` is a bitmap of
 * ih*iw*ch bits, all zero on entry and on return. */
uint64_t ss_ifmap_unique(const ss_layer_t *l, uint8_t *scratch, uint32_t m0, uint32_t m1, uint32_t k0,
                         uint32_t k1);
/* The ifmap word a (m, k) im2col element reads. */
uint64_t ss_ifmap_addr(const ss_layer_t *l, uint32_t m, uint32_t k);

/* `coda scalesim CONFIG.cfg TOPOLOGY.csv ...` */
int scalesim_main(int argc, char **argv);

#endif
