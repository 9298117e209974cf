import { describe, expect, it } from 'vitest';
import { encode, gradientRgb, input, modelConfig } from '../../test/support/image-fixtures.js';
import type { ErrorCode } from '../errors.js';
import type { ModelConfig } from '../model-repository/model-config.js';
import { resolvePreprocessOptions } from './preprocess-options.js';
import { preprocessPair } from './preprocess-pair.js';

const options = resolvePreprocessOptions();
// The shape of our own detector: two grey uint8 inputs, NCHW, batched.
const pairModel = modelConfig({ input: [input('image', [1, 8, 8]), input('reference', [1, 8, 8])] });
const singleModel = modelConfig({ input: [input('image', [3, 8, 8], { format: 'NCHW' })] });

describe('preprocessPair', () => {
  it('builds both inputs with one transform and stage timings', async () => {
    const image = await encode(gradientRgb(16, 8), 16, 8, 3, 'png');
    const reference = await encode(new Uint8Array(16 * 8).fill(50), 16, 8, 1, 'png');
    const result = await preprocessPair({ image, reference, config: pairModel, options });
    expect(result.inputs.map((t) => [t.name, t.datatype, t.shape])).toEqual([
      ['image', 'UINT8', [1, 1, 8, 8]],
      ['reference', 'UINT8', [1, 1, 8, 8]],
    ]);
    expect(result.transform).toMatchObject({
      original: { width: 16, height: 8 },
      tensor: { width: 8, height: 8 },
      padTop: 2,
      scaleX: 0.5,
    });
    expect(result.image).toEqual({ width: 16, height: 8, format: 'png' });
    // The reference is a flat 50 inside the letterbox and 114 outside it.
    expect(result.inputs[1]?.data[0]).toBe(114);
    expect(result.inputs[1]?.data[3 * 8 + 3]).toBe(50);
    // Both stages did work, so each took some time: a stage left unmeasured (0, NaN) fails here.
    expect(result.timing.decodeMs).toBeGreaterThan(0);
    expect(result.timing.preprocessMs).toBeGreaterThan(0);
    expect(Number.isFinite(result.timing.decodeMs + result.timing.preprocessMs)).toBe(true);
  });

  it('accepts an image alone for a model without a reference input', async () => {
    const image = await encode(gradientRgb(8, 8), 8, 8, 3, 'webp');
    const result = await preprocessPair({ image, config: singleModel, options });
    expect(result.inputs.map((t) => t.shape)).toEqual([[1, 3, 8, 8]]);
  });

  const rejected: Array<
    [
      string,
      {
        given: { image: [number, number]; reference?: [number, number]; config: ModelConfig };
        want: { code: ErrorCode; details?: object };
      },
    ]
  > = [
    [
      'a reference of another size',
      {
        given: { image: [16, 8], reference: [8, 16], config: pairModel },
        want: { code: 'REFERENCE_MISMATCH', details: { image: [16, 8], reference: [8, 16] } },
      },
    ],
    [
      'a missing reference',
      { given: { image: [8, 8], config: pairModel }, want: { code: 'REFERENCE_REQUIRED' } },
    ],
    [
      'a reference the model cannot take',
      {
        given: { image: [8, 8], reference: [8, 8], config: singleModel },
        want: { code: 'INVALID_INPUT', details: { field: 'reference' } },
      },
    ],
  ];
  it.each(rejected)('rejects %s', async (_, { given, want }) => {
    const [w, h] = given.image;
    const image = await encode(gradientRgb(w, h), w, h, 3, 'png');
    const reference =
      given.reference && (await encode(gradientRgb(...given.reference), ...given.reference, 3, 'png'));
    const error = await preprocessPair({ image, reference, config: given.config, options }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      name: 'ChipqError',
      code: want.code,
      ...(want.details ? { details: want.details } : {}),
    });
  });

  it('reports a bad reference with the decode error code', async () => {
    const image = await encode(gradientRgb(8, 8), 8, 8, 3, 'png');
    const error = await preprocessPair({
      image,
      reference: new Uint8Array([1, 2, 3]),
      config: pairModel,
      options,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNSUPPORTED_IMAGE' });
  });
});
