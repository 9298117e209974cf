import { describe, expect, it } from 'vitest';
import { encode } from '../../test/support/image-fixtures.js';
import { parseModelConfig } from '../model-repository/model-config-parser.js';
import { decodeImage } from './decode-image.js';
import { imageGate } from './image-gate.js';
import { DEFAULT_IMAGE_QUALITY, measureImageQuality, resolveImageQualityOptions } from './image-quality.js';

const limits = { maxBytes: 1 << 24, maxPixels: 1 << 24 };
const grey = async (size: number, pixel: (x: number, y: number) => number) => {
  const data = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data[y * size + x] = pixel(x, y);
  return decodeImage(await encode(data, size, size, 1, 'png'), limits);
};
/** Copper tracks: vertical bars of a board-like pattern, shifted by `offset` pixels. */
const tracks = (offset = 0) => grey(128, (x, y) => (((x + offset) >> 4) % 2 === 0 && y % 64 > 8 ? 0 : 255));
/** Another layout: horizontal pads. */
const pads = () => grey(128, (x, y) => ((y >> 3) % 3 === 0 && x % 40 > 10 ? 0 : 255));

describe('measureImageQuality', () => {
  const cases: Array<
    [
      string,
      () => Promise<[Awaited<ReturnType<typeof grey>>, Awaited<ReturnType<typeof grey>> | undefined]>,
      RegExp | null,
    ]
  > = [
    ['a board against its own reference', async () => [await tracks(), await tracks()], null],
    ['a board against a slightly shifted reference', async () => [await tracks(), await tracks(2)], null],
    ['a board alone', async () => [await tracks(), undefined], null],
    ['an all-black image', async () => [await grey(64, () => 0), await grey(64, () => 0)], /blank \(dark\)/],
    [
      'an all-white image',
      async () => [await grey(64, () => 255), await grey(64, () => 255)],
      /saturated \(bright\)/,
    ],
    ['a flat grey image', async () => [await grey(64, () => 128), undefined], /without contrast/],
    ['a reference of another layout', async () => [await tracks(), await pads()], /does not match/],
    [
      'an all-black reference behind a board',
      async () => [await tracks(), await grey(128, () => 0)],
      /reference is uniform/,
    ],
  ];
  it.each(cases)('judges %s', async (_name, make, problem) => {
    const [image, reference] = await make();
    const quality = measureImageQuality(image, reference, DEFAULT_IMAGE_QUALITY);
    if (problem === null) expect(quality.problems).toEqual([]);
    else expect(quality.problems.join(' ')).toMatch(problem);
  });

  it('reports the measurements', async () => {
    const quality = measureImageQuality(await tracks(), await tracks(), DEFAULT_IMAGE_QUALITY);
    expect(quality.referenceCorrelation).toBeCloseTo(1, 3);
    expect(quality.contrast).toBeGreaterThan(100);
    expect(quality.saturatedFraction + quality.darkFraction).toBeCloseTo(1, 3);
  });

  it('applies the exposure limits when a model turns them on', async () => {
    const mostlyWhite = await grey(64, (x) => (x < 4 ? 0 : 255));
    expect(measureImageQuality(mostlyWhite, undefined, DEFAULT_IMAGE_QUALITY).problems).toEqual([]);
    const strict = resolveImageQualityOptions({ maxSaturatedFraction: 0.5 });
    expect(measureImageQuality(mostlyWhite, undefined, strict).problems.join()).toMatch(
      /saturated, above 50%/,
    );
  });

  it.each([
    [{ minContrast: -1 }, 'imageQuality.minContrast'],
    [{ maxSaturatedFraction: 2 }, 'imageQuality.maxSaturatedFraction'],
    [{ enabled: 'yes' as unknown as boolean }, 'imageQuality.enabled'],
  ])('refuses the threshold %j', (options, field) => {
    expect(() => resolveImageQualityOptions(options)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', details: { field } }),
    );
  });
});

describe('imageGate', () => {
  const config = (extra = '') =>
    parseModelConfig(`name: "m"
platform: "onnxruntime_onnx"
input [ { name: "image", data_type: TYPE_UINT8, format: FORMAT_NCHW, dims: [ 1, 640, 480 ] } ]
output [ { name: "y", data_type: TYPE_FP32, dims: [ 1 ] } ]
${extra}`);

  it('needs a quarter of the input by default, and what chipq.min_image_size says', () => {
    expect(imageGate(config(), {}).minImageSize).toBe(120);
    expect(
      imageGate(config('parameters { key: "chipq.min_image_size" value: { string_value: "320" } }'), {})
        .minImageSize,
    ).toBe(320);
  });

  it('lets a model override the thresholds field by field', () => {
    const gate = imageGate(
      config('parameters { key: "chipq.image_quality" value: { string_value: "{\\"minContrast\\":9}" } }'),
      { minReferenceCorrelation: 0.7 },
    );
    expect(gate.quality).toEqual({ ...DEFAULT_IMAGE_QUALITY, minContrast: 9, minReferenceCorrelation: 0.7 });
  });

  it.each([
    ['parameters { key: "chipq.min_image_size" value: { string_value: "0x10" } }', 'chipq.min_image_size'],
    ['parameters { key: "chipq.image_quality" value: { string_value: "[1]" } }', 'chipq.image_quality'],
    [
      'parameters { key: "chipq.image_quality" value: { string_value: "{\\"minContrast\\":500}" } }',
      'chipq.image_quality',
    ],
  ])('refuses %s as MODEL_CONFIG_INVALID', (extra, parameter) => {
    expect(() => imageGate(config(extra), {})).toThrow(
      expect.objectContaining({ code: 'MODEL_CONFIG_INVALID', details: { model: 'm', parameter } }),
    );
  });
});
