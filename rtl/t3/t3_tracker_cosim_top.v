// t3_tracker_cosim_top: t3_tracker behind the co-simulation interface of
// sim/cosim/cosim.h: clk_i, rst_ni, in_i (the cycle's configuration write,
// two update events and the DMA engine's ready) and out_o (every register),
// packed LSB first.
// C twin: sim/cosim/blk_t3_tracker.c (block "t3_tracker", packing the same
// buses around sim/t3/tracker.c).
//
// in_i (135 bits):
//   cfg_valid at 0, cfg_tile[16] at 1, cfg_expect[16] at 17, cfg_rearm at 33,
//   cfg_addr[32] at 34, cfg_bytes[24] at 66, cfg_dest[6] at 90,
//   port p (p = 0, 1) at 96 + 19p: valid, tile[16], kind[2];
//   dma_ready at 134.
// out_o: t3_tracker's state_o:
//   err[3], trig_valid, trig[78], head[CB], count[CB], slot[Q][78],
//   entry[E][128 + TB] (CB = clog2(Q + 1), TB = 16 - log2 E; t3_tracker.v).
module t3_tracker_cosim_top (clk_i, rst_ni, in_i, out_o);
  parameter integer T3TrackerEntries = 8;
  parameter integer T3TrackerQueue   = 4;

  localparam integer TagBits   = 16 - $clog2(T3TrackerEntries);
  localparam integer CountBits = $clog2(T3TrackerQueue + 1);
  localparam integer InBits    = 135;
  localparam integer OutBits   = 3 + 1 + 78 + 2 * CountBits + T3TrackerQueue * 78
                                 + T3TrackerEntries * (128 + TagBits);

  input  wire               clk_i;
  input  wire               rst_ni;
  input  wire [InBits-1:0]  in_i;
  output wire [OutBits-1:0] out_o;

  t3_tracker #(
    .T3TrackerEntries(T3TrackerEntries),
    .T3TrackerQueue(T3TrackerQueue)
  ) u_tracker (
    .clk_i(clk_i),
    .rst_ni(rst_ni),
    .cfg_valid_i(in_i[0]),
    .cfg_tile_i(in_i[16:1]),
    .cfg_expect_i(in_i[32:17]),
    .cfg_rearm_i(in_i[33]),
    .cfg_addr_i(in_i[65:34]),
    .cfg_bytes_i(in_i[89:66]),
    .cfg_dest_i(in_i[95:90]),
    .upd_valid_i({in_i[115], in_i[96]}),
    .upd_tile_i({in_i[131:116], in_i[112:97]}),
    .upd_kind_i({in_i[133:132], in_i[114:113]}),
    .dma_ready_i(in_i[134]),
    .state_o(out_o)
  );
endmodule
