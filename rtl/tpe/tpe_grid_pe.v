// tpe_grid_pe: the datapath of one PE of the PE-grid TPEs (HPCA'25
// bit-weight paper, REFERENCES.md "Bit-weight-transformed MAC engines"): one
// INT8 product a * b added to the incoming (sum, carry), built from the
// tpe_tree pieces. The PE's registers live in tpe_grid_core.
//   TpeVariant 0 (base): tpe_tree_mul (own encoder, 5 x 16 carry-save tree,
//     CPA) and a 32-bit CPA: sum_o = sum_i + a * b, carry_o = 0.
//   TpeVariant 1 (opt1): own tpe_tree_enc, tpe_tree_ppgen; the 4 partial
//     products (9 bits, sign bit inverted, never sign-extended, at 4^bw) and
//     the neg vector through the 16-bit beat tree (tpe_tree_csa, as
//     tpe_tree_core's opt1 at TpeK = 1), then a 5 x 32 tpe_tree_csa over
//     {beat sum, beat carry, sum_i, carry_i, Bias}: no CPA.
//   TpeVariant 2 (opt2): opt1 without the encoder: a_i is the 12-bit digit
//     vector of the row's shared edge encoder.
// C twin: sim/tpe/tpe_grid.c (pe()).
// Combinational; TpeRows * TpeCols of them in tpe_grid_core.
module tpe_grid_pe (a_i, b_i, sum_i, carry_i, sum_o, carry_o);
  parameter integer TpeVariant  = 0;  // 0 base, 1 opt1, 2 opt2 (tpe.variant)
  parameter integer TpeEncoding = 0;  // 0 mbe, 1 ent (tpe.encoding)

  localparam integer ABits    = TpeVariant == 2 ? 12 : 8;
  localparam integer AccBits  = 32;
  localparam integer PpBits   = 9;
  localparam integer BeatBits = 16;  // tpe_tree_opt1_beat_bits(1)

  input  wire [ABits-1:0]   a_i;      // A (two's complement) or opt2's digits
  input  wire [7:0]         b_i;      // B, two's complement
  input  wire [AccBits-1:0] sum_i;    // base: the value the product is added to
  input  wire [AccBits-1:0] carry_i;  // opt1/opt2: the carry vector (base: unused)
  output wire [AccBits-1:0] sum_o;
  output wire [AccBits-1:0] carry_o;

  genvar bw;
  generate
    if (TpeVariant == 0) begin : g_base
      wire [15:0] prod;
      tpe_tree_mul #(.TpeEncoding(TpeEncoding)) u_mul (.a_i(a_i), .b_i(b_i), .prod_o(prod));
      assign sum_o   = sum_i + {{16{prod[15]}}, prod};  // the accumulate CPA
      assign carry_o = {AccBits{1'b0}};
      wire unused_carry = ^carry_i;
    end else begin : g_cs
      wire [11:0] dig;
      if (TpeVariant == 1) begin : g_enc
        tpe_tree_enc #(.TpeEncoding(TpeEncoding)) u_enc (.a_i(a_i), .dig_o(dig));
      end else begin : g_shared
        assign dig = a_i;
      end
      wire [4*PpBits-1:0] pp;
      tpe_tree_ppgen u_ppgen (.dig_i(dig), .b_i(b_i), .pp_o(pp));
      wire [5*BeatBits-1:0] ops;
      for (bw = 0; bw < 4; bw = bw + 1) begin : g_op
        wire [PpBits-1:0]   p   = pp[bw*PpBits +: PpBits];
        wire [BeatBits-1:0] ext = {{(BeatBits - PpBits){1'b0}}, ~p[PpBits-1], p[PpBits-2:0]};
        assign ops[bw*BeatBits +: BeatBits] = ext << (2 * bw);
      end
      assign ops[4*BeatBits +: BeatBits] = {{(BeatBits - 7){1'b0}}, dig[9], 1'b0, dig[6], 1'b0, dig[3], 1'b0, dig[0]};
      // live bits: pp bw at 2bw .. 2bw+8, the neg bits at 0, 2, 4, 6
      localparam [5*BeatBits-1:0] BeatLive = {16'h0055, 16'h7fc0, 16'h1ff0, 16'h07fc, 16'h01ff};
      wire [BeatBits-1:0] bs, bc;
      tpe_tree_csa #(.NumOps(5), .Width(BeatBits), .Live(BeatLive)) u_beat (.ops_i(ops), .sum_o(bs), .carry_o(bc));
      // the 4 inverted sign bits 2^8 4^bw taken back out: tpe_tree_opt1_bias(1)
      localparam integer PerMul = (1 << 8) + (1 << 10) + (1 << 12) + (1 << 14);
      localparam [AccBits-1:0] Bias = 32'd0 - PerMul;
      localparam [5*AccBits-1:0] AccLive = {{AccBits{1'b0}}, {(2*AccBits){1'b1}},
                                            {2{{(AccBits - BeatBits){1'b0}}, {BeatBits{1'b1}}}}};
      wire [5*AccBits-1:0] acc_ops = {Bias, carry_i, sum_i, {(AccBits - BeatBits){1'b0}}, bc,
                                      {(AccBits - BeatBits){1'b0}}, bs};
      tpe_tree_csa #(.NumOps(5), .Width(AccBits), .Live(AccLive), .Ones({Bias, {(4*AccBits){1'b0}}})) u_acc (
        .ops_i(acc_ops), .sum_o(sum_o), .carry_o(carry_o)
      );
    end
  endgenerate
endmodule
