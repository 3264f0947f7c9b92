// pim_fp32_add: binary32 + binary32 -> binary32, rounded to nearest, ties
// to even; subnormal inputs and results honoured (no flush), overflow to
// +-infinity; any NaN input and inf + (-inf) give the canonical NaN
// 32'h7fc00000; an exact zero sum of operands of different signs is +0.
// Combinational. One of the 15 adders of a PIM bank's adder tree, and its
// accumulator adder.
// Algorithm (the same steps as pim_fp32_add() in sim/pim/pim_fp.c, its C
// twin; semantics in sim/pim/pim_fp.h): x = the operand of larger
// magnitude (a on a tie); 24-bit significands with three extra bits
// (guard, round, sticky); y aligned right by d = Ex - Ey with the lost bits
// ORed into the sticky; add or subtract; a carry shifts right by one, else
// shift left by min(leading zeros, E - 1); round to nearest even; a
// significand carry bumps E; E >= 255 is infinity.
module pim_fp32_add (a_i, b_i, s_o);
  input  wire [31:0] a_i;
  input  wire [31:0] b_i;
  output reg  [31:0] s_o;

  wire        a_nan = (a_i[30:23] == 8'hff) && (a_i[22:0] != 23'd0);
  wire        b_nan = (b_i[30:23] == 8'hff) && (b_i[22:0] != 23'd0);
  wire        a_inf = (a_i[30:23] == 8'hff) && (a_i[22:0] == 23'd0);
  wire        b_inf = (b_i[30:23] == 8'hff) && (b_i[22:0] == 23'd0);
  wire        swap  = b_i[30:0] > a_i[30:0];
  wire [31:0] x     = swap ? b_i : a_i;
  wire [31:0] y     = swap ? a_i : b_i;
  wire        sx    = x[31];
  wire        sy    = y[31];
  wire [7:0]  ex1   = (x[30:23] == 8'd0) ? 8'd1 : x[30:23];
  wire [7:0]  ey1   = (y[30:23] == 8'd0) ? 8'd1 : y[30:23];
  wire [26:0] mx    = {x[30:23] != 8'd0, x[22:0], 3'b000};
  wire [26:0] my0   = {y[30:23] != 8'd0, y[22:0], 3'b000};
  wire [7:0]  d     = ex1 - ey1;

  reg  [26:0] my;     // y aligned, sticky in bit 0
  reg  [27:0] s;      // x +- y
  reg  [26:0] sn;     // normalized: leading one at bit 26 (or a subnormal)
  reg  [8:0]  e;      // exponent of sn
  reg  [4:0]  lz;     // leading zeros of s[26:0]
  reg  [4:0]  sh;     // left shift: min(lz, e - 1)
  reg         found;
  reg  [24:0] m;      // rounded significand, with its carry
  integer i;
  always @* begin
    if (d >= 8'd27) my = {26'd0, my0 != 27'd0};
    else my = (my0 >> d) | {26'd0, (my0 & ((27'd1 << d) - 27'd1)) != 27'd0};
    s = (sx == sy) ? {1'b0, mx} + {1'b0, my} : {1'b0, mx} - {1'b0, my};
    lz = 5'd0;
    found = 1'b0;
    for (i = 26; i >= 0; i = i - 1) begin
      if (!found) begin
        if (s[i]) found = 1'b1;
        else lz = lz + 5'd1;
      end
    end
    if (s[27]) begin
      sn = s[27:1] | {26'd0, s[0]};
      e  = {1'b0, ex1} + 9'd1;
      sh = 5'd0;
    end else begin
      sh = ({4'd0, lz} < {1'b0, ex1} - 9'd1) ? lz : ex1[4:0] - 5'd1;
      sn = s[26:0] << sh;
      e  = {1'b0, ex1} - {4'd0, sh};
    end
    m = {1'b0, sn[26:3]} + {24'd0, sn[2] & (sn[1] | sn[0] | sn[3])};
    if (m[24]) begin
      m = {1'b0, m[24:1]};
      e = e + 9'd1;
    end
    if (a_nan || b_nan || (a_inf && b_inf && (a_i[31] != b_i[31]))) s_o = 32'h7fc00000;
    else if (a_inf) s_o = a_i;
    else if (b_inf) s_o = b_i;
    else if (s == 28'd0) s_o = {(sx == sy) & sx, 31'd0};
    else if (e >= 9'd255) s_o = {sx, 8'hff, 23'd0};
    else s_o = {sx, m[23] ? e[7:0] : 8'd0, m[22:0]};
  end
endmodule
