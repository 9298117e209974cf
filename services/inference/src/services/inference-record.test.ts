import type { InspectionResult } from '@chipq/core';
import { ChipqError } from '@chipq/core';
import { describe, expect, it } from 'vitest';
import { completedRecord, failedRecord, type RecordInput } from './inference-record.js';
import { toInferenceView } from './inference-view.js';

const input: RecordInput = {
  id: '00000000-0000-4000-8000-000000000001',
  createdAt: new Date('2026-01-02T03:04:05.000Z'),
  imageSha256: 'a'.repeat(64),
  imageBytes: 1234,
  traceability: { lotId: 'L1', dieX: 3, tags: { recipe: 'r7' } },
  requested: { model: 'm' },
  serviceMs: 12,
};

const outcome: InspectionResult = {
  model: { name: 'm', version: '2' },
  image: { width: 640, height: 480, format: 'png' },
  review: [],
  detections: [
    {
      classId: 1,
      className: 'short',
      confidence: 0.9,
      severity: 'high',
      box: { x1: 10, y1: 20, x2: 30, y2: 50 },
    },
    // A box poking out of the image and a zero-width one: stored clamped and non-empty.
    { classId: 2, className: 'spur', confidence: 1.2, severity: 'low', box: { x1: -5, y1: 7, x2: 5, y2: 7 } },
  ],
  verdict: { status: 'FAIL', rule: 'killer-class', reason: 'short', score: 0.1 },
  timings: { decodeMs: 1, preprocessMs: 2, queueMs: 3, inferMs: 4, postprocessMs: 5, totalMs: 15 },
};

describe('inference records', () => {
  it('stores locations the platform accepts and maps them back to boxes', () => {
    const { inference, detections } = completedRecord(input, outcome);
    expect(inference).toMatchObject({
      status: 'completed',
      model_version: '2',
      detection_count: 2,
      verdict_rule: 'killer-class',
      total_ms: 15,
    });
    expect(detections[0]).toMatchObject({
      x: 10,
      y: 20,
      width: 20,
      height: 30,
      detection_method: 'ml_automated',
    });
    expect(detections[1]).toMatchObject({ x: 0, y: 7, width: 5, confidence: 1 });
    expect(detections[1]!.height).toBeGreaterThan(0);

    const view = toInferenceView(
      { ...(inference as object), tags: { recipe: 'r7' }, batch_item_id: null } as never,
      detections.map(
        (d, ordinal) =>
          ({
            ...(d as object),
            ordinal,
            id: String(ordinal),
            inference_id: input.id,
            review_status: null,
          }) as never,
      ),
    );
    expect(view.detections[0]).toMatchObject({
      box: { x1: 10, y1: 20, x2: 30, y2: 50 },
      location: { x: 10, y: 20, width: 20, height: 30 },
    });
    expect(view).toMatchObject({
      kind: 'result',
      created_at: '2026-01-02T03:04:05.000Z',
      traceability: { lot_id: 'L1', die_x: 3, die_y: null },
    });
    expect(view.timings?.service_ms).toBe(12);
  });

  const failures: Array<[string, { code: ChipqError['code']; want: string }]> = [
    ['bad image', { code: 'UNSUPPORTED_IMAGE', want: 'failed' }],
    ['deadline', { code: 'DEADLINE_EXCEEDED', want: 'timeout' }],
    ['cancel', { code: 'CANCELLED', want: 'cancelled' }],
  ];
  it.each(failures)('stores a %s failure with its code', (_name, { code, want }) => {
    const row = failedRecord(input, new ChipqError(code, 'nope', { details: { version: '9' } }));
    expect(row).toMatchObject({
      status: want,
      error_code: code,
      error_message: 'nope',
      model_name: 'm',
      model_version: '9',
    });
  });
});
