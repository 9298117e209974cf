// The exit-code decision and the overlay folder layout of `chipq inspect`, as tables of cases.
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commonFolder, decideExitCode } from './inspect-command.js';
import type { InspectItem } from './inspect-item.js';
import { errorRecord, resultRecord } from './inspect-record.js';
import { createProgressReporter } from './progress-reporter.js';
import { RunSummary } from './run-summary.js';

const item: InspectItem = { index: 0, image: '/data/a.png', traceability: {} };
const verdict = (status: 'PASS' | 'FAIL' | 'REVIEW') =>
  resultRecord(
    item,
    {
      model: { name: 'm', version: '1' },
      image: { width: 8, height: 8 },
      verdict: { status, rule: 'r', reason: 'why', score: 0.5 },
      detections: [],
      review: [],
      totalMs: 1,
    },
    '/data',
  );
const failed = (code: string) => errorRecord(item, { code, message: 'no' }, '/data');

describe('decideExitCode', () => {
  const cases: Array<
    [
      string,
      { records: ReturnType<typeof verdict>[]; failExit?: boolean; interrupted?: boolean; want: number },
    ]
  > = [
    ['all PASS', { records: [verdict('PASS'), verdict('REVIEW')], want: 0 }],
    ['a FAIL', { records: [verdict('PASS'), verdict('FAIL')], want: 1 }],
    ['a FAIL with --no-fail-exit', { records: [verdict('FAIL')], failExit: false, want: 0 }],
    [
      'an unreadable image beats a FAIL',
      { records: [verdict('FAIL'), failed('UNSUPPORTED_IMAGE')], want: 3 },
    ],
    [
      'an unavailable model beats everything',
      { records: [failed('UNSUPPORTED_IMAGE'), failed('MODEL_NOT_READY')], want: 4 },
    ],
    ['a network error is unavailable', { records: [failed('NETWORK_ERROR')], want: 4 }],
    ['Ctrl-C', { records: [verdict('FAIL')], interrupted: true, want: 130 }],
  ];
  it.each(cases)('%s', (_name, { records, failExit = true, interrupted = false, want }) => {
    const summary = new RunSummary(records.length);
    for (const record of records) summary.add(record);
    expect(decideExitCode(summary, failExit, interrupted)).toBe(want);
  });
});

describe('commonFolder', () => {
  it.each([
    ['one file', [join(sep, 'a', 'b', 'x.png')], join(sep, 'a', 'b')],
    ['siblings', [join(sep, 'a', 'b', 'x.png'), join(sep, 'a', 'b', 'y.png')], join(sep, 'a', 'b')],
    ['cousins', [join(sep, 'a', 'b', 'x.png'), join(sep, 'a', 'c', 'y.png')], join(sep, 'a')],
    ['nothing shared', [join(sep, 'a', 'x.png'), join(sep, 'b', 'y.png')], sep],
  ])('%s', (_name, paths, want) => {
    expect(commonFolder(paths)).toBe(want);
  });
});

describe('progress reporter', () => {
  const sink = (isTTY: boolean) => {
    const written: string[] = [];
    return { written, output: { isTTY, columns: 120, write: (text: string) => written.push(text) } };
  };

  it('redraws one bar in place on a terminal and clears it at the end', () => {
    const { written, output } = sink(true);
    const summary = new RunSummary(2);
    const progress = createProgressReporter(output, summary, false);
    summary.add(verdict('PASS'));
    progress.update();
    summary.add(verdict('FAIL'));
    progress.update();
    progress.finish();
    expect(written.every((text) => text.startsWith('\r\x1b[2K'))).toBe(true);
    expect(written.at(-2)).toContain('2/2');
    expect(written.at(-1)).toBe('\r\x1b[2K');
  });

  it('prints plain lines (no control characters) when not a terminal, nothing when quiet', () => {
    const plain = sink(false);
    const summary = new RunSummary(1);
    const progress = createProgressReporter(plain.output, summary, false);
    summary.add(verdict('FAIL'));
    progress.update();
    progress.finish();
    expect(plain.written.join('')).not.toContain('\x1b');
    expect(plain.written.at(-1)).toMatch(/^chipq inspect: 1\/1 .* FAIL 1/);

    const quiet = sink(true);
    const silent = createProgressReporter(quiet.output, new RunSummary(1), true);
    silent.update();
    silent.finish();
    expect(quiet.written).toEqual([]);
  });
});
