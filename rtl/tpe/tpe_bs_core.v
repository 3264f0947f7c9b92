// tpe_bs_core: the bit-slice array of the HPCA'25 bit-weight paper (OPT3 /
// OPT4C; REFERENCES.md "Bit-weight-transformed MAC engines"): TpeBsCols
// columns (tpe_bs_col) of TpeBsRows sparse-digit bit-serial PEs computing
// res[r][c] = sum_k A[c][k] * B[r][k], INT8 x INT8 -> INT32. TpeBsRows,
// TpeBsCols, TpeBsDepth, TpeBsVariant (0 opt3, 1 opt4c) and TpeEncoding
// (0 mbe, 1 ent) are the arch config's tpe.bs_rows, tpe.bs_cols,
// tpe.bs_depth, tpe.bs_variant, tpe.encoding (sim/core/params.def); the
// defaults below only serve standalone lint.
//
// A beat (one group of 4 k values at one digit weight bw) is taken when
// valid_i && ready_o and pushed into every column's FIFO; ready_o = every
// column has room (registers only). A block is four passes bw = 0..3 over
// its groups (first_i on a pass's first group, last_i on its last). Each
// column spends max(1, nnz) cycles per beat, nnz = non-zero digits among the
// group's 4 digits of weight bw, so columns drift. Synchronisation: a column
// that finished its block's last beat (last, bw = 3) waits; in a cycle where
// all wait, they are released and done_o is 1 in the next cycle, when every
// res holds the block's result.
// C twin: sim/tpe/tpe_bs.c (tpe_bs_eval/commit; the registers are
// tpe_bs_regs_t). Co-simulation: tpe_bs_cosim_top.v, block "tpe_bs".
//
// ent layout: see tpe_bs_col. state_o: column c's tpe_bs_col state at
// c * ColW (ColW = CntW + 9 + TpeBsDepth*EntW + TpeBsRows*84).
module tpe_bs_core (clk_i, rst_ni, valid_i, first_i, last_i, bw_i, a_i, b_i, ready_o, done_o, state_o);
  parameter integer TpeBsRows    = 4;
  parameter integer TpeBsCols    = 4;
  parameter integer TpeBsDepth   = 2;
  parameter integer TpeBsVariant = 1;
  parameter integer TpeEncoding  = 0;

  localparam integer EntW   = 36 + 32 * TpeBsRows;
  localparam integer CntW   = $clog2(TpeBsDepth + 1);
  localparam integer ColW   = CntW + 9 + TpeBsDepth * EntW + TpeBsRows * 84;
  localparam integer ABits  = 32 * TpeBsCols;
  localparam integer BBits  = 32 * TpeBsRows;

  input  wire                      clk_i;
  input  wire                      rst_ni;
  input  wire                      valid_i;
  input  wire                      first_i;
  input  wire                      last_i;
  input  wire [1:0]                bw_i;
  input  wire [ABits-1:0]          a_i;     // a[c][j] at (4c + j) 8
  input  wire [BBits-1:0]          b_i;     // b[r][j] at (4r + j) 8
  output wire                      ready_o;
  output wire                      done_o;
  output wire [TpeBsCols*ColW-1:0] state_o;

  wire [TpeBsCols-1:0] ready, waits;
  wire all_wait = &waits;
  wire push     = valid_i & ready_o;
  assign ready_o = &ready;

  reg done_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) done_q <= 1'b0;
    else done_q <= all_wait;
  end
  assign done_o = done_q;

  genvar c;
  generate
    for (c = 0; c < TpeBsCols; c = c + 1) begin : g_col
      tpe_bs_col #(
        .TpeBsRows(TpeBsRows),
        .TpeBsDepth(TpeBsDepth),
        .TpeBsVariant(TpeBsVariant),
        .TpeEncoding(TpeEncoding)
      ) u_col (
        .clk_i(clk_i),
        .rst_ni(rst_ni),
        .push_i(push),
        .ent_i({b_i, a_i[32*c +: 32], bw_i, last_i, first_i}),
        .sync_i(all_wait),
        .ready_o(ready[c]),
        .wait_o(waits[c]),
        .state_o(state_o[c*ColW +: ColW])
      );
    end
  endgenerate
endmodule
