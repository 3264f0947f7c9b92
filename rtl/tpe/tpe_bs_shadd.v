// tpe_bs_shadd: the shift/add outside a bit-slice PE (HPCA'25 bit-weight
// paper, OPT3): the cycle after a pass of digit weight bw ended (fin_i),
// res = (bw == 0 ? 0 : res) + sext(sum + carry) << 2bw, 32 bits, wrapping.
// C twin: sim/tpe/tpe_bs.c (the fin step of tpe_bs_eval).
module tpe_bs_shadd (clk_i, rst_ni, fin_i, bw_i, sum_i, carry_i, res_o);
  localparam integer ScBits  = 26;
  localparam integer AccBits = 32;

  input  wire               clk_i;
  input  wire               rst_ni;
  input  wire               fin_i;
  input  wire [1:0]         bw_i;
  input  wire [ScBits-1:0]  sum_i;
  input  wire [ScBits-1:0]  carry_i;
  output wire [AccBits-1:0] res_o;

  wire [ScBits-1:0]  pass = sum_i + carry_i;
  wire [AccBits-1:0] ext  = {{(AccBits - ScBits){pass[ScBits-1]}}, pass};
  reg  [AccBits-1:0] res_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) res_q <= {AccBits{1'b0}};
    else if (fin_i) res_q <= (bw_i == 2'd0 ? {AccBits{1'b0}} : res_q) + (ext << {bw_i, 1'b0});
  end
  assign res_o = res_q;
endmodule
