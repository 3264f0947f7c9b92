// pim_bank_cosim_top: pim_bank behind the co-simulation interface of
// sim/cosim/cosim.h: clk_i, rst_ni, in_i (the cycle's command) and out_o
// (every register, the storage included), packed LSB first.
// C twin: sim/cosim/blk_pim_bank.c (block "pim_bank", packing the same buses
// around sim/pim/pim_bank.c).
//
// in_i  (RB = clog2 PimBankRows, CB = clog2 PimBankCols):
//   cmd[4] at 0, row[RB] at 4, col[CB] at 4 + RB, data[256] at 4 + RB + CB
//   (lane i, one binary16, at data bit 16i).
// out_o: pim_bank's state_o:
//   err_q[1], nopen_q[1], nrow_q[RB], popen_q[1], prow_q[RB], rd_valid_q[1],
//   rdata_q[256], v1_q[1], prod_q[16][32], v2_q[1], sum_q[32], acc_q[32],
//   res_valid_q[1], res_q[32], gbuf[cols][256], bank[rows][cols][256].
module pim_bank_cosim_top (clk_i, rst_ni, in_i, out_o);
  parameter integer PimBankRows   = 4;
  parameter integer PimBankCols   = 4;
  parameter integer PimRowBuffers = 1;

  localparam integer RowBits = $clog2(PimBankRows);
  localparam integer ColBits = $clog2(PimBankCols);
  localparam integer InBits  = 4 + RowBits + ColBits + 256;
  localparam integer OutBits = 2 * RowBits + 4 + 256 + 1 + 16 * 32 + 1 + 32 + 32 + 1 + 32
                               + PimBankCols * 256 + PimBankRows * PimBankCols * 256;

  input  wire               clk_i;
  input  wire               rst_ni;
  input  wire [InBits-1:0]  in_i;
  output wire [OutBits-1:0] out_o;

  pim_bank #(
    .PimBankRows(PimBankRows),
    .PimBankCols(PimBankCols),
    .PimRowBuffers(PimRowBuffers)
  ) u_bank (
    .clk_i(clk_i),
    .rst_ni(rst_ni),
    .cmd_i(in_i[3:0]),
    .row_i(in_i[4 +: RowBits]),
    .col_i(in_i[4 + RowBits +: ColBits]),
    .data_i(in_i[4 + RowBits + ColBits +: 256]),
    .state_o(out_o)
  );
endmodule
