/**
 * What a tensor's data is made of: the typed array each data type travels in, and element counts.
 * One table for request validation, the batcher and the Triton codec, so every engine agrees on
 * what a tensor holds.
 */
import type { DataType } from '../model-repository/model-config.js';
import type { TensorData } from './kserve-types.js';

export type TypedArrayConstructor = {
  new (length: number): TensorData;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TensorData;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
};

/** The typed array that carries each data type; BYTES (strings) has none: raw tensors only. */
const tensorArrayTypes: Readonly<Record<Exclude<DataType, 'BYTES'>, TypedArrayConstructor>> = {
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

/** The typed array class for `datatype`, or undefined for BYTES and unknown names. */
export function arrayTypeOf(datatype: string): TypedArrayConstructor | undefined {
  return Object.hasOwn(tensorArrayTypes, datatype)
    ? tensorArrayTypes[datatype as Exclude<DataType, 'BYTES'>]
    : undefined;
}

/** Number of elements of a tensor with `shape` (1 for a scalar). Dims are not checked here. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/** Zero-filled data for a tensor of `datatype` and `shape`; undefined for BYTES (no typed array). */
export function zeroTensorData(datatype: DataType, shape: readonly number[]): TensorData | undefined {
  const ArrayType = arrayTypeOf(datatype);
  return ArrayType === undefined ? undefined : new ArrayType(elementCount(shape));
}
