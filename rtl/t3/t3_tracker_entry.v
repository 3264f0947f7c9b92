// t3_tracker_entry: one entry of T3's tracker table (REFERENCES.md "T3",
// Tracker): tag, programmed expected count, local / remote / DMA update
// counters, valid and re-arm bits, the pre-programmed DMA descriptor.
// C twin: sim/t3/tracker.c (t3_entry_t, the entry part of t3_tracker_eval).
//
// A configuration write (cfg_we_i) loads the tag, count (0 frees the entry),
// re-arm bit and descriptor and clears the counters; the parent never sends
// increments to an entry it programs in the same cycle. inc_i holds this
// cycle's increments per kind (0..2 each, from the two update ports). When
// the new total reaches the expected count, fire_o is 1 (over_o if it
// passes it), the counters clear and valid_q takes the re-arm bit.
//
// state_o (LSB first): valid, rearm, tag[TagBits], expect[16], local[16],
// remote[16], dma[16], addr[32], bytes[24], dest[6].
module t3_tracker_entry (clk_i, rst_ni, cfg_we_i, cfg_tag_i, cfg_expect_i, cfg_rearm_i, cfg_addr_i,
                         cfg_bytes_i, cfg_dest_i, inc_i, fire_o, over_o, state_o);
  parameter integer TagBits = 8;

  localparam integer StateBits = 2 + TagBits + 4 * 16 + 32 + 24 + 6;

  input  wire                 clk_i;
  input  wire                 rst_ni;
  input  wire                 cfg_we_i;
  input  wire [TagBits-1:0]   cfg_tag_i;
  input  wire [15:0]          cfg_expect_i;
  input  wire                 cfg_rearm_i;
  input  wire [31:0]          cfg_addr_i;
  input  wire [23:0]          cfg_bytes_i;
  input  wire [5:0]           cfg_dest_i;
  input  wire [5:0]           inc_i;      // {dma[2], remote[2], local[2]}
  output wire                 fire_o;
  output wire                 over_o;
  output wire [StateBits-1:0] state_o;

  reg               valid_q, rearm_q;
  reg [TagBits-1:0] tag_q;
  reg [15:0]        expect_q, local_q, remote_q, dma_q;
  reg [31:0]        addr_q;
  reg [23:0]        bytes_q;
  reg [5:0]         dest_q;

  wire [17:0] total = {2'b0, local_q} + {2'b0, remote_q} + {2'b0, dma_q}
                      + {16'b0, inc_i[1:0]} + {16'b0, inc_i[3:2]} + {16'b0, inc_i[5:4]};
  wire        any   = |inc_i;
  assign fire_o = any & (total >= {2'b0, expect_q});
  assign over_o = fire_o & (total > {2'b0, expect_q});

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0; rearm_q <= 1'b0; tag_q <= {TagBits{1'b0}};
      expect_q <= 16'd0; local_q <= 16'd0; remote_q <= 16'd0; dma_q <= 16'd0;
      addr_q <= 32'd0; bytes_q <= 24'd0; dest_q <= 6'd0;
    end else if (cfg_we_i) begin
      valid_q <= |cfg_expect_i; rearm_q <= cfg_rearm_i; tag_q <= cfg_tag_i;
      expect_q <= cfg_expect_i; local_q <= 16'd0; remote_q <= 16'd0; dma_q <= 16'd0;
      addr_q <= cfg_addr_i; bytes_q <= cfg_bytes_i; dest_q <= cfg_dest_i;
    end else if (fire_o) begin
      valid_q <= rearm_q; local_q <= 16'd0; remote_q <= 16'd0; dma_q <= 16'd0;
    end else if (any) begin
      local_q  <= local_q + {14'b0, inc_i[1:0]};
      remote_q <= remote_q + {14'b0, inc_i[3:2]};
      dma_q    <= dma_q + {14'b0, inc_i[5:4]};
    end
  end

  assign state_o = {dest_q, bytes_q, addr_q, dma_q, remote_q, local_q, expect_q, tag_q, rearm_q, valid_q};
endmodule
