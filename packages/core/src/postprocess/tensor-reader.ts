/**
 * Reading model outputs for decoders: find an output by name, read its elements as numbers
 * whatever the element type, and step through its batch dimension.
 */

import { ChipqError } from '../errors.js';
import type { Tensor } from '../kserve/kserve-types.js';
import { fromHalf } from '../preprocess/fp16.js';

export function outputMismatch(decoder: string, message: string): ChipqError {
  return new ChipqError('MODEL_CONFIG_INVALID', `decoder ${decoder}: ${message}`, { details: { decoder } });
}

/** The output called `name`; throws MODEL_CONFIG_INVALID naming what the model returned. */
export function findOutput(outputs: Tensor[], name: string, decoder: string): Tensor {
  const tensor = outputs.find((t) => t.name === name);
  if (!tensor) {
    throw outputMismatch(
      decoder,
      `expected an output named "${name}", the model returned ${outputs.map((t) => `"${t.name}"`).join(', ') || 'none'}`,
    );
  }
  return tensor;
}

/** The tensor's elements as numbers (FP16 bits decoded, 64-bit integers narrowed). */
function numbersOf(tensor: Tensor): ArrayLike<number> {
  const { data } = tensor;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Array.from(data, Number);
  if (tensor.datatype === 'FP16' || tensor.datatype === 'BF16') {
    const bits = data as Uint16Array;
    // BF16 is the top half of an FP32.
    return tensor.datatype === 'FP16'
      ? Float32Array.from(bits, fromHalf)
      : new Float32Array(Uint32Array.from(bits, (b) => b << 16).buffer);
  }
  return data as ArrayLike<number>;
}

/** One batch element of an output: its values from `offset`, and its shape without the batch dimension. */
export interface BatchItem {
  values: ArrayLike<number>;
  offset: number;
  dims: number[];
}

/**
 * Selects batch element `index` of an output whose per-image rank is `rank`; an output of exactly
 * `rank` dimensions (a model without a batch dimension) is element 0.
 */
export function batchItem(tensor: Tensor, rank: number, index: number, decoder: string): BatchItem {
  const { shape } = tensor;
  if (shape.length !== rank && shape.length !== rank + 1) {
    throw outputMismatch(
      decoder,
      `output "${tensor.name}" has shape [${shape.join(', ')}], expected ${rank} dimensions after the batch dimension`,
    );
  }
  const dims = shape.length === rank ? shape : shape.slice(1);
  const batch = shape.length === rank ? 1 : (shape[0] as number);
  if (index < 0 || index >= batch) {
    throw new ChipqError(
      'INTERNAL',
      `batch element ${index} requested from output "${tensor.name}" of batch size ${batch}`,
    );
  }
  const size = dims.reduce((a, b) => a * b, 1);
  const values = numbersOf(tensor);
  if (values.length < batch * size) {
    throw outputMismatch(
      decoder,
      `output "${tensor.name}" holds ${values.length} values, its shape needs ${batch * size}`,
    );
  }
  return { values, offset: index * size, dims };
}
