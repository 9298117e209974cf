import { describe, expect, it } from 'vitest';
import {
  type Box,
  computeTransform,
  type ImageTransform,
  mapBoxToOriginal,
  mapBoxToTensor,
  type Size,
} from './image-transform.js';
import type { ResizeMode } from './preprocess-options.js';

type Geometry = Pick<ImageTransform, 'scaleX' | 'scaleY' | 'padLeft' | 'padTop' | 'resized'>;

describe('computeTransform', () => {
  const cases: Array<[string, { given: [Size, Size, ResizeMode]; want: Geometry }]> = [
    [
      'same size',
      {
        given: [{ width: 64, height: 48 }, { width: 64, height: 48 }, 'letterbox'],
        want: { scaleX: 1, scaleY: 1, padLeft: 0, padTop: 0, resized: { width: 64, height: 48 } },
      },
    ],
    [
      'wide into square',
      {
        given: [{ width: 4, height: 2 }, { width: 8, height: 8 }, 'letterbox'],
        want: { scaleX: 2, scaleY: 2, padLeft: 0, padTop: 2, resized: { width: 8, height: 4 } },
      },
    ],
    [
      'tall into square',
      {
        given: [{ width: 100, height: 200 }, { width: 50, height: 50 }, 'letterbox'],
        want: { scaleX: 0.25, scaleY: 0.25, padLeft: 12, padTop: 0, resized: { width: 25, height: 50 } },
      },
    ],
    [
      'odd padding goes right/bottom',
      {
        given: [{ width: 10, height: 7 }, { width: 10, height: 10 }, 'letterbox'],
        want: { scaleX: 1, scaleY: 1, padLeft: 0, padTop: 1, resized: { width: 10, height: 7 } },
      },
    ],
    [
      'rounded scale is the applied one',
      {
        given: [{ width: 3, height: 3 }, { width: 4, height: 5 }, 'letterbox'],
        want: { scaleX: 4 / 3, scaleY: 4 / 3, padLeft: 0, padTop: 0, resized: { width: 4, height: 4 } },
      },
    ],
    [
      'stretch',
      {
        given: [{ width: 4, height: 2 }, { width: 8, height: 8 }, 'stretch'],
        want: { scaleX: 2, scaleY: 4, padLeft: 0, padTop: 0, resized: { width: 8, height: 8 } },
      },
    ],
  ];
  it.each(cases)('%s', (_, { given, want }) => {
    const { scaleX, scaleY, padLeft, padTop, resized } = computeTransform(...given);
    expect({ scaleX, scaleY, padLeft, padTop, resized }).toEqual(want);
  });
});

describe('box mapping', () => {
  const letterbox = computeTransform({ width: 1000, height: 500 }, { width: 640, height: 640 }, 'letterbox');
  const stretch = computeTransform({ width: 1000, height: 500 }, { width: 640, height: 640 }, 'stretch');

  const toOriginal: Array<[string, { given: [Box, ImageTransform]; want: Box }]> = [
    [
      'letterbox removes padding and scale',
      {
        given: [{ x1: 64, y1: 160, x2: 128, y2: 224 }, letterbox],
        want: { x1: 100, y1: 0, x2: 200, y2: 100 },
      },
    ],
    [
      'letterbox clamps boxes reaching into padding',
      {
        given: [{ x1: -5, y1: 100, x2: 700, y2: 600 }, letterbox],
        want: { x1: 0, y1: 0, x2: 1000, y2: 500 },
      },
    ],
    [
      'stretch scales each axis',
      {
        given: [{ x1: 64, y1: 128, x2: 640, y2: 640 }, stretch],
        want: { x1: 100, y1: 100, x2: 1000, y2: 500 },
      },
    ],
  ];
  it.each(toOriginal)('to original: %s', (_, { given, want }) => {
    const got = mapBoxToOriginal(...given);
    for (const key of ['x1', 'y1', 'x2', 'y2'] as const) expect(got[key]).toBeCloseTo(want[key], 9);
  });

  const roundTrips: Array<[string, { given: [Box, ImageTransform] }]> = [
    ['letterbox', { given: [{ x1: 12.5, y1: 7, x2: 990, y2: 499 }, letterbox] }],
    ['stretch', { given: [{ x1: 0, y1: 0, x2: 1, y2: 1 }, stretch] }],
    [
      'uneven letterbox',
      {
        given: [
          { x1: 3, y1: 4, x2: 5, y2: 6 },
          computeTransform({ width: 7, height: 13 }, { width: 32, height: 32 }, 'letterbox'),
        ],
      },
    ],
  ];
  it.each(roundTrips)('round trip original -> tensor -> original: %s', (_, { given: [box, transform] }) => {
    const back = mapBoxToOriginal(mapBoxToTensor(box, transform), transform);
    for (const key of ['x1', 'y1', 'x2', 'y2'] as const) expect(back[key]).toBeCloseTo(box[key], 9);
  });

  it('clamps to the image, not into the padding, when mapping forward', () => {
    expect(mapBoxToTensor({ x1: -10, y1: -10, x2: 2000, y2: 2000 }, letterbox)).toEqual({
      x1: 0,
      y1: 160,
      x2: 640,
      y2: 480,
    });
  });
});
