// tpe_tree_core: the multiplier-adder tree tensor processing engine of the
// HPCA'25 bit-weight paper (REFERENCES.md "Bit-weight-transformed MAC
// engines"): TpeM = 1 is the Trapezoid-style tree (K x N), TpeM > 1 the
// Ascend-style 3D-Cube (M x N x K). Each beat, an TpeM x TpeK tile of INT8
// activations a[m][k] (row m shared by the TpeN output columns) and TpeK
// INT8 weights b[n][k] per column (shared by the TpeM rows); output (m, n)
// accumulates sum_k a[m][k] * b[n][k] into an INT32 result.
// TpeM, TpeK, TpeN, TpeVariant (0 base, 1 opt1, 2 opt2) and TpeEncoding (0
// mbe, 1 ent) are the arch config's tpe.m, tpe.k, tpe.n, tpe.variant,
// tpe.encoding (sim/core/params.def, enums by index), passed as -G /
// chparam values; the defaults below only serve standalone lint.
//
//   beat -> [stage 1: a_q, b_q, ctrl_q {last, first, valid}] -> datapath -> results
//
// TpeVariant selects the datapath (one module set, no copies); every output
// (m, n) is one column of the tree on row m's activations:
//   base: TpeM*TpeN*TpeK tpe_tree_mul (each with its own encoder, a 5x16
//         carry-save tree and a CPA) -> tpe_tree_addtree per output (m, n)
//         -> acc_q = (first ? 0 : acc_q) + sum, a 32-bit CPA in the loop.
//   opt1: per multiplier (m, n, k) an encoder and tpe_tree_ppgen; per output
//         a narrow (16 + clog2(TpeK) bits) tpe_tree_csa over the 4*TpeK
//         partial products (<< 2bw; 9 bits each, sign bit inverted, never
//         sign-extended) and the TpeK neg vectors, then a 5 x 32 tpe_tree_csa
//         over its two vectors, sum_q, carry_q (0 on first) and the constant
//         Bias that takes the inverted sign bits back out -> sum_q, carry_q. No
//         CPA in the loop: fin_q marks the cycle after a block's last beat,
//         when res_q = sum_q + carry_q (one CPA per output).
//   opt2: TpeM*TpeK encoders, a[m][k]'s shared by the TpeN columns, plus per
//         row m the shared sum of its neg vectors; per output (m, n) and
//         digit weight bw a narrow tpe_tree_csa over the TpeK partial
//         products of weight bw (9 + clog2(TpeK) bits) and a narrow add; the
//         four sums << 2bw, row m's neg sum and acc_q (0 on first) through a
//         6x32 tpe_tree_csa and one CPA.
// A beat presented in cycle t is in stage 1 after the clock of t and in the
// results after the clock of t + 1; done_o is 1 in the next cycle (opt1:
// one cycle later, after the CPA). Data registers load only on valid beats.
// C twin: sim/tpe/tpe_tree.c (tpe_tree_eval/commit; the registers are
// tpe_tree_regs_t). Co-simulation: tpe_tree_cosim_top.v, block "tpe_tree".
//
// res_o: result (m, n) at (m*TpeN+n)*32 (acc_q for base/opt2, res_q for opt1).
// state_o (every other register, LSB first):
//   opt1 only: sum_q[m][n] at (m*TpeN+n)*32, carry_q[m][n] at
//   (TpeM*TpeN + m*TpeN+n)*32, fin_q at 2*TpeM*TpeN*32;
//   then ctrl_q (3 bits: valid, first, last), a_q[m][k] (8 bits each, at
//   (m*TpeK+k)*8 within a_q), b_q[n][k] (8 bits each, at (n*TpeK+k)*8 within b_q).
module tpe_tree_core (clk_i, rst_ni, valid_i, first_i, last_i, a_i, b_i, res_o, done_o, state_o);
  parameter integer TpeM        = 1;   // rows of A per beat, sharing b (tpe.m)
  parameter integer TpeK        = 16;  // products per output per beat (tpe.k)
  parameter integer TpeN        = 4;   // output columns (tpe.n)
  parameter integer TpeVariant  = 0;   // 0 base, 1 opt1, 2 opt2 (tpe.variant)
  parameter integer TpeEncoding = 0;   // 0 mbe, 1 ent (tpe.encoding)

  localparam integer AccBits   = 32;
  localparam integer PpBits    = 9;
  localparam integer ABits     = TpeM * TpeK * 8;
  localparam integer BBits     = TpeN * TpeK * 8;
  localparam integer CBits     = TpeM * TpeN * AccBits;
  localparam integer StateBits = (TpeVariant == 1 ? 2 * CBits + 1 : 0) + 3 + ABits + BBits;

  input  wire                 clk_i;
  input  wire                 rst_ni;
  input  wire                 valid_i;  // the cycle carries a beat
  input  wire                 first_i;  // the beat starts an output block
  input  wire                 last_i;   // the beat ends an output block
  input  wire [ABits-1:0]     a_i;      // a[m][k] at (m*TpeK+k)*8
  input  wire [BBits-1:0]     b_i;      // b[n][k] at (n*TpeK+k)*8
  output wire [CBits-1:0]     res_o;    // result (m, n) at (m*TpeN+n)*32
  output wire                 done_o;
  output wire [StateBits-1:0] state_o;

  // ---- stage 1 ----------------------------------------------------------
  reg [2:0]       ctrl_q;
  reg [ABits-1:0] a_q;
  reg [BBits-1:0] b_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ctrl_q <= 3'b000;
      a_q    <= {ABits{1'b0}};
      b_q    <= {BBits{1'b0}};
    end else begin
      ctrl_q <= {last_i & valid_i, first_i & valid_i, valid_i};
      if (valid_i) begin
        a_q <= a_i;
        b_q <= b_i;
      end
    end
  end
  wire en  = ctrl_q[0];
  wire clr = ctrl_q[1];
  wire lst = ctrl_q[2];

  // opt1's beat tree: 4*TpeK partial products (9 bits at 2bw) and TpeK neg
  // vectors (bits 0, 2, 4, 6), each in a BeatBits-wide operand
  localparam integer BeatOps  = 5 * TpeK;
  localparam integer BeatBits = 16 + $clog2(TpeK);  // tpe_tree_opt1_beat_bits()
  function automatic [BeatOps*BeatBits-1:0] beat_live(input integer unused);
    integer kk, ww, ii;
    begin
      beat_live = {(BeatOps*BeatBits){1'b0}};
      for (kk = 0; kk < TpeK; kk = kk + 1) begin
        for (ww = 0; ww < 4; ww = ww + 1)
          for (ii = 0; ii < PpBits; ii = ii + 1) beat_live[(5*kk+ww)*BeatBits + 2*ww + ii] = 1'b1;
        for (ww = 0; ww < 4; ww = ww + 1) beat_live[(5*kk+4)*BeatBits + 2*ww] = 1'b1;
      end
    end
  endfunction

  reg done_q;
  genvar m, n, k, bw;
  generate
    // ==== base ==============================================================
    if (TpeVariant == 0) begin : g_base
      localparam integer SumBits = 16 + $clog2(TpeK);
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) done_q <= 1'b0;
        else done_q <= lst;
      end
      for (m = 0; m < TpeM; m = m + 1) begin : g_row
        for (n = 0; n < TpeN; n = n + 1) begin : g_col
          localparam integer O = m * TpeN + n;  // the output's index
          wire [TpeK*16-1:0] prod;
          for (k = 0; k < TpeK; k = k + 1) begin : g_mul
            tpe_tree_mul #(.TpeEncoding(TpeEncoding)) u_mul (
              .a_i(a_q[(m*TpeK+k)*8 +: 8]),
              .b_i(b_q[(n*TpeK+k)*8 +: 8]),
              .prod_o(prod[k*16 +: 16])
            );
          end
          wire [SumBits-1:0] sum;
          tpe_tree_addtree #(.TpeK(TpeK)) u_tree (.prod_i(prod), .sum_o(sum));
          wire [AccBits-1:0] sum_ext = {{(AccBits - SumBits){sum[SumBits-1]}}, sum};
          reg  [AccBits-1:0] acc_q;
          always @(posedge clk_i or negedge rst_ni) begin
            if (!rst_ni) acc_q <= {AccBits{1'b0}};
            else if (en) acc_q <= (clr ? {AccBits{1'b0}} : acc_q) + sum_ext;
          end
          assign res_o[O*AccBits +: AccBits] = acc_q;
        end
      end
      assign state_o = {b_q, a_q, ctrl_q};

    // ==== opt1: carry-save accumulation =======================================
    end else if (TpeVariant == 1) begin : g_opt1
      localparam integer NumOps = BeatOps;  // the beat tree: 4K pps, K neg vectors
      localparam [BeatOps*BeatBits-1:0] BeatLive = beat_live(0);
      // the accumulation tree {Bias, carry_q, sum_q, beat carry, beat sum}:
      // the beat vectors are BeatBits wide, Bias is a constant
      localparam [5*AccBits-1:0] AccLive = {{AccBits{1'b0}}, {(2*AccBits){1'b1}},
                                            {2{{(AccBits - BeatBits){1'b0}}, {BeatBits{1'b1}}}}};
      // the sign-extension trick: each partial product enters as 9 unsigned
      // bits, its sign bit inverted (pp + 2^8), at weight 4^bw; Bias takes the
      // 4*TpeK added 2^8 * 4^bw back out (tpe_tree_opt1_bias())
      localparam integer PerMul = (1 << 8) + (1 << 10) + (1 << 12) + (1 << 14);
      localparam [AccBits-1:0] Bias = 32'd0 - TpeK * PerMul;
      reg fin_q;
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          fin_q  <= 1'b0;
          done_q <= 1'b0;
        end else begin
          fin_q  <= lst;
          done_q <= fin_q;
        end
      end
      wire [CBits-1:0] sums, carries;
      for (m = 0; m < TpeM; m = m + 1) begin : g_row
        for (n = 0; n < TpeN; n = n + 1) begin : g_col
          localparam integer O = m * TpeN + n;  // the output's index
          wire [NumOps*BeatBits-1:0] ops;
          for (k = 0; k < TpeK; k = k + 1) begin : g_mul
            wire [11:0]         dig;
            wire [4*PpBits-1:0] pp;
            tpe_tree_enc #(.TpeEncoding(TpeEncoding)) u_enc (.a_i(a_q[(m*TpeK+k)*8 +: 8]), .dig_o(dig));
            tpe_tree_ppgen u_ppgen (.dig_i(dig), .b_i(b_q[(n*TpeK+k)*8 +: 8]), .pp_o(pp));
            for (bw = 0; bw < 4; bw = bw + 1) begin : g_op
              wire [PpBits-1:0]  p   = pp[bw*PpBits +: PpBits];
              wire [BeatBits-1:0] ext = {{(BeatBits - PpBits){1'b0}}, ~p[PpBits-1], p[PpBits-2:0]};
              assign ops[(5*k+bw)*BeatBits +: BeatBits] = ext << (2 * bw);
            end
            assign ops[(5*k+4)*BeatBits +: BeatBits] =
                {{(BeatBits - 7){1'b0}}, dig[9], 1'b0, dig[6], 1'b0, dig[3], 1'b0, dig[0]};
          end
          reg  [AccBits-1:0] sum_q, carry_q, res_q;
          wire [BeatBits-1:0] bs, bc;  // the beat's exact (biased) total, carry-save
          tpe_tree_csa #(.NumOps(NumOps), .Width(BeatBits), .Live(BeatLive)) u_csa (
            .ops_i(ops), .sum_o(bs), .carry_o(bc)
          );
          wire [5*AccBits-1:0] acc_ops = {Bias, clr ? {AccBits{1'b0}} : carry_q, clr ? {AccBits{1'b0}} : sum_q,
                                          {{(AccBits - BeatBits){1'b0}}, bc}, {{(AccBits - BeatBits){1'b0}}, bs}};
          wire [AccBits-1:0] sum_d, carry_d;
          tpe_tree_csa #(.NumOps(5), .Width(AccBits), .Live(AccLive), .Ones({Bias, {(4*AccBits){1'b0}}})) u_acc (
            .ops_i(acc_ops), .sum_o(sum_d), .carry_o(carry_d)
          );
          always @(posedge clk_i or negedge rst_ni) begin
            if (!rst_ni) begin
              sum_q   <= {AccBits{1'b0}};
              carry_q <= {AccBits{1'b0}};
              res_q   <= {AccBits{1'b0}};
            end else begin
              if (en) begin
                sum_q   <= sum_d;
                carry_q <= carry_d;
              end
              if (fin_q) res_q <= sum_q + carry_q;  // the one CPA, after the K loop
            end
          end
          assign res_o[O*AccBits +: AccBits]   = res_q;
          assign sums[O*AccBits +: AccBits]    = sum_q;
          assign carries[O*AccBits +: AccBits] = carry_q;
        end
      end
      assign state_o = {b_q, a_q, ctrl_q, fin_q, carries, sums};

    // ==== opt2: bit weight before K ===========================================
    end else begin : g_opt2
      localparam integer NarrowBits = PpBits + $clog2(TpeK);  // tpe_tree_narrow_bits()
      localparam integer NegBits    = 8 + $clog2(TpeK);       // holds TpeK * 85
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) done_q <= 1'b0;
        else done_q <= lst;
      end
      for (m = 0; m < TpeM; m = m + 1) begin : g_row
        // row m's encoders, shared by the columns, and the sum of their neg vectors
        wire [TpeK*12-1:0] dig;
        for (k = 0; k < TpeK; k = k + 1) begin : g_enc
          tpe_tree_enc #(.TpeEncoding(TpeEncoding)) u_enc (.a_i(a_q[(m*TpeK+k)*8 +: 8]), .dig_o(dig[k*12 +: 12]));
          wire [NegBits-1:0] nv = {{(NegBits - 7){1'b0}},
                                   dig[k*12+9], 1'b0, dig[k*12+6], 1'b0, dig[k*12+3], 1'b0, dig[k*12]};
          wire [NegBits-1:0] acc;  // neg vectors 0..k, summed
          if (k == 0) begin : g_first
            assign acc = nv;
          end else begin : g_next
            assign acc = g_enc[k-1].acc + nv;
          end
        end
        wire [AccBits-1:0] negsum = {{(AccBits - NegBits){1'b0}}, g_enc[TpeK-1].acc};

        for (n = 0; n < TpeN; n = n + 1) begin : g_col
          localparam integer O = m * TpeN + n;  // the output's index
          wire [TpeK*4*PpBits-1:0] pp;  // pp of (k, bw) at (k*4+bw)*PpBits
          for (k = 0; k < TpeK; k = k + 1) begin : g_pp
            tpe_tree_ppgen u_ppgen (
              .dig_i(dig[k*12 +: 12]), .b_i(b_q[(n*TpeK+k)*8 +: 8]), .pp_o(pp[k*4*PpBits +: 4*PpBits])
            );
          end
          reg  [AccBits-1:0]   acc_q;
          wire [6*AccBits-1:0] fin_ops;
          for (bw = 0; bw < 4; bw = bw + 1) begin : g_bw
            wire [TpeK*NarrowBits-1:0] ops;
            for (k = 0; k < TpeK; k = k + 1) begin : g_k
              wire [PpBits-1:0] p = pp[(k*4+bw)*PpBits +: PpBits];
              if (NarrowBits > PpBits) begin : g_ext
                assign ops[k*NarrowBits +: NarrowBits] = {{(NarrowBits - PpBits){p[PpBits-1]}}, p};
              end else begin : g_same
                assign ops[k*NarrowBits +: NarrowBits] = p;
              end
            end
            wire [NarrowBits-1:0] s, c;
            tpe_tree_csa #(.NumOps(TpeK), .Width(NarrowBits)) u_csa (.ops_i(ops), .sum_o(s), .carry_o(c));
            wire [NarrowBits-1:0] w = s + c;  // the narrow add
            wire [AccBits-1:0] ext = {{(AccBits - NarrowBits){w[NarrowBits-1]}}, w};
            assign fin_ops[bw*AccBits +: AccBits] = ext << (2 * bw);  // the shift, once
          end
          assign fin_ops[4*AccBits +: AccBits] = negsum;
          assign fin_ops[5*AccBits +: AccBits] = clr ? {AccBits{1'b0}} : acc_q;
          wire [AccBits-1:0] s, c;
          tpe_tree_csa #(.NumOps(6), .Width(AccBits)) u_fin (.ops_i(fin_ops), .sum_o(s), .carry_o(c));
          always @(posedge clk_i or negedge rst_ni) begin
            if (!rst_ni) acc_q <= {AccBits{1'b0}};
            else if (en) acc_q <= s + c;  // the full add, once
          end
          assign res_o[O*AccBits +: AccBits] = acc_q;
        end
      end
      assign state_o = {b_q, a_q, ctrl_q};
    end
  endgenerate

  assign done_o = done_q;
endmodule
