// tpe_bs_col: one column of the bit-slice array (HPCA'25 bit-weight paper,
// OPT3/OPT4C): its beat FIFO, its digit schedule (rem_q, busy_q), the R PEs
// that share its A stream in lockstep, their shift/add units, and the
// synchronisation flag wait_q. TpeBsVariant 1 (opt4c): one tpe_bs_senc for
// the column, whose k index selects B[k] of every row; 0 (opt3): a
// tpe_bs_senc and B mux in every PE (the column's control follows row 0's,
// all rows compute the same schedule).
// Per cycle, with the head entry h (count_q > 0 and not waiting): the
// selected digit's partial product goes into every PE (clr on a pass's
// first group, first cycle); when no digit is left after this one the head
// is popped (fin_q <= h.last, wait_q <= h.last && h.bw == 3), else rem_q,
// busy_q keep the rest. A group takes max(1, nnz) cycles. sync_i (every
// column waits) clears wait_q. FIFO: entry 0 is the head, a pop shifts down
// (the top entry keeps its value), a push writes entry count - pop.
// C twin: sim/tpe/tpe_bs.c (one column of tpe_bs_eval).
//
// ent_i / a FIFO entry (EntW = 36 + 32 TpeBsRows, LSB first): first, last,
// bw[2], a[j] (8 each, j = 0..3), b[r][j] (8 each, at 36 + (4r + j) 8).
// state_o (LSB first): count_q[CntW], rem_q[4], busy_q, fin_q, fin_bw_q[2],
// wait_q, fifo_q[TpeBsDepth][EntW], then per row r: sum[26], carry[26],
// res[32].
module tpe_bs_col (clk_i, rst_ni, push_i, ent_i, sync_i, ready_o, wait_o, state_o);
  parameter integer TpeBsRows    = 4;
  parameter integer TpeBsDepth   = 2;
  parameter integer TpeBsVariant = 1;
  parameter integer TpeEncoding  = 0;

  localparam integer EntW      = 36 + 32 * TpeBsRows;
  localparam integer CntW      = $clog2(TpeBsDepth + 1);
  localparam integer PeW       = 26 + 26 + 32;
  localparam integer CtrlW     = CntW + 9;
  localparam integer StateW    = CtrlW + TpeBsDepth * EntW + TpeBsRows * PeW;

  input  wire              clk_i;
  input  wire              rst_ni;
  input  wire              push_i;
  input  wire [EntW-1:0]   ent_i;
  input  wire              sync_i;
  output wire              ready_o;
  output wire              wait_o;
  output wire [StateW-1:0] state_o;

  reg [TpeBsDepth*EntW-1:0] fifo_q;
  reg [CntW-1:0]            count_q;
  reg [3:0]                 rem_q;
  reg                       busy_q, fin_q, wait_q;
  reg [1:0]                 fin_bw_q;

  wire [EntW-1:0] h       = fifo_q[EntW-1:0];
  wire            h_first = h[0];
  wire            h_last  = h[1];
  wire [1:0]      h_bw    = h[3:2];
  wire [31:0]     h_a     = h[35:4];
  wire            has     = (count_q != {CntW{1'b0}}) & ~wait_q;

  wire [3:0] rest;
  wire       pop = has & (rest == 4'd0);
  wire       clr = h_first & ~busy_q;
  wire [CntW-1:0] wr_idx = count_q - {{(CntW - 1){1'b0}}, pop};

  assign ready_o = count_q != TpeBsDepth[CntW-1:0];
  assign wait_o  = wait_q;

  integer i;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fifo_q   <= {(TpeBsDepth*EntW){1'b0}};
      count_q  <= {CntW{1'b0}};
      rem_q    <= 4'd0;
      busy_q   <= 1'b0;
      fin_q    <= 1'b0;
      fin_bw_q <= 2'd0;
      wait_q   <= 1'b0;
    end else begin
      if (pop)
        for (i = 0; i < TpeBsDepth - 1; i = i + 1)
          fifo_q[i*EntW +: EntW] <= fifo_q[(i+1)*EntW +: EntW];
      if (push_i) fifo_q[wr_idx*EntW +: EntW] <= ent_i;
      count_q <= count_q - {{(CntW - 1){1'b0}}, pop} + {{(CntW - 1){1'b0}}, push_i};
      if (has) begin
        busy_q <= ~pop;
        rem_q  <= pop ? 4'd0 : rest;
      end
      fin_q <= pop & h_last;
      if (pop) fin_bw_q <= h_bw;
      if (sync_i) wait_q <= 1'b0;
      else if (pop & h_last & (h_bw == 2'd3)) wait_q <= 1'b1;
    end
  end

  wire [TpeBsRows*PeW-1:0] pes;
  genvar r;
  generate
    if (TpeBsVariant == 1) begin : g_opt4c
      wire [1:0] sel;
      wire [2:0] dig;
      tpe_bs_senc #(.TpeEncoding(TpeEncoding)) u_senc (
        .a_i(h_a), .bw_i(h_bw), .busy_i(busy_q), .rem_i(rem_q), .sel_o(sel), .dig_o(dig), .rest_o(rest));
      for (r = 0; r < TpeBsRows; r = r + 1) begin : g_row
        wire [25:0] s, c;
        wire [31:0] b_row = h[36 + 32*r +: 32];
        tpe_bs_pe u_pe (.clk_i(clk_i), .rst_ni(rst_ni), .en_i(has), .clr_i(clr), .dig_i(dig),
                        .b_i(b_row[8*sel +: 8]), .sum_o(s), .carry_o(c));
        tpe_bs_shadd u_shadd (.clk_i(clk_i), .rst_ni(rst_ni), .fin_i(fin_q), .bw_i(fin_bw_q), .sum_i(s),
                              .carry_i(c), .res_o(pes[r*PeW + 52 +: 32]));
        assign pes[r*PeW +: 52] = {c, s};
      end
    end else begin : g_opt3
      wire [4*TpeBsRows-1:0] rests;  // every row's rest (all equal: lockstep)
      reg  [3:0]             rest_or;
      integer                q;
      always @* begin
        rest_or = 4'd0;
        for (q = 0; q < TpeBsRows; q = q + 1) rest_or = rest_or | rests[4*q +: 4];
      end
      for (r = 0; r < TpeBsRows; r = r + 1) begin : g_row
        wire [1:0]  sel;
        wire [2:0]  dig;
        wire [25:0] s, c;
        wire [31:0] b_row = h[36 + 32*r +: 32];
        tpe_bs_senc #(.TpeEncoding(TpeEncoding)) u_senc (
          .a_i(h_a), .bw_i(h_bw), .busy_i(busy_q), .rem_i(rem_q), .sel_o(sel), .dig_o(dig),
          .rest_o(rests[4*r +: 4]));
        tpe_bs_pe u_pe (.clk_i(clk_i), .rst_ni(rst_ni), .en_i(has), .clr_i(clr), .dig_i(dig),
                        .b_i(b_row[8*sel +: 8]), .sum_o(s), .carry_o(c));
        tpe_bs_shadd u_shadd (.clk_i(clk_i), .rst_ni(rst_ni), .fin_i(fin_q), .bw_i(fin_bw_q), .sum_i(s),
                              .carry_i(c), .res_o(pes[r*PeW + 52 +: 32]));
        assign pes[r*PeW +: 52] = {c, s};
      end
      assign rest = rest_or;
    end
  endgenerate

  assign state_o = {pes, fifo_q, wait_q, fin_bw_q, fin_q, busy_q, rem_q, count_q};
endmodule
