// pim_bank_array: Words x 256-bit storage (one word = one column of 16
// binary16 values), one write port and one combinational read port, every
// word visible on mem_o (word w at bits w*256). A PIM bank holds two: the
// bank's rows x columns (word row*cols + col) and the global buffer (word =
// column). Flip-flops, cleared by rst_ni (a model choice so that the C twin
// and the RTL start equal; DRAM cells keep their data).
// C twin: the bank[] and gbuf[] arrays of pim_bank_t (sim/pim/pim_bank.h),
// written at the clock by pim_bank_commit().
module pim_bank_array (clk_i, rst_ni, we_i, waddr_i, wdata_i, raddr_i, rdata_o, mem_o);
  parameter integer Words    = 4;  // columns stored
  parameter integer AddrBits = 2;  // clog2(Words), at least 1

  input  wire                  clk_i;
  input  wire                  rst_ni;
  input  wire                  we_i;     // write wdata_i into word waddr_i at the clock
  input  wire [AddrBits-1:0]   waddr_i;
  input  wire [255:0]          wdata_i;
  input  wire [AddrBits-1:0]   raddr_i;
  output wire [255:0]          rdata_o;  // word raddr_i, combinational
  output wire [Words*256-1:0]  mem_o;    // every word

  wire [31:0] waddr = {{(32 - AddrBits){1'b0}}, waddr_i};
  genvar w;
  generate
    for (w = 0; w < Words; w = w + 1) begin : g_word
      reg [255:0] word_q;
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) word_q <= 256'd0;
        else if (we_i && waddr == w) word_q <= wdata_i;
      end
      assign mem_o[w*256 +: 256] = word_q;
    end
  endgenerate
  assign rdata_o = mem_o[raddr_i*256 +: 256];
endmodule
