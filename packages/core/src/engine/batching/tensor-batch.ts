/**
 * Joining requests into one batch and splitting the batch's outputs back: tensors are
 * concatenated and split along dim 0, the batch dimension. Also the typed array each data type
 * travels in, which request validation checks. Engine-independent: plain typed arrays only.
 */
import type { DataType } from '../../model-repository/model-config.js';
import type { Tensor, TensorData } from '../engine.js';

type TypedArrayConstructor = { new (length: number): TensorData; readonly name: string };

/** The typed array that carries each data type; BYTES (strings) is not supported. */
const arrayTypes: Record<Exclude<DataType, 'BYTES'>, TypedArrayConstructor> = {
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  INT8: Int8Array,
  UINT16: Uint16Array,
  INT16: Int16Array,
  UINT32: Uint32Array,
  INT32: Int32Array,
  UINT64: BigUint64Array,
  INT64: BigInt64Array,
  // Half floats travel as their raw 16-bit patterns.
  FP16: Uint16Array,
  BF16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
};

/** The typed array class for `datatype`, or undefined for BYTES. */
export function arrayTypeOf(datatype: DataType): TypedArrayConstructor | undefined {
  return datatype === 'BYTES' ? undefined : arrayTypes[datatype];
}

/** Number of elements of a tensor with `shape` (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/**
 * One tensor holding `parts` one after another along dim 0. All parts share name, datatype and
 * non-batch dims (the batcher only joins requests of equal shapes). A single part is returned
 * as is, without a copy.
 */
export function concatBatch(parts: readonly Tensor[]): Tensor {
  const first = parts[0];
  if (first === undefined) throw new RangeError('concatBatch needs at least one tensor');
  if (parts.length === 1) return first;
  const Type = arrayTypeOf(first.datatype) as TypedArrayConstructor;
  const data = new Type(parts.reduce((sum, part) => sum + part.data.length, 0));
  let offset = 0;
  for (const part of parts) {
    // Same typed array class on both sides, checked by request validation.
    (data as Uint8Array).set(part.data as Uint8Array, offset);
    offset += part.data.length;
  }
  const batch = parts.reduce((sum, part) => sum + (part.shape[0] ?? 0), 0);
  return { name: first.name, datatype: first.datatype, shape: [batch, ...first.shape.slice(1)], data };
}

/**
 * `tensor` cut along dim 0 into pieces of `sizes` batch elements, in order. With one size the
 * tensor is returned as is. Pieces are views of the batch's buffer, not copies.
 */
export function splitBatch(tensor: Tensor, sizes: readonly number[]): Tensor[] {
  if (sizes.length === 1) return [tensor];
  const total = tensor.shape[0] ?? 0;
  const perElement = total === 0 ? 0 : tensor.data.length / total;
  const pieces: Tensor[] = [];
  let start = 0;
  for (const size of sizes) {
    const data = tensor.data.subarray(start * perElement, (start + size) * perElement) as TensorData;
    pieces.push({
      name: tensor.name,
      datatype: tensor.datatype,
      shape: [size, ...tensor.shape.slice(1)],
      data,
    });
    start += size;
  }
  return pieces;
}
