// What each scale-pack generator returns: the files it wrote and, per ONNX graph, the figures make:scale-pack checks
// against the public ones (parameter count, operator histogram).
import type { Dtype } from '../../src/models/manifest';

export interface GraphReport {
  /** Path relative to the model's folder, e.g. "onnx/model_q4.onnx". */
  file: string;
  dtype: Dtype;
  /** Parameters of the checkpoint this graph stands for, counted while building it. */
  parameters: number;
  /** The public figure it must match, and where it comes from (a model card, a config, a paper). */
  expectedParameters: number;
  expectedSource: string;
  /** Relative tolerance on the parameter count (public figures are rounded: "82M"). */
  parameterTolerance: number;
  opHistogram: Record<string, number>;
}

export interface WrittenScaleModel {
  /** Every written path relative to the model's folder (configs, tokenizers, voices and graphs). */
  files: string[];
  graphs: GraphReport[];
}

/** One model of a scale pack: its folder under public/models/ and how to write it. */
export interface ScaleModel {
  modelId: string;
  write(modelDir: string, seed: number): Promise<WrittenScaleModel>;
}
