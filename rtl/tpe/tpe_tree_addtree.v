// tpe_tree_addtree: the base variant's adder tree of one output column:
// TpeK exact 16-bit products summed by a balanced tree of carry-propagate
// adders that grows one bit per level (never wraps). TpeK is padded with
// zero leaves to a power of two; synthesis removes them.
// C twin: sim/tpe/tpe_tree.c (the sum in tpe_tree_eval(), base).
// Combinational; TpeN of them in tpe_tree_core (base).
module tpe_tree_addtree (prod_i, sum_o);
  parameter integer TpeK = 16;  // products (tpe.k)

  localparam integer ProdBits = 16;
  localparam integer Levels   = $clog2(TpeK);
  localparam integer Leaves   = 1 << Levels;
  localparam integer SumBits  = ProdBits + Levels;

  input  wire [TpeK*ProdBits-1:0] prod_i;  // product k at k*ProdBits
  output wire [SumBits-1:0]       sum_o;

  genvar l, i;
  generate
    for (l = 0; l <= Levels; l = l + 1) begin : g_lvl
      localparam integer NodeBits = ProdBits + l;
      wire [(Leaves >> l)*NodeBits-1:0] node;
      if (l == 0) begin : g_leaf
        for (i = 0; i < Leaves; i = i + 1) begin : g_k
          if (i < TpeK) begin : g_prod
            assign node[i*NodeBits +: NodeBits] = prod_i[i*ProdBits +: ProdBits];
          end else begin : g_pad
            assign node[i*NodeBits +: NodeBits] = {NodeBits{1'b0}};
          end
        end
      end else begin : g_add
        for (i = 0; i < (Leaves >> l); i = i + 1) begin : g_node
          wire [NodeBits-2:0] x0 = g_lvl[l-1].node[(2*i)*(NodeBits-1) +: NodeBits-1];
          wire [NodeBits-2:0] x1 = g_lvl[l-1].node[(2*i+1)*(NodeBits-1) +: NodeBits-1];
          assign node[i*NodeBits +: NodeBits] = {x0[NodeBits-2], x0} + {x1[NodeBits-2], x1};
        end
      end
    end
  endgenerate

  assign sum_o = g_lvl[Levels].node;
endmodule
