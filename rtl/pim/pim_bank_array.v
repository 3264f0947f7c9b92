// pim_bank_array: Words x 256-bit storage (one word = one column of 16
// binary16 values), one write port and one combinational read port, every
// word visible on mem_o (word w at bits w*256). A PIM bank holds two: the
// bank's rows x columns (word row*cols + col) and the global buffer (word =
// column). Flip-flops in one flat vector (one indexed write per clock, which
// the verilated model evaluates in O(1) words, not O(Words) as with a
// register per word), cleared by rst_ni (a model choice so that the C twin and the RTL
// start equal; DRAM cells keep their data).
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

  // one flat register vector: word w at bits w*256 (one indexed write per clock)
  reg [Words*256-1:0] mem_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) mem_q <= 0;
    else if (we_i) mem_q[waddr_i*256 +: 256] <= wdata_i;
  end
  assign mem_o   = mem_q;
  assign rdata_o = mem_q[raddr_i*256 +: 256];
endmodule
