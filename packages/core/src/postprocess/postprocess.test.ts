import { describe, expect, it } from 'vitest';
import { input, modelConfig } from '../../test/support/image-fixtures.js';
import type { Tensor } from '../kserve/kserve-types.js';
import { computeTransform } from '../preprocess/image-transform.js';
import type { Detection } from './detection.js';
import { postprocess, resolvePostprocessOptions } from './postprocess.js';

function detectorOutputs(
  rows: Array<{ box: [number, number, number, number]; score: number; cls: number }>,
): Tensor[] {
  return [
    {
      name: 'boxes',
      datatype: 'FP32',
      shape: [1, rows.length, 4],
      data: Float32Array.from(rows.flatMap((r) => r.box)),
    },
    {
      name: 'scores',
      datatype: 'FP32',
      shape: [1, rows.length],
      data: Float32Array.from(rows.map((r) => r.score)),
    },
    {
      name: 'classes',
      datatype: 'INT32',
      shape: [1, rows.length],
      data: Int32Array.from(rows.map((r) => r.cls)),
    },
  ];
}

const detector = modelConfig({
  input: [input('image', [1, 640, 640])],
  output: ['boxes', 'scores', 'classes'].map((name) => input(name, [-1])),
});
// 1280x640 letterboxed into 640x640: scale 0.5, 160 px of padding above and below.
const letterbox = computeTransform({ width: 1280, height: 640 }, { width: 640, height: 640 }, 'letterbox');

function round(detections: Detection[]): Detection[] {
  const r = (v: number) => Math.round(v * 1e4) / 1e4;
  return detections.map((d) => ({
    ...d,
    confidence: r(d.confidence),
    box: { x1: r(d.box.x1), y1: r(d.box.y1), x2: r(d.box.x2), y2: r(d.box.y2) },
  }));
}

describe('postprocess', () => {
  it('guesses the decoder, applies NMS and the threshold, maps letterboxed boxes back, names classes', () => {
    const outputs = detectorOutputs([
      { box: [100, 200, 150, 260], score: 0.9, cls: 1 },
      { box: [102, 202, 152, 262], score: 0.85, cls: 1 }, // duplicate of the first: suppressed
      { box: [102, 202, 152, 262], score: 0.8, cls: 0 }, // same place, other class: kept
      { box: [300, 300, 310, 310], score: 0.5, cls: 2 }, // below the default 0.75
      { box: [10, 10, 50, 100], score: 0.95, cls: 7 }, // wholly in the top padding: dropped
    ]);
    const options = resolvePostprocessOptions(detector, { labels: ['open', 'short'] });
    expect(options.decoder.name).toBe('chipq_detections');
    expect(round(postprocess(outputs, letterbox, options))).toEqual([
      { classId: 1, className: 'short', confidence: 0.9, box: { x1: 200, y1: 80, x2: 300, y2: 200 } },
      { classId: 0, className: 'open', confidence: 0.8, box: { x1: 204, y1: 84, x2: 304, y2: 204 } },
    ]);
  });

  it('keeps candidates down to a lower floor, caps the count, falls back to class_<id>', () => {
    const outputs = detectorOutputs([
      { box: [0, 160, 10, 170], score: 0.7, cls: 3 },
      { box: [20, 160, 30, 170], score: 0.65, cls: 3 },
      { box: [40, 160, 50, 170], score: 0.61, cls: 3 },
    ]);
    const got = postprocess(
      outputs,
      letterbox,
      resolvePostprocessOptions(detector, { minConfidence: 0.6, maxDetections: 2 }),
    );
    expect(got.map((d) => [d.className, Math.round(d.confidence * 100)])).toEqual([
      ['class_3', 70],
      ['class_3', 65],
    ]);
  });

  it('gives image-level classification results the whole image', () => {
    const config = modelConfig({
      output: [input('probs', [3])],
      parameters: { 'chipq.apply_softmax': 'true' },
    });
    const outputs: Tensor[] = [
      { name: 'probs', datatype: 'FP32', shape: [1, 3], data: Float32Array.from([0, 5, 0]) },
    ];
    const options = resolvePostprocessOptions(config, { labels: ['ok', 'scratch', 'stain'] });
    expect(options.decoder.name).toBe('classification');
    const [only, ...rest] = postprocess(outputs, letterbox, options);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({
      classId: 1,
      className: 'scratch',
      box: { x1: 0, y1: 0, x2: 1280, y2: 640 },
    });
  });

  it('reads the NMS IoU from parameter chipq.nms_iou', () => {
    const config = { ...detector, parameters: { 'chipq.nms_iou': '0.9' } };
    const outputs = detectorOutputs([
      { box: [100, 200, 150, 260], score: 0.9, cls: 1 },
      { box: [102, 202, 152, 262], score: 0.85, cls: 1 },
    ]);
    expect(postprocess(outputs, letterbox, resolvePostprocessOptions(config))).toHaveLength(2);
  });

  const rejected: Array<[string, { given: () => unknown; want: { code: string; message: string } }]> = [
    [
      'an unknown decoder',
      {
        given: () => resolvePostprocessOptions(detector, { decoder: 'ssd' }),
        want: { code: 'MODEL_CONFIG_INVALID', message: 'unknown decoder "ssd"' },
      },
    ],
    [
      'outputs it cannot guess a decoder for',
      {
        given: () => resolvePostprocessOptions(modelConfig({ output: [input('a', [1, 2, 3, 4])] })),
        want: { code: 'MODEL_CONFIG_INVALID', message: 'set parameter chipq.decoder' },
      },
    ],
    [
      'a threshold above 1',
      {
        given: () => resolvePostprocessOptions(detector, { minConfidence: 1.5 }),
        want: { code: 'INVALID_INPUT', message: 'for minConfidence, got 1.5' },
      },
    ],
    [
      'a bad chipq.nms_iou',
      {
        given: () => resolvePostprocessOptions({ ...detector, parameters: { 'chipq.nms_iou': 'high' } }),
        want: { code: 'MODEL_CONFIG_INVALID', message: 'chipq.nms_iou' },
      },
    ],
    [
      'zero maxDetections',
      {
        given: () => resolvePostprocessOptions(detector, { maxDetections: 0 }),
        want: { code: 'INVALID_INPUT', message: 'maxDetections' },
      },
    ],
  ];
  it.each(rejected)('rejects %s', (_, { given, want }) => {
    let error: unknown;
    try {
      given();
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'ChipqError', code: want.code });
    expect((error as Error).message).toContain(want.message);
  });
});
