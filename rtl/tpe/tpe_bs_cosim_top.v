// tpe_bs_cosim_top: tpe_bs_core behind the co-simulation interface of
// sim/cosim/cosim.h: clk_i, rst_ni, in_i (everything the core reads in a
// cycle) and out_o (every register, and ready), packed LSB first.
// C twin: sim/cosim/blk_tpe_bs.c (block "tpe_bs", packing the same buses
// around sim/tpe/tpe_bs.c).
//
// in_i:  bit 0 valid, 1 first, 2 last, 3..4 bw,
//        a[c][j] (8 bits) at 5 + (4c + j) 8,
//        b[r][j] (8 bits) at 5 + 32 TpeBsCols + (4r + j) 8.
// out_o: bit 0 ready (wire: every column FIFO has room), bit 1 done,
//        then column c at 2 + c ColW:
//          count[CntW] (CntW = clog2(TpeBsDepth + 1)), rem[4], busy, fin,
//          fin_bw[2], wait,
//          fifo[i] (EntW = 36 + 32 TpeBsRows each, i = 0..TpeBsDepth-1):
//            first, last, bw[2], a[j] (8 each), b[r][j] (8 each),
//          then per row r: sum[26], carry[26], res[32].
module tpe_bs_cosim_top (clk_i, rst_ni, in_i, out_o);
  parameter integer TpeBsRows    = 4;
  parameter integer TpeBsCols    = 4;
  parameter integer TpeBsDepth   = 2;
  parameter integer TpeBsVariant = 1;
  parameter integer TpeEncoding  = 0;

  localparam integer EntW    = 36 + 32 * TpeBsRows;
  localparam integer CntW    = $clog2(TpeBsDepth + 1);
  localparam integer ColW    = CntW + 9 + TpeBsDepth * EntW + TpeBsRows * 84;
  localparam integer ABits   = 32 * TpeBsCols;
  localparam integer BBits   = 32 * TpeBsRows;
  localparam integer InBits  = 5 + ABits + BBits;
  localparam integer OutBits = 2 + TpeBsCols * ColW;

  input  wire               clk_i;
  input  wire               rst_ni;
  input  wire [InBits-1:0]  in_i;
  output wire [OutBits-1:0] out_o;

  wire                      ready, done;
  wire [TpeBsCols*ColW-1:0] state;

  tpe_bs_core #(
    .TpeBsRows(TpeBsRows),
    .TpeBsCols(TpeBsCols),
    .TpeBsDepth(TpeBsDepth),
    .TpeBsVariant(TpeBsVariant),
    .TpeEncoding(TpeEncoding)
  ) u_core (
    .clk_i(clk_i),
    .rst_ni(rst_ni),
    .valid_i(in_i[0]),
    .first_i(in_i[1]),
    .last_i(in_i[2]),
    .bw_i(in_i[4:3]),
    .a_i(in_i[5 +: ABits]),
    .b_i(in_i[5 + ABits +: BBits]),
    .ready_o(ready),
    .done_o(done),
    .state_o(state)
  );

  assign out_o = {state, done, ready};
endmodule
