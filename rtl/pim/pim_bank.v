// pim_bank: one HBM2 bank's PIM unit, Newton-style as in NeuPIMs
// (REFERENCES.md "NeuPIMs", PIM and dual row buffer): command decode, the
// normal and the PIM open-row states, the bank storage (pim_bank_array,
// PimBankRows x PimBankCols columns of 16 binary16), the global buffer (one
// 256-bit slot per column), 16 pim_fp16_mul, a 15-adder pim_fp32_add tree
// and a binary32 accumulator.
// PimBankRows, PimBankCols (powers of two) and PimRowBuffers (0 single, 1
// dual) are the arch config's pim.bank_rows, pim.bank_cols,
// pim.row_buffers (sim/core/params.def, enum by index), passed as -G /
// chparam values; the defaults below only serve standalone lint.
//
// Commands (cmd_i): 0 NOP, 1 ACT row, 2 PRE, 3 RD col, 4 WR col (data_i),
// 5 GWRITE col (data_i), 6 G_ACT row, 7 COMP col, 8 READRES, 9 PIM_PRE;
// 10..15 undefined. Rules: ACT needs the normal row closed, G_ACT the PIM
// row closed, RD/WR an open normal row, COMP an open PIM row; single mode
// adds: ACT needs the PIM row closed, G_ACT the normal row closed. A command
// breaking a rule (or undefined) is ignored and err_q is 1 in the next cycle.
//
// Timing: a command presented in cycle t acts at the clock of t. COMP col:
// the clock of t registers the 16 products bank[prow_q][col][i] x
// gbuf[col][i] (prod_q, v1_q), the clock of t+1 the tree's sum (sum_q,
// v2_q), the clock of t+2 acc_q = acc_q + sum_q. READRES at t: res_q <= the
// accumulator after this clock's addition, acc_q <= +0, res_valid_q = 1 for
// a cycle. RD col: rdata_q <= bank[nrow_q][col], rd_valid_q = 1 for a cycle.
// Data registers (rdata_q, prod_q, sum_q, res_q) load only when their
// command or stage is valid.
// C twin: sim/pim/pim_bank.c (pim_bank_eval/commit; registers in
// pim_bank_regs_t, storage in pim_bank_t). Co-simulation:
// pim_bank_cosim_top.v, block "pim_bank" (sim/cosim/blk_pim_bank.c).
//
// state_o (every register, LSB first; RB = clog2 rows, CB = clog2 cols):
//   err_q, nopen_q, nrow_q[RB], popen_q, prow_q[RB], rd_valid_q,
//   rdata_q[256], v1_q, prod_q[16][32], v2_q, sum_q[32], acc_q[32],
//   res_valid_q, res_q[32], gbuf[cols][256], bank[rows][cols][256]
//   (lane i of a 256-bit column at bits 16i).
module pim_bank (clk_i, rst_ni, cmd_i, row_i, col_i, data_i, state_o);
  parameter integer PimBankRows   = 4;  // pim.bank_rows
  parameter integer PimBankCols   = 4;  // pim.bank_cols
  parameter integer PimRowBuffers = 1;  // pim.row_buffers: 0 single, 1 dual

  localparam integer RowBits   = $clog2(PimBankRows);
  localparam integer ColBits   = $clog2(PimBankCols);
  localparam integer Words     = PimBankRows * PimBankCols;
  localparam integer StateBits = 2 * RowBits + 4 + 256 + 1 + 16 * 32 + 1 + 32 + 32 + 1 + 32
                                 + PimBankCols * 256 + Words * 256;
  localparam [0:0]   Single    = (PimRowBuffers == 0) ? 1'b1 : 1'b0;

  localparam [3:0] CmdNop = 4'd0, CmdAct = 4'd1, CmdPre = 4'd2, CmdRd = 4'd3, CmdWr = 4'd4,
                   CmdGwrite = 4'd5, CmdGact = 4'd6, CmdComp = 4'd7, CmdReadres = 4'd8,
                   CmdPimPre = 4'd9;

  input  wire                 clk_i;
  input  wire                 rst_ni;
  input  wire [3:0]           cmd_i;
  input  wire [RowBits-1:0]   row_i;   // ACT, G_ACT
  input  wire [ColBits-1:0]   col_i;   // RD, WR, GWRITE, COMP
  input  wire [255:0]         data_i;  // WR, GWRITE: 16 binary16, lane i at 16i
  output wire [StateBits-1:0] state_o;

  // ---- decode: the row-buffer rules ---------------------------------------
  reg               nopen_q, popen_q;
  reg [RowBits-1:0] nrow_q, prow_q;
  reg               bad;
  always @* begin
    case (cmd_i)
      CmdNop, CmdPre, CmdGwrite, CmdReadres, CmdPimPre: bad = 1'b0;
      CmdAct:       bad = nopen_q | (Single & popen_q);
      CmdGact:      bad = popen_q | (Single & nopen_q);
      CmdRd, CmdWr: bad = ~nopen_q;
      CmdComp:      bad = ~popen_q;
      default:      bad = 1'b1;
    endcase
  end
  wire [3:0] op = bad ? CmdNop : cmd_i;

  // ---- storage: bank and global buffer ------------------------------------
  wire [255:0]           bank_rdata, gbuf_rdata;
  wire [Words*256-1:0]   bank_mem;
  wire [PimBankCols*256-1:0] gbuf_mem;
  pim_bank_array #(.Words(Words), .AddrBits(RowBits + ColBits)) u_bank (
    .clk_i(clk_i),
    .rst_ni(rst_ni),
    .we_i(op == CmdWr),
    .waddr_i({nrow_q, col_i}),
    .wdata_i(data_i),
    .raddr_i({(cmd_i == CmdComp) ? prow_q : nrow_q, col_i}),
    .rdata_o(bank_rdata),
    .mem_o(bank_mem)
  );
  pim_bank_array #(.Words(PimBankCols), .AddrBits(ColBits)) u_gbuf (
    .clk_i(clk_i),
    .rst_ni(rst_ni),
    .we_i(op == CmdGwrite),
    .waddr_i(col_i),
    .wdata_i(data_i),
    .raddr_i(col_i),
    .rdata_o(gbuf_rdata),
    .mem_o(gbuf_mem)
  );

  // ---- the GEMV datapath: 16 multipliers, the adder tree, the accumulator ---
  wire [16*32-1:0] prod_d;
  reg  [16*32-1:0] prod_q;
  reg              v1_q, v2_q;
  reg  [31:0]      sum_q, acc_q;
  genvar l;
  generate
    for (l = 0; l < 16; l = l + 1) begin : g_mul
      pim_fp16_mul u_mul (.a_i(bank_rdata[l*16 +: 16]), .b_i(gbuf_rdata[l*16 +: 16]), .p_o(prod_d[l*32 +: 32]));
    end
  endgenerate
  // tree nodes in heap order: leaves 16..31 = prod_q, node k = node 2k + node 2k+1
  wire [32*32-1:32] node;
  generate
    for (l = 0; l < 16; l = l + 1) begin : g_leaf
      assign node[(16 + l)*32 +: 32] = prod_q[l*32 +: 32];
    end
    for (l = 1; l < 16; l = l + 1) begin : g_add
      pim_fp32_add u_add (.a_i(node[(2*l)*32 +: 32]), .b_i(node[(2*l + 1)*32 +: 32]), .s_o(node[l*32 +: 32]));
    end
  endgenerate
  wire [31:0] acc_sum;
  pim_fp32_add u_acc (.a_i(acc_q), .b_i(sum_q), .s_o(acc_sum));
  wire [31:0] acc_new = v2_q ? acc_sum : acc_q;

  // ---- registers ------------------------------------------------------------
  reg         err_q, rd_valid_q, res_valid_q;
  reg [255:0] rdata_q;
  reg [31:0]  res_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      err_q       <= 1'b0;
      nopen_q     <= 1'b0;
      nrow_q      <= {RowBits{1'b0}};
      popen_q     <= 1'b0;
      prow_q      <= {RowBits{1'b0}};
      rd_valid_q  <= 1'b0;
      rdata_q     <= 256'd0;
      v1_q        <= 1'b0;
      prod_q      <= {16*32{1'b0}};
      v2_q        <= 1'b0;
      sum_q       <= 32'd0;
      acc_q       <= 32'd0;
      res_valid_q <= 1'b0;
      res_q       <= 32'd0;
    end else begin
      err_q       <= bad;
      rd_valid_q  <= op == CmdRd;
      res_valid_q <= op == CmdReadres;
      v1_q        <= op == CmdComp;
      v2_q        <= v1_q;
      if (op == CmdAct) begin
        nopen_q <= 1'b1;
        nrow_q  <= row_i;
      end else if (op == CmdPre) begin
        nopen_q <= 1'b0;
        nrow_q  <= {RowBits{1'b0}};
      end
      if (op == CmdGact) begin
        popen_q <= 1'b1;
        prow_q  <= row_i;
      end else if (op == CmdPimPre) begin
        popen_q <= 1'b0;
        prow_q  <= {RowBits{1'b0}};
      end
      if (op == CmdRd) rdata_q <= bank_rdata;
      if (op == CmdComp) prod_q <= prod_d;
      if (v1_q) sum_q <= node[1*32 +: 32];
      if (op == CmdReadres) begin
        res_q <= acc_new;
        acc_q <= 32'd0;
      end else begin
        acc_q <= acc_new;
      end
    end
  end

  assign state_o = {bank_mem, gbuf_mem, res_q, res_valid_q, acc_q, sum_q, v2_q, prod_q, v1_q,
                    rdata_q, rd_valid_q, prow_q, popen_q, nrow_q, nopen_q, err_q};
endmodule
