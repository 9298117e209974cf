import { describe, expect, it } from 'vitest';
import { encode, gradientRgb } from '../../test/support/image-fixtures.js';
import { decodedPixels, decodeImage } from './decode-image.js';
import { fromHalf } from './fp16.js';
import type { ImageInputPlan } from './input-plan.js';
import { type PreprocessOptions, resolvePreprocessOptions } from './preprocess-options.js';
import { toTensor } from './to-tensor.js';

const W = 4;
const H = 3;
const rgb = gradientRgb(W, H);
const limits = resolvePreprocessOptions();

function plan(partial: Partial<ImageInputPlan>): ImageInputPlan {
  return {
    name: 'image',
    layout: 'NCHW',
    channels: 3,
    height: H,
    width: W,
    dataType: 'UINT8',
    batched: true,
    normalize: { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
    ...partial,
  };
}

/** Channel c of pixel (x, y) of the gradient. */
function px(x: number, y: number, c: number): number {
  return rgb[(y * W + x) * 3 + c] as number;
}

function expectedGrey(x: number, y: number): number {
  return 0.299 * px(x, y, 0) + 0.587 * px(x, y, 1) + 0.114 * px(x, y, 2);
}

async function tensorOf(p: ImageInputPlan, options: PreprocessOptions = {}, grey = false) {
  const pixels = grey ? Uint8Array.from({ length: W * H }, (_, i) => 20 * i) : rgb;
  const decoded = await decodeImage(await encode(pixels, W, H, grey ? 1 : 3, 'png'), limits);
  return toTensor(decoded, p, resolvePreprocessOptions(options));
}

describe('toTensor golden values (4x3 gradient PNG, no resize)', () => {
  it('NHWC uint8 is the pixels, byte for byte', async () => {
    const { tensor } = await tensorOf(plan({ layout: 'NHWC' }));
    expect(tensor).toMatchObject({ name: 'image', datatype: 'UINT8', shape: [1, H, W, 3] });
    expect([...tensor.data]).toEqual([...rgb]);
  });

  it('a grey uint8 image of exactly the input size becomes the tensor without a copy', async () => {
    const pixels = Uint8Array.from({ length: W * H }, (_, i) => 20 * i);
    const decoded = await decodeImage(await encode(pixels, W, H, 1, 'png'), limits);
    const { tensor } = await toTensor(decoded, plan({ channels: 1 }), resolvePreprocessOptions());
    expect(Array.from(tensor.data as Uint8Array)).toEqual(Array.from(pixels));
    // The decoded pixels themselves: nothing between the decoder and the engine copies them.
    expect(tensor.data).toBe(decodedPixels(decoded));
  });

  it('NCHW uint8 de-interleaves into planes', async () => {
    const { tensor } = await tensorOf(plan({ layout: 'NCHW', batched: false }));
    expect(tensor.shape).toEqual([3, H, W]);
    const want: number[] = [];
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) want.push(px(x, y, c));
    expect([...tensor.data]).toEqual(want);
  });

  it('grey from RGB follows Rec. 601 luma within 0.5', async () => {
    const { tensor } = await tensorOf(plan({ channels: 1, normalize: { scale: 1, mean: [0], std: [1] } }));
    expect(tensor.shape).toEqual([1, 1, H, W]);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++)
        expect(Math.abs((tensor.data[y * W + x] as number) - expectedGrey(x, y))).toBeLessThanOrEqual(0.5);
    }
  });

  it('RGB from a grey image repeats the grey value', async () => {
    const { tensor } = await tensorOf(plan({ layout: 'NHWC' }), {}, true);
    const grey = Array.from({ length: W * H }, (_, i) => 20 * i);
    expect([...tensor.data]).toEqual(grey.flatMap((v) => [v, v, v]));
  });

  it('FP32 applies scale, mean and std per channel', async () => {
    const normalize = { scale: 1 / 255, mean: [0.5, 0, 0.25], std: [0.5, 1, 2] };
    const { tensor } = await tensorOf(plan({ dataType: 'FP32', normalize }));
    expect(tensor.data).toBeInstanceOf(Float32Array);
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < W * H; i++) {
        const want =
          (px(i % W, Math.floor(i / W), c) / 255 - (normalize.mean[c] as number)) /
          (normalize.std[c] as number);
        expect(tensor.data[c * W * H + i]).toBeCloseTo(want, 6);
      }
    }
  });

  it('FP16 holds the same values as half bits', async () => {
    const { tensor } = await tensorOf(
      plan({ dataType: 'FP16', normalize: { scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] } }),
    );
    expect(tensor).toMatchObject({ datatype: 'FP16' });
    expect(tensor.data).toBeInstanceOf(Uint16Array);
    for (let i = 0; i < W * H; i++)
      expect(
        Math.abs(fromHalf(tensor.data[i] as number) - px(i % W, Math.floor(i / W), 0) / 255),
      ).toBeLessThan(1e-3);
  });
});

describe('toTensor layouts x element types x channels, against a direct computation', () => {
  type Combo = Pick<ImageInputPlan, 'layout' | 'channels' | 'dataType'>;
  const combos: Array<[string, { given: Combo }]> = [];
  for (const layout of ['NCHW', 'NHWC'] as const) {
    for (const channels of [1, 3] as const) {
      for (const dataType of ['UINT8', 'FP32', 'FP16'] as const)
        combos.push([`${layout} ${channels}ch ${dataType}`, { given: { layout, channels, dataType } }]);
    }
  }
  it.each(combos)('%s, letterboxed 4x3 -> 4x5', async (_, { given }) => {
    const scale = given.dataType === 'UINT8' ? 1 : 1 / 255;
    const normalize = { scale, mean: Array(given.channels).fill(0), std: Array(given.channels).fill(1) };
    const { tensor } = await tensorOf(plan({ ...given, height: 5, width: 4, normalize }), { padValue: 7 });
    const C = given.channels;
    const read = (v: number) => (given.dataType === 'FP16' ? fromHalf(v) : v);
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 4; x++) {
        for (let c = 0; c < C; c++) {
          const i = given.layout === 'NCHW' ? c * 20 + y * 4 + x : (y * 4 + x) * C + c;
          // One row of padding above (rows 0 and 4 are padding), none at the sides.
          const pixel =
            y === 0 || y === 4 ? 7 : C === 3 ? px(x, y - 1, c) : Math.round(expectedGrey(x, y - 1));
          expect(Math.abs(read(tensor.data[i] as number) - pixel * scale)).toBeLessThanOrEqual(
            given.dataType === 'FP16' ? 1e-3 : 1e-6,
          );
        }
      }
    }
  });
});

describe('toTensor geometry', () => {
  it('letterboxes a wide image centred, padding rows with the pad value', async () => {
    const { tensor, transform } = await tensorOf(
      plan({
        layout: 'NHWC',
        channels: 1,
        height: 8,
        width: 8,
        normalize: { scale: 1, mean: [0], std: [1] },
      }),
      { kernel: 'nearest' },
    );
    // 4x3 -> scale 2 -> 8x6, one row of padding above and below.
    expect(transform).toMatchObject({
      scaleX: 2,
      scaleY: 2,
      padLeft: 0,
      padTop: 1,
      resized: { width: 8, height: 6 },
    });
    const rows = Array.from({ length: 8 }, (_, y) => [...tensor.data.slice(y * 8, y * 8 + 8)]);
    expect(rows[0]).toEqual(Array(8).fill(114));
    expect(rows[7]).toEqual(Array(8).fill(114));
    for (let y = 1; y < 7; y++) {
      const sy = Math.floor((y - 1) / 2);
      expect(rows[y]).toEqual(
        Array.from({ length: 8 }, (_, x) => Math.round(expectedGrey(Math.floor(x / 2), sy))),
      );
    }
  });

  it('pads float tensors with the normalised pad value', async () => {
    const { tensor } = await tensorOf(
      plan({
        dataType: 'FP32',
        height: 8,
        width: 4,
        normalize: { scale: 0.5, mean: [0, 0, 0], std: [1, 1, 1] },
      }),
      { padValue: 10 },
    );
    // 4x3 fits 4 wide: 4x3 in 4x8, two rows above, three below.
    expect(tensor.data[0]).toBe(5);
    expect(tensor.data[2 * 4]).toBe(px(0, 0, 0) * 0.5);
    expect(tensor.data[7 * 4 + 3]).toBe(5);
  });

  it('stretches without padding', async () => {
    const { tensor, transform } = await tensorOf(plan({ height: 6, width: 12 }), { resize: 'stretch' });
    expect(tensor.shape).toEqual([1, 3, 6, 12]);
    expect(transform).toMatchObject({ scaleX: 3, scaleY: 2, padLeft: 0, padTop: 0 });
  });

  const dynamic: Array<[string, { given: PreprocessOptions; want: number[] }]> = [
    ['keeps the image size when no target is given', { given: {}, want: [1, 3, H, W] }],
    ['uses the caller target size', { given: { targetSize: { width: 16, height: 8 } }, want: [1, 3, 8, 16] }],
  ];
  it.each(dynamic)('dynamic dims: %s', async (_, { given, want }) => {
    const { tensor } = await tensorOf(plan({ height: -1, width: -1 }), given);
    expect(tensor.shape).toEqual(want);
    expect(tensor.data.length).toBe(want.reduce((a, b) => a * b, 1));
  });

  it('rejects with CANCELLED when the signal is already aborted', async () => {
    const decoded = await decodeImage(await encode(rgb, W, H, 3, 'png'), limits);
    const controller = new AbortController();
    controller.abort();
    await expect(
      toTensor(decoded, plan({ height: 8, width: 8 }), resolvePreprocessOptions(), controller.signal),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
