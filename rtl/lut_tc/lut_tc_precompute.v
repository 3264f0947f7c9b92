// lut_tc_precompute: the table-precompute unit of the LUT Tensor Core,
// INT datapath (LUT TC §3.2.1, §3.2.3).
//
// Lanes lanes; each cycle each lane takes the K activations a_0..a_{K-1} of
// one group (ActW bits, signed) and builds the group's symmetrized table
//   T[i] = a_{K-1} + sum_{j<K-1} (bit j of i ? +a_j : -a_j),  i < 2^(K-1)
// (docs/machine.md "Tables"): T[0] from one adder chain, then every other
// entry from a neighbour, T[i + 2^h] = T[i] + 2 a_h, so 2^(K-1) - 1 adders
// build the rest. The tables are registered (loaded on valid_i; a stall
// holds them) and valid_o says they were loaded in the previous cycle.
// Entries wrap at EntryW bits (never for INT8 with EntryW 16: |T| <= 1024).
// C twin: sim/lut/lut_precompute.c (lut_pre_regs_t).
module lut_tc_precompute #(
  parameter integer CoreK  = 4,   // core.k: activations per table group
  parameter integer Lanes  = 2,   // tpre.tables_per_cycle
  parameter integer ActW   = 8,   // activation bits
  parameter integer EntryW = 16   // table entry bits (>= ActW)
) (
  input  wire                                       clk_i,
  input  wire                                       rst_ni,
  input  wire                                       valid_i,
  input  wire [Lanes*CoreK*ActW-1:0]                act_i,    // lane l, a_j at (l*CoreK+j)*ActW
  output wire                                       valid_o,
  output wire [Lanes*(1 << (CoreK - 1))*EntryW-1:0] tbl_o     // lane l, entry e at (l*E+e)*EntryW
);
  localparam integer NumEntries = 1 << (CoreK - 1);
  localparam integer TblW       = NumEntries * EntryW;

  reg valid_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
    end else begin
      valid_q <= valid_i;
    end
  end
  assign valid_o = valid_q;

  genvar l, j;
  generate
    for (l = 0; l < Lanes; l = l + 1) begin : g_lane
      // the lane's activations, sign-extended to the entry width
      wire [CoreK*EntryW-1:0] ax;
      for (j = 0; j < CoreK; j = j + 1) begin : g_ext
        wire [ActW-1:0] a = act_i[(l*CoreK + j)*ActW +: ActW];
        assign ax[j*EntryW +: EntryW] = {{(EntryW - ActW){a[ActW-1]}}, a};
      end

      reg [TblW-1:0]   tbl_d;
      reg [EntryW-1:0] t0;
      integer h, i, k;
      always @* begin
        // T[0] = a_{K-1} - a_0 - ... - a_{K-2}
        t0 = ax[(CoreK-1)*EntryW +: EntryW];
        for (k = 0; k < CoreK - 1; k = k + 1) begin
          t0 = t0 - ax[k*EntryW +: EntryW];
        end
        tbl_d = {TblW{1'b0}};
        tbl_d[0 +: EntryW] = t0;
        // T[i + 2^h] = T[i] + 2 a_h
        for (h = 0; h < CoreK - 1; h = h + 1) begin
          for (i = 0; i < (1 << h); i = i + 1) begin
            tbl_d[(i + (1 << h))*EntryW +: EntryW] =
                tbl_d[i*EntryW +: EntryW] + {ax[h*EntryW +: EntryW-1], 1'b0};
          end
        end
      end

      reg [TblW-1:0] tbl_q;
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          tbl_q <= {TblW{1'b0}};
        end else if (valid_i) begin
          tbl_q <= tbl_d;
        end
      end
      assign tbl_o[l*TblW +: TblW] = tbl_q;
    end
  endgenerate
endmodule
