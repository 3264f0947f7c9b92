// coda_isa.vh: generated from isa/coda.isa by isa/isagen.c -- do not edit.
//
// The coda instruction encoding for RTL: include it inside a module.
// Names match the C side (isa/isa_gen.h): ISA_OPC_<OP> opcodes,
// ISA_<OP>_<FIELD>_LSB/_MSB field positions in the 128-bit word,
// ISA_F_<FIELD>_BITS widths, ISA_<PREFIX>_<VALUE> enum values and
// ISA_<OP>_USED the bits an instruction owns (the rest are
// reserved-zero).
//
// Include it once per module. There is deliberately no include guard:
// `defines outlive the file that sets them, so a guard would hide these
// localparams from every module after the first in a compilation unit.

// Waiver: a module uses only the constants of the instructions it
// handles, so the others are unused by design.
/* verilator lint_off UNUSEDPARAM */

localparam integer ISA_OPCODE_LSB = 0;
localparam integer ISA_OPCODE_MSB = 7;

localparam [7:0] ISA_OPC_SYNC = 8'h01;
localparam [7:0] ISA_OPC_LD = 8'h10;
localparam [7:0] ISA_OPC_ST = 8'h11;
localparam [7:0] ISA_OPC_TPRE = 8'h21;
localparam [7:0] ISA_OPC_LMMA = 8'h20;
localparam [7:0] ISA_OPC_MMA = 8'h30;
localparam [7:0] ISA_OPC_PIM_HEADER = 8'h60;
localparam [7:0] ISA_OPC_GWRITE = 8'h61;
localparam [7:0] ISA_OPC_G_ACT = 8'h62;
localparam [7:0] ISA_OPC_COMP = 8'h63;
localparam [7:0] ISA_OPC_READRES = 8'h64;
localparam [7:0] ISA_OPC_PIM_GEMV = 8'h65;
localparam [7:0] ISA_OPC_PIM_PRECHARGE = 8'h66;
localparam [7:0] ISA_OPC_NPU_GEMM = 8'h70;
localparam [7:0] ISA_OPC_NPU_VEC = 8'h71;
localparam [7:0] ISA_OPC_T3_LAYOUT = 8'h80;
localparam [7:0] ISA_OPC_T3_STAGE = 8'h81;
localparam [7:0] ISA_OPC_T3_TRACK = 8'h82;
localparam [7:0] ISA_OPC_T3_MCA = 8'h83;
localparam [7:0] ISA_OPC_T3_INPUTS = 8'h84;

localparam integer ISA_F_MASK_BITS = 3;
localparam integer ISA_F_BUF_BITS = 2;
localparam integer ISA_F_DADDR_BITS = 40;
localparam integer ISA_F_ROWS_BITS = 16;
localparam integer ISA_F_ROW_BYTES_BITS = 16;
localparam integer ISA_F_STRIDE_BITS = 24;
localparam integer ISA_F_M_BITS = 16;
localparam integer ISA_F_N_BITS = 16;
localparam integer ISA_F_K_BITS = 16;
localparam integer ISA_F_ATYPE_BITS = 2;
localparam integer ISA_F_WBITS_BITS = 3;
localparam integer ISA_F_ACCT_BITS = 2;
localparam integer ISA_F_EWOP_BITS = 3;
localparam integer ISA_F_MK_BITS = 1;
localparam integer ISA_F_TQ_BITS = 1;
localparam integer ISA_F_ACC_BITS = 1;
localparam integer ISA_F_FIN_BITS = 1;
localparam integer ISA_F_SADDR_BITS = 20;
localparam integer ISA_F_AADDR_BITS = 20;
localparam integer ISA_F_TADDR_BITS = 20;
localparam integer ISA_F_WADDR_BITS = 20;
localparam integer ISA_F_CADDR_BITS = 20;
localparam integer ISA_F_CH_BITS = 10;
localparam integer ISA_F_PROW_BITS = 24;
localparam integer ISA_F_GWRITES_BITS = 8;
localparam integer ISA_F_PCOL_BITS = 8;
localparam integer ISA_F_GACT_BITS = 4;
localparam integer ISA_F_VOP_BITS = 2;
localparam integer ISA_F_ELEMS_BITS = 24;
localparam integer ISA_F_OBASE_BITS = 40;
localparam integer ISA_F_TILES_BITS = 16;
localparam integer ISA_F_TCOLS_BITS = 16;
localparam integer ISA_F_STAGE_BITS = 6;
localparam integer ISA_F_CHUNK_BITS = 6;
localparam integer ISA_F_SKIND_BITS = 2;
localparam integer ISA_F_DEST_BITS = 6;
localparam integer ISA_F_TILE_BITS = 16;
localparam integer ISA_F_EXPECT_BITS = 16;
localparam integer ISA_F_SRC_BITS = 40;
localparam integer ISA_F_DBYTES_BITS = 24;
localparam integer ISA_F_MCA_BITS = 2;
localparam integer ISA_F_THRESH_BITS = 16;
localparam integer ISA_F_STARVE_BITS = 28;
localparam integer ISA_F_ABASE_BITS = 40;
localparam integer ISA_F_BBASE_BITS = 40;
localparam integer ISA_F_RBASE_BITS = 40;

// mask: units SYNC waits for (queue empty, nothing in flight)
localparam [2:0] ISA_SYNC_DMA = 3'd1;
localparam [2:0] ISA_SYNC_TPRE = 3'd2;
localparam [2:0] ISA_SYNC_ARRAY = 3'd4;

// buf: on-chip buffer a DMA row copy reads or writes
localparam [1:0] ISA_BUF_ABUF = 2'd0;
localparam [1:0] ISA_BUF_WBUF = 2'd1;
localparam [1:0] ISA_BUF_TBUF = 2'd2;
localparam [1:0] ISA_BUF_CBUF = 2'd3;
localparam integer ISA_BUF_COUNT = 4;

// atype: activation type
localparam [1:0] ISA_ATYPE_INT8 = 2'd0;
localparam [1:0] ISA_ATYPE_INT16 = 2'd1;
localparam [1:0] ISA_ATYPE_FP8 = 2'd2;
localparam [1:0] ISA_ATYPE_FP16 = 2'd3;
localparam integer ISA_ATYPE_COUNT = 4;

// acct: accumulator type
localparam [1:0] ISA_ACC_INT32 = 2'd0;
localparam [1:0] ISA_ACC_INT64 = 2'd1;
localparam [1:0] ISA_ACC_FP16 = 2'd2;
localparam [1:0] ISA_ACC_FP32 = 2'd3;
localparam integer ISA_ACC_COUNT = 4;

// ewop: element-wise op that precedes the GEMM
localparam [2:0] ISA_EW_NONE = 3'd0;
localparam [2:0] ISA_EW_RMSNORM = 3'd1;
localparam [2:0] ISA_EW_LAYERNORM = 3'd2;
localparam [2:0] ISA_EW_SILU = 3'd3;
localparam [2:0] ISA_EW_GELU = 3'd4;
localparam [2:0] ISA_EW_RELU = 3'd5;
localparam integer ISA_EW_COUNT = 6;

// vop: NPU vector-unit operation
localparam [1:0] ISA_VOP_LAYERNORM = 2'd0;
localparam [1:0] ISA_VOP_SOFTMAX = 2'd1;
localparam [1:0] ISA_VOP_GELU = 2'd2;
localparam [1:0] ISA_VOP_ADD = 2'd3;
localparam integer ISA_VOP_COUNT = 4;

// skind: T3 stage kind: remote stores to the next device, local updates forwarded by DMA, or the final local reduction
localparam [1:0] ISA_T3STAGE_REMOTE = 2'd0;
localparam [1:0] ISA_T3STAGE_FWD = 2'd1;
localparam [1:0] ISA_T3STAGE_FINAL = 2'd2;
localparam integer ISA_T3STAGE_COUNT = 3;

// mca: T3 memory-controller arbitration mode
localparam [1:0] ISA_MCA_OFF = 2'd0;
localparam [1:0] ISA_MCA_STATIC = 2'd1;
localparam [1:0] ISA_MCA_DYNAMIC = 2'd2;
localparam integer ISA_MCA_COUNT = 3;

// sync (0x01): wait until every unit named in mask has an empty queue and nothing in flight
localparam integer ISA_SYNC_MASK_LSB = 8;
localparam integer ISA_SYNC_MASK_MSB = 10;
localparam [127:0] ISA_SYNC_USED = 128'h000000000000000000000000000007ff;

// ld (0x10): copy rows x row_bytes from DRAM daddr + r*stride to buf[saddr + r*row_bytes]
localparam integer ISA_LD_BUF_LSB = 8;
localparam integer ISA_LD_BUF_MSB = 9;
localparam integer ISA_LD_SADDR_LSB = 10;
localparam integer ISA_LD_SADDR_MSB = 29;
localparam integer ISA_LD_DADDR_LSB = 30;
localparam integer ISA_LD_DADDR_MSB = 69;
localparam integer ISA_LD_ROWS_LSB = 70;
localparam integer ISA_LD_ROWS_MSB = 85;
localparam integer ISA_LD_ROW_BYTES_LSB = 86;
localparam integer ISA_LD_ROW_BYTES_MSB = 101;
localparam integer ISA_LD_STRIDE_LSB = 102;
localparam integer ISA_LD_STRIDE_MSB = 125;
localparam [127:0] ISA_LD_USED = 128'h3fffffffffffffffffffffffffffffff;

// st (0x11): copy rows x row_bytes from buf[saddr + r*row_bytes] to DRAM daddr + r*stride
localparam integer ISA_ST_BUF_LSB = 8;
localparam integer ISA_ST_BUF_MSB = 9;
localparam integer ISA_ST_SADDR_LSB = 10;
localparam integer ISA_ST_SADDR_MSB = 29;
localparam integer ISA_ST_DADDR_LSB = 30;
localparam integer ISA_ST_DADDR_MSB = 69;
localparam integer ISA_ST_ROWS_LSB = 70;
localparam integer ISA_ST_ROWS_MSB = 85;
localparam integer ISA_ST_ROW_BYTES_LSB = 86;
localparam integer ISA_ST_ROW_BYTES_MSB = 101;
localparam integer ISA_ST_STRIDE_LSB = 102;
localparam integer ISA_ST_STRIDE_MSB = 125;
localparam [127:0] ISA_ST_USED = 128'h3fffffffffffffffffffffffffffffff;

// tpre (0x21): element-wise op and/or table precompute of the m x k ABUF tile at saddr into TBUF taddr
localparam integer ISA_TPRE_M_LSB = 8;
localparam integer ISA_TPRE_M_MSB = 23;
localparam integer ISA_TPRE_K_LSB = 40;
localparam integer ISA_TPRE_K_MSB = 55;
localparam integer ISA_TPRE_ATYPE_LSB = 56;
localparam integer ISA_TPRE_ATYPE_MSB = 57;
localparam integer ISA_TPRE_EWOP_LSB = 58;
localparam integer ISA_TPRE_EWOP_MSB = 60;
localparam integer ISA_TPRE_TQ_LSB = 63;
localparam integer ISA_TPRE_TQ_MSB = 63;
localparam integer ISA_TPRE_MK_LSB = 64;
localparam integer ISA_TPRE_MK_MSB = 64;
localparam integer ISA_TPRE_TADDR_LSB = 68;
localparam integer ISA_TPRE_TADDR_MSB = 87;
localparam integer ISA_TPRE_SADDR_LSB = 88;
localparam integer ISA_TPRE_SADDR_MSB = 107;
localparam [127:0] ISA_TPRE_USED = 128'h00000ffffffffff19fffff0000ffffff;

// lmma (0x20): LUT GEMM: tables at taddr times the LUT-layout weight tile at waddr into CBUF caddr
localparam integer ISA_LMMA_M_LSB = 8;
localparam integer ISA_LMMA_M_MSB = 23;
localparam integer ISA_LMMA_N_LSB = 24;
localparam integer ISA_LMMA_N_MSB = 39;
localparam integer ISA_LMMA_K_LSB = 40;
localparam integer ISA_LMMA_K_MSB = 55;
localparam integer ISA_LMMA_ATYPE_LSB = 56;
localparam integer ISA_LMMA_ATYPE_MSB = 57;
localparam integer ISA_LMMA_WBITS_LSB = 58;
localparam integer ISA_LMMA_WBITS_MSB = 60;
localparam integer ISA_LMMA_ACCT_LSB = 61;
localparam integer ISA_LMMA_ACCT_MSB = 62;
localparam integer ISA_LMMA_TQ_LSB = 63;
localparam integer ISA_LMMA_TQ_MSB = 63;
localparam integer ISA_LMMA_ACC_LSB = 64;
localparam integer ISA_LMMA_ACC_MSB = 64;
localparam integer ISA_LMMA_FIN_LSB = 65;
localparam integer ISA_LMMA_FIN_MSB = 65;
localparam integer ISA_LMMA_TADDR_LSB = 68;
localparam integer ISA_LMMA_TADDR_MSB = 87;
localparam integer ISA_LMMA_WADDR_LSB = 88;
localparam integer ISA_LMMA_WADDR_MSB = 107;
localparam integer ISA_LMMA_CADDR_LSB = 108;
localparam integer ISA_LMMA_CADDR_MSB = 127;
localparam [127:0] ISA_LMMA_USED = 128'hfffffffffffffff3ffffffffffffffff;

// mma (0x30): MAC GEMM: ABUF tile at aaddr times the dequantized weight tile at waddr into CBUF caddr
localparam integer ISA_MMA_M_LSB = 8;
localparam integer ISA_MMA_M_MSB = 23;
localparam integer ISA_MMA_N_LSB = 24;
localparam integer ISA_MMA_N_MSB = 39;
localparam integer ISA_MMA_K_LSB = 40;
localparam integer ISA_MMA_K_MSB = 55;
localparam integer ISA_MMA_ATYPE_LSB = 56;
localparam integer ISA_MMA_ATYPE_MSB = 57;
localparam integer ISA_MMA_WBITS_LSB = 58;
localparam integer ISA_MMA_WBITS_MSB = 60;
localparam integer ISA_MMA_ACCT_LSB = 61;
localparam integer ISA_MMA_ACCT_MSB = 62;
localparam integer ISA_MMA_ACC_LSB = 64;
localparam integer ISA_MMA_ACC_MSB = 64;
localparam integer ISA_MMA_AADDR_LSB = 68;
localparam integer ISA_MMA_AADDR_MSB = 87;
localparam integer ISA_MMA_WADDR_LSB = 88;
localparam integer ISA_MMA_WADDR_MSB = 107;
localparam integer ISA_MMA_CADDR_LSB = 108;
localparam integer ISA_MMA_CADDR_MSB = 127;
localparam [127:0] ISA_MMA_USED = 128'hfffffffffffffff17fffffffffffffff;

// pim_header (0x60): PIM_HEADER: announce a GEMV job of rows weight rows x k COMPs per bank on channel ch (admitted only if it ends before the next refresh)
localparam integer ISA_PIM_HEADER_CH_LSB = 8;
localparam integer ISA_PIM_HEADER_CH_MSB = 17;
localparam integer ISA_PIM_HEADER_ROWS_LSB = 18;
localparam integer ISA_PIM_HEADER_ROWS_MSB = 33;
localparam integer ISA_PIM_HEADER_K_LSB = 34;
localparam integer ISA_PIM_HEADER_K_MSB = 49;
localparam integer ISA_PIM_HEADER_GWRITES_LSB = 50;
localparam integer ISA_PIM_HEADER_GWRITES_MSB = 57;
localparam [127:0] ISA_PIM_HEADER_USED = 128'h000000000000000003ffffffffffffff;

// gwrite (0x61): GWRITE: copy the input vector at daddr into channel ch's global buffer ((tCCD_S + tCCD_L) x 32 cycles)
localparam integer ISA_GWRITE_CH_LSB = 8;
localparam integer ISA_GWRITE_CH_MSB = 17;
localparam integer ISA_GWRITE_DADDR_LSB = 18;
localparam integer ISA_GWRITE_DADDR_MSB = 57;
localparam [127:0] ISA_GWRITE_USED = 128'h000000000000000003ffffffffffffff;

// g_act (0x62): G_ACT: open PIM row prow in the 4 banks of set gact of channel ch (one per bank group; limited by tFAW)
localparam integer ISA_G_ACT_CH_LSB = 8;
localparam integer ISA_G_ACT_CH_MSB = 17;
localparam integer ISA_G_ACT_PROW_LSB = 18;
localparam integer ISA_G_ACT_PROW_MSB = 41;
localparam integer ISA_G_ACT_GACT_LSB = 42;
localparam integer ISA_G_ACT_GACT_MSB = 45;
localparam [127:0] ISA_G_ACT_USED = 128'h000000000000000000003fffffffffff;

// comp (0x63): COMP: every bank of channel ch multiplies column pcol of its open PIM row by the global buffer and accumulates
localparam integer ISA_COMP_CH_LSB = 8;
localparam integer ISA_COMP_CH_MSB = 17;
localparam integer ISA_COMP_PCOL_LSB = 18;
localparam integer ISA_COMP_PCOL_MSB = 25;
localparam [127:0] ISA_COMP_USED = 128'h00000000000000000000000003ffffff;

// readres (0x64): READRES: read every bank's accumulated result of channel ch
localparam integer ISA_READRES_CH_LSB = 8;
localparam integer ISA_READRES_CH_MSB = 17;
localparam [127:0] ISA_READRES_USED = 128'h0000000000000000000000000003ffff;

// pim_gemv (0x65): PIM_GEMV: k COMPs and the READRES on channel ch as one command (2 x (max(k, 6) + 1) cycles)
localparam integer ISA_PIM_GEMV_CH_LSB = 8;
localparam integer ISA_PIM_GEMV_CH_MSB = 17;
localparam integer ISA_PIM_GEMV_PROW_LSB = 18;
localparam integer ISA_PIM_GEMV_PROW_MSB = 41;
localparam integer ISA_PIM_GEMV_K_LSB = 42;
localparam integer ISA_PIM_GEMV_K_MSB = 57;
localparam [127:0] ISA_PIM_GEMV_USED = 128'h000000000000000003ffffffffffffff;

// pim_precharge (0x66): PIM_PRECHARGE: close every open PIM row of channel ch
localparam integer ISA_PIM_PRECHARGE_CH_LSB = 8;
localparam integer ISA_PIM_PRECHARGE_CH_MSB = 17;
localparam [127:0] ISA_PIM_PRECHARGE_USED = 128'h0000000000000000000000000003ffff;

// npu_gemm (0x70): NPU GEMM on the weight-stationary arrays: FP16 activations at aaddr times the weights at waddr (streamed by ld) into caddr
localparam integer ISA_NPU_GEMM_M_LSB = 8;
localparam integer ISA_NPU_GEMM_M_MSB = 23;
localparam integer ISA_NPU_GEMM_N_LSB = 24;
localparam integer ISA_NPU_GEMM_N_MSB = 39;
localparam integer ISA_NPU_GEMM_K_LSB = 40;
localparam integer ISA_NPU_GEMM_K_MSB = 55;
localparam integer ISA_NPU_GEMM_AADDR_LSB = 68;
localparam integer ISA_NPU_GEMM_AADDR_MSB = 87;
localparam integer ISA_NPU_GEMM_WADDR_LSB = 88;
localparam integer ISA_NPU_GEMM_WADDR_MSB = 107;
localparam integer ISA_NPU_GEMM_CADDR_LSB = 108;
localparam integer ISA_NPU_GEMM_CADDR_MSB = 127;
localparam [127:0] ISA_NPU_GEMM_USED = 128'hfffffffffffffff000ffffffffffffff;

// npu_vec (0x71): NPU vector-unit operation vop over elems FP16 elements from saddr into caddr
localparam integer ISA_NPU_VEC_VOP_LSB = 8;
localparam integer ISA_NPU_VEC_VOP_MSB = 9;
localparam integer ISA_NPU_VEC_ELEMS_LSB = 10;
localparam integer ISA_NPU_VEC_ELEMS_MSB = 33;
localparam integer ISA_NPU_VEC_SADDR_LSB = 34;
localparam integer ISA_NPU_VEC_SADDR_MSB = 53;
localparam integer ISA_NPU_VEC_CADDR_LSB = 54;
localparam integer ISA_NPU_VEC_CADDR_MSB = 73;
localparam [127:0] ISA_NPU_VEC_USED = 128'h00000000000003ffffffffffffffffff;

// t3_layout (0x80): T3 output address space: slots of tiles m x n of type atype, tiles per chunk, tcols per chunk row, from obase
localparam integer ISA_T3_LAYOUT_OBASE_LSB = 8;
localparam integer ISA_T3_LAYOUT_OBASE_MSB = 47;
localparam integer ISA_T3_LAYOUT_M_LSB = 48;
localparam integer ISA_T3_LAYOUT_M_MSB = 63;
localparam integer ISA_T3_LAYOUT_N_LSB = 64;
localparam integer ISA_T3_LAYOUT_N_MSB = 79;
localparam integer ISA_T3_LAYOUT_TILES_LSB = 80;
localparam integer ISA_T3_LAYOUT_TILES_MSB = 95;
localparam integer ISA_T3_LAYOUT_TCOLS_LSB = 96;
localparam integer ISA_T3_LAYOUT_TCOLS_MSB = 111;
localparam integer ISA_T3_LAYOUT_ATYPE_LSB = 112;
localparam integer ISA_T3_LAYOUT_ATYPE_MSB = 113;
localparam [127:0] ISA_T3_LAYOUT_USED = 128'h0003ffffffffffffffffffffffffffff;

// t3_stage (0x81): T3 ring stage: in stage the producer computes chunk, of kind skind, sending to device dest
localparam integer ISA_T3_STAGE_STAGE_LSB = 8;
localparam integer ISA_T3_STAGE_STAGE_MSB = 13;
localparam integer ISA_T3_STAGE_CHUNK_LSB = 14;
localparam integer ISA_T3_STAGE_CHUNK_MSB = 19;
localparam integer ISA_T3_STAGE_SKIND_LSB = 20;
localparam integer ISA_T3_STAGE_SKIND_MSB = 21;
localparam integer ISA_T3_STAGE_DEST_LSB = 22;
localparam integer ISA_T3_STAGE_DEST_MSB = 27;
localparam [127:0] ISA_T3_STAGE_USED = 128'h0000000000000000000000000fffffff;

// t3_track (0x82): program tracker entry tile at every memory controller: at expect updates fire a DMA of dbytes from src to device dest
localparam integer ISA_T3_TRACK_TILE_LSB = 8;
localparam integer ISA_T3_TRACK_TILE_MSB = 23;
localparam integer ISA_T3_TRACK_EXPECT_LSB = 24;
localparam integer ISA_T3_TRACK_EXPECT_MSB = 39;
localparam integer ISA_T3_TRACK_SRC_LSB = 40;
localparam integer ISA_T3_TRACK_SRC_MSB = 79;
localparam integer ISA_T3_TRACK_DBYTES_LSB = 80;
localparam integer ISA_T3_TRACK_DBYTES_MSB = 103;
localparam integer ISA_T3_TRACK_DEST_LSB = 104;
localparam integer ISA_T3_TRACK_DEST_MSB = 109;
localparam [127:0] ISA_T3_TRACK_USED = 128'h00003fffffffffffffffffffffffffff;

// t3_mca (0x83): T3 memory-controller arbitration: mode mca, threshold thresh, starvation limit starve
localparam integer ISA_T3_MCA_MCA_LSB = 8;
localparam integer ISA_T3_MCA_MCA_MSB = 9;
localparam integer ISA_T3_MCA_THRESH_LSB = 10;
localparam integer ISA_T3_MCA_THRESH_MSB = 25;
localparam integer ISA_T3_MCA_STARVE_LSB = 26;
localparam integer ISA_T3_MCA_STARVE_MSB = 53;
localparam [127:0] ISA_T3_MCA_USED = 128'h0000000000000000003fffffffffffff;

// t3_inputs (0x84): T3 address map of the producer's inputs A and B and of the receive buffer
localparam integer ISA_T3_INPUTS_ABASE_LSB = 8;
localparam integer ISA_T3_INPUTS_ABASE_MSB = 47;
localparam integer ISA_T3_INPUTS_BBASE_LSB = 48;
localparam integer ISA_T3_INPUTS_BBASE_MSB = 87;
localparam integer ISA_T3_INPUTS_RBASE_LSB = 88;
localparam integer ISA_T3_INPUTS_RBASE_MSB = 127;
localparam [127:0] ISA_T3_INPUTS_USED = 128'hffffffffffffffffffffffffffffffff;

/* verilator lint_on UNUSEDPARAM */
