import { Tensor as OrtTensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ChipqError } from '../../errors.js';
import type { Tensor } from '../../kserve/kserve-types.js';
import { fromWireTensor, isOnnxDataType, toWireTensor } from './onnx-tensor.js';

const cases: Array<[string, { tensor: Tensor; ortType: string }]> = [
  [
    'FP32',
    {
      tensor: { name: 'a', datatype: 'FP32', shape: [2], data: Float32Array.of(1.5, -2) },
      ortType: 'float32',
    },
  ],
  [
    'UINT8',
    {
      tensor: { name: 'a', datatype: 'UINT8', shape: [1, 3], data: Uint8Array.of(0, 128, 255) },
      ortType: 'uint8',
    },
  ],
  [
    'INT64',
    {
      tensor: { name: 'a', datatype: 'INT64', shape: [1], data: BigInt64Array.of(-(2n ** 40n)) },
      ortType: 'int64',
    },
  ],
  [
    'FP16 as raw bits',
    {
      tensor: { name: 'a', datatype: 'FP16', shape: [2], data: Uint16Array.of(0x3c00, 0xc000) },
      ortType: 'float16',
    },
  ],
  [
    'BOOL',
    { tensor: { name: 'a', datatype: 'BOOL', shape: [2], data: Uint8Array.of(1, 0) }, ortType: 'bool' },
  ],
];

describe('onnx tensor conversion', () => {
  it.each(cases)('%s round-trips through a real onnxruntime tensor', (_name, { tensor, ortType }) => {
    const wire = toWireTensor(tensor);
    // The worker builds exactly this from the wire form; onnxruntime must accept our typed array.
    const ort = new OrtTensor(wire.type as 'float32', wire.data as Float32Array, wire.dims);
    expect(ort.type).toBe(ortType);
    expect(ort.dims).toEqual(tensor.shape);
    const back = fromWireTensor({
      name: 'out',
      type: ort.type,
      dims: [...ort.dims],
      data: ort.data as Float32Array,
    });
    expect(back).toEqual({ ...tensor, name: 'out' });
  });

  it('uses the given shape (a config reshape) instead of the tensor shape', () => {
    const wire = toWireTensor(
      { name: 'a', datatype: 'FP32', shape: [1, 4], data: new Float32Array(4) },
      [1, 2, 2],
    );
    expect(wire.dims).toEqual([1, 2, 2]);
  });

  it('rejects types onnxruntime-node cannot carry with INVALID_INPUT', () => {
    const bf16: Tensor = { name: 'a', datatype: 'BF16', shape: [1], data: new Uint16Array(1) };
    expect(isOnnxDataType('BF16')).toBe(false);
    expect(() => toWireTensor(bf16)).toThrow(ChipqError);
    expect(() => toWireTensor(bf16)).toThrow(
      'input a: data type BF16 is not supported by the embedded engine',
    );
  });

  it('rejects string outputs with INFERENCE_FAILED', () => {
    const strings = new OrtTensor('string', ['x'], [1]);
    expect(() =>
      fromWireTensor({ name: 's', type: strings.type, dims: [1], data: new Uint8Array(1) }),
    ).toThrow('output s: onnxruntime type string is not supported');
  });
});
