// tpe_tree_cosim_top: tpe_tree_core behind the co-simulation interface of
// sim/cosim/cosim.h: clk_i, rst_ni, in_i (everything the core reads in a
// cycle) and out_o (every register), packed LSB first.
// C twin: sim/cosim/blk_tpe_tree.c (block "tpe_tree", packing the same
// buses around sim/tpe/tpe_tree.c).
//
// in_i:  bit 0 valid, bit 1 first, bit 2 last,
//        a[m][k] (8 bits) at 3 + (m*TpeK+k)*8,
//        b[n][k] (8 bits) at 3 + TpeM*TpeK*8 + (n*TpeK+k)*8.
// out_o: res[m][n] (32 bits) at (m*TpeN+n)*32 (acc_q for base/opt2, res_q
//        for opt1), done at TpeM*TpeN*32,
//        then tpe_tree_core's state_o at TpeM*TpeN*32 + 1:
//          opt1 only: sum_q[m][n] (32), carry_q[m][n] (32), fin_q (1);
//          ctrl_q {valid, first, last} (3), a_q[m][k] (8 each), b_q[n][k] (8 each).
module tpe_tree_cosim_top (clk_i, rst_ni, in_i, out_o);
  parameter integer TpeM        = 1;
  parameter integer TpeK        = 16;
  parameter integer TpeN        = 4;
  parameter integer TpeVariant  = 0;
  parameter integer TpeEncoding = 0;

  localparam integer ABits     = TpeM * TpeK * 8;
  localparam integer BBits     = TpeN * TpeK * 8;
  localparam integer CBits     = TpeM * TpeN * 32;
  localparam integer StateBits = (TpeVariant == 1 ? 2 * CBits + 1 : 0) + 3 + ABits + BBits;
  localparam integer InBits    = 3 + ABits + BBits;
  localparam integer OutBits   = CBits + 1 + StateBits;

  input  wire               clk_i;
  input  wire               rst_ni;
  input  wire [InBits-1:0]  in_i;
  output wire [OutBits-1:0] out_o;

  wire [CBits-1:0]     res;
  wire                 done;
  wire [StateBits-1:0] state;

  tpe_tree_core #(
    .TpeM(TpeM),
    .TpeK(TpeK),
    .TpeN(TpeN),
    .TpeVariant(TpeVariant),
    .TpeEncoding(TpeEncoding)
  ) u_core (
    .clk_i(clk_i),
    .rst_ni(rst_ni),
    .valid_i(in_i[0]),
    .first_i(in_i[1]),
    .last_i(in_i[2]),
    .a_i(in_i[3 +: ABits]),
    .b_i(in_i[3 + ABits +: BBits]),
    .res_o(res),
    .done_o(done),
    .state_o(state)
  );

  assign out_o = {state, done, res};
endmodule
