// t3_tracker_queue: T3 tracker's trigger queue (a ring of QueueDepth DMA
// descriptors) and the one-cycle trigger output register.
// C twin: sim/t3/tracker.c (the queue part of t3_tracker_eval).
//
// pop: dma_ready_i with a descriptor waiting -> trig_valid_q = 1 and trig_q =
// the head in the next cycle (trig_q holds otherwise). Pushes: push0 then
// push1 at the tail (the parent only pushes while count_q <= QueueDepth - 2).
// Descriptor (LSB first): tile[16], addr[32], bytes[24], dest[6].
// state_o (LSB first; CountBits = clog2(QueueDepth + 1)): trig_valid, trig[78], head[CountBits], count[CountBits],
// slot[QueueDepth][78].
module t3_tracker_queue (clk_i, rst_ni, dma_ready_i, push0_i, desc0_i, push1_i, desc1_i, count_o, state_o);
  parameter integer QueueDepth = 4;

  localparam integer DescBits  = 78;
  localparam integer CountBits = $clog2(QueueDepth + 1);
  localparam integer StateBits = 1 + DescBits + 2 * CountBits + QueueDepth * DescBits;

  input  wire                 clk_i;
  input  wire                 rst_ni;
  input  wire                 dma_ready_i;
  input  wire                 push0_i;
  input  wire [DescBits-1:0]  desc0_i;
  input  wire                 push1_i;
  input  wire [DescBits-1:0]  desc1_i;
  output wire [CountBits-1:0] count_o;
  output wire [StateBits-1:0] state_o;

  localparam [31:0]          Depth32 = QueueDepth;
  localparam [31:0]          Last32  = QueueDepth - 1;
  localparam [CountBits-1:0] Depth   = Depth32[CountBits-1:0];
  localparam [CountBits-1:0] Last    = Last32[CountBits-1:0];

  reg                           trig_valid_q;
  reg [DescBits-1:0]            trig_q;
  reg [CountBits-1:0]           head_q;  // < QueueDepth (CountBits wide, like count_q)
  reg [CountBits-1:0]           count_q;
  reg [QueueDepth*DescBits-1:0] slot_q;

  wire                 pop   = dma_ready_i & (count_q != {CountBits{1'b0}});
  wire [CountBits-1:0] rem   = Depth - count_q;  // free slots: head + count wraps iff head >= rem
  wire [CountBits-1:0] tail0 = (head_q >= rem) ? head_q - rem : head_q + count_q;
  wire [CountBits-1:0] tail1 = (tail0 == Last) ? {CountBits{1'b0}} : tail0 + 1'b1;
  wire [CountBits-1:0] head1 = (head_q == Last) ? {CountBits{1'b0}} : head_q + 1'b1;
  wire [CountBits-1:0] cnext = count_q - {{(CountBits-1){1'b0}}, pop} + {{(CountBits-1){1'b0}}, push0_i}
                               + {{(CountBits-1){1'b0}}, push1_i};

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      trig_valid_q <= 1'b0;
      trig_q <= {DescBits{1'b0}};
      head_q <= {CountBits{1'b0}};
      count_q <= {CountBits{1'b0}};
    end else begin
      trig_valid_q <= pop;
      if (pop) begin
        trig_q <= slot_q[head_q * DescBits +: DescBits];
        head_q <= head1;
      end
      count_q <= cnext;
    end
  end

  genvar s;
  generate
    for (s = 0; s < QueueDepth; s = s + 1) begin : g_slot
      localparam [CountBits-1:0] S = s;
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) slot_q[s*DescBits +: DescBits] <= {DescBits{1'b0}};
        else if (push0_i && tail0 == S) slot_q[s*DescBits +: DescBits] <= desc0_i;
        else if (push1_i && ((!push0_i && tail0 == S) || (push0_i && tail1 == S)))
          slot_q[s*DescBits +: DescBits] <= desc1_i;
      end
    end
  endgenerate

  assign count_o = count_q;
  assign state_o = {slot_q, count_q, head_q, trig_q, trig_valid_q};
endmodule
