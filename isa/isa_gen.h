/* isa_gen.h: generated from isa/coda.isa by isa/isagen.c -- do not edit.
 *
 * The instruction set as C constants and tables; included by isa/isa.h,
 * which defines isa_word_t and the functions. See isa/README.md. */
#ifndef CODA_ISA_GEN_H
#define CODA_ISA_GEN_H

#include <stddef.h>
#include <stdint.h>

/* Instructions, in table order. */
typedef enum isa_op {
  ISA_OP_SYNC, /* 0x01 wait until every unit named in mask has an empty queue and nothing in flight */
  ISA_OP_LD, /* 0x10 copy rows x row_bytes from DRAM daddr + r*stride to buf[saddr + r*row_bytes] */
  ISA_OP_ST, /* 0x11 copy rows x row_bytes from buf[saddr + r*row_bytes] to DRAM daddr + r*stride */
  ISA_OP_TPRE, /* 0x21 element-wise op and/or table precompute of the m x k ABUF tile at saddr into TBUF taddr */
  ISA_OP_LMMA, /* 0x20 LUT GEMM: tables at taddr times the LUT-layout weight tile at waddr into CBUF caddr */
  ISA_OP_MMA, /* 0x30 MAC GEMM: ABUF tile at aaddr times the dequantized weight tile at waddr into CBUF caddr */
  ISA_OP_PIM_HEADER, /* 0x60 PIM_HEADER: announce a GEMV job of rows weight rows x k COMPs per bank on channel ch (admitted only if it ends before the next refresh) */
  ISA_OP_GWRITE, /* 0x61 GWRITE: copy the input vector at daddr into channel ch's global buffer ((tCCD_S + tCCD_L) x 32 cycles) */
  ISA_OP_G_ACT, /* 0x62 G_ACT: open PIM row prow in the 4 banks of set gact of channel ch (one per bank group; limited by tFAW) */
  ISA_OP_COMP, /* 0x63 COMP: every bank of channel ch multiplies column pcol of its open PIM row by the global buffer and accumulates */
  ISA_OP_READRES, /* 0x64 READRES: read every bank's accumulated result of channel ch */
  ISA_OP_PIM_GEMV, /* 0x65 PIM_GEMV: k COMPs and the READRES on channel ch as one command (2 x (max(k, 6) + 1) cycles) */
  ISA_OP_PIM_PRECHARGE, /* 0x66 PIM_PRECHARGE: close every open PIM row of channel ch */
  ISA_OP_NPU_GEMM, /* 0x70 NPU GEMM on the weight-stationary arrays: FP16 activations at aaddr times the weights at waddr (streamed by ld) into caddr */
  ISA_OP_NPU_VEC, /* 0x71 NPU vector-unit operation vop over elems FP16 elements from saddr into caddr */
  ISA_OP_T3_LAYOUT, /* 0x80 T3 output address space: slots of tiles m x n of type atype, tiles per chunk, tcols per chunk row, from obase */
  ISA_OP_T3_STAGE, /* 0x81 T3 ring stage: in stage the producer computes chunk, of kind skind, sending to device dest */
  ISA_OP_T3_TRACK, /* 0x82 program tracker entry tile at every memory controller: at expect updates fire a DMA of dbytes from src to device dest */
  ISA_OP_T3_MCA, /* 0x83 T3 memory-controller arbitration: mode mca, threshold thresh, starvation limit starve */
  ISA_OP_T3_INPUTS, /* 0x84 T3 address map of the producer's inputs A and B and of the receive buffer */
  ISA_OP_COUNT
} isa_op_e;

/* Opcodes: bits ISA_OPCODE_MSB..ISA_OPCODE_LSB of every word. */
#define ISA_OPCODE_LSB 0
#define ISA_OPCODE_MSB 7
#define ISA_OPC_SYNC 0x01u
#define ISA_OPC_LD 0x10u
#define ISA_OPC_ST 0x11u
#define ISA_OPC_TPRE 0x21u
#define ISA_OPC_LMMA 0x20u
#define ISA_OPC_MMA 0x30u
#define ISA_OPC_PIM_HEADER 0x60u
#define ISA_OPC_GWRITE 0x61u
#define ISA_OPC_G_ACT 0x62u
#define ISA_OPC_COMP 0x63u
#define ISA_OPC_READRES 0x64u
#define ISA_OPC_PIM_GEMV 0x65u
#define ISA_OPC_PIM_PRECHARGE 0x66u
#define ISA_OPC_NPU_GEMM 0x70u
#define ISA_OPC_NPU_VEC 0x71u
#define ISA_OPC_T3_LAYOUT 0x80u
#define ISA_OPC_T3_STAGE 0x81u
#define ISA_OPC_T3_TRACK 0x82u
#define ISA_OPC_T3_MCA 0x83u
#define ISA_OPC_T3_INPUTS 0x84u

/* mask: units SYNC waits for (queue empty, nothing in flight) */
#define ISA_SYNC_DMA 1u
#define ISA_SYNC_TPRE 2u
#define ISA_SYNC_ARRAY 4u

/* buf: on-chip buffer a DMA row copy reads or writes */
typedef enum isa_buf {
  ISA_BUF_ABUF, /* 0 */
  ISA_BUF_WBUF, /* 1 */
  ISA_BUF_TBUF, /* 2 */
  ISA_BUF_CBUF, /* 3 */
  ISA_BUF_COUNT
} isa_buf_e;

/* atype: activation type */
typedef enum isa_atype {
  ISA_ATYPE_INT8, /* 0 */
  ISA_ATYPE_INT16, /* 1 */
  ISA_ATYPE_FP8, /* 2 */
  ISA_ATYPE_FP16, /* 3 */
  ISA_ATYPE_COUNT
} isa_atype_e;

/* acct: accumulator type */
typedef enum isa_acc {
  ISA_ACC_INT32, /* 0 */
  ISA_ACC_INT64, /* 1 */
  ISA_ACC_FP16, /* 2 */
  ISA_ACC_FP32, /* 3 */
  ISA_ACC_COUNT
} isa_acc_e;

/* ewop: element-wise op that precedes the GEMM */
typedef enum isa_ew {
  ISA_EW_NONE, /* 0 */
  ISA_EW_RMSNORM, /* 1 */
  ISA_EW_LAYERNORM, /* 2 */
  ISA_EW_SILU, /* 3 */
  ISA_EW_GELU, /* 4 */
  ISA_EW_RELU, /* 5 */
  ISA_EW_COUNT
} isa_ew_e;

/* vop: NPU vector-unit operation */
typedef enum isa_vop {
  ISA_VOP_LAYERNORM, /* 0 */
  ISA_VOP_SOFTMAX, /* 1 */
  ISA_VOP_GELU, /* 2 */
  ISA_VOP_ADD, /* 3 */
  ISA_VOP_COUNT
} isa_vop_e;

/* skind: T3 stage kind: remote stores to the next device, local updates forwarded by DMA, or the final local reduction */
typedef enum isa_t3stage {
  ISA_T3STAGE_REMOTE, /* 0 */
  ISA_T3STAGE_FWD, /* 1 */
  ISA_T3STAGE_FINAL, /* 2 */
  ISA_T3STAGE_COUNT
} isa_t3stage_e;

/* mca: T3 memory-controller arbitration mode */
typedef enum isa_mca {
  ISA_MCA_OFF, /* 0 */
  ISA_MCA_STATIC, /* 1 */
  ISA_MCA_DYNAMIC, /* 2 */
  ISA_MCA_COUNT
} isa_mca_e;

/* Field widths and valid values. */
#define ISA_F_MASK_BITS 3
#define ISA_F_MASK_MIN 0u
#define ISA_F_MASK_MAX 7u
#define ISA_F_BUF_BITS 2
#define ISA_F_BUF_MIN 0u
#define ISA_F_BUF_MAX 3u
#define ISA_F_DADDR_BITS 40
#define ISA_F_DADDR_MIN 0u
#define ISA_F_DADDR_MAX 1099511627775ull
#define ISA_F_ROWS_BITS 16
#define ISA_F_ROWS_MIN 0u
#define ISA_F_ROWS_MAX 65535u
#define ISA_F_ROW_BYTES_BITS 16
#define ISA_F_ROW_BYTES_MIN 0u
#define ISA_F_ROW_BYTES_MAX 65535u
#define ISA_F_STRIDE_BITS 24
#define ISA_F_STRIDE_MIN 0u
#define ISA_F_STRIDE_MAX 16777215u
#define ISA_F_M_BITS 16
#define ISA_F_M_MIN 0u
#define ISA_F_M_MAX 65535u
#define ISA_F_N_BITS 16
#define ISA_F_N_MIN 0u
#define ISA_F_N_MAX 65535u
#define ISA_F_K_BITS 16
#define ISA_F_K_MIN 0u
#define ISA_F_K_MAX 65535u
#define ISA_F_ATYPE_BITS 2
#define ISA_F_ATYPE_MIN 0u
#define ISA_F_ATYPE_MAX 3u
#define ISA_F_WBITS_BITS 3
#define ISA_F_WBITS_MIN 1u
#define ISA_F_WBITS_MAX 4u
#define ISA_F_ACCT_BITS 2
#define ISA_F_ACCT_MIN 0u
#define ISA_F_ACCT_MAX 3u
#define ISA_F_EWOP_BITS 3
#define ISA_F_EWOP_MIN 0u
#define ISA_F_EWOP_MAX 5u
#define ISA_F_MK_BITS 1
#define ISA_F_MK_MIN 0u
#define ISA_F_MK_MAX 1u
#define ISA_F_TQ_BITS 1
#define ISA_F_TQ_MIN 0u
#define ISA_F_TQ_MAX 1u
#define ISA_F_ACC_BITS 1
#define ISA_F_ACC_MIN 0u
#define ISA_F_ACC_MAX 1u
#define ISA_F_FIN_BITS 1
#define ISA_F_FIN_MIN 0u
#define ISA_F_FIN_MAX 1u
#define ISA_F_SADDR_BITS 20
#define ISA_F_SADDR_MIN 0u
#define ISA_F_SADDR_MAX 1048575u
#define ISA_F_AADDR_BITS 20
#define ISA_F_AADDR_MIN 0u
#define ISA_F_AADDR_MAX 1048575u
#define ISA_F_TADDR_BITS 20
#define ISA_F_TADDR_MIN 0u
#define ISA_F_TADDR_MAX 1048575u
#define ISA_F_WADDR_BITS 20
#define ISA_F_WADDR_MIN 0u
#define ISA_F_WADDR_MAX 1048575u
#define ISA_F_CADDR_BITS 20
#define ISA_F_CADDR_MIN 0u
#define ISA_F_CADDR_MAX 1048575u
#define ISA_F_CH_BITS 10
#define ISA_F_CH_MIN 0u
#define ISA_F_CH_MAX 1023u
#define ISA_F_PROW_BITS 24
#define ISA_F_PROW_MIN 0u
#define ISA_F_PROW_MAX 16777215u
#define ISA_F_GWRITES_BITS 8
#define ISA_F_GWRITES_MIN 0u
#define ISA_F_GWRITES_MAX 255u
#define ISA_F_PCOL_BITS 8
#define ISA_F_PCOL_MIN 0u
#define ISA_F_PCOL_MAX 255u
#define ISA_F_GACT_BITS 4
#define ISA_F_GACT_MIN 0u
#define ISA_F_GACT_MAX 15u
#define ISA_F_VOP_BITS 2
#define ISA_F_VOP_MIN 0u
#define ISA_F_VOP_MAX 3u
#define ISA_F_ELEMS_BITS 24
#define ISA_F_ELEMS_MIN 0u
#define ISA_F_ELEMS_MAX 16777215u
#define ISA_F_OBASE_BITS 40
#define ISA_F_OBASE_MIN 0u
#define ISA_F_OBASE_MAX 1099511627775ull
#define ISA_F_TILES_BITS 16
#define ISA_F_TILES_MIN 1u
#define ISA_F_TILES_MAX 65535u
#define ISA_F_TCOLS_BITS 16
#define ISA_F_TCOLS_MIN 1u
#define ISA_F_TCOLS_MAX 65535u
#define ISA_F_STAGE_BITS 6
#define ISA_F_STAGE_MIN 0u
#define ISA_F_STAGE_MAX 63u
#define ISA_F_CHUNK_BITS 6
#define ISA_F_CHUNK_MIN 0u
#define ISA_F_CHUNK_MAX 63u
#define ISA_F_SKIND_BITS 2
#define ISA_F_SKIND_MIN 0u
#define ISA_F_SKIND_MAX 2u
#define ISA_F_DEST_BITS 6
#define ISA_F_DEST_MIN 0u
#define ISA_F_DEST_MAX 63u
#define ISA_F_TILE_BITS 16
#define ISA_F_TILE_MIN 0u
#define ISA_F_TILE_MAX 65535u
#define ISA_F_EXPECT_BITS 16
#define ISA_F_EXPECT_MIN 0u
#define ISA_F_EXPECT_MAX 65535u
#define ISA_F_SRC_BITS 40
#define ISA_F_SRC_MIN 0u
#define ISA_F_SRC_MAX 1099511627775ull
#define ISA_F_DBYTES_BITS 24
#define ISA_F_DBYTES_MIN 0u
#define ISA_F_DBYTES_MAX 16777215u
#define ISA_F_MCA_BITS 2
#define ISA_F_MCA_MIN 0u
#define ISA_F_MCA_MAX 2u
#define ISA_F_THRESH_BITS 16
#define ISA_F_THRESH_MIN 0u
#define ISA_F_THRESH_MAX 65535u
#define ISA_F_STARVE_BITS 28
#define ISA_F_STARVE_MIN 0u
#define ISA_F_STARVE_MAX 268435455u
#define ISA_F_ABASE_BITS 40
#define ISA_F_ABASE_MIN 0u
#define ISA_F_ABASE_MAX 1099511627775ull
#define ISA_F_BBASE_BITS 40
#define ISA_F_BBASE_MIN 0u
#define ISA_F_BBASE_MAX 1099511627775ull
#define ISA_F_RBASE_BITS 40
#define ISA_F_RBASE_MIN 0u
#define ISA_F_RBASE_MAX 1099511627775ull

/* Field positions per instruction (bit numbers in the 128-bit word). */
#define ISA_SYNC_MASK_LSB 8
#define ISA_SYNC_MASK_MSB 10
#define ISA_LD_BUF_LSB 8
#define ISA_LD_BUF_MSB 9
#define ISA_LD_SADDR_LSB 10
#define ISA_LD_SADDR_MSB 29
#define ISA_LD_DADDR_LSB 30
#define ISA_LD_DADDR_MSB 69
#define ISA_LD_ROWS_LSB 70
#define ISA_LD_ROWS_MSB 85
#define ISA_LD_ROW_BYTES_LSB 86
#define ISA_LD_ROW_BYTES_MSB 101
#define ISA_LD_STRIDE_LSB 102
#define ISA_LD_STRIDE_MSB 125
#define ISA_ST_BUF_LSB 8
#define ISA_ST_BUF_MSB 9
#define ISA_ST_SADDR_LSB 10
#define ISA_ST_SADDR_MSB 29
#define ISA_ST_DADDR_LSB 30
#define ISA_ST_DADDR_MSB 69
#define ISA_ST_ROWS_LSB 70
#define ISA_ST_ROWS_MSB 85
#define ISA_ST_ROW_BYTES_LSB 86
#define ISA_ST_ROW_BYTES_MSB 101
#define ISA_ST_STRIDE_LSB 102
#define ISA_ST_STRIDE_MSB 125
#define ISA_TPRE_M_LSB 8
#define ISA_TPRE_M_MSB 23
#define ISA_TPRE_K_LSB 40
#define ISA_TPRE_K_MSB 55
#define ISA_TPRE_ATYPE_LSB 56
#define ISA_TPRE_ATYPE_MSB 57
#define ISA_TPRE_EWOP_LSB 58
#define ISA_TPRE_EWOP_MSB 60
#define ISA_TPRE_TQ_LSB 63
#define ISA_TPRE_TQ_MSB 63
#define ISA_TPRE_MK_LSB 64
#define ISA_TPRE_MK_MSB 64
#define ISA_TPRE_TADDR_LSB 68
#define ISA_TPRE_TADDR_MSB 87
#define ISA_TPRE_SADDR_LSB 88
#define ISA_TPRE_SADDR_MSB 107
#define ISA_LMMA_M_LSB 8
#define ISA_LMMA_M_MSB 23
#define ISA_LMMA_N_LSB 24
#define ISA_LMMA_N_MSB 39
#define ISA_LMMA_K_LSB 40
#define ISA_LMMA_K_MSB 55
#define ISA_LMMA_ATYPE_LSB 56
#define ISA_LMMA_ATYPE_MSB 57
#define ISA_LMMA_WBITS_LSB 58
#define ISA_LMMA_WBITS_MSB 60
#define ISA_LMMA_ACCT_LSB 61
#define ISA_LMMA_ACCT_MSB 62
#define ISA_LMMA_TQ_LSB 63
#define ISA_LMMA_TQ_MSB 63
#define ISA_LMMA_ACC_LSB 64
#define ISA_LMMA_ACC_MSB 64
#define ISA_LMMA_FIN_LSB 65
#define ISA_LMMA_FIN_MSB 65
#define ISA_LMMA_TADDR_LSB 68
#define ISA_LMMA_TADDR_MSB 87
#define ISA_LMMA_WADDR_LSB 88
#define ISA_LMMA_WADDR_MSB 107
#define ISA_LMMA_CADDR_LSB 108
#define ISA_LMMA_CADDR_MSB 127
#define ISA_MMA_M_LSB 8
#define ISA_MMA_M_MSB 23
#define ISA_MMA_N_LSB 24
#define ISA_MMA_N_MSB 39
#define ISA_MMA_K_LSB 40
#define ISA_MMA_K_MSB 55
#define ISA_MMA_ATYPE_LSB 56
#define ISA_MMA_ATYPE_MSB 57
#define ISA_MMA_WBITS_LSB 58
#define ISA_MMA_WBITS_MSB 60
#define ISA_MMA_ACCT_LSB 61
#define ISA_MMA_ACCT_MSB 62
#define ISA_MMA_ACC_LSB 64
#define ISA_MMA_ACC_MSB 64
#define ISA_MMA_AADDR_LSB 68
#define ISA_MMA_AADDR_MSB 87
#define ISA_MMA_WADDR_LSB 88
#define ISA_MMA_WADDR_MSB 107
#define ISA_MMA_CADDR_LSB 108
#define ISA_MMA_CADDR_MSB 127
#define ISA_PIM_HEADER_CH_LSB 8
#define ISA_PIM_HEADER_CH_MSB 17
#define ISA_PIM_HEADER_ROWS_LSB 18
#define ISA_PIM_HEADER_ROWS_MSB 33
#define ISA_PIM_HEADER_K_LSB 34
#define ISA_PIM_HEADER_K_MSB 49
#define ISA_PIM_HEADER_GWRITES_LSB 50
#define ISA_PIM_HEADER_GWRITES_MSB 57
#define ISA_GWRITE_CH_LSB 8
#define ISA_GWRITE_CH_MSB 17
#define ISA_GWRITE_DADDR_LSB 18
#define ISA_GWRITE_DADDR_MSB 57
#define ISA_G_ACT_CH_LSB 8
#define ISA_G_ACT_CH_MSB 17
#define ISA_G_ACT_PROW_LSB 18
#define ISA_G_ACT_PROW_MSB 41
#define ISA_G_ACT_GACT_LSB 42
#define ISA_G_ACT_GACT_MSB 45
#define ISA_COMP_CH_LSB 8
#define ISA_COMP_CH_MSB 17
#define ISA_COMP_PCOL_LSB 18
#define ISA_COMP_PCOL_MSB 25
#define ISA_READRES_CH_LSB 8
#define ISA_READRES_CH_MSB 17
#define ISA_PIM_GEMV_CH_LSB 8
#define ISA_PIM_GEMV_CH_MSB 17
#define ISA_PIM_GEMV_PROW_LSB 18
#define ISA_PIM_GEMV_PROW_MSB 41
#define ISA_PIM_GEMV_K_LSB 42
#define ISA_PIM_GEMV_K_MSB 57
#define ISA_PIM_PRECHARGE_CH_LSB 8
#define ISA_PIM_PRECHARGE_CH_MSB 17
#define ISA_NPU_GEMM_M_LSB 8
#define ISA_NPU_GEMM_M_MSB 23
#define ISA_NPU_GEMM_N_LSB 24
#define ISA_NPU_GEMM_N_MSB 39
#define ISA_NPU_GEMM_K_LSB 40
#define ISA_NPU_GEMM_K_MSB 55
#define ISA_NPU_GEMM_AADDR_LSB 68
#define ISA_NPU_GEMM_AADDR_MSB 87
#define ISA_NPU_GEMM_WADDR_LSB 88
#define ISA_NPU_GEMM_WADDR_MSB 107
#define ISA_NPU_GEMM_CADDR_LSB 108
#define ISA_NPU_GEMM_CADDR_MSB 127
#define ISA_NPU_VEC_VOP_LSB 8
#define ISA_NPU_VEC_VOP_MSB 9
#define ISA_NPU_VEC_ELEMS_LSB 10
#define ISA_NPU_VEC_ELEMS_MSB 33
#define ISA_NPU_VEC_SADDR_LSB 34
#define ISA_NPU_VEC_SADDR_MSB 53
#define ISA_NPU_VEC_CADDR_LSB 54
#define ISA_NPU_VEC_CADDR_MSB 73
#define ISA_T3_LAYOUT_OBASE_LSB 8
#define ISA_T3_LAYOUT_OBASE_MSB 47
#define ISA_T3_LAYOUT_M_LSB 48
#define ISA_T3_LAYOUT_M_MSB 63
#define ISA_T3_LAYOUT_N_LSB 64
#define ISA_T3_LAYOUT_N_MSB 79
#define ISA_T3_LAYOUT_TILES_LSB 80
#define ISA_T3_LAYOUT_TILES_MSB 95
#define ISA_T3_LAYOUT_TCOLS_LSB 96
#define ISA_T3_LAYOUT_TCOLS_MSB 111
#define ISA_T3_LAYOUT_ATYPE_LSB 112
#define ISA_T3_LAYOUT_ATYPE_MSB 113
#define ISA_T3_STAGE_STAGE_LSB 8
#define ISA_T3_STAGE_STAGE_MSB 13
#define ISA_T3_STAGE_CHUNK_LSB 14
#define ISA_T3_STAGE_CHUNK_MSB 19
#define ISA_T3_STAGE_SKIND_LSB 20
#define ISA_T3_STAGE_SKIND_MSB 21
#define ISA_T3_STAGE_DEST_LSB 22
#define ISA_T3_STAGE_DEST_MSB 27
#define ISA_T3_TRACK_TILE_LSB 8
#define ISA_T3_TRACK_TILE_MSB 23
#define ISA_T3_TRACK_EXPECT_LSB 24
#define ISA_T3_TRACK_EXPECT_MSB 39
#define ISA_T3_TRACK_SRC_LSB 40
#define ISA_T3_TRACK_SRC_MSB 79
#define ISA_T3_TRACK_DBYTES_LSB 80
#define ISA_T3_TRACK_DBYTES_MSB 103
#define ISA_T3_TRACK_DEST_LSB 104
#define ISA_T3_TRACK_DEST_MSB 109
#define ISA_T3_MCA_MCA_LSB 8
#define ISA_T3_MCA_MCA_MSB 9
#define ISA_T3_MCA_THRESH_LSB 10
#define ISA_T3_MCA_THRESH_MSB 25
#define ISA_T3_MCA_STARVE_LSB 26
#define ISA_T3_MCA_STARVE_MSB 53
#define ISA_T3_INPUTS_ABASE_LSB 8
#define ISA_T3_INPUTS_ABASE_MSB 47
#define ISA_T3_INPUTS_BBASE_LSB 48
#define ISA_T3_INPUTS_BBASE_MSB 87
#define ISA_T3_INPUTS_RBASE_LSB 88
#define ISA_T3_INPUTS_RBASE_MSB 127

/* A decoded instruction: op plus every field of the table; fields the op
 * does not have are 0. */
typedef struct isa_insn {
  isa_op_e op; /* which instruction */
  uint32_t mask; /* units SYNC waits for (queue empty, nothing in flight) */
  uint32_t buf; /* on-chip buffer a DMA row copy reads or writes */
  uint64_t daddr; /* DRAM byte address of the first row */
  uint32_t rows; /* rows to copy */
  uint32_t row_bytes; /* bytes per row (rows are packed in the on-chip buffer) */
  uint32_t stride; /* DRAM bytes from the start of one row to the next */
  uint32_t m; /* activation rows of the tile */
  uint32_t n; /* weight columns (outputs) of the tile */
  uint32_t k; /* reduction length of the tile (a multiple of kpad) */
  uint32_t atype; /* activation type */
  uint32_t wbits; /* weight bits W */
  uint32_t acct; /* accumulator type */
  uint32_t ewop; /* element-wise op that precedes the GEMM */
  uint32_t mk; /* 1: build the tables; 0: run the element-wise op only */
  uint32_t tq; /* tables quantized to INT8 with an FP32 scale per table */
  uint32_t acc; /* 1: add to the CBUF tile; 0: start from zero */
  uint32_t fin; /* 1: last K step: apply the zero-point correction in place */
  uint32_t saddr; /* on-chip byte address (the DMA buffer, or ABUF for TPRE) */
  uint32_t aaddr; /* ABUF byte address of the activation tile */
  uint32_t taddr; /* TBUF byte address of the tables */
  uint32_t waddr; /* WBUF byte address of the weight tile (zero points follow it) */
  uint32_t caddr; /* CBUF byte address of the accumulator tile (row sums follow it) */
  uint32_t ch; /* HBM channel a PIM command goes to (broadcast to every bank of it) */
  uint32_t prow; /* DRAM row a PIM command opens (the first weight row of a GEMV job) */
  uint32_t gwrites; /* GWRITEs a PIM GEMV job starts with (its input vector into the global buffer) */
  uint32_t pcol; /* column of the open PIM row (pim_mults x 2 B) a COMP multiplies */
  uint32_t gact; /* set of 4 banks (one per bank group) a G_ACT activates */
  uint32_t vop; /* NPU vector-unit operation */
  uint32_t elems; /* elements an NPU vector operation processes */
  uint64_t obase; /* device byte address of the T3 producer's output (slot 0; slot s at obase + s x chunk bytes) */
  uint32_t tiles; /* output tiles per ring chunk (tile rows x tile columns) */
  uint32_t tcols; /* output tiles per chunk row (tile columns; tiles are row-major in a chunk) */
  uint32_t stage; /* T3 ring stage (0 .. devices - 1) */
  uint32_t chunk; /* ring chunk (output row block) a T3 stage computes */
  uint32_t skind; /* T3 stage kind: remote stores to the next device, local updates forwarded by DMA, or the final local reduction */
  uint32_t dest; /* destination device of the T3 stage's remote stores or DMA */
  uint32_t tile; /* T3 tile id (tracker entry tile id mod entries, tag the upper bits) */
  uint32_t expect; /* tracker expected count per memory controller (local + incoming 64 B updates); 0 frees the entry */
  uint64_t src; /* DRAM byte address of the tracked tile (the source of its forwarding DMA) */
  uint32_t dbytes; /* bytes the tracker's DMA moves per memory controller */
  uint32_t mca; /* T3 memory-controller arbitration mode */
  uint32_t thresh; /* MCA threshold: DRAM queue occupancy below which communication requests are admitted */
  uint32_t starve; /* MCA starvation limit, DRAM cycles a communication request may wait */
  uint64_t abase; /* device byte address of the T3 producer's activation input A (M x K) */
  uint64_t bbase; /* device byte address of the T3 producer's weight input B (K x N, panel-major) */
  uint64_t rbase; /* device byte address of the receive buffer of the sequential reduce-scatter baseline */
} isa_insn_t;

/* Fields, in table order. */
typedef enum isa_field {
  ISA_F_MASK,
  ISA_F_BUF,
  ISA_F_DADDR,
  ISA_F_ROWS,
  ISA_F_ROW_BYTES,
  ISA_F_STRIDE,
  ISA_F_M,
  ISA_F_N,
  ISA_F_K,
  ISA_F_ATYPE,
  ISA_F_WBITS,
  ISA_F_ACCT,
  ISA_F_EWOP,
  ISA_F_MK,
  ISA_F_TQ,
  ISA_F_ACC,
  ISA_F_FIN,
  ISA_F_SADDR,
  ISA_F_AADDR,
  ISA_F_TADDR,
  ISA_F_WADDR,
  ISA_F_CADDR,
  ISA_F_CH,
  ISA_F_PROW,
  ISA_F_GWRITES,
  ISA_F_PCOL,
  ISA_F_GACT,
  ISA_F_VOP,
  ISA_F_ELEMS,
  ISA_F_OBASE,
  ISA_F_TILES,
  ISA_F_TCOLS,
  ISA_F_STAGE,
  ISA_F_CHUNK,
  ISA_F_SKIND,
  ISA_F_DEST,
  ISA_F_TILE,
  ISA_F_EXPECT,
  ISA_F_SRC,
  ISA_F_DBYTES,
  ISA_F_MCA,
  ISA_F_THRESH,
  ISA_F_STARVE,
  ISA_F_ABASE,
  ISA_F_BBASE,
  ISA_F_RBASE,
  ISA_F_COUNT
} isa_field_e;

/* What a field's value is. */
typedef enum isa_kind {
  ISA_KIND_UINT, /* unsigned integer, printed in decimal */
  ISA_KIND_ADDR, /* byte address, printed in hex */
  ISA_KIND_ENUM, /* index of a name in names[] */
  ISA_KIND_BITS  /* set of named bits (bit i = names[i]) */
} isa_kind_e;

typedef struct isa_field_info {
  const char *name;         /* assembly keyword and isa_insn_t member */
  unsigned width;           /* bits */
  isa_kind_e kind;          /* what the value is */
  uint64_t min, max;        /* valid values, inclusive */
  const char *const *names; /* ENUM: value names; BITS: bit names; else NULL */
  unsigned n_names;         /* entries in names */
  size_t offset;            /* offsetof(isa_insn_t, <name>) */
  unsigned size;            /* sizeof that member: 4 or 8 */
  const char *eg;           /* example value, as assembly text */
  const char *doc;          /* one line */
} isa_field_info_t;

typedef struct isa_slot {
  isa_field_e field; /* which field */
  unsigned lo, hi;   /* its bits in the word, inclusive */
} isa_slot_t;

#define ISA_MAX_SLOTS 12 /* most fields of any instruction */

typedef struct isa_op_info {
  const char *name;                /* mnemonic */
  unsigned opcode;                 /* bits 7..0 */
  const char *group;               /* opcode group (isa/README.md) */
  const char *doc;                 /* one line */
  unsigned n_slots;                /* fields, in table (= assembly) order */
  isa_slot_t slot[ISA_MAX_SLOTS];  /* where each sits */
  uint64_t used[2];                /* bits owned by opcode and fields; the rest are reserved-zero */
  uint64_t eg[2];                  /* encoding of the example (every field at its eg) */
} isa_op_info_t;

extern const isa_field_info_t isa_fields[ISA_F_COUNT];
extern const isa_op_info_t isa_ops[ISA_OP_COUNT];
/* opcode -> isa_op_e, ISA_OP_COUNT for an unassigned opcode */
extern const uint16_t isa_opcode_op[256];

#endif
