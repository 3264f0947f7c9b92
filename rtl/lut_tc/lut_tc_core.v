// lut_tc_core: the LUT Tensor Core, synthesizable top (INT8 activations).
//
// The table-precompute unit (lut_tc_precompute, tpre.tables_per_cycle lanes)
// and the CoreM x CoreN lookup array (lut_tc_array: lut_tc_table x CoreM,
// lut_tc_lookup and lut_tc_acc x CoreM*CoreN), side by side as in the
// machine, where TBUF sits between them (docs/machine.md): the precompute
// unit's tables go to TBUF, the array reads its tables from TBUF.
// Parameters: CoreM .. TpreTablesPerCycle are the UpperCamelCase of the
// params.def keys (core.m -> CoreM, ...), passed by the co-simulation and
// area flows from the arch config. ActW/EntryW/AccW are the datapath widths,
// by default those of INT8 activations (docs/machine.md: int16 table
// entries, INT32 accumulators); INT16 would be 16/32/64.
// C twins: sim/lut/lut_array.c, sim/lut/lut_precompute.c (co-simulated
// through lut_tc_cosim_top, block "lut_tc", sim/cosim/blk_lut_tc.c).
module lut_tc_core #(
  parameter integer CoreM              = 2,   // core.m
  parameter integer CoreN              = 64,  // core.n
  parameter integer CoreK              = 4,   // core.k
  parameter integer CorePipelineCycles = 2,   // core.pipeline_cycles
  parameter integer TpreTablesPerCycle = 2,   // tpre.tables_per_cycle
  parameter integer ActW               = 8,   // activation bits
  parameter integer EntryW             = 16,  // table entry bits
  parameter integer AccW               = 32,  // accumulator bits
  parameter integer PlaneW             = 2    // plane index bits: W <= 4 (isa/coda.isa wbits)
) (
  input  wire                                                     clk_i,
  input  wire                                                     rst_ni,
  // array
  input  wire                                                     valid_i,
  input  wire                                                     first_i,
  input  wire                                                     last_i,
  input  wire [PlaneW-1:0]                                          plane_i,
  input  wire [CoreM*(1 << (CoreK - 1))*EntryW-1:0]                 tbl_i,
  input  wire [CoreN*CoreK-1:0]                                   fld_i,
  output wire [CoreM*CoreN*AccW-1:0]                              acc_o,
  output wire                                                     done_o,
  // precompute
  input  wire                                                     pre_valid_i,
  input  wire [TpreTablesPerCycle*CoreK*ActW-1:0]                  pre_act_i,
  output wire                                                     pre_valid_o,
  output wire [TpreTablesPerCycle*(1 << (CoreK - 1))*EntryW-1:0]    pre_tbl_o,
  // the array's registered state, for co-simulation (no logic of its own)
  output wire [3*((CorePipelineCycles > 0) ? CorePipelineCycles : 1)-1:0] ctrl_q_o,
  output wire [PlaneW-1:0]                                          plane_q_o,
  output wire [CoreM*(1 << (CoreK - 1))*EntryW-1:0]                 tbl_q_o,
  output wire [CoreN*CoreK-1:0]                                   fld_q_o,
  output wire [((CorePipelineCycles > 1) ? CorePipelineCycles - 1 : 1)*CoreM*CoreN*(EntryW+(1 << PlaneW))-1:0] term_q_o
);
  lut_tc_array #(
    .CoreM              (CoreM),
    .CoreN              (CoreN),
    .CoreK              (CoreK),
    .CorePipelineCycles (CorePipelineCycles),
    .EntryW             (EntryW),
    .AccW               (AccW),
    .PlaneW             (PlaneW)
  ) u_array (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .valid_i   (valid_i),
    .first_i   (first_i),
    .last_i    (last_i),
    .plane_i   (plane_i),
    .tbl_i     (tbl_i),
    .fld_i     (fld_i),
    .acc_o     (acc_o),
    .done_o    (done_o),
    .ctrl_q_o  (ctrl_q_o),
    .plane_q_o (plane_q_o),
    .tbl_q_o   (tbl_q_o),
    .fld_q_o   (fld_q_o),
    .term_q_o  (term_q_o)
  );

  lut_tc_precompute #(
    .CoreK  (CoreK),
    .Lanes  (TpreTablesPerCycle),
    .ActW   (ActW),
    .EntryW (EntryW)
  ) u_precompute (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .valid_i (pre_valid_i),
    .act_i   (pre_act_i),
    .valid_o (pre_valid_o),
    .tbl_o   (pre_tbl_o)
  );
endmodule
