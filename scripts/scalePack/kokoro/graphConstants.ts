// Named constants of a graph, created once per value (ONNX initializer names must be unique).
import type { GraphBuilder } from '../../tinyPack/onnxGraph';

export class GraphConstants {
  private readonly names = new Map<string, string>();

  constructor(private readonly g: GraphBuilder) {}

  /** An int64 tensor (shapes, axes, indices); a scalar when `dims` is []. */
  ints(values: number[], dims: number[] = [values.length]): string {
    return this.cached(`i64:${dims.join('x')}:${values.join(',')}`, (name) => this.g.init(name, 'int64', dims, BigInt64Array.from(values.map(BigInt))));
  }

  /** A float32 tensor; a scalar when `dims` is []. */
  floats(values: number[], dims: number[] = [values.length]): string {
    return this.cached(`f32:${dims.join('x')}:${values.join(',')}`, (name) => this.g.init(name, 'float32', dims, Float32Array.from(values)));
  }

  scalar(value: number): string {
    return this.floats([value], []);
  }

  private cached(key: string, create: (name: string) => string): string {
    let name = this.names.get(key);
    if (name === undefined) {
      name = create(`const_${this.names.size}`);
      this.names.set(key, name);
    }
    return name;
  }
}
