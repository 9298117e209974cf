import { describe, expect, it } from 'vitest';
import { modelConfig } from '../../../test/support/image-fixtures.js';
import type { Tensor } from '../../kserve/kserve-types.js';
import type { ModelConfig } from '../../model-repository/model-config.js';
import type { DecodeContext } from '../decoder.js';
import type { Candidate } from '../detection.js';
import { chipqDetectionsDecoder } from './chipq-detections.js';
import { classificationDecoder, softmax } from './classification.js';
import { yoloDecoder } from './yolo.js';

function fp32(name: string, shape: number[], values: number[]): Tensor {
  return { name, datatype: 'FP32', shape, data: Float32Array.from(values) };
}

function context(partial: Partial<DecodeContext> = {}, config: ModelConfig = modelConfig()): DecodeContext {
  return { config, minConfidence: 0.5, batchIndex: 0, labelCount: 0, ...partial };
}

/** Rounds to float32 precision noise so expectations can be written as decimals. */
function rounded(candidates: Candidate[]): Candidate[] {
  const r = (v: number) => Math.round(v * 1e5) / 1e5;
  return candidates.map((c) => ({
    ...c,
    confidence: r(c.confidence),
    ...(c.box ? { box: { x1: r(c.box.x1), y1: r(c.box.y1), x2: r(c.box.x2), y2: r(c.box.y2) } } : {}),
  }));
}

describe('chipq_detections decoder', () => {
  // Batch of 2, K = 3; element 1 holds: a kept box, a low score, a padding row.
  const outputs: Tensor[] = [
    fp32('boxes', [2, 3, 4], [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 10, 20, 30, 40, 5, 5, 9, 9, 0, 0, 0, 0]),
    fp32('scores', [2, 3], [0.9, 0.9, 0.9, 0.8, 0.3, 0]),
    { name: 'classes', datatype: 'INT32', shape: [2, 3], data: Int32Array.from([0, 0, 0, 4, 2, 0]) },
  ];
  const cases: Array<[string, { given: DecodeContext; want: Candidate[] }]> = [
    [
      'keeps rows at or above the floor',
      {
        given: context({ batchIndex: 1 }),
        want: [{ classId: 4, confidence: 0.8, box: { x1: 10, y1: 20, x2: 30, y2: 40 } }],
      },
    ],
    [
      'a lower floor lets the weak row in, never padding',
      {
        given: context({ batchIndex: 1, minConfidence: 0 }),
        want: [
          { classId: 4, confidence: 0.8, box: { x1: 10, y1: 20, x2: 30, y2: 40 } },
          { classId: 2, confidence: 0.3, box: { x1: 5, y1: 5, x2: 9, y2: 9 } },
        ],
      },
    ],
  ];
  it.each(cases)('%s', (_, { given, want }) =>
    expect(rounded(chipqDetectionsDecoder.decode(outputs, given))).toEqual(want),
  );

  it('reads renamed outputs from parameters', () => {
    const renamed = outputs.map((t) => ({ ...t, name: `det_${t.name}` }));
    const config = modelConfig({
      parameters: {
        'chipq.boxes_output': 'det_boxes',
        'chipq.scores_output': 'det_scores',
        'chipq.classes_output': 'det_classes',
      },
    });
    expect(chipqDetectionsDecoder.decode(renamed, context({}, config))).toHaveLength(3);
  });

  it('names the missing output', () => {
    expect(() => chipqDetectionsDecoder.decode(outputs.slice(0, 2), context())).toThrow(
      'expected an output named "classes"',
    );
  });
});

describe('yolo decoder', () => {
  // Two classes, three anchors. Anchor 0: class 1 at 0.9; anchor 1: best 0.4; anchor 2: class 0 at 0.7.
  const anchors = [
    [50, 50, 20, 10, 0.1, 0.9],
    [10, 10, 4, 4, 0.4, 0.2],
    [100, 80, 10, 20, 0.7, 0.6],
  ];
  const want: Candidate[] = [
    { classId: 1, confidence: 0.9, box: { x1: 40, y1: 45, x2: 60, y2: 55 } },
    { classId: 0, confidence: 0.7, box: { x1: 95, y1: 70, x2: 105, y2: 90 } },
  ];
  const featuresFirst = Array.from({ length: 6 }, (_, f) => anchors.map((a) => a[f] as number)).flat();
  const cases: Array<[string, { given: { tensor: Tensor; labelCount: number }; want: Candidate[] }]> = [
    ['[N, 4+C, A]', { given: { tensor: fp32('output0', [1, 6, 3], featuresFirst), labelCount: 0 }, want }],
    [
      '[N, A, 4+C] told by the label count',
      { given: { tensor: fp32('output0', [1, 3, 6], anchors.flat()), labelCount: 2 }, want },
    ],
    [
      '[4+C, A] without batch dimension',
      { given: { tensor: fp32('output0', [6, 3], featuresFirst), labelCount: 0 }, want },
    ],
  ];
  it.each(cases)('decodes %s', (_, { given, want }) => {
    expect(rounded(yoloDecoder.decode([given.tensor], context({ labelCount: given.labelCount })))).toEqual(
      want,
    );
  });

  it('rejects an output without class scores', () => {
    expect(() => yoloDecoder.decode([fp32('o', [1, 4, 3], Array(12).fill(0))], context())).toThrow(
      /no class scores/,
    );
  });
});

describe('classification decoder', () => {
  const cases: Array<
    [string, { given: { values: number[]; softmax: boolean; floor: number }; want: Candidate[] }]
  > = [
    [
      'scores as given',
      {
        given: { values: [0.1, 0.8, 0.6], softmax: false, floor: 0.5 },
        want: [
          { classId: 1, confidence: 0.8 },
          { classId: 2, confidence: 0.6 },
        ],
      },
    ],
    [
      'softmax of logits',
      {
        given: { values: [0, Math.log(3), 0], softmax: true, floor: 0.5 },
        want: [{ classId: 1, confidence: 0.6 }],
      },
    ],
    ['nothing above the floor', { given: { values: [0.2, 0.3], softmax: false, floor: 0.5 }, want: [] }],
  ];
  it.each(cases)('%s', (_, { given, want }) => {
    const config = modelConfig({ parameters: given.softmax ? { 'chipq.apply_softmax': 'true' } : {} });
    const tensor = fp32('probs', [1, given.values.length], given.values);
    expect(
      rounded(classificationDecoder.decode([tensor], context({ minConfidence: given.floor }, config))),
    ).toEqual(want);
  });

  it('softmax survives large logits', () => {
    expect(softmax([1000, 1000])).toEqual([0.5, 0.5]);
  });
});
