// tpe_bs_pe: one sparse-digit bit-serial PE of the bit-slice array (HPCA'25
// bit-weight paper, OPT3): a partial-product mux (digit {two, one, neg} x
// b -> 0, +-b, +-2b as (neg ? ~m : m)), one 3:2 compressor and 26-bit sum
// and carry registers. The +1 of a negative digit enters the carry LSB (free
// after the compressor's shift). en_i: the column works on a beat this cycle;
// clr_i: its first cycle of a pass's first group (sum, carry start from 0).
// No shift and no adder here: tpe_bs_shadd does those outside the PE.
// C twin: sim/tpe/tpe_bs.c (the PE loop of tpe_bs_eval).
module tpe_bs_pe (clk_i, rst_ni, en_i, clr_i, dig_i, b_i, sum_o, carry_o);
  localparam integer ScBits = 26;

  input  wire              clk_i;
  input  wire              rst_ni;
  input  wire              en_i;
  input  wire              clr_i;
  input  wire [2:0]        dig_i;  // {two, one, neg}
  input  wire [7:0]        b_i;    // B[k] of the selected k
  output wire [ScBits-1:0] sum_o;
  output wire [ScBits-1:0] carry_o;

  wire              neg = dig_i[0];
  wire [ScBits-1:0] bx  = {{(ScBits - 8){b_i[7]}}, b_i};
  wire [ScBits-1:0] mg  = dig_i[1] ? bx : dig_i[2] ? {bx[ScBits-2:0], 1'b0} : {ScBits{1'b0}};
  wire [ScBits-1:0] pp  = neg ? ~mg : mg;

  reg  [ScBits-1:0] sum_q, carry_q;
  wire [ScBits-1:0] x   = clr_i ? {ScBits{1'b0}} : sum_q;
  wire [ScBits-1:0] y   = clr_i ? {ScBits{1'b0}} : carry_q;
  wire [ScBits-2:0] maj = (x[ScBits-2:0] & y[ScBits-2:0]) | (x[ScBits-2:0] & pp[ScBits-2:0]) |
                          (y[ScBits-2:0] & pp[ScBits-2:0]);  // top bit shifts out

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      sum_q   <= {ScBits{1'b0}};
      carry_q <= {ScBits{1'b0}};
    end else if (en_i) begin
      sum_q   <= x ^ y ^ pp;
      carry_q <= {maj, neg};
    end
  end
  assign sum_o   = sum_q;
  assign carry_o = carry_q;
endmodule
