// pim_fp16_mul: one of a PIM bank's 16 multipliers: binary16 x binary16 ->
// binary32, exact (the 11 x 11-bit significand product has at most 22
// bits and its exponent lies inside binary32's normal range, so nothing is
// rounded and no product is subnormal). NaN inputs and inf x 0 give the
// canonical NaN 32'h7fc00000; inf x non-zero gives the signed infinity; a
// zero product has the sign xor of the operands; subnormal inputs are
// honoured. Combinational.
// C twin: pim_fp16_mul() in sim/pim/pim_fp.c (the same steps); semantics in
// sim/pim/pim_fp.h.
module pim_fp16_mul (a_i, b_i, p_o);
  input  wire [15:0] a_i;
  input  wire [15:0] b_i;
  output reg  [31:0] p_o;

  wire        s    = a_i[15] ^ b_i[15];
  wire [4:0]  ea   = a_i[14:10];
  wire [4:0]  eb   = b_i[14:10];
  wire [9:0]  fa   = a_i[9:0];
  wire [9:0]  fb   = b_i[9:0];
  wire        a_nan  = (ea == 5'h1f) && (fa != 10'd0);
  wire        b_nan  = (eb == 5'h1f) && (fb != 10'd0);
  wire        a_inf  = (ea == 5'h1f) && (fa == 10'd0);
  wire        b_inf  = (eb == 5'h1f) && (fb == 10'd0);
  wire        a_zero = (ea == 5'd0) && (fa == 10'd0);
  wire        b_zero = (eb == 5'd0) && (fb == 10'd0);
  // significands with the hidden bit; a subnormal counts as exponent 1
  wire [10:0] ma = {ea != 5'd0, fa};
  wire [10:0] mb = {eb != 5'd0, fb};
  wire [7:0]  ea1 = {3'b000, (ea == 5'd0) ? 5'd1 : ea};
  wire [7:0]  eb1 = {3'b000, (eb == 5'd0) ? 5'd1 : eb};
  wire [21:0] p   = ma * mb;

  reg  [4:0]  msb;    // position of p's leading one
  reg  [22:0] pn;     // p shifted so that its leading one leaves at bit 23: the fraction
  reg  [7:0]  e;      // binary32 exponent field: msb + Ea + Eb - 50 + 127
  integer i;
  always @* begin
    msb = 5'd0;
    for (i = 0; i < 22; i = i + 1)
      if (p[i]) msb = i[4:0];
    pn = {1'b0, p} << (5'd23 - msb);
    e  = {3'b000, msb} + ea1 + eb1 + 8'd77;
    if (a_nan || b_nan || (a_inf && b_zero) || (b_inf && a_zero)) p_o = 32'h7fc00000;
    else if (a_inf || b_inf) p_o = {s, 8'hff, 23'd0};
    else if (a_zero || b_zero) p_o = {s, 31'd0};
    else p_o = {s, e, pn};
  end
endmodule
