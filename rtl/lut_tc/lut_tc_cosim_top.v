// lut_tc_cosim_top: lut_tc_core with its inputs and registered state packed
// into the two buses of the co-simulation framework (sim/cosim/cosim.h).
//
// in_i, bit 0 first (E = 2^(CoreK-1), L = TpreTablesPerCycle):
//   valid, first, last, plane[2], tbl[CoreM][E][16], fld[CoreN][CoreK],
//   pre_valid, pre_act[L][CoreK][8]
// out_o, bit 0 first (P = CorePipelineCycles; absent parts take no bits):
//   ctrl[P][3] ({last, first, valid} per stage)       (P >= 1)
//   plane[2], tbl[CoreM][E][16], fld[CoreN][CoreK]    (P >= 1)
//   term[P-1][CoreM][CoreN][20]                       (P >= 2)
//   acc[CoreM][CoreN][32], done, pre_valid, pre_tbl[L][E][16]
// Non-ANSI ports, so that localparams can size them (Verilog-2005).
// C twin: sim/cosim/blk_lut_tc.c (packs the same buses from the twins
// sim/lut/lut_array.c and sim/lut/lut_precompute.c).
module lut_tc_cosim_top (clk_i, rst_ni, in_i, out_o);
  parameter integer CoreM              = 2;   // core.m
  parameter integer CoreN              = 64;  // core.n
  parameter integer CoreK              = 4;   // core.k
  parameter integer CorePipelineCycles = 2;   // core.pipeline_cycles
  parameter integer TpreTablesPerCycle = 2;   // tpre.tables_per_cycle

  // INT8 datapath (lut_tc_core's defaults)
  localparam integer ActW   = 8;
  localparam integer EntryW = 16;
  localparam integer AccW   = 32;
  localparam integer PlaneW = 2;

  localparam integer P      = CorePipelineCycles;
  localparam integer L      = TpreTablesPerCycle;
  localparam integer E      = 1 << (CoreK - 1);
  localparam integer TermW  = EntryW + (1 << PlaneW);
  localparam integer CtrlN  = (P > 0) ? P : 1;
  localparam integer TermN  = (P > 1) ? P - 1 : 1;

  // in_i layout
  localparam integer InPlane    = 3;
  localparam integer InTbl      = InPlane + PlaneW;
  localparam integer InFld      = InTbl + CoreM * E * EntryW;
  localparam integer InPreValid = InFld + CoreN * CoreK;
  localparam integer InPreAct   = InPreValid + 1;
  localparam integer InBits     = InPreAct + L * CoreK * ActW;

  // out_o layout
  localparam integer CtrlW      = (P > 0) ? 3 * P : 0;
  localparam integer S1W        = (P > 0) ? PlaneW + CoreM * E * EntryW + CoreN * CoreK : 0;
  localparam integer TermsW     = (P > 1) ? (P - 1) * CoreM * CoreN * TermW : 0;
  localparam integer OutS1      = CtrlW;
  localparam integer OutTerm    = OutS1 + S1W;
  localparam integer OutAcc     = OutTerm + TermsW;
  localparam integer OutDone    = OutAcc + CoreM * CoreN * AccW;
  localparam integer OutPreValid = OutDone + 1;
  localparam integer OutPreTbl  = OutPreValid + 1;
  localparam integer OutBits    = OutPreTbl + L * E * EntryW;

  input  wire               clk_i;
  input  wire               rst_ni;
  input  wire [InBits-1:0]  in_i;
  output wire [OutBits-1:0] out_o;

  wire [3*CtrlN-1:0]                ctrl_q;
  wire [PlaneW-1:0]                 plane_q;
  wire [CoreM*E*EntryW-1:0]         tbl_q;
  wire [CoreN*CoreK-1:0]            fld_q;
  wire [TermN*CoreM*CoreN*TermW-1:0] term_q;

  lut_tc_core #(
    .CoreM              (CoreM),
    .CoreN              (CoreN),
    .CoreK              (CoreK),
    .CorePipelineCycles (CorePipelineCycles),
    .TpreTablesPerCycle (TpreTablesPerCycle),
    .ActW               (ActW),
    .EntryW             (EntryW),
    .AccW               (AccW),
    .PlaneW             (PlaneW)
  ) u_core (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .valid_i     (in_i[0]),
    .first_i     (in_i[1]),
    .last_i      (in_i[2]),
    .plane_i     (in_i[InPlane +: PlaneW]),
    .tbl_i       (in_i[InTbl +: CoreM * E * EntryW]),
    .fld_i       (in_i[InFld +: CoreN * CoreK]),
    .acc_o       (out_o[OutAcc +: CoreM * CoreN * AccW]),
    .done_o      (out_o[OutDone]),
    .pre_valid_i (in_i[InPreValid]),
    .pre_act_i   (in_i[InPreAct +: L * CoreK * ActW]),
    .pre_valid_o (out_o[OutPreValid]),
    .pre_tbl_o   (out_o[OutPreTbl +: L * E * EntryW]),
    .ctrl_q_o    (ctrl_q),
    .plane_q_o   (plane_q),
    .tbl_q_o     (tbl_q),
    .fld_q_o     (fld_q),
    .term_q_o    (term_q)
  );

  generate
    if (P > 0) begin : g_s1
      assign out_o[0 +: CtrlW]  = ctrl_q;
      assign out_o[OutS1 +: S1W] = {fld_q, tbl_q, plane_q};
    end else begin : g_no_s1
      // P = 0: the array has no stage registers; their observation ports are 0
      wire unused_s1 = ^{ctrl_q, plane_q, tbl_q, fld_q};
    end
    if (P > 1) begin : g_terms
      assign out_o[OutTerm +: TermsW] = term_q;
    end else begin : g_no_terms
      wire unused_terms = ^term_q;
    end
  endgenerate
endmodule
