// mac_tc_core: the MAC tensor-core baseline ("dequantize, then MAC", LUT TC
// §2.2/§5) as synthesized: the CoreM x CoreN x CoreK array with its
// CorePipelineCycles register stages, INT8 activations (ActBits), weights
// up to W4 with per-column zero points (WBits) and INT32 accumulators
// (AccBits). CoreM, CoreN, CoreK and CorePipelineCycles are the arch
// config's core.m, core.n, core.k and core.pipeline_cycles (sim/core/
// params.def), passed by the flows as -G / chparam values; the defaults
// below only serve standalone lint. ActBits and AccBits are the ISA's int8
// and int32 widths; overriding them (16, 64) gives the INT16 / INT64
// datapath the C twin also models.
// C twin: sim/mac/mac_array.c (device use: sim/mac/mac_core.c).
// Submodules: mac_tc_array (pipeline registers) > mac_tc_dequant (x CoreN),
// mac_tc_dot (x CoreM*CoreN), mac_tc_acc (x CoreM*CoreN).
// Ports and bus layouts: see mac_tc_array.v. pipe_o exposes the pipeline
// registers to co-simulation; it adds no logic.
module mac_tc_core (clk_i, rst_ni, valid_i, first_i, last_i, act_i, q_i, z_i,
                    acc_o, done_o, pipe_o);
  parameter integer CoreM              = 2;
  parameter integer CoreN              = 64;
  parameter integer CoreK              = 4;
  parameter integer CorePipelineCycles = 2;
  parameter integer ActBits            = 8;   // int8 activations
  parameter integer AccBits            = 32;  // int32 accumulators

  localparam integer WBits    = 4;            // weights W1..W4 (docs/machine.md)
  localparam integer P        = CorePipelineCycles;
  localparam integer DqBits   = WBits + 1;
  localparam integer SumBits  = ActBits + DqBits + $clog2(CoreK);
  localparam integer ABits    = CoreM * CoreK * ActBits;
  localparam integer QBits    = CoreN * CoreK * WBits;
  localparam integer CBits    = CoreM * CoreN * AccBits;
  localparam integer PipeBits = 3 * P + ABits + CoreN * CoreK * DqBits + (P - 1) * CoreM * CoreN * SumBits;

  input  wire                   clk_i;
  input  wire                   rst_ni;
  input  wire                   valid_i;
  input  wire                   first_i;
  input  wire                   last_i;
  input  wire [ABits-1:0]       act_i;
  input  wire [QBits-1:0]       q_i;
  input  wire [CoreN*WBits-1:0] z_i;
  output wire [CBits-1:0]       acc_o;
  output wire                   done_o;
  output wire [PipeBits-1:0]    pipe_o;

  mac_tc_array #(
    .CoreM(CoreM),
    .CoreN(CoreN),
    .CoreK(CoreK),
    .CorePipelineCycles(CorePipelineCycles),
    .ActBits(ActBits),
    .WBits(WBits),
    .AccBits(AccBits)
  ) u_array (
    .clk_i(clk_i),
    .rst_ni(rst_ni),
    .valid_i(valid_i),
    .first_i(first_i),
    .last_i(last_i),
    .act_i(act_i),
    .q_i(q_i),
    .z_i(z_i),
    .acc_o(acc_o),
    .done_o(done_o),
    .pipe_o(pipe_o)
  );
endmodule
