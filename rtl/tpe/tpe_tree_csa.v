// tpe_tree_csa: a carry-save (Wallace) tree: NumOps operands of Width bits
// reduced to a sum and a carry vector with sum + carry == the operands'
// total modulo 2^Width, no carry propagation. Level by level, consecutive
// triples go through 3:2 compressors (sum at 2i, carry << 1 at 2i+1 of the
// next level), leftovers move after them, until two vectors remain. The C
// twin builds the identical tree, so the two vectors match bit for bit.
// C twin: sim/tpe/tpe_tree.c (tpe_tree_csa()).
// Combinational; the half-reduce step of tpe_tree_mul (base), of each
// column's accumulation (opt1) and of the bit-weight trees (opt2).
module tpe_tree_csa (ops_i, sum_o, carry_o);
  parameter integer NumOps = 5;   // operands
  parameter integer Width  = 16;  // bits of each operand and of the results
  // The operands' shape, for synthesis: bits outside Live are constant 0,
  // bits in Ones constant 1 (operand i at i*Width). With the hierarchy
  // kept, synthesis cannot see constants across the port; here it sees
  // them and keeps only the compressors of live bits. The instantiating
  // module guarantees the inputs match (the C twin needs no copy of this).
  parameter [NumOps*Width-1:0] Live = {(NumOps*Width){1'b1}};
  parameter [NumOps*Width-1:0] Ones = {(NumOps*Width){1'b0}};

  // operands left after l levels
  function automatic integer count_at(input integer n, input integer l);
    integer j;
    begin
      count_at = n;
      for (j = 0; j < l; j = j + 1)
        if (count_at > 2) count_at = 2 * (count_at / 3) + count_at % 3;
    end
  endfunction

  // levels until at most two operands remain
  function automatic integer levels_of(input integer n);
    integer cnt;
    begin
      levels_of = 0;
      cnt = n;
      while (cnt > 2) begin
        cnt = 2 * (cnt / 3) + cnt % 3;
        levels_of = levels_of + 1;
      end
    end
  endfunction

  localparam integer Levels = levels_of(NumOps);

  input  wire [NumOps*Width-1:0] ops_i;    // operand i at i*Width
  output wire [Width-1:0]        sum_o;
  output wire [Width-1:0]        carry_o;

  genvar l, i;
  generate
    for (l = 0; l <= Levels; l = l + 1) begin : g_lvl
      localparam integer Cnt = count_at(NumOps, l);
      wire [Cnt*Width-1:0] v;
      if (l == 0) begin : g_in
        assign v = (ops_i & Live) | Ones;
      end else begin : g_red
        localparam integer Prev   = count_at(NumOps, l - 1);
        localparam integer Groups = Prev / 3;
        localparam integer Left   = Prev % 3;
        for (i = 0; i < Groups; i = i + 1) begin : g_fa
          wire [Width-1:0] x = g_lvl[l-1].v[(3*i)*Width +: Width];
          wire [Width-1:0] y = g_lvl[l-1].v[(3*i+1)*Width +: Width];
          wire [Width-1:0] z = g_lvl[l-1].v[(3*i+2)*Width +: Width];
          assign v[(2*i)*Width +: Width]   = x ^ y ^ z;
          assign v[(2*i+1)*Width +: Width] = ((x & y) | (x & z) | (y & z)) << 1;
        end
        if (Left > 0) begin : g_pass
          assign v[2*Groups*Width +: Left*Width] = g_lvl[l-1].v[3*Groups*Width +: Left*Width];
        end
      end
    end
  endgenerate

  generate
    if (count_at(NumOps, Levels) >= 2) begin : g_two
      assign sum_o   = g_lvl[Levels].v[0 +: Width];
      assign carry_o = g_lvl[Levels].v[Width +: Width];
    end else begin : g_one
      assign sum_o   = g_lvl[Levels].v[0 +: Width];
      assign carry_o = {Width{1'b0}};
    end
  endgenerate
endmodule
