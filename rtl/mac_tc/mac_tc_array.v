// mac_tc_array: the CoreM x CoreN x CoreK MAC array of the "dequantize,
// then MAC" tensor-core baseline (LUT TC §2.2/§5), with its pipeline:
//
//   beat -> CoreN x mac_tc_dequant -> [stage 1: op_a_q, op_w_q]
//        -> CoreM*CoreN x mac_tc_dot -> [stage 2: sum stage 0] -> [stages 3..P]
//        -> CoreM*CoreN x mac_tc_acc (acc_q), done_q
//
// P = CorePipelineCycles (core.pipeline_cycles, >= 1) register stages sit in
// front of the accumulators: stage 1 holds the beat's activations and
// dequantized weights, stage 2 the dot products, stages 3..P delay them
// (P = 1: the dot products feed the accumulators directly). Data registers
// load only when the beat they receive is valid; the control bits {last,
// first, valid} of each stage move every cycle. A beat presented in cycle t
// is accumulated by the clock of cycle t + P; done_o is 1 in the cycle after
// a beat with `last` was accumulated, while acc_o holds the finished block.
// C twin: sim/mac/mac_array.c (mac_array_eval/commit; the same registers in
// mac_array_regs_t).
//
// pipe_o (the pipeline registers, for co-simulation; LSB first):
//   ctrl_q   3*P bits: stage s (1..P) at 3*(s-1): {last, first, valid}
//   op_a_q   CoreM*CoreK*ActBits: a[m][k] at (m*CoreK+k)*ActBits
//   op_w_q   CoreN*CoreK*DqBits:  w[n][k] at (n*CoreK+k)*DqBits
//   sums     (P-1)*CoreM*CoreN*SumBits: stage s (2..P) at (s-2)*SBits,
//            output (m,n) at (m*CoreN+n)*SumBits within it
module mac_tc_array (clk_i, rst_ni, valid_i, first_i, last_i, act_i, q_i, z_i,
                     acc_o, done_o, pipe_o);
  parameter integer CoreM              = 2;   // array rows (core.m)
  parameter integer CoreN              = 64;  // array columns (core.n)
  parameter integer CoreK              = 4;   // dot-product length (core.k)
  parameter integer CorePipelineCycles = 2;   // register stages before the accumulators (>= 1)
  parameter integer ActBits            = 8;   // activation width, signed
  parameter integer WBits              = 4;   // weight (q) and zero-point (z) width
  parameter integer AccBits            = 32;  // accumulator width

  localparam integer P        = CorePipelineCycles;
  localparam integer DqBits   = WBits + 1;                         // q - z, signed
  localparam integer SumBits  = ActBits + DqBits + $clog2(CoreK);  // one dot product
  localparam integer ABits    = CoreM * CoreK * ActBits;           // a beat's activations
  localparam integer QBits    = CoreN * CoreK * WBits;             // a beat's weights
  localparam integer WqBits   = CoreN * CoreK * DqBits;            // ... dequantized
  localparam integer SBits    = CoreM * CoreN * SumBits;           // one stage of dot products
  localparam integer CBits    = CoreM * CoreN * AccBits;           // the accumulators
  localparam integer PipeBits = 3 * P + ABits + WqBits + (P - 1) * SBits;

  input  wire                  clk_i;
  input  wire                  rst_ni;
  input  wire                  valid_i;  // the cycle carries a beat (0: operand stall)
  input  wire                  first_i;  // the beat starts an output block
  input  wire                  last_i;   // the beat ends an output block
  input  wire [ABits-1:0]      act_i;    // a[m][k] at (m*CoreK+k)*ActBits
  input  wire [QBits-1:0]      q_i;      // q[n][k] at (n*CoreK+k)*WBits
  input  wire [CoreN*WBits-1:0] z_i;     // z[n] at n*WBits
  output wire [CBits-1:0]      acc_o;    // acc[m][n] at (m*CoreN+n)*AccBits
  output wire                  done_o;   // an output block finished last cycle
  output wire [PipeBits-1:0]   pipe_o;   // the pipeline registers (layout above)

  // ---- dequantizers (combinational) --------------------------------------
  wire [WqBits-1:0] w_deq;
  genvar m, n, s;
  generate
    for (n = 0; n < CoreN; n = n + 1) begin : g_dequant
      mac_tc_dequant #(
        .CoreK(CoreK),
        .WBits(WBits)
      ) u_dequant (
        .q_i(q_i[n*CoreK*WBits +: CoreK*WBits]),
        .z_i(z_i[n*WBits +: WBits]),
        .w_o(w_deq[n*CoreK*DqBits +: CoreK*DqBits])
      );
    end
  endgenerate

  // ---- control pipeline ---------------------------------------------------
  wire [2:0]     beat_ctrl = {last_i & valid_i, first_i & valid_i, valid_i};
  reg  [3*P-1:0] ctrl_q;
  wire [3*P-1:0] ctrl_d;
  generate
    if (P == 1) begin : g_ctrl1
      assign ctrl_d = beat_ctrl;
    end else begin : g_ctrln
      assign ctrl_d = {ctrl_q[3*(P-1)-1:0], beat_ctrl};
    end
  endgenerate
  wire [2:0] acc_ctrl = ctrl_q[3*(P-1) +: 3];  // the beat reaching the accumulators
  reg        done_q;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ctrl_q <= {3*P{1'b0}};
      done_q <= 1'b0;
    end else begin
      ctrl_q <= ctrl_d;
      done_q <= acc_ctrl[2];
    end
  end

  // ---- stage 1: operand registers -----------------------------------------
  reg [ABits-1:0]  op_a_q;
  reg [WqBits-1:0] op_w_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      op_a_q <= {ABits{1'b0}};
      op_w_q <= {WqBits{1'b0}};
    end else if (valid_i) begin
      op_a_q <= act_i;
      op_w_q <= w_deq;
    end
  end

  // ---- dot products (combinational) ---------------------------------------
  wire [SBits-1:0] dot;
  generate
    for (m = 0; m < CoreM; m = m + 1) begin : g_row
      for (n = 0; n < CoreN; n = n + 1) begin : g_col
        mac_tc_dot #(
          .CoreK(CoreK),
          .ActBits(ActBits),
          .DqBits(DqBits)
        ) u_dot (
          .a_i(op_a_q[m*CoreK*ActBits +: CoreK*ActBits]),
          .w_i(op_w_q[n*CoreK*DqBits +: CoreK*DqBits]),
          .sum_o(dot[(m*CoreN+n)*SumBits +: SumBits])
        );
      end
    end
  endgenerate

  // ---- stages 2..P: dot-product registers ---------------------------------
  wire [SBits-1:0] acc_sum;  // the dot products reaching the accumulators
  generate
    if (P == 1) begin : g_nosum
      assign acc_sum = dot;
      assign pipe_o = {op_w_q, op_a_q, ctrl_q};
    end else begin : g_sum
      wire [(P-1)*SBits-1:0] sums;  // stage s at (s-2)*SBits
      for (s = 2; s <= P; s = s + 1) begin : g_stage
        wire [SBits-1:0] src;
        reg  [SBits-1:0] sum_q;
        if (s == 2) begin : g_first
          assign src = dot;
        end else begin : g_delay
          assign src = sums[(s-3)*SBits +: SBits];
        end
        always @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) sum_q <= {SBits{1'b0}};
          else if (ctrl_q[3*(s-2)]) sum_q <= src;
        end
        assign sums[(s-2)*SBits +: SBits] = sum_q;
      end
      assign acc_sum = sums[(P-2)*SBits +: SBits];
      assign pipe_o = {sums, op_w_q, op_a_q, ctrl_q};
    end
  endgenerate

  // ---- accumulators ---------------------------------------------------------
  generate
    for (m = 0; m < CoreM; m = m + 1) begin : g_acc_row
      for (n = 0; n < CoreN; n = n + 1) begin : g_acc_col
        mac_tc_acc #(
          .SumBits(SumBits),
          .AccBits(AccBits)
        ) u_acc (
          .clk_i(clk_i),
          .rst_ni(rst_ni),
          .en_i(acc_ctrl[0]),
          .clr_i(acc_ctrl[1]),
          .sum_i(acc_sum[(m*CoreN+n)*SumBits +: SumBits]),
          .acc_o(acc_o[(m*CoreN+n)*AccBits +: AccBits])
        );
      end
    end
  endgenerate

  assign done_o = done_q;
endmodule
