import { describe, expect, it } from 'vitest';
import { ChipqError } from '../errors.js';
import type { InferRequest, Tensor } from '../kserve/kserve-types.js';
import { parseModelConfig } from '../model-repository/model-config-parser.js';
import { validateRequest } from './request-validation.js';

const batched = parseModelConfig(
  `name: "pair" max_batch_size: 4
   input [ { name: "image" data_type: TYPE_UINT8 dims: [ 1, -1, -1 ] },
           { name: "mask" data_type: TYPE_FP32 dims: [ 2 ] optional: true } ]
   output [ { name: "score" data_type: TYPE_FP32 dims: [ 1 ] }, { name: "map" data_type: TYPE_FP32 dims: [ 2 ] } ]`,
  { file: 'pair/config.pbtxt' },
);
const plain = parseModelConfig(
  `name: "plain" max_batch_size: 0
   input [ { name: "x" data_type: TYPE_FP32 dims: [ 2, 3 ] } ]
   output [ { name: "y" data_type: TYPE_FP32 dims: [ 2, 3 ] } ]`,
  { file: 'plain/config.pbtxt' },
);

const image = (
  shape: number[],
  data: Tensor['data'] = new Uint8Array(shape.reduce((a, b) => a * b, 1)),
): Tensor => ({ name: 'image', datatype: 'UINT8', shape, data });
const request = (inputs: Tensor[], outputs?: string[]): InferRequest => ({
  model: 'pair',
  inputs,
  ...(outputs ? { outputs } : {}),
});

function messageOf(run: () => unknown): string {
  try {
    run();
    return 'valid';
  } catch (error) {
    expect(error).toBeInstanceOf(ChipqError);
    expect((error as ChipqError).code).toBe('INVALID_INPUT');
    return (error as ChipqError).message;
  }
}

describe('validateRequest', () => {
  it.each<[string, { given: InferRequest; want: string }]>([
    [
      'unknown input',
      {
        given: request([image([1, 1, 2, 2]), { ...image([1]), name: 'extra' }]),
        want: 'unexpected input extra; model pair takes image, mask',
      },
    ],
    ['missing input', { given: request([]), want: 'missing input image for model pair' }],
    [
      'duplicate input',
      { given: request([image([1, 1, 2, 2]), image([1, 1, 2, 2])]), want: 'input image is given twice' },
    ],
    [
      'wrong data type',
      {
        given: request([{ ...image([1, 1, 2, 2]), datatype: 'INT8', data: new Int8Array(4) }]),
        want: 'input image: expected data type UINT8, got INT8',
      },
    ],
    [
      'wrong typed array',
      {
        given: request([image([1, 1, 2, 2], new Int8Array(4))]),
        want: 'input image: UINT8 data must be a Uint8Array, got Int8Array',
      },
    ],
    [
      'missing batch dimension',
      {
        given: request([image([1, 2, 2])]),
        want: 'input image: expected shape [-1, 1, -1, -1], got [1, 2, 2]',
      },
    ],
    [
      'fixed dim differs',
      {
        given: request([image([1, 3, 2, 2])]),
        want: 'input image: expected shape [-1, 1, -1, -1], got [1, 3, 2, 2]',
      },
    ],
    [
      'batch of 0',
      {
        given: request([image([0, 1, 2, 2])]),
        want: 'input image: expected shape [-1, 1, -1, -1], got [0, 1, 2, 2]',
      },
    ],
    [
      'batch above max',
      { given: request([image([5, 1, 2, 2])]), want: 'input image: batch size 5 exceeds max_batch_size 4' },
    ],
    [
      'data length',
      {
        given: request([image([1, 1, 2, 2], new Uint8Array(3))]),
        want: 'input image: shape [1, 1, 2, 2] needs 4 elements, got 3',
      },
    ],
    [
      'batch sizes differ',
      {
        given: request([
          image([2, 1, 2, 2]),
          { name: 'mask', datatype: 'FP32', shape: [1, 2], data: new Float32Array(2) },
        ]),
        want: "input mask: batch size 1 differs from the other inputs' 2",
      },
    ],
    [
      'unknown output',
      {
        given: request([image([1, 1, 2, 2])], ['nope']),
        want: 'unknown output nope; model pair has score, map',
      },
    ],
  ])('%s', (_name, { given, want }) => {
    expect(messageOf(() => validateRequest(batched, given))).toBe(want);
  });

  it('accepts variable dims, leaves out an optional input and keys by non-batch shape', () => {
    const a = validateRequest(batched, request([image([3, 1, 5, 7])]));
    const b = validateRequest(batched, request([image([1, 1, 5, 7])]));
    const c = validateRequest(batched, request([image([1, 1, 7, 5])]));
    expect([a.batchSize, a.inputs.map((t) => t.name), a.outputs]).toEqual([3, ['image'], ['score', 'map']]);
    expect(a.shapeKey).toBe(b.shapeKey);
    expect(a.shapeKey).not.toBe(c.shapeKey);
  });

  it('returns requested outputs in config order', () => {
    expect(validateRequest(batched, request([image([1, 1, 2, 2])], ['map', 'score'])).outputs).toEqual([
      'score',
      'map',
    ]);
  });

  it('takes the full shape when the model does not batch', () => {
    const x = { name: 'x', datatype: 'FP32' as const, shape: [2, 3], data: new Float32Array(6) };
    expect(validateRequest(plain, { model: 'plain', inputs: [x] }).batchSize).toBe(1);
    expect(
      messageOf(() => validateRequest(plain, { model: 'plain', inputs: [{ ...x, shape: [1, 2, 3] }] })),
    ).toBe('input x: expected shape [2, 3], got [1, 2, 3]');
  });
});
