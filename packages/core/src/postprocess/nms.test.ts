import { describe, expect, it } from 'vitest';
import type { Box } from '../preprocess/image-transform.js';
import { iou, nonMaxSuppression } from './nms.js';

type Item = { id: string; classId: number; confidence: number; box: Box };
const box = (x1: number, y1: number, x2: number, y2: number): Box => ({ x1, y1, x2, y2 });
const item = (id: string, classId: number, confidence: number, b: Box): Item => ({
  id,
  classId,
  confidence,
  box: b,
});

describe('iou', () => {
  const cases: Array<[string, { given: [Box, Box]; want: number }]> = [
    ['identical', { given: [box(0, 0, 10, 10), box(0, 0, 10, 10)], want: 1 }],
    ['disjoint', { given: [box(0, 0, 10, 10), box(20, 20, 30, 30)], want: 0 }],
    ['touching edges', { given: [box(0, 0, 10, 10), box(10, 0, 20, 10)], want: 0 }],
    ['half overlap', { given: [box(0, 0, 10, 10), box(5, 0, 15, 10)], want: 50 / 150 }],
    ['contained', { given: [box(0, 0, 10, 10), box(0, 0, 5, 10)], want: 0.5 }],
    ['both empty', { given: [box(3, 3, 3, 3), box(3, 3, 3, 3)], want: 0 }],
  ];
  it.each(cases)('%s', (_, { given, want }) => expect(iou(...given)).toBeCloseTo(want, 12));
});

describe('nonMaxSuppression', () => {
  // IoU of [0,0,10,10] and [0,0,10,x] is x/10: exact thresholds are easy to build.
  const cases: Array<[string, { given: { items: Item[]; iou?: number }; want: string[] }]> = [
    ['empty', { given: { items: [] }, want: [] }],
    [
      'overlapping same class: the weaker is suppressed',
      {
        given: { items: [item('a', 0, 0.8, box(0, 0, 10, 10)), item('b', 0, 0.9, box(1, 1, 11, 11))] },
        want: ['b'],
      },
    ],
    [
      'overlapping different classes: both kept',
      {
        given: { items: [item('a', 0, 0.8, box(0, 0, 10, 10)), item('b', 1, 0.9, box(1, 1, 11, 11))] },
        want: ['b', 'a'],
      },
    ],
    [
      'IoU exactly at the threshold is kept',
      {
        given: {
          items: [item('a', 0, 0.9, box(0, 0, 10, 10)), item('b', 0, 0.8, box(0, 0, 10, 5))],
          iou: 0.5,
        },
        want: ['a', 'b'],
      },
    ],
    [
      'IoU just above the threshold is suppressed',
      {
        given: {
          items: [item('a', 0, 0.9, box(0, 0, 10, 10)), item('b', 0, 0.8, box(0, 0, 10, 5.1))],
          iou: 0.5,
        },
        want: ['a'],
      },
    ],
    [
      'disjoint same class: both kept',
      {
        given: { items: [item('a', 0, 0.9, box(0, 0, 10, 10)), item('b', 0, 0.8, box(50, 50, 60, 60))] },
        want: ['a', 'b'],
      },
    ],
    [
      'a suppressed box does not suppress others (chain)',
      {
        given: {
          items: [
            item('a', 0, 0.9, box(0, 0, 10, 10)),
            item('b', 0, 0.8, box(4, 0, 14, 10)),
            item('c', 0, 0.7, box(8, 0, 18, 10)),
          ],
          iou: 0.3,
        },
        want: ['a', 'c'],
      },
    ],
    [
      'equal confidence keeps input order',
      {
        given: { items: [item('a', 0, 0.5, box(0, 0, 10, 10)), item('b', 0, 0.5, box(0, 0, 10, 10))] },
        want: ['a'],
      },
    ],
  ];
  it.each(cases)('%s', (_, { given, want }) => {
    expect(nonMaxSuppression(given.items, given.iou).map((i) => i.id)).toEqual(want);
  });
});
