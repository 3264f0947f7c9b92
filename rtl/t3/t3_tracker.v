// t3_tracker: T3's track-and-trigger table at one memory controller
// (REFERENCES.md "T3", Tracker; issue 8 item 3): T3TrackerEntries entries
// (t3_tracker_entry), direct-mapped by the tile id's low bits with the upper
// bits as the tag, two update ports, a configuration write port, and the
// trigger queue (t3_tracker_queue) feeding the DMA engine.
// T3TrackerEntries (a power of two) and T3TrackerQueue are the arch config's
// t3.tracker_entries and t3.tracker_queue (sim/core/params.def), passed as
// -G / chparam values; the defaults below only serve standalone lint.
//
// Per cycle: ready = queue count <= T3TrackerQueue - 2 (registers only). An
// update (valid, tile, kind 0 local / 1 remote / 2 DMA) is taken when ready
// and the configuration write of the cycle does not program its entry; a
// taken update hits a valid entry with an equal tag (else err bit 0, miss;
// kind 3: err bit 1). An entry whose total reaches its count fires: its
// descriptor {dest, bytes, addr, tile} is pushed (port 0's first), its
// counters clear, valid takes the re-arm bit; a total past the count sets
// err bit 2. The queue pops its head to trig_q when dma_ready.
// C twin: sim/t3/tracker.c (t3_tracker_eval/commit; registers in
// t3_tracker_regs_t). Co-simulation: t3_tracker_cosim_top.v, block
// "t3_tracker" (sim/cosim/blk_t3_tracker.c).
//
// state_o (LSB first; CB = clog2(T3TrackerQueue + 1), TB = 16 - log2 entries):
//   err_q[3], trig_valid_q, trig_q[78], head_q[CB], count_q[CB],
//   slot_q[T3TrackerQueue][78], entry[T3TrackerEntries][128 + TB]
//   (descriptor: tile[16], addr[32], bytes[24], dest[6]; entry: valid, rearm,
//   tag[TB], expect[16], local[16], remote[16], dma[16], addr[32], bytes[24], dest[6]).
module t3_tracker (clk_i, rst_ni, cfg_valid_i, cfg_tile_i, cfg_expect_i, cfg_rearm_i, cfg_addr_i,
                   cfg_bytes_i, cfg_dest_i, upd_valid_i, upd_tile_i, upd_kind_i, dma_ready_i, state_o);
  parameter integer T3TrackerEntries = 8;  // t3.tracker_entries
  parameter integer T3TrackerQueue   = 4;  // t3.tracker_queue

  localparam integer IdxBits   = $clog2(T3TrackerEntries);
  localparam integer TagBits   = 16 - IdxBits;
  localparam integer EntryBits = 128 + TagBits;
  localparam integer DescBits  = 78;
  localparam integer CountBits = $clog2(T3TrackerQueue + 1);
  localparam integer QueueBits = 1 + DescBits + 2 * CountBits + T3TrackerQueue * DescBits;
  localparam integer StateBits = 3 + QueueBits + T3TrackerEntries * EntryBits;
  localparam [31:0]          ReadyMax32 = T3TrackerQueue - 2;
  localparam [CountBits-1:0] ReadyMax   = ReadyMax32[CountBits-1:0];

  input  wire                 clk_i;
  input  wire                 rst_ni;
  input  wire                 cfg_valid_i;
  input  wire [15:0]          cfg_tile_i;
  input  wire [15:0]          cfg_expect_i;
  input  wire                 cfg_rearm_i;
  input  wire [31:0]          cfg_addr_i;
  input  wire [23:0]          cfg_bytes_i;
  input  wire [5:0]           cfg_dest_i;
  input  wire [1:0]           upd_valid_i;
  input  wire [31:0]          upd_tile_i;  // port p at 16p
  input  wire [3:0]           upd_kind_i;  // port p at 2p
  input  wire                 dma_ready_i;
  output wire [StateBits-1:0] state_o;

  wire [T3TrackerEntries*EntryBits-1:0] ent;
  wire [T3TrackerEntries-1:0]           fire_v, over_v, s0_v, s1_v;
  wire [CountBits-1:0]                  qcount;
  wire                                  ready = qcount <= ReadyMax;
  wire [IdxBits-1:0]                    cidx  = cfg_tile_i[IdxBits-1:0];

  // ---- the two update ports against the current table ----------------------
  wire [IdxBits-1:0] idx0 = upd_tile_i[IdxBits-1:0], idx1 = upd_tile_i[16 +: IdxBits];
  wire [TagBits-1:0] tag0 = upd_tile_i[15:IdxBits], tag1 = upd_tile_i[31:16 + IdxBits];
  wire [1:0]         kind0 = upd_kind_i[1:0], kind1 = upd_kind_i[3:2];
  wire take0 = upd_valid_i[0] & ready & ~(cfg_valid_i & (cidx == idx0));
  wire take1 = upd_valid_i[1] & ready & ~(cfg_valid_i & (cidx == idx1));
  wire kok0 = kind0 != 2'd3, kok1 = kind1 != 2'd3;
  // read ports as one-hot AND-OR selects (a variable part-select with a non-power-of-two stride
  // becomes a barrel shifter over the whole table in Yosys)
  reg [EntryBits-1:0] rd0, rd1;
  integer k;
  always @* begin
    rd0 = {EntryBits{1'b0}};
    rd1 = {EntryBits{1'b0}};
    for (k = 0; k < T3TrackerEntries; k = k + 1) begin
      rd0 = rd0 | (ent[k * EntryBits +: EntryBits] & {EntryBits{idx0 == k[IdxBits-1:0]}});
      rd1 = rd1 | (ent[k * EntryBits +: EntryBits] & {EntryBits{idx1 == k[IdxBits-1:0]}});
    end
  end
  wire hit0 = take0 & kok0 & rd0[0] & (rd0[2 +: TagBits] == tag0);
  wire hit1 = take1 & kok1 & rd1[0] & (rd1[2 +: TagBits] == tag1);
  wire miss = (take0 & kok0 & ~hit0) | (take1 & kok1 & ~hit1);
  wire badkind = (take0 & ~kok0) | (take1 & ~kok1);

  // ---- the table ------------------------------------------------------------
  genvar i;
  generate
    for (i = 0; i < T3TrackerEntries; i = i + 1) begin : g_entry
      localparam [31:0]        I32 = i;
      localparam [IdxBits-1:0] I   = I32[IdxBits-1:0];
      wire s0 = hit0 & (idx0 == I), s1 = hit1 & (idx1 == I);
      assign s0_v[i] = s0;
      assign s1_v[i] = s1;
      wire [5:0] inc;
      assign inc[1:0] = {1'b0, s0 & (kind0 == 2'd0)} + {1'b0, s1 & (kind1 == 2'd0)};
      assign inc[3:2] = {1'b0, s0 & (kind0 == 2'd1)} + {1'b0, s1 & (kind1 == 2'd1)};
      assign inc[5:4] = {1'b0, s0 & (kind0 == 2'd2)} + {1'b0, s1 & (kind1 == 2'd2)};
      t3_tracker_entry #(.TagBits(TagBits)) u_entry (
        .clk_i(clk_i),
        .rst_ni(rst_ni),
        .cfg_we_i(cfg_valid_i & (cidx == I)),
        .cfg_tag_i(cfg_tile_i[15:IdxBits]),
        .cfg_expect_i(cfg_expect_i),
        .cfg_rearm_i(cfg_rearm_i),
        .cfg_addr_i(cfg_addr_i),
        .cfg_bytes_i(cfg_bytes_i),
        .cfg_dest_i(cfg_dest_i),
        .inc_i(inc),
        .fire_o(fire_v[i]),
        .over_o(over_v[i]),
        .state_o(ent[i * EntryBits +: EntryBits])
      );
    end
  endgenerate

  // ---- completions into the queue (port 0's first; one push per entry) -----
  wire fire0 = hit0 & |(fire_v & s0_v);
  wire fire1 = hit1 & |(fire_v & s1_v) & ~(hit0 & (idx0 == idx1));
  wire [DescBits-1:0] desc0 = {rd0[66 + TagBits +: 62], upd_tile_i[15:0]};
  wire [DescBits-1:0] desc1 = {rd1[66 + TagBits +: 62], upd_tile_i[31:16]};
  wire [QueueBits-1:0] qstate;

  t3_tracker_queue #(.QueueDepth(T3TrackerQueue)) u_queue (
    .clk_i(clk_i),
    .rst_ni(rst_ni),
    .dma_ready_i(dma_ready_i),
    .push0_i(fire0),
    .desc0_i(desc0),
    .push1_i(fire1),
    .desc1_i(desc1),
    .count_o(qcount),
    .state_o(qstate)
  );

  reg [2:0] err_q;  // {over, undefined kind, miss} of the previous cycle
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) err_q <= 3'd0;
    else err_q <= {|over_v, badkind, miss};
  end

  assign state_o = {ent, qstate, err_q};
endmodule
