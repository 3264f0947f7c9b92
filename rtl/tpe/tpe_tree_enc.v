// tpe_tree_enc: radix-4 digit encoder of one INT8 operand a, four digits
// a = sum_bw d[bw] * 4^bw, each as the three wires the partial-product mux
// takes: {two, one, neg} at 3*bw (neg: d < 0, one: |d| = 1, two: |d| = 2).
//   TpeEncoding 0 (MBE, modified Booth): d = -2 a[2bw+1] + a[2bw] + a[2bw-1].
//   TpeEncoding 1 (EN-T): digits of |a| over {-1, 0, 1, 2}, LSB first (a
//   digit 3 becomes -1 and carries), then the sign of a applied to each.
// HPCA'25 bit-weight paper (REFERENCES.md); tpe.encoding in params.def.
// C twin: sim/tpe/tpe_enc.c (tpe_enc_digits()).
// Combinational; in tpe_tree_mul (base), per multiplier in tpe_tree_core
// (opt1) or shared by the columns (opt2).
module tpe_tree_enc (a_i, dig_o);
  parameter integer TpeEncoding = 0;  // 0 mbe, 1 ent (tpe.encoding)

  input  wire [7:0]  a_i;    // two's complement
  output wire [11:0] dig_o;  // digit bw at 3*bw: {two, one, neg}

  genvar bw;
  generate
    if (TpeEncoding == 0) begin : g_mbe
      wire [8:0] ax = {a_i, 1'b0};  // a[-1] = 0
      for (bw = 0; bw < 4; bw = bw + 1) begin : g_dig
        wire hi  = ax[2*bw+2];
        wire mid = ax[2*bw+1];
        wire lo  = ax[2*bw];
        assign dig_o[3*bw]   = hi & ~(mid & lo);
        assign dig_o[3*bw+1] = mid ^ lo;
        assign dig_o[3*bw+2] = (hi & ~mid & ~lo) | (~hi & mid & lo);
      end
    end else begin : g_ent
      wire       s   = a_i[7];
      wire [7:0] mag = s ? (8'd0 - a_i) : a_i;  // |a|, 128 for -128
      for (bw = 0; bw < 4; bw = bw + 1) begin : g_dig
        // carry into digit bw: the digits below it reach at most
        // 2 (4^bw - 1) / 3, so it carries iff mag mod 4^bw exceeds that
        wire cy;
        if (bw == 0) begin : g_c0
          assign cy = 1'b0;
        end else begin : g_cn
          assign cy = {1'b0, mag[2*bw-1:0]} >= (2 * (1 << (2 * bw)) + 1) / 3;
        end
        wire [2:0] v  = {1'b0, mag[2*bw+1:2*bw]} + {2'b00, cy};  // 0..4
        wire       m1 = v == 3'd3;                               // digit -1
        assign dig_o[3*bw]   = (v == 3'd1 || v == 3'd2 || m1) & (s ^ m1);
        assign dig_o[3*bw+1] = v == 3'd1 || m1;
        assign dig_o[3*bw+2] = v == 3'd2;
      end
    end
  endgenerate
endmodule
