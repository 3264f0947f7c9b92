// tpe_grid_cosim_top: tpe_grid_core behind the co-simulation interface of
// sim/cosim/cosim.h: clk_i, rst_ni, in_i (everything the core reads in a
// cycle) and out_o (every register), packed LSB first.
// C twin: sim/cosim/blk_tpe_grid.c (block "tpe_grid", packing the same
// buses around sim/tpe/tpe_grid.c).
//
// in_i:  ctrl[r] at r*CtrlIn (os, matrix: 3 bits {last, first, valid}; ws: valid),
//        a[r] (8 bits) at R*CtrlIn + r*8,
//        b[c] (8 bits; ws: the weight w_i) at R*(CtrlIn+8) + c*8,
//        then ld (1 bit: ws wload, os/matrix rd),
//        then os, matrix only: rd_row (RowBits = max(1, clog2 R) bits).
// out_o: tpe_grid_core's state_o (its header draws the layout):
//        res part (os, matrix: res[c] x 32, res_valid; ws opt1/opt2: res[c] x 32,
//        res_valid[c]; ws base: none), a[i], ctrl[i], b[i], acc[r*C+c] (opt1/opt2:
//        sum low 32, carry high 32).
module tpe_grid_cosim_top (clk_i, rst_ni, in_i, out_o);
  parameter integer TpeGrid     = 0;
  parameter integer TpeRows     = 4;
  parameter integer TpeCols     = 4;
  parameter integer TpeVariant  = 0;
  parameter integer TpeEncoding = 0;

  localparam integer R         = TpeRows;
  localparam integer C         = TpeCols;
  localparam Ws                 = TpeGrid == 1;
  localparam Mx                 = TpeGrid == 2;
  localparam Opt                = TpeVariant != 0;
  localparam integer AB        = TpeVariant == 2 ? 12 : 8;
  localparam integer AccW      = Opt ? 64 : 32;
  localparam integer CtrlIn    = Ws ? 1 : 3;
  localparam integer CW        = Ws ? 2 : 3;
  localparam integer NA        = Mx ? R : R * C;
  localparam integer NB        = Mx ? C : R * C;
  localparam integer RowBits   = R > 1 ? $clog2(R) : 1;
  localparam integer ResBits   = Ws ? (Opt ? 33 * C : 0) : 32 * C + 1;
  localparam integer OutBits   = ResBits + NA * (AB + CW) + NB * 8 + R * C * AccW;
  localparam integer InBits    = R * (CtrlIn + 8) + C * 8 + 1 + (Ws ? 0 : RowBits);
  localparam integer LdAt      = R * (CtrlIn + 8) + C * 8;

  input  wire               clk_i;
  input  wire               rst_ni;
  input  wire [InBits-1:0]  in_i;
  output wire [OutBits-1:0] out_o;

  wire [RowBits-1:0] row;
  generate
    if (Ws) begin : g_norow
      assign row = {RowBits{1'b0}};
    end else begin : g_row
      assign row = in_i[LdAt+1 +: RowBits];
    end
  endgenerate

  tpe_grid_core #(
    .TpeGrid(TpeGrid),
    .TpeRows(TpeRows),
    .TpeCols(TpeCols),
    .TpeVariant(TpeVariant),
    .TpeEncoding(TpeEncoding)
  ) u_core (
    .clk_i(clk_i),
    .rst_ni(rst_ni),
    .ctrl_i(in_i[0 +: R*CtrlIn]),
    .a_i(in_i[R*CtrlIn +: R*8]),
    .b_i(in_i[R*(CtrlIn+8) +: C*8]),
    .ld_i(in_i[LdAt]),
    .row_i(row),
    .state_o(out_o)
  );
endmodule
