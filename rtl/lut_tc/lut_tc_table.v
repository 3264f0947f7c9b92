// lut_tc_table: table storage of one array row of the LUT Tensor Core.
//
// Holds the row's symmetrized table of the current K-group, 2^(K-1) entries
// of EntryW bits (LUT TC §3.2.1), loaded by a valid step (a stall holds it),
// and broadcasts it to the row's CoreN lookup units. One per array row
// (CoreM of them) in lut_tc_array: stage 1 of the array's pipeline.
// C twin: sim/lut/lut_array.c (lut_array_regs_t.tbl, one row of it).
module lut_tc_table #(
  parameter integer CoreK  = 4,   // core.k: activations per table group
  parameter integer EntryW = 16   // table entry bits
) (
  input  wire                                 clk_i,
  input  wire                                 rst_ni,
  input  wire                                 en_i,   // load (a valid step)
  input  wire [(1 << (CoreK - 1))*EntryW-1:0] tbl_i,  // entry e at e*EntryW
  output wire [(1 << (CoreK - 1))*EntryW-1:0] tbl_o   // the stored table, to the row's lookups
);
  localparam integer NumEntries = 1 << (CoreK - 1);

  reg [NumEntries*EntryW-1:0] tbl_q;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      tbl_q <= {(NumEntries*EntryW){1'b0}};
    end else if (en_i) begin
      tbl_q <= tbl_i;
    end
  end

  assign tbl_o = tbl_q;
endmodule
