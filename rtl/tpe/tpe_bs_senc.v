// tpe_bs_senc: encoder + sparse encoder of the bit-slice array (HPCA'25
// bit-weight paper, OPT3/OPT4C; REFERENCES.md "Bit-weight-transformed MAC
// engines"). Digits the 4 A values of a group (tpe_tree_enc, MBE or EN-T),
// takes the 4 digits of weight bw_i, and picks the lowest non-zero one still
// to issue: mask = busy_i ? rem_i : non-zero mask; sel_o = its k index,
// dig_o = its {two, one, neg} wires (000 if none is left), rest_o = mask
// without it (0: the group is finished this cycle).
// C twin: sim/tpe/tpe_bs.c (tpe_bs_nzmask and the selection in tpe_bs_eval).
// Combinational; one per column (opt4c) or one per PE (opt3).
module tpe_bs_senc (a_i, bw_i, busy_i, rem_i, sel_o, dig_o, rest_o);
  parameter integer TpeEncoding = 0;  // 0 mbe, 1 ent (tpe.encoding)

  input  wire [31:0] a_i;     // a[j] at 8j
  input  wire [1:0]  bw_i;    // digit weight of the pass
  input  wire        busy_i;  // rem_i is live
  input  wire [3:0]  rem_i;   // digits still to issue
  output wire [1:0]  sel_o;   // k index within the group
  output wire [2:0]  dig_o;   // {two, one, neg}
  output wire [3:0]  rest_o;  // digits left after this cycle

  wire [11:0] digs [0:3];
  wire [2:0]  dw   [0:3];
  wire [3:0]  nz;
  genvar j;
  generate
    for (j = 0; j < 4; j = j + 1) begin : g_enc
      tpe_tree_enc #(.TpeEncoding(TpeEncoding)) u_enc (.a_i(a_i[8*j +: 8]), .dig_o(digs[j]));
      assign dw[j] = digs[j][3*bw_i +: 3];
      assign nz[j] = dw[j][1] | dw[j][2];
    end
  endgenerate

  wire [3:0] m = busy_i ? rem_i : nz;
  assign sel_o = m[0] ? 2'd0 : m[1] ? 2'd1 : m[2] ? 2'd2 : 2'd3;
  wire [3:0] onehot = m & ~(m - 4'd1);  // lowest set bit (0 if none)
  assign rest_o = m & ~onehot;
  assign dig_o  = (m != 4'd0) ? dw[sel_o] : 3'b000;
endmodule
