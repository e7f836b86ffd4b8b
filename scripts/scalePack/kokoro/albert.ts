// PL-BERT, Kokoro's phoneme-level ALBERT: factorised embeddings and one transformer layer shared across the depth.
import { attr } from '../../tinyPack/onnxGraph';
import type { KokoroDims } from './kokoroConfig';
import type { KokoroLayers } from './kokoroLayers';

/** transformers' "gelu_new": 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
function geluNew(l: KokoroLayers, x: string): string {
  const { g, c } = l;
  const cubic = g.op('Mul', [g.op('Pow', [x, c.scalar(3)]), c.scalar(0.044715)]);
  const inner = g.op('Mul', [g.op('Add', [x, cubic]), c.scalar(Math.sqrt(2 / Math.PI))]);
  return g.op('Mul', [g.op('Mul', [x, c.scalar(0.5)]), g.op('Add', [g.op('Tanh', [inner]), c.scalar(1)])]);
}

/**
 * CustomAlbert(input_ids [1, T]) -> last hidden state [1, T, albert.hidden]; the checkpoint also holds the unused
 * pooler, counted here (the export prunes it).
 */
export function albert(l: KokoroLayers, inputIds: string, dims: KokoroDims): string {
  const { g, c, w } = l;
  const { hidden, heads, intermediate, embedding, maxPositions, layers } = dims.albert;
  const headWidth = hidden / heads;
  const ids = g.op('Squeeze', [inputIds, c.ints([0])]);
  const positions = g.op('Range', [c.ints([0], []), g.op('Squeeze', [g.op('Shape', [ids]), c.ints([0])]), c.ints([1], [])]);
  let x = g.op('Add', [
    l.embedding(ids, 'bert.embeddings.word_embeddings', dims.tokens, embedding),
    l.embedding(positions, 'bert.embeddings.position_embeddings', maxPositions, embedding, 0.1),
  ]);
  x = g.op('Add', [x, l.embedding(c.ints([0]), 'bert.embeddings.token_type_embeddings', 2, embedding, 0.1)]);
  x = g.op('Unsqueeze', [l.layerNorm(x, 'bert.embeddings.LayerNorm', embedding, 1e-12), c.ints([0])]);
  x = l.linear(x, { name: 'bert.encoder.embedding_hidden_mapping_in', inFeatures: embedding, outFeatures: hidden, bias: true });

  const layer = 'bert.encoder.albert_layer_groups.0.albert_layers.0';
  const linear = (name: string, inFeatures: number, outFeatures: number) => l.sharedLinear({ name: `${layer}.${name}`, inFeatures, outFeatures });
  const [query, key, value, dense] = ['attention.query', 'attention.key', 'attention.value', 'attention.dense'].map((name) => linear(name, hidden, hidden));
  const ffn = linear('ffn', hidden, intermediate);
  const ffnOutput = linear('ffn_output', intermediate, hidden);
  const norms = ['attention.LayerNorm', 'full_layer_layer_norm'].map((name) => ({
    scale: w.filled(`${layer}.${name}.weight`, [hidden], 1),
    shift: w.filled(`${layer}.${name}.bias`, [hidden], 0),
  }));
  const norm = (y: string, which: number) => g.op('LayerNormalization', [y, norms[which]!.scale, norms[which]!.shift], { axis: attr.i(-1), epsilon: attr.f(1e-12) });
  const headsFirst = (y: string) => g.op('Transpose', [g.op('Reshape', [y, c.ints([1, -1, heads, headWidth])])], { perm: attr.ints([0, 2, 1, 3]) });
  const scale = c.scalar(1 / Math.sqrt(headWidth));

  for (let i = 0; i < layers; i++) {
    const q = headsFirst(query!(x));
    const kT = g.op('Transpose', [headsFirst(key!(x))], { perm: attr.ints([0, 1, 3, 2]) });
    const weights = g.op('Softmax', [g.op('Mul', [g.op('MatMul', [q, kT]), scale])], { axis: attr.i(-1) });
    const context = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [weights, headsFirst(value!(x))])], { perm: attr.ints([0, 2, 1, 3]) }), c.ints([1, -1, hidden])]);
    const attended = norm(g.op('Add', [x, dense!(context)]), 0);
    x = norm(g.op('Add', [attended, ffnOutput(geluNew(l, ffn(attended)))]), 1);
  }
  // The pooler (dense + tanh on the first token) is in the checkpoint but not in the graph.
  w.parameters += hidden * hidden + hidden;
  return x;
}
