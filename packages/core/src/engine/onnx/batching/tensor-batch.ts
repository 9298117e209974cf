/**
 * Joining requests into one batch and splitting the batch's outputs back: tensors are
 * concatenated and split along dim 0, the batch dimension. Engine-independent: plain typed
 * arrays only.
 */
import type { Tensor, TensorData } from '../../../kserve/kserve-types.js';
import { arrayTypeOf, type TypedArrayConstructor } from '../../../kserve/tensor-data.js';

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
 * tensor is returned as is. Each piece is a copy with a buffer of its own: a view would keep the
 * whole batch's output alive for as long as any one request's result lives.
 */
export function splitBatch(tensor: Tensor, sizes: readonly number[]): Tensor[] {
  if (sizes.length === 1) return [tensor];
  const total = tensor.shape[0] ?? 0;
  const perElement = total === 0 ? 0 : tensor.data.length / total;
  const pieces: Tensor[] = [];
  let start = 0;
  for (const size of sizes) {
    const data = tensor.data.slice(start * perElement, (start + size) * perElement) as TensorData;
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
