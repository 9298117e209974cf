// KLARF 1.8 layout from dies: records per lot and wafer, micrometre positions in KLARF's frame
// (y up from the die origin), class numbers, and strings a KLARF reader cannot mis-split.
import { describe, expect, it } from 'vitest';
import { type KlarfDie, writeKlarf } from './klarf-writer.js';

const die = (over: Partial<KlarfDie>): KlarfDie => ({
  lotId: 'L1',
  waferId: 'W1',
  dieX: 0,
  dieY: 0,
  stationId: 'AOI-1',
  recipe: 'm@1',
  inspectedAt: new Date('2026-11-26T01:02:03Z'),
  imageWidth: 100,
  imageHeight: 50,
  pixelSizeUm: 2,
  resultId: 'r1',
  detections: [],
  ...over,
});

const defectRows = (klarf: string) =>
  [...klarf.matchAll(/^ {10}(\d+ .*);$/gm)].map((m) => (m[1] as string).split(' '));

describe('writeKlarf', () => {
  it('places a defect centre in micrometres from the die origin, y up, with its class number', () => {
    const klarf = writeKlarf(
      [
        die({
          dieX: 3,
          dieY: 4,
          detections: [{ classId: 0, className: 'open', confidence: 0.9, x: 10, y: 5, width: 4, height: 2 }],
        }),
      ],
      { writtenAt: new Date('2026-11-26T05:06:07Z') },
    );
    // Centre (12, 6) px; origin at the lower-left corner (0, 50): XREL 24, YREL (50 - 6) * 2 = 88.
    expect(defectRows(klarf)).toEqual([
      ['1', '24', '88', '3', '4', '8', '4', '32', '8', '1', '1', '0.900', '"r1"'],
    ]);
    expect(klarf).toContain('Field FileTimestamp 2 {"11-26-2026", "05:06:07"}');
    expect(klarf).toContain('Field DiePitch 2 {200, 100}');
    expect(klarf).toContain('        1 "open" "OPEN";');
    expect(klarf.trimEnd().endsWith('EndOfFile;')).toBe(true);
  });

  it('honours a die origin inside the image', () => {
    const klarf = writeKlarf([
      die({
        dieOriginPx: { x: 10, y: 10 },
        detections: [{ classId: 2, className: 's', confidence: 1, x: 10, y: 0, width: 2, height: 2 }],
      }),
    ]);
    expect(defectRows(klarf)[0]?.slice(1, 3)).toEqual(['2', '18']);
  });

  it('writes one lot record per lot and one wafer record per wafer, in first-seen order', () => {
    const klarf = writeKlarf([
      die({ lotId: 'L2' }),
      die({ waferId: 'W2' }),
      die({ lotId: 'L2', waferId: 'W9' }),
      die({}),
    ]);
    expect(
      [...klarf.matchAll(/Record (LotRecord|WaferRecord) "([^"]+)"/g)].map((m) => `${m[1]}:${m[2]}`),
    ).toEqual([
      'LotRecord:L2',
      'WaferRecord:W1',
      'WaferRecord:W9',
      'LotRecord:L1',
      'WaferRecord:W2',
      'WaferRecord:W1',
    ]);
  });

  it('keeps strings to one token that readers cannot split', () => {
    const klarf = writeKlarf([die({ lotId: 'lot "a" {b}; c,d', stationId: null })]);
    expect(klarf).toContain('Record LotRecord "lot__a___b___c_d"');
    expect(klarf).toContain('{"chipq", "chipq-inference", "unknown"}');
  });
});
