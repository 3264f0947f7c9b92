// mac_tc_acc: one output-stationary accumulator of the MAC tensor core: a
// register and its adder. A valid beat (en_i) loads the dot product when it
// starts an output block (clr_i), else adds it; the register wraps at
// AccBits. Reset clears it.
// C twin: sim/mac/mac_array.c (the accumulator stage of mac_array_eval()).
// Instantiated CoreM * CoreN times by mac_tc_array.
module mac_tc_acc (clk_i, rst_ni, en_i, clr_i, sum_i, acc_o);
  parameter integer SumBits = 15;  // dot-product width, signed
  parameter integer AccBits = 32;  // accumulator width (> SumBits)

  input  wire               clk_i;
  input  wire               rst_ni;
  input  wire               en_i;   // a valid beat reaches the accumulator
  input  wire               clr_i;  // it starts an output block
  input  wire [SumBits-1:0] sum_i;  // its dot product
  output wire [AccBits-1:0] acc_o;

  reg  [AccBits-1:0] acc_q;
  wire [AccBits-1:0] acc_d;
  wire [AccBits-1:0] sum_ext = {{(AccBits - SumBits){sum_i[SumBits-1]}}, sum_i};

  assign acc_d = clr_i ? sum_ext : acc_q + sum_ext;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) acc_q <= {AccBits{1'b0}};
    else if (en_i) acc_q <= acc_d;
  end

  assign acc_o = acc_q;
endmodule
