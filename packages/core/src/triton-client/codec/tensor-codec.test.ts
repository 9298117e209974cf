import { describe, expect, it } from 'vitest';
import type { ModelInferRequest__Output } from '../../../gen/triton/inference/ModelInferRequest.js';
import type { Tensor } from '../../kserve/kserve-types.js';
import { loadTritonServices } from '../channel/proto-loader.js';
import { decodeOutputs, encodeInputs, fromRawBytes } from './tensor-codec.js';

const cases: Array<[string, { given: Tensor; wire: number[] }]> = [
  [
    'BOOL',
    { given: { name: 'b', datatype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) }, wire: [1, 0] },
  ],
  [
    'UINT8',
    {
      given: { name: 'u8', datatype: 'UINT8', shape: [1, 2], data: new Uint8Array([0, 255]) },
      wire: [0, 255],
    },
  ],
  [
    'INT8',
    { given: { name: 'i8', datatype: 'INT8', shape: [2], data: new Int8Array([-1, 2]) }, wire: [0xff, 2] },
  ],
  [
    'UINT16',
    { given: { name: 'u16', datatype: 'UINT16', shape: [1], data: new Uint16Array([0x0102]) }, wire: [2, 1] },
  ],
  [
    'INT16',
    { given: { name: 'i16', datatype: 'INT16', shape: [1], data: new Int16Array([-2]) }, wire: [0xfe, 0xff] },
  ],
  [
    'FP16',
    {
      given: { name: 'h', datatype: 'FP16', shape: [1], data: new Uint16Array([0x3c00]) },
      wire: [0x00, 0x3c],
    },
  ],
  [
    'BF16',
    {
      given: { name: 'bf', datatype: 'BF16', shape: [1], data: new Uint16Array([0x3f80]) },
      wire: [0x80, 0x3f],
    },
  ],
  [
    'UINT32',
    {
      given: { name: 'u32', datatype: 'UINT32', shape: [1], data: new Uint32Array([0x01020304]) },
      wire: [4, 3, 2, 1],
    },
  ],
  [
    'INT32',
    {
      given: { name: 'i32', datatype: 'INT32', shape: [1], data: new Int32Array([-1]) },
      wire: [0xff, 0xff, 0xff, 0xff],
    },
  ],
  [
    'FP32',
    {
      given: { name: 'f', datatype: 'FP32', shape: [1], data: new Float32Array([1]) },
      wire: [0, 0, 0x80, 0x3f],
    },
  ],
  [
    'UINT64',
    {
      given: { name: 'u64', datatype: 'UINT64', shape: [1], data: new BigUint64Array([2n ** 64n - 1n]) },
      wire: Array(8).fill(0xff),
    },
  ],
  [
    'INT64',
    {
      given: { name: 'i64', datatype: 'INT64', shape: [1], data: new BigInt64Array([-2n]) },
      wire: [0xfe, ...Array(7).fill(0xff)],
    },
  ],
  [
    'FP64',
    {
      given: { name: 'd', datatype: 'FP64', shape: [1], data: new Float64Array([1]) },
      wire: [0, 0, 0, 0, 0, 0, 0xf0, 0x3f],
    },
  ],
];

/** Encodes, serializes and parses a real ModelInferRequest, then decodes its raw contents as outputs. */
function roundTrip(tensors: Tensor[]): Tensor[] {
  const { inference } = loadTritonServices();
  const { inputs, raw } = encodeInputs(tensors);
  const bytes = inference.ModelInfer.requestSerialize({ model_name: 'm', inputs, raw_input_contents: raw });
  const parsed = inference.ModelInfer.requestDeserialize(bytes) as ModelInferRequest__Output;
  return decodeOutputs({
    model_name: 'm',
    model_version: '1',
    id: '',
    parameters: {},
    outputs: parsed.inputs.map((input) => ({ ...input, parameters: {}, contents: null })),
    raw_output_contents: parsed.raw_input_contents,
  });
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('tensor codec', () => {
  it.each(cases)('%s travels as little-endian raw bytes', (_name, { given, wire }) => {
    const { inputs, raw } = encodeInputs([given]);
    expect(inputs).toEqual([{ name: given.name, datatype: given.datatype, shape: given.shape }]);
    expect([...(raw[0] as Buffer)]).toEqual(wire);
  });

  it.each(cases)('%s round-trips through a serialized ModelInferRequest', (_name, { given }) => {
    const [back] = roundTrip([given]);
    expect(back?.datatype).toBe(given.datatype);
    expect(back?.shape).toEqual(given.shape);
    expect(back?.data.constructor).toBe(given.data.constructor);
    expect([...(back?.data ?? [])]).toEqual([...given.data]);
  });

  it('keeps several inputs in order', () => {
    const tensors = cases.map(([, { given }]) => given);
    expect(roundTrip(tensors).map((t) => t.name)).toEqual(tensors.map((t) => t.name));
  });

  it('copies unaligned raw bytes instead of failing', () => {
    const backing = new Uint8Array(9);
    backing.set([0, 0, 0x80, 0x3f, 0, 0, 0, 0x40], 1);
    const data = fromRawBytes('FP32', backing.subarray(1), 'test');
    expect([...data]).toEqual([1, 2]);
  });

  it.each([
    [
      'wrong array type',
      { name: 'x', datatype: 'FP32', shape: [1], data: new Float64Array([1]) },
      /must be a Float32Array/,
    ],
    [
      'wrong length',
      { name: 'x', datatype: 'UINT8', shape: [2, 2], data: new Uint8Array(3) },
      /holds 4 elements, data has 3/,
    ],
    [
      'negative dim',
      { name: 'x', datatype: 'UINT8', shape: [-1], data: new Uint8Array(1) },
      /non-negative integer/,
    ],
    ['BYTES', { name: 'x', datatype: 'BYTES', shape: [1], data: new Uint8Array(1) }, /not supported/],
  ] as const)('rejects %s before the wire', (_name, tensor, message) => {
    const error = catchError(() => encodeInputs([tensor as unknown as Tensor]));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(message) });
  });

  it('rejects responses that use typed contents', () => {
    expect(() =>
      decodeOutputs({
        model_name: 'm',
        model_version: '1',
        id: '',
        parameters: {},
        outputs: [{ name: 'y', datatype: 'FP32', shape: ['1'], parameters: {}, contents: null }],
        raw_output_contents: [],
      }),
    ).toThrow(/raw_output_contents only/);
  });
});
