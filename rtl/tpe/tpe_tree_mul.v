// tpe_tree_mul: the conventional radix-4 multiplier of the base variant:
// its own encoder (tpe_tree_enc), four partial products (tpe_tree_ppgen),
// the partial products and the neg bits reduced by a carry-save tree
// (tpe_tree_csa, 5 x 16 bits) and a full add (CPA) to the exact product.
// C twin: sim/tpe/tpe_tree.c (mul()).
// Combinational; TpeK * TpeN of them in tpe_tree_core (base).
module tpe_tree_mul (a_i, b_i, prod_o);
  parameter integer TpeEncoding = 0;  // 0 mbe, 1 ent (tpe.encoding)

  localparam integer PpBits   = 9;
  localparam integer ProdBits = 16;   // a * b, signed, exact

  input  wire [7:0]          a_i;
  input  wire [7:0]          b_i;
  output wire [ProdBits-1:0] prod_o;

  wire [11:0]       dig;
  wire [4*PpBits-1:0] pp;
  tpe_tree_enc #(.TpeEncoding(TpeEncoding)) u_enc (.a_i(a_i), .dig_o(dig));
  tpe_tree_ppgen u_ppgen (.dig_i(dig), .b_i(b_i), .pp_o(pp));

  // operands: pp[bw] << 2bw sign-extended, then the neg bits at 4^bw
  wire [5*ProdBits-1:0] ops;
  genvar bw;
  generate
    for (bw = 0; bw < 4; bw = bw + 1) begin : g_op
      wire [PpBits-1:0] p = pp[bw*PpBits +: PpBits];
      wire [ProdBits-1:0] ext = {{(ProdBits - PpBits){p[PpBits-1]}}, p};
      assign ops[bw*ProdBits +: ProdBits] = ext << (2 * bw);
    end
  endgenerate
  assign ops[4*ProdBits +: ProdBits] = {9'd0, dig[9], 1'b0, dig[6], 1'b0, dig[3], 1'b0, dig[0]};

  wire [ProdBits-1:0] s, c;
  tpe_tree_csa #(.NumOps(5), .Width(ProdBits)) u_csa (.ops_i(ops), .sum_o(s), .carry_o(c));
  assign prod_o = s + c;
endmodule
