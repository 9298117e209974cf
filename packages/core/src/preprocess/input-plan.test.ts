import { describe, expect, it } from 'vitest';
import { input, modelConfig } from '../../test/support/image-fixtures.js';
import { ChipqError } from '../errors.js';
import type { ModelConfig } from '../model-repository/model-config.js';
import { type ImageInputPlan, planInputs } from './input-plan.js';

type Picked = Pick<
  ImageInputPlan,
  'name' | 'layout' | 'channels' | 'height' | 'width' | 'dataType' | 'batched'
>;

function pick(plan: ImageInputPlan | undefined): Picked | undefined {
  if (!plan) return undefined;
  const { name, layout, channels, height, width, dataType, batched } = plan;
  return { name, layout, channels, height, width, dataType, batched };
}

describe('planInputs', () => {
  const cases: Array<
    [string, { given: ModelConfig; want: { image: Picked; reference?: Picked; referenceRequired: boolean } }]
  > = [
    [
      'NCHW from format, batched',
      {
        given: modelConfig({ input: [input('x', [3, 640, 480], { format: 'NCHW', dataType: 'FP32' })] }),
        want: {
          image: {
            name: 'x',
            layout: 'NCHW',
            channels: 3,
            height: 640,
            width: 480,
            dataType: 'FP32',
            batched: true,
          },
          referenceRequired: false,
        },
      },
    ],
    [
      'NHWC inferred from a trailing 1',
      {
        given: modelConfig({ input: [input('x', [32, 16, 1])] }),
        want: {
          image: {
            name: 'x',
            layout: 'NHWC',
            channels: 1,
            height: 32,
            width: 16,
            dataType: 'UINT8',
            batched: true,
          },
          referenceRequired: false,
        },
      },
    ],
    [
      'NCHW inferred with dynamic size',
      {
        given: modelConfig({ input: [input('x', [3, -1, -1], { dataType: 'FP16' })] }),
        want: {
          image: {
            name: 'x',
            layout: 'NCHW',
            channels: 3,
            height: -1,
            width: -1,
            dataType: 'FP16',
            batched: true,
          },
          referenceRequired: false,
        },
      },
    ],
    [
      'non-batching model with 4-D dims',
      {
        given: modelConfig({ maxBatchSize: 0, input: [input('x', [1, 1, 8, 8])] }),
        want: {
          image: {
            name: 'x',
            layout: 'NCHW',
            channels: 1,
            height: 8,
            width: 8,
            dataType: 'UINT8',
            batched: true,
          },
          referenceRequired: false,
        },
      },
    ],
    [
      'non-batching model with 3-D dims',
      {
        given: modelConfig({ maxBatchSize: 0, input: [input('x', [8, 8, 3])] }),
        want: {
          image: {
            name: 'x',
            layout: 'NHWC',
            channels: 3,
            height: 8,
            width: 8,
            dataType: 'UINT8',
            batched: false,
          },
          referenceRequired: false,
        },
      },
    ],
    [
      'reference by its default name, listed first',
      {
        given: modelConfig({ input: [input('reference', [1, 64, 64]), input('tested', [1, 64, 64])] }),
        want: {
          image: {
            name: 'tested',
            layout: 'NCHW',
            channels: 1,
            height: 64,
            width: 64,
            dataType: 'UINT8',
            batched: true,
          },
          reference: {
            name: 'reference',
            layout: 'NCHW',
            channels: 1,
            height: 64,
            width: 64,
            dataType: 'UINT8',
            batched: true,
          },
          referenceRequired: true,
        },
      },
    ],
    [
      'roles from parameters, optional reference',
      {
        given: modelConfig({
          input: [input('a', [1, 64, 64]), input('b', [64, 64, 3], { optional: true })],
          parameters: { 'chipq.image_input': 'a', 'chipq.reference_input': 'b' },
        }),
        want: {
          image: {
            name: 'a',
            layout: 'NCHW',
            channels: 1,
            height: 64,
            width: 64,
            dataType: 'UINT8',
            batched: true,
          },
          reference: {
            name: 'b',
            layout: 'NHWC',
            channels: 3,
            height: 64,
            width: 64,
            dataType: 'UINT8',
            batched: true,
          },
          referenceRequired: false,
        },
      },
    ],
  ];
  it.each(cases)('plans %s', (_, { given, want }) => {
    const plan = planInputs(given);
    expect({
      image: pick(plan.image),
      reference: pick(plan.reference),
      referenceRequired: plan.referenceRequired,
    }).toEqual({
      reference: undefined,
      ...want,
    });
  });

  it('reads input scaling from parameters, one value or one per channel', () => {
    const plan = planInputs(
      modelConfig({
        input: [input('x', [3, 4, 4], { dataType: 'FP32' })],
        parameters: {
          'chipq.input_scale': '0.00392156862745098',
          'chipq.input_mean': '0.485,0.456,0.406',
          'chipq.input_std': '0.5',
        },
      }),
    );
    expect(plan.image.normalize).toEqual({
      scale: 0.00392156862745098,
      mean: [0.485, 0.456, 0.406],
      std: [0.5, 0.5, 0.5],
    });
  });

  const rejected: Array<[string, { given: ModelConfig; want: string }]> = [
    [
      'ambiguous layout',
      { given: modelConfig({ input: [input('x', [3, 8, 3])] }), want: 'cannot tell the layout of input x' },
    ],
    [
      'four channels',
      { given: modelConfig({ input: [input('x', [4, 8, 8], { format: 'NCHW' })] }), want: 'has 4 channels' },
    ],
    ['a 2-D input', { given: modelConfig({ input: [input('x', [8, 8])] }), want: 'an image input needs' }],
    [
      'INT32 input',
      {
        given: modelConfig({ input: [input('x', [3, 8, 8], { dataType: 'INT32' })] }),
        want: 'data_type INT32',
      },
    ],
    [
      'batch of 2 in dims',
      {
        given: modelConfig({ maxBatchSize: 0, input: [input('x', [2, 3, 8, 8])] }),
        want: 'batch dimension 2',
      },
    ],
    ['no inputs', { given: modelConfig({ input: [] }), want: 'no image input' }],
    [
      'unknown reference name',
      { given: modelConfig({ parameters: { 'chipq.reference_input': 'ref' } }), want: 'names input "ref"' },
    ],
    [
      'an input chipq cannot fill',
      {
        given: modelConfig({ input: [input('x', [3, 8, 8]), input('y', [3, 8, 8])] }),
        want: 'input y is neither',
      },
    ],
    [
      'reference of another size',
      {
        given: modelConfig({ input: [input('x', [1, 8, 8]), input('reference', [1, 8, 16])] }),
        want: 'same height and width',
      },
    ],
    [
      'zero std',
      { given: modelConfig({ parameters: { 'chipq.input_std': '0' } }), want: 'must not contain 0' },
    ],
    [
      'bad scale',
      { given: modelConfig({ parameters: { 'chipq.input_scale': 'abc' } }), want: 'chipq.input_scale' },
    ],
  ];
  it.each(rejected)('rejects %s with MODEL_CONFIG_INVALID', (_, { given, want }) => {
    try {
      planInputs(given);
      expect.unreachable('planInputs should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(ChipqError);
      expect((error as ChipqError).code).toBe('MODEL_CONFIG_INVALID');
      expect((error as ChipqError).message).toContain(want);
    }
  });
});
