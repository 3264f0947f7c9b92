// tpe_grid_core: the PE-grid tensor processing engines of the HPCA'25
// bit-weight paper (REFERENCES.md "Bit-weight-transformed MAC engines"): a
// TpeRows x TpeCols grid of INT8 x INT8 -> INT32 (wrapping) PEs, one product
// per PE per cycle. TpeGrid (0 os, 1 ws, 2 matrix), TpeRows, TpeCols,
// TpeVariant (0 base, 1 opt1, 2 opt2) and TpeEncoding (0 mbe, 1 ent) are the
// arch config's tpe.grid, tpe.rows, tpe.cols, tpe.variant, tpe.encoding
// (sim/core/params.def, enums by index), passed as -G / chparam values; the
// defaults below only serve standalone lint.
//
// TpeGrid selects the topology (one module set, generate branches, no copies):
//   os:     PE (r, c) registers A + ctrl {last, first, valid} from its left
//           neighbour (ctrl_i / a_i at c = 0) and B from above (b_i at r = 0);
//           on its registered valid: acc = (first ? 0 : acc) + a * b.
//   ws:     weights shift down while ld_i (wload): w[0][c] <= b_i[c],
//           w[r][c] <= w[r-1][c]; A + valid move right; the partial sum moves
//           down: ps[r][c] <= ps[r-1][c] (0 at r = 0) + (valid ? a * w : 0),
//           with row 0's valid travelling down beside it (psv).
//   matrix: one A + ctrl register per row broadcast to the row's PEs, one B
//           register per column broadcast to the column's PEs; every PE
//           accumulates as in os.
// TpeVariant selects the PE (tpe_grid_pe): base tpe_tree_mul + 32-bit CPA;
// opt1 carry-save sum/carry registers (the partial sum of ws travels as two
// vectors), one tpe_grid_cpa per column outside the array; opt2 as opt1 with
// one tpe_tree_enc per row at the left edge, the 12-bit digit vector
// travelling (os, ws) or broadcast (matrix) instead of A.
// Read-out (os, matrix): with ld_i (rd) set, res_q[c] <= row row_i's
// acc (base) or sum + carry through tpe_grid_cpa (opt1/opt2), 0 for row_i
// >= TpeRows; res_valid_q <= ld_i. ws opt1/opt2: res_q[c] <= the bottom
// row's sum + carry when its psv is set, res_valid_q[c] <= that psv; ws base
// has no result registers (the bottom row's ps and psv are the results).
// Control/valid registers move every cycle; A loads with its valid, ws
// weights with ld_i, B (os, matrix) every cycle.
// C twin: sim/tpe/tpe_grid.c (tpe_grid_eval/commit; the registers are
// tpe_grid_regs_t). Co-simulation: tpe_grid_cosim_top.v, block "tpe_grid".
//
// state_o (LSB first; AB = 12 for opt2 else 8, AccW = 64 for opt1/opt2
// (sum low, carry high) else 32, NA = TpeRows for matrix else R*C):
//   res part:  os, matrix: res_q[c] (32 each), res_valid_q (1);
//              ws opt1/opt2: res_q[c] (32 each), res_valid_q[c] (1 each); ws base: none;
//   a[i] (AB each, NA: per PE (r*C+c) for os/ws, per row for matrix);
//   ctrl[i] (os, matrix: 3 each {last, first, valid}; ws: 2 each {psv, valid});
//   b[i] (8 each: per PE for os/ws (ws: the weights), per column for matrix);
//   acc[r*C+c] (AccW each).
module tpe_grid_core (clk_i, rst_ni, ctrl_i, a_i, b_i, ld_i, row_i, state_o);
  parameter integer TpeGrid     = 0;   // 0 os, 1 ws, 2 matrix (tpe.grid)
  parameter integer TpeRows     = 4;   // R (tpe.rows)
  parameter integer TpeCols     = 4;   // C (tpe.cols)
  parameter integer TpeVariant  = 0;   // 0 base, 1 opt1, 2 opt2 (tpe.variant)
  parameter integer TpeEncoding = 0;   // 0 mbe, 1 ent (tpe.encoding)

  localparam integer R         = TpeRows;
  localparam integer C         = TpeCols;
  localparam Ws                 = TpeGrid == 1;
  localparam Mx                 = TpeGrid == 2;
  localparam Opt                = TpeVariant != 0;
  localparam integer AB        = TpeVariant == 2 ? 12 : 8;
  localparam integer AccW      = Opt ? 64 : 32;
  localparam integer CtrlIn    = Ws ? 1 : 3;
  localparam integer CW        = Ws ? 2 : 3;
  localparam integer NA        = Mx ? R : R * C;
  localparam integer NB        = Mx ? C : R * C;
  localparam integer RowBits   = R > 1 ? $clog2(R) : 1;
  localparam integer ResBits   = Ws ? (Opt ? 33 * C : 0) : 32 * C + 1;
  localparam integer StateBits = ResBits + NA * (AB + CW) + NB * 8 + R * C * AccW;

  input  wire                  clk_i;
  input  wire                  rst_ni;
  input  wire [R*CtrlIn-1:0]   ctrl_i;  // row r's {last, first, valid} (ws: valid) at r*CtrlIn
  input  wire [R*8-1:0]        a_i;     // row r's A at r*8
  input  wire [C*8-1:0]        b_i;     // column c's B (ws: weight) at c*8
  input  wire                  ld_i;    // ws: wload; os, matrix: rd
  input  wire [RowBits-1:0]    row_i;   // os, matrix: rd_row (ws: unused)
  output wire [StateBits-1:0]  state_o;

  wire [NA*AB-1:0]  a_bus;
  wire [NA*CW-1:0]  c_bus;
  wire [NB*8-1:0]   b_bus;
  wire [R*C*AccW-1:0] acc_bus;

  // ---- the left edge: A (or opt2's shared encoder's digits) and control ----
  wire [R*AB-1:0] edge_a;
  wire [R*CW-1:0] edge_c;  // ws: bit 0 only (bit 1, psv, starts at row 0's PEs)
  genvar r, c;
  generate
    for (r = 0; r < R; r = r + 1) begin : g_edge
      if (TpeVariant == 2) begin : g_enc
        tpe_tree_enc #(.TpeEncoding(TpeEncoding)) u_enc (.a_i(a_i[r*8 +: 8]), .dig_o(edge_a[r*AB +: AB]));
      end else begin : g_raw
        assign edge_a[r*AB +: AB] = a_i[r*8 +: 8];
      end
      if (Ws) begin : g_v
        assign edge_c[r*CW +: CW] = {1'b0, ctrl_i[r]};
      end else begin : g_ctl
        wire v = ctrl_i[r*3];
        assign edge_c[r*CW +: CW] = {ctrl_i[r*3+2] & v, ctrl_i[r*3+1] & v, v};
      end
    end

    // ---- matrix: the broadcast registers -----------------------------------
    if (Mx) begin : g_bcast
      for (r = 0; r < R; r = r + 1) begin : g_row
        reg [AB-1:0] a_q;
        reg [2:0]    c_q;
        always @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) begin
            a_q <= {AB{1'b0}};
            c_q <= 3'b000;
          end else begin
            c_q <= edge_c[r*CW +: CW];
            if (edge_c[r*CW]) a_q <= edge_a[r*AB +: AB];
          end
        end
        assign a_bus[r*AB +: AB] = a_q;
        assign c_bus[r*CW +: CW] = c_q;
      end
      for (c = 0; c < C; c = c + 1) begin : g_col
        reg [7:0] b_q;
        always @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) b_q <= 8'd0;
          else b_q <= b_i[c*8 +: 8];
        end
        assign b_bus[c*8 +: 8] = b_q;
      end
    end

    // ---- the PEs ----------------------------------------------------------------
    for (r = 0; r < R; r = r + 1) begin : g_r
      for (c = 0; c < C; c = c + 1) begin : g_c
        localparam integer I = r * C + c;
        wire [AB-1:0]   a_op;   // the operands the PE multiplies
        wire [7:0]      b_op;
        wire            en;     // a valid operand: accumulate / add
        wire [AccW-1:0] old;    // what the product is added to
        wire [AccW-1:0] acc_d;  // after the add
        reg  [AccW-1:0] acc_q;
        if (Mx) begin : g_mx
          assign a_op = a_bus[r*AB +: AB];
          assign b_op = b_bus[c*8 +: 8];
          assign en   = c_bus[r*CW];
          assign old  = c_bus[r*CW+1] ? {AccW{1'b0}} : acc_q;
        end else begin : g_sys
          // the operand registers: A + control from the left, B from above
          wire [AB-1:0] sa;
          wire [CW-1:0] sc;
          wire [7:0]    sb;
          if (c == 0) begin : g_l0
            assign sa = edge_a[r*AB +: AB];
            assign sc = edge_c[r*CW +: CW];
          end else begin : g_ln
            assign sa = a_bus[(I-1)*AB +: AB];
            assign sc = c_bus[(I-1)*CW +: CW];
          end
          if (r == 0) begin : g_t0
            assign sb = b_i[c*8 +: 8];
          end else begin : g_tn
            assign sb = b_bus[(I-C)*8 +: 8];
          end
          reg [AB-1:0] a_q;
          reg [7:0]    b_q;
          reg          v_q;
          always @(posedge clk_i or negedge rst_ni) begin
            if (!rst_ni) begin
              a_q <= {AB{1'b0}};
              b_q <= 8'd0;
              v_q <= 1'b0;
            end else begin
              v_q <= sc[0];
              if (sc[0]) a_q <= sa;
              if (!Ws || ld_i) b_q <= sb;
            end
          end
          assign a_op = a_q;
          assign b_op = b_q;
          assign en   = v_q;
          assign a_bus[I*AB +: AB] = a_q;
          assign b_bus[I*8 +: 8]   = b_q;
          if (Ws) begin : g_ws
            // the partial sum (and its valid) from above, 0 at row 0
            reg psv_q;
            if (r == 0) begin : g_top
              assign old = {AccW{1'b0}};
              always @(posedge clk_i or negedge rst_ni) begin
                if (!rst_ni) psv_q <= 1'b0;
                else psv_q <= v_q;
              end
            end else begin : g_below
              assign old = acc_bus[(I-C)*AccW +: AccW];
              always @(posedge clk_i or negedge rst_ni) begin
                if (!rst_ni) psv_q <= 1'b0;
                else psv_q <= c_bus[(I-C)*CW+1];
              end
            end
            assign c_bus[I*CW +: CW] = {psv_q, v_q};
            wire unused_sc = sc[1];
          end else begin : g_os
            reg [1:0] fl_q;  // {last, first}
            always @(posedge clk_i or negedge rst_ni) begin
              if (!rst_ni) fl_q <= 2'b00;
              else fl_q <= sc[2:1];
            end
            assign c_bus[I*CW +: CW] = {fl_q, v_q};
            assign old = fl_q[0] ? {AccW{1'b0}} : acc_q;
          end
        end

        // the datapath and the accumulator / partial-sum register
        wire [31:0] s_out, c_out, c_in;
        if (Opt) begin : g_cs
          assign c_in  = old[AccW-1:32];
          assign acc_d = {c_out, s_out};
        end else begin : g_cpa
          assign c_in  = 32'd0;
          assign acc_d = s_out;
          wire unused_cout = ^c_out;
        end
        tpe_grid_pe #(.TpeVariant(TpeVariant), .TpeEncoding(TpeEncoding)) u_pe (
          .a_i(a_op), .b_i(b_op), .sum_i(old[31:0]), .carry_i(c_in), .sum_o(s_out), .carry_o(c_out)
        );
        always @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) acc_q <= {AccW{1'b0}};
          else if (en) acc_q <= acc_d;
          else if (Ws) acc_q <= old;  // ws: the partial sum passes, nothing added
        end
        assign acc_bus[I*AccW +: AccW] = acc_q;
      end
    end

    // ---- results: read-out (os, matrix) or bottom CPAs (ws opt1/opt2) ---------
    if (Ws && !Opt) begin : g_ws_base
      assign state_o = {acc_bus, b_bus, c_bus, a_bus};
      wire unused_rd = ld_i ^ (^row_i);
    end else if (Ws) begin : g_bottom
      reg [32*C-1:0] res_q;
      reg [C-1:0]    rv_q;
      for (c = 0; c < C; c = c + 1) begin : g_col
        localparam integer I = (R - 1) * C + c;
        wire [31:0] val;
        tpe_grid_cpa u_cpa (
          .sum_i(acc_bus[I*AccW +: 32]), .carry_i(acc_bus[I*AccW+32 +: 32]), .res_o(val)
        );
        wire psv = c_bus[I*CW+1];
        always @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) begin
            res_q[c*32 +: 32] <= 32'd0;
            rv_q[c]           <= 1'b0;
          end else begin
            rv_q[c] <= psv;
            if (psv) res_q[c*32 +: 32] <= val;
          end
        end
      end
      assign state_o = {acc_bus, b_bus, c_bus, a_bus, rv_q, res_q};
      wire unused_row = ^row_i;
    end else begin : g_readout
      wire [31:0] row_ext = {{(32 - RowBits){1'b0}}, row_i};
      reg  [32*C-1:0] res_q;
      reg             rv_q;
      for (c = 0; c < C; c = c + 1) begin : g_col
        for (r = 0; r < R; r = r + 1) begin : g_row
          wire [AccW-1:0] here = row_ext == r ? acc_bus[(r*C+c)*AccW +: AccW] : {AccW{1'b0}};
          wire [AccW-1:0] upto;  // rows 0..r, the one matching row_i (if any)
          if (r == 0) begin : g_first
            assign upto = here;
          end else begin : g_next
            assign upto = g_row[r-1].upto | here;
          end
        end
        wire [AccW-1:0] sel = g_row[R-1].upto;
        wire [31:0] val;
        if (Opt) begin : g_cpa
          tpe_grid_cpa u_cpa (.sum_i(sel[31:0]), .carry_i(sel[AccW-1:32]), .res_o(val));
        end else begin : g_acc
          assign val = sel[31:0];
        end
        always @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) res_q[c*32 +: 32] <= 32'd0;
          else if (ld_i) res_q[c*32 +: 32] <= val;
        end
      end
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) rv_q <= 1'b0;
        else rv_q <= ld_i;
      end
      assign state_o = {acc_bus, b_bus, c_bus, a_bus, rv_q, res_q};
    end
  endgenerate
endmodule
