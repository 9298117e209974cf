import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../../kserve/kserve-types.js';
import { arrayTypeOf, elementCount, zeroTensorData } from '../../../kserve/tensor-data.js';
import { concatBatch, splitBatch } from './tensor-batch.js';

const fp32 = (shape: number[], values: number[]): Tensor => ({
  name: 'x',
  datatype: 'FP32',
  shape,
  data: Float32Array.from(values),
});

describe('concatBatch / splitBatch', () => {
  it('joins along dim 0 and splits back to the same pieces', () => {
    const a = fp32([1, 2], [1, 2]);
    const b = fp32([2, 2], [3, 4, 5, 6]);
    const joined = concatBatch([a, b]);
    expect(joined.shape).toEqual([3, 2]);
    expect(Array.from(joined.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    const [first, second] = splitBatch(joined, [1, 2]);
    expect(first?.shape).toEqual([1, 2]);
    expect(Array.from(first?.data as Float32Array)).toEqual([1, 2]);
    expect(second?.shape).toEqual([2, 2]);
    expect(Array.from(second?.data as Float32Array)).toEqual([3, 4, 5, 6]);
  });

  it('keeps 64-bit integers exact', () => {
    const big = (v: bigint): Tensor => ({
      name: 'n',
      datatype: 'INT64',
      shape: [1],
      data: BigInt64Array.of(v),
    });
    const joined = concatBatch([big(2n ** 62n), big(-5n)]);
    expect(Array.from(joined.data as BigInt64Array)).toEqual([2n ** 62n, -5n]);
  });

  it('gives each piece a buffer of its own, not a view of the whole batch', () => {
    const joined = concatBatch([fp32([1, 2], [1, 2]), fp32([3, 2], [3, 4, 5, 6, 7, 8])]);
    for (const piece of splitBatch(joined, [1, 3])) {
      expect(piece.data.buffer.byteLength).toBe(piece.data.byteLength);
      expect(piece.data.buffer).not.toBe(joined.data.buffer);
    }
  });

  it('passes a single tensor through without copying', () => {
    const a = fp32([1, 2], [1, 2]);
    expect(concatBatch([a])).toBe(a);
    expect(splitBatch(a, [1])[0]).toBe(a);
  });

  it('refuses an empty batch', () => {
    expect(() => concatBatch([])).toThrow('concatBatch needs at least one tensor');
  });
});

describe('arrayTypeOf / elementCount / zeroTensorData', () => {
  it.each([
    ['FP32', 'Float32Array'],
    ['UINT8', 'Uint8Array'],
    ['BOOL', 'Uint8Array'],
    ['FP16', 'Uint16Array'],
    ['INT64', 'BigInt64Array'],
  ] as const)('%s travels as %s', (datatype, name) => {
    expect(arrayTypeOf(datatype)?.name).toBe(name);
  });

  it('has no array type for BYTES', () => {
    expect(arrayTypeOf('BYTES')).toBeUndefined();
  });

  it('counts elements, 1 for a scalar', () => {
    expect([elementCount([2, 3, 4]), elementCount([]), elementCount([5, 0])]).toEqual([24, 1, 0]);
  });

  it('makes zero tensors in the array type of their data type, none for BYTES', () => {
    const data = zeroTensorData('INT64', [2, 3]);
    expect(data).toBeInstanceOf(BigInt64Array);
    expect([...(data as BigInt64Array)]).toEqual(Array(6).fill(0n));
    expect(zeroTensorData('FP16', [4])).toEqual(new Uint16Array(4));
    expect(zeroTensorData('BYTES', [1])).toBeUndefined();
  });
});
