// tpe_grid_cpa: the one carry-propagate adder of an output column of the
// PE grids' carry-save variants (opt1, opt2): res = sum + carry, 32 bits,
// wrapping. Outside the array: per column at the read-out (os, matrix) or
// at the bottom (ws), shared by all R rows.
// C twin: sim/tpe/tpe_grid.c (the read-out / bottom sum + carry).
// Combinational; TpeCols of them in tpe_grid_core (opt1, opt2).
module tpe_grid_cpa (sum_i, carry_i, res_o);
  input  wire [31:0] sum_i;
  input  wire [31:0] carry_i;
  output wire [31:0] res_o;

  assign res_o = sum_i + carry_i;
endmodule
