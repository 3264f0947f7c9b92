// mac_tc_dequant: the dequantizer of one weight column of the MAC tensor
// core: w[k] = q[k] - z for the column's CoreK weights ("dequantize, then
// MAC", LUT TC §2.2/§5). q and z are WBits-bit unsigned (weights W1..W4,
// 0 <= z < 2^W, docs/machine.md); w is WBits+1 bits signed.
// C twin: sim/mac/mac_array.c (dequant()).
// Combinational; instantiated CoreN times by mac_tc_array.
module mac_tc_dequant (q_i, z_i, w_o);
  parameter integer CoreK = 4;  // weights per column per beat (core.k)
  parameter integer WBits = 4;  // width of q and z

  localparam integer DqBits = WBits + 1;  // width of q - z, signed

  input  wire [CoreK*WBits-1:0]  q_i;  // q[k] at k*WBits
  input  wire [WBits-1:0]        z_i;  // the column's zero point
  output wire [CoreK*DqBits-1:0] w_o;  // w[k] at k*DqBits

  genvar k;
  generate
    for (k = 0; k < CoreK; k = k + 1) begin : g_k
      assign w_o[k*DqBits +: DqBits] = {1'b0, q_i[k*WBits +: WBits]} - {1'b0, z_i};
    end
  endgenerate
endmodule
