// lut_tc_lookup: one lookup unit of the LUT Tensor Core array.
//
// Takes one K-bit weight field of bit-plane b (sign bit K-1, index bits
// 0..K-2, docs/machine.md "LUT layout") and its row's table, and computes
//   term = (sign ? T[idx] : -T[idx]) << b
// (index mux, sign select, plane shift; LUT TC §3.2.1, §3.3), exact in
// TermW = EntryW + 1 + (2^PlaneW - 1) bits. Stages > 0 registers the term
// (pipeline stage 2 of the array) and delays it through Stages - 1 more
// registers (stages 3..core.pipeline_cycles); register s loads when en_i[s]
// (the valid bit of the step it receives). Stages = 0: combinational.
// CoreM x CoreN of them in lut_tc_array.
// C twin: sim/lut/lut_array.c (lookups(), lut_array_regs_t.term).
module lut_tc_lookup #(
  parameter integer CoreK  = 4,   // core.k
  parameter integer EntryW = 16,  // table entry bits
  parameter integer PlaneW = 2,   // plane index bits (W <= 4)
  parameter integer Stages = 1    // term registers: core.pipeline_cycles - 1, or 0
) (
  input  wire                                                  clk_i,
  input  wire                                                  rst_ni,
  input  wire [(1 << (CoreK - 1))*EntryW-1:0]                  tbl_i,    // the row's table
  input  wire [CoreK-1:0]                                      fld_i,    // the column's weight field
  input  wire [PlaneW-1:0]                                     plane_i,  // bit-plane b
  input  wire [((Stages > 0) ? Stages : 1)-1:0]                en_i,     // load enables, stage 2 at bit 0
  output wire [EntryW+(1 << PlaneW)-1:0]                       term_o,   // to the accumulator
  output wire [((Stages > 0) ? Stages : 1)*(EntryW+(1 << PlaneW))-1:0] stages_o  // every term register
);
  localparam integer MaxShift = (1 << PlaneW) - 1;
  localparam integer TermW = EntryW + 1 + MaxShift;

  // index mux
  wire [EntryW-1:0] entry;
  generate
    if (CoreK > 1) begin : g_mux
      wire [CoreK-2:0] idx = fld_i[CoreK-2:0];
      assign entry = tbl_i[idx*EntryW +: EntryW];
    end else begin : g_single
      assign entry = tbl_i;  // K = 1: one entry, no index bits
    end
  endgenerate

  // sign select (exact: EntryW + 1 bits hold -(-2^(EntryW-1))) and plane shift
  wire              sign = fld_i[CoreK-1];
  wire [EntryW:0]   ext  = {entry[EntryW-1], entry};
  wire [EntryW:0]   sel  = sign ? ext : -ext;
  wire [TermW-1:0]  term = {{MaxShift{sel[EntryW]}}, sel} << plane_i;

  generate
    if (Stages == 0) begin : g_comb
      assign term_o   = term;
      assign stages_o = {TermW{1'b0}};
      wire unused_clk = clk_i ^ rst_ni ^ en_i[0];
    end else begin : g_regs
      wire [Stages*TermW-1:0] chain;
      genvar s;
      for (s = 0; s < Stages; s = s + 1) begin : g_stage
        wire [TermW-1:0] term_d;
        reg  [TermW-1:0] term_q;
        if (s == 0) begin : g_first
          assign term_d = term;
        end else begin : g_delay
          assign term_d = chain[(s-1)*TermW +: TermW];
        end
        always @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) begin
            term_q <= {TermW{1'b0}};
          end else if (en_i[s]) begin
            term_q <= term_d;
          end
        end
        assign chain[s*TermW +: TermW] = term_q;
      end
      assign term_o   = chain[(Stages-1)*TermW +: TermW];
      assign stages_o = chain;
    end
  endgenerate
endmodule
