// lut_tc_array: the CoreM x CoreN lookup array of the LUT Tensor Core
// (LUT TC §3.3), INT datapath.
//
// Each cycle it may take one step: the CoreM rows' tables of one K-group,
// the CoreN K-bit weight fields of one bit-plane b, and valid/first/last.
// With P = CorePipelineCycles register stages before the accumulators:
//
//   step --> [stage 1: lut_tc_table x CoreM, fields, b] --> lut_tc_lookup x CoreM*CoreN
//        --> [stage 2..P: term registers in each lookup] --> lut_tc_acc x CoreM*CoreN
//
// P = 1: table registers only; P = 0: no stage (the step's wires drive the
// lookups). Data registers load on a valid step (a stall holds them); the
// control bits (valid, first, last) move one stage per clock. done_o is 1
// in the cycle after a block's last step was accumulated, while acc_o holds
// the finished block. A step presented in cycle t is in the accumulators
// after the clock of cycle t + P (docs/machine.md LMMA timing).
// The *_q_o outputs expose every register (co-simulation compares them);
// they add no logic.
// C twin: sim/lut/lut_array.c (same registers: lut_array_regs_t).
module lut_tc_array #(
  parameter integer CoreM              = 2,   // core.m: rows
  parameter integer CoreN              = 64,  // core.n: columns
  parameter integer CoreK              = 4,   // core.k: activations per table group
  parameter integer CorePipelineCycles = 2,   // core.pipeline_cycles: 0..64
  parameter integer EntryW             = 16,  // table entry bits
  parameter integer AccW               = 32,  // accumulator bits
  parameter integer PlaneW             = 2    // plane index bits (W <= 4, isa/coda.isa)
) (
  input  wire                                           clk_i,
  input  wire                                           rst_ni,
  input  wire                                           valid_i,  // 0: operand stall
  input  wire                                           first_i,  // step starts an output block
  input  wire                                           last_i,   // step ends an output block
  input  wire [PlaneW-1:0]                              plane_i,  // bit-plane b
  input  wire [CoreM*(1 << (CoreK - 1))*EntryW-1:0]     tbl_i,    // row m, entry e at (m*E+e)*EntryW
  input  wire [CoreN*CoreK-1:0]                         fld_i,    // column n at n*CoreK
  output wire [CoreM*CoreN*AccW-1:0]                    acc_o,    // (m*CoreN+n)*AccW
  output wire                                           done_o,
  // registered state, for co-simulation
  output wire [3*((CorePipelineCycles > 0) ? CorePipelineCycles : 1)-1:0] ctrl_q_o,  // stage s: {last, first, valid} at 3*(s-1)
  output wire [PlaneW-1:0]                              plane_q_o,
  output wire [CoreM*(1 << (CoreK - 1))*EntryW-1:0]     tbl_q_o,
  output wire [CoreN*CoreK-1:0]                         fld_q_o,
  output wire [((CorePipelineCycles > 1) ? CorePipelineCycles - 1 : 1)*CoreM*CoreN*(EntryW+(1 << PlaneW))-1:0]
                                                        term_q_o  // stage s, row m, column n at ((s-2)*M*N+m*N+n)*TermW
);
  localparam integer P          = CorePipelineCycles;
  localparam integer NumEntries = 1 << (CoreK - 1);
  localparam integer TblW       = NumEntries * EntryW;   // one row's table
  localparam integer TermW      = EntryW + (1 << PlaneW); // EntryW + 1 + max shift
  localparam integer Stages     = (P > 1) ? P - 1 : 0;   // term registers per lookup
  localparam integer StW        = (Stages > 0) ? Stages : 1;
  localparam integer CtrlN      = (P > 0) ? P : 1;
  localparam integer MN         = CoreM * CoreN;

  // ---- stage 1 (P >= 1): control, plane, fields, tables -------------------
  wire [CoreM*TblW-1:0]  tbl_s;    // tables the lookups read
  wire [CoreN*CoreK-1:0] fld_s;    // fields the lookups read
  wire [PlaneW-1:0]      plane_s;
  wire [3*CtrlN-1:0]     ctrl_q;   // {last, first, valid} per stage
  wire [2:0]             ctrl_in = valid_i ? {last_i, first_i, 1'b1} : 3'b000;
  wire [2:0]             ctrl_acc; // control of the step reaching the accumulators

  genvar m, n, s;
  generate
    if (P == 0) begin : g_nostage
      assign tbl_s    = tbl_i;
      assign fld_s    = fld_i;
      assign plane_s  = plane_i;
      assign ctrl_q   = 3'b000;
      assign ctrl_acc = ctrl_in;
      assign tbl_q_o  = {(CoreM*TblW){1'b0}};
      assign fld_q_o  = {(CoreN*CoreK){1'b0}};
      assign plane_q_o = {PlaneW{1'b0}};
    end else begin : g_stage1
      for (m = 0; m < CoreM; m = m + 1) begin : g_row
        lut_tc_table #(
          .CoreK  (CoreK),
          .EntryW (EntryW)
        ) u_table (
          .clk_i  (clk_i),
          .rst_ni (rst_ni),
          .en_i   (valid_i),
          .tbl_i  (tbl_i[m*TblW +: TblW]),
          .tbl_o  (tbl_s[m*TblW +: TblW])
        );
      end

      reg [CoreN*CoreK-1:0] fld_q;
      reg [PlaneW-1:0]      plane_q;
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          fld_q   <= {(CoreN*CoreK){1'b0}};
          plane_q <= {PlaneW{1'b0}};
        end else if (valid_i) begin
          fld_q   <= fld_i;
          plane_q <= plane_i;
        end
      end
      assign fld_s    = fld_q;
      assign plane_s  = plane_q;
      assign tbl_q_o  = tbl_s;
      assign fld_q_o  = fld_q;
      assign plane_q_o = plane_q;

      // control bits, one register per stage, moving every clock
      for (s = 0; s < P; s = s + 1) begin : g_ctrl
        reg  [2:0] ctrl_r;
        wire [2:0] ctrl_d;
        if (s == 0) begin : g_in
          assign ctrl_d = ctrl_in;
        end else begin : g_shift
          assign ctrl_d = ctrl_q[3*(s-1) +: 3];
        end
        always @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) begin
            ctrl_r <= 3'b000;
          end else begin
            ctrl_r <= ctrl_d;
          end
        end
        assign ctrl_q[3*s +: 3] = ctrl_r;
      end
      assign ctrl_acc = ctrl_q[3*(P-1) +: 3];
    end
  endgenerate
  assign ctrl_q_o = ctrl_q;

  // ---- term register enables: stage s+2 loads with the valid bit of stage s+1
  wire [StW-1:0] term_en;
  generate
    if (Stages == 0) begin : g_noen
      assign term_en = 1'b0;
    end else begin : g_en
      for (s = 0; s < Stages; s = s + 1) begin : g_bit
        assign term_en[s] = ctrl_q[3*s];
      end
    end
  endgenerate

  // ---- lookups (stage 2..P) and accumulators ------------------------------
  wire [StW*MN*TermW-1:0] terms_q;
  generate
    for (m = 0; m < CoreM; m = m + 1) begin : g_m
      for (n = 0; n < CoreN; n = n + 1) begin : g_n
        wire [TermW-1:0]     term;
        wire [StW*TermW-1:0] stages;
        lut_tc_lookup #(
          .CoreK  (CoreK),
          .EntryW (EntryW),
          .PlaneW (PlaneW),
          .Stages (Stages)
        ) u_lookup (
          .clk_i    (clk_i),
          .rst_ni   (rst_ni),
          .tbl_i    (tbl_s[m*TblW +: TblW]),
          .fld_i    (fld_s[n*CoreK +: CoreK]),
          .plane_i  (plane_s),
          .en_i     (term_en),
          .term_o   (term),
          .stages_o (stages)
        );
        for (s = 0; s < StW; s = s + 1) begin : g_st
          assign terms_q[(s*MN + m*CoreN + n)*TermW +: TermW] = stages[s*TermW +: TermW];
        end
        lut_tc_acc #(
          .TermW (TermW),
          .AccW  (AccW)
        ) u_acc (
          .clk_i   (clk_i),
          .rst_ni  (rst_ni),
          .en_i    (ctrl_acc[0]),
          .first_i (ctrl_acc[1]),
          .term_i  (term),
          .acc_o   (acc_o[(m*CoreN + n)*AccW +: AccW])
        );
      end
    end
  endgenerate
  assign term_q_o = terms_q;

  // ---- done: the accumulators hold a finished block ------------------------
  reg done_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      done_q <= 1'b0;
    end else begin
      done_q <= ctrl_acc[2];
    end
  end
  assign done_o = done_q;
endmodule
