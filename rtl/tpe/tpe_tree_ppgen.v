// tpe_tree_ppgen: the partial-product "map" step of one multiplier: for each
// of a's four radix-4 digits, pp = neg ? ~m : m with m = |d| * b in
// {0, b, 2b} (9 bits signed); the +1 that completes a negation is the
// digit's neg bit, which the consumer adds at the digit's weight.
// C twin: sim/tpe/tpe_tree.c (ppgen()).
// Combinational; in tpe_tree_mul (base) and tpe_tree_core (opt1, opt2).
module tpe_tree_ppgen (dig_i, b_i, pp_o);
  localparam integer PpBits = 9;  // TPE_TREE_PP_BITS

  input  wire [11:0]         dig_i;  // digit bw at 3*bw: {two, one, neg}
  input  wire [7:0]          b_i;    // the weight, two's complement
  output wire [4*PpBits-1:0] pp_o;   // digit bw's partial product at bw*PpBits

  wire [PpBits-1:0] b1 = {b_i[7], b_i};
  wire [PpBits-1:0] b2 = {b_i, 1'b0};

  genvar bw;
  generate
    for (bw = 0; bw < 4; bw = bw + 1) begin : g_pp
      wire [PpBits-1:0] m = dig_i[3*bw+1] ? b1 : dig_i[3*bw+2] ? b2 : {PpBits{1'b0}};
      assign pp_o[bw*PpBits +: PpBits] = m ^ {PpBits{dig_i[3*bw]}};
    end
  endgenerate
endmodule
