// mac_tc_dot: one output's dot product in the MAC tensor core: CoreK signed
// multipliers a[k] * w[k] and a balanced adder tree that grows one bit per
// level, so the sum is exact (ActBits + DqBits + clog2(CoreK) bits; it never
// wraps). CoreK is padded with zero leaves to a power of two; synthesis
// removes them.
// C twin: sim/mac/mac_array.c (dots()).
// Combinational; instantiated CoreM * CoreN times by mac_tc_array.
module mac_tc_dot (a_i, w_i, sum_o);
  parameter integer CoreK   = 4;  // products per dot product (core.k)
  parameter integer ActBits = 8;  // activation width, signed
  parameter integer DqBits  = 5;  // dequantized weight width, signed

  localparam integer ProdBits = ActBits + DqBits;   // one exact product
  localparam integer Levels   = $clog2(CoreK);      // adder-tree depth
  localparam integer Leaves   = 1 << Levels;        // CoreK padded to a power of two
  localparam integer SumBits  = ProdBits + Levels;  // the tree's root

  input  wire [CoreK*ActBits-1:0] a_i;    // a[k] at k*ActBits
  input  wire [CoreK*DqBits-1:0]  w_i;    // w[k] at k*DqBits
  output wire [SumBits-1:0]       sum_o;  // sum_k a[k] * w[k]

  // Level l holds Leaves >> l nodes of ProdBits + l bits; level 0 is the
  // products, level Levels the root.
  genvar l, i;
  generate
    for (l = 0; l <= Levels; l = l + 1) begin : g_lvl
      localparam integer NodeBits = ProdBits + l;
      wire [(Leaves >> l)*NodeBits-1:0] node;
      if (l == 0) begin : g_mul
        for (i = 0; i < Leaves; i = i + 1) begin : g_k
          if (i < CoreK) begin : g_prod
            wire signed [ActBits-1:0] a = a_i[i*ActBits +: ActBits];
            wire signed [DqBits-1:0]  w = w_i[i*DqBits +: DqBits];
            assign node[i*NodeBits +: NodeBits] = a * w;
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
