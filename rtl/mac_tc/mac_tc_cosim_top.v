// mac_tc_cosim_top: mac_tc_core behind the co-simulation interface of
// sim/cosim/cosim.h: clk_i, rst_ni, in_i (everything the core reads in a
// cycle) and out_o (its registered state), packed LSB first.
// C twin: sim/cosim/blk_mac_tc.c (block "mac_tc", packing the same buses
// around sim/mac/mac_array.c).
//
// in_i:  bit 0 valid, bit 1 first, bit 2 last,
//        then act  a[m][k] (ActBits each) at 3 + (m*CoreK+k)*ActBits,
//        then q    q[n][k] (4 bits each)  at 3 + ABits + (n*CoreK+k)*4,
//        then z    z[n]    (4 bits each)  at 3 + ABits + QBits + n*4.
// out_o: acc[m][n] (AccBits each) at (m*CoreN+n)*AccBits,
//        then done (1 bit) at CBits,
//        then the pipeline registers (mac_tc_array.v's pipe_o) at CBits + 1.
module mac_tc_cosim_top (clk_i, rst_ni, in_i, out_o);
  parameter integer CoreM              = 2;
  parameter integer CoreN              = 64;
  parameter integer CoreK              = 4;
  parameter integer CorePipelineCycles = 2;
  parameter integer ActBits            = 8;
  parameter integer AccBits            = 32;

  localparam integer WBits    = 4;
  localparam integer P        = CorePipelineCycles;
  localparam integer DqBits   = WBits + 1;
  localparam integer SumBits  = ActBits + DqBits + $clog2(CoreK);
  localparam integer ABits    = CoreM * CoreK * ActBits;
  localparam integer QBits    = CoreN * CoreK * WBits;
  localparam integer ZBits    = CoreN * WBits;
  localparam integer CBits    = CoreM * CoreN * AccBits;
  localparam integer PipeBits = 3 * P + ABits + CoreN * CoreK * DqBits + (P - 1) * CoreM * CoreN * SumBits;
  localparam integer InBits   = 3 + ABits + QBits + ZBits;
  localparam integer OutBits  = CBits + 1 + PipeBits;

  input  wire               clk_i;
  input  wire               rst_ni;
  input  wire [InBits-1:0]  in_i;
  output wire [OutBits-1:0] out_o;

  wire [CBits-1:0]    acc;
  wire                done;
  wire [PipeBits-1:0] pipe;

  mac_tc_core #(
    .CoreM(CoreM),
    .CoreN(CoreN),
    .CoreK(CoreK),
    .CorePipelineCycles(CorePipelineCycles),
    .ActBits(ActBits),
    .AccBits(AccBits)
  ) u_core (
    .clk_i(clk_i),
    .rst_ni(rst_ni),
    .valid_i(in_i[0]),
    .first_i(in_i[1]),
    .last_i(in_i[2]),
    .act_i(in_i[3 +: ABits]),
    .q_i(in_i[3 + ABits +: QBits]),
    .z_i(in_i[3 + ABits + QBits +: ZBits]),
    .acc_o(acc),
    .done_o(done),
    .pipe_o(pipe)
  );

  assign out_o = {pipe, done, acc};
endmodule
