// lut_tc_acc: one output-stationary accumulator of the LUT Tensor Core array.
//
// acc = (first ? 0 : acc) + term on a valid step, wrapping at AccW bits like
// the INT32/INT64 accumulator it models (docs/machine.md); a stall holds it.
// CoreM x CoreN of them in lut_tc_array.
// C twin: sim/lut/lut_array.c (lut_array_regs_t.acc).
module lut_tc_acc #(
  parameter integer TermW = 20,  // term bits (signed)
  parameter integer AccW  = 32   // accumulator bits
) (
  input  wire             clk_i,
  input  wire             rst_ni,
  input  wire             en_i,     // a valid step reaches the accumulator
  input  wire             first_i,  // it starts an output block
  input  wire [TermW-1:0] term_i,
  output wire [AccW-1:0]  acc_o
);
  // the term sign-extended (or cut) to the accumulator width
  wire [AccW-1:0] term_x;
  generate
    if (AccW > TermW) begin : g_ext
      assign term_x = {{(AccW - TermW){term_i[TermW-1]}}, term_i};
    end else if (AccW == TermW) begin : g_same
      assign term_x = term_i;
    end else begin : g_cut
      assign term_x = term_i[AccW-1:0];
      wire unused_hi = ^term_i[TermW-1:AccW];
    end
  endgenerate

  reg  [AccW-1:0] acc_q;
  wire [AccW-1:0] acc_d = (first_i ? {AccW{1'b0}} : acc_q) + term_x;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      acc_q <= {AccW{1'b0}};
    end else if (en_i) begin
      acc_q <= acc_d;
    end
  end

  assign acc_o = acc_q;
endmodule
