import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChipqError } from '../errors.js';
import { type DeepPcbAnnotation, parseDeepPcbAnnotations, readDeepPcbDataset } from './deeppcb-dataset.js';

describe('parseDeepPcbAnnotations', () => {
  const two: DeepPcbAnnotation[] = [
    { classId: 2, box: { x1: 466, y1: 441, x2: 493, y2: 470 } },
    { classId: 5, box: { x1: 10, y1: 20, x2: 30, y2: 40 } },
  ];
  const cases: Array<[string, { text: string; want: DeepPcbAnnotation[] }]> = [
    ['space separated', { text: '466 441 493 470 3\n10 20 30 40 6\n', want: two }],
    ['comma separated', { text: '466,441,493,470,3\n10,20,30,40,6', want: two }],
    [
      'CRLF, tabs and blank lines',
      { text: '466\t441 493 470 3\r\n\r\n  10, 20, 30, 40, 6  \r\n', want: two },
    ],
    ['no trailing newline', { text: '466 441 493 470 3\n10 20 30 40 6', want: two }],
    ['empty file', { text: '', want: [] }],
  ];
  it.each(cases)('%s', (_name, { text, want }) => {
    expect(parseDeepPcbAnnotations(text, 'x.txt')).toEqual(want);
  });

  const bad: Array<[string, { text: string; message: RegExp }]> = [
    ['four fields', { text: '1 2 3 4 1\n1 2 3 4', message: /^a\.txt:2: expected "x1 y1 x2 y2 class"/ }],
    ['a word', { text: '1 2 3 four 1', message: /^a\.txt:1: expected "x1 y1 x2 y2 class"/ }],
    [
      'class 0',
      { text: '1 2 3 4 0', message: /^a\.txt:1: expected a class between 1 and 6, got "1 2 3 4 0"/ },
    ],
    ['class 7', { text: '\n1 2 3 4 7', message: /^a\.txt:2: expected a class between 1 and 6/ }],
    ['inverted box', { text: '5 2 3 4 1', message: /^a\.txt:1: expected x2 > x1 and y2 > y1/ }],
  ];
  it.each(bad)('rejects %s naming file and line', (_name, { text, message }) => {
    let error: unknown;
    try {
      parseDeepPcbAnnotations(text, 'a.txt');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChipqError);
    expect((error as ChipqError).code).toBe('INVALID_INPUT');
    expect((error as ChipqError).message).toMatch(message);
  });
});

describe('readDeepPcbDataset', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'chipq-deeppcb-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const touch = async (path: string, text = 'x') => {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, text);
  };

  it('reads a flat folder sorted by id', async () => {
    for (const id of ['0002', '0001']) {
      await touch(join(root, `${id}_test.jpg`));
      await touch(join(root, `${id}_temp.jpg`));
      await touch(join(root, `${id}.txt`), '1 2 3 4 1\n');
    }
    const pairs = await readDeepPcbDataset(root);
    expect(pairs.map((p) => [p.id, p.templatePath, p.annotations.length])).toEqual([
      ['0001', join(root, '0001_temp.jpg'), 1],
      ['0002', join(root, '0002_temp.jpg'), 1],
    ]);
  });

  it('finds annotations in a sibling <folder>_not, as the original release lays them out', async () => {
    await touch(join(root, 'group1', '111', '111000_test.jpg'));
    await touch(join(root, 'group1', '111', '111000_temp.jpg'));
    await touch(join(root, 'group1', '111_not', '111000.txt'), '1,2,3,4,2');
    const [pair] = await readDeepPcbDataset(root);
    expect(pair?.annotationPath).toBe(join(root, 'group1', '111_not', '111000.txt'));
    expect(pair?.annotations).toEqual([{ classId: 1, box: { x1: 1, y1: 2, x2: 3, y2: 4 } }]);
  });

  const broken: Array<[string, { files: string[]; message: RegExp }]> = [
    [
      'a missing template',
      { files: ['1_test.jpg', '1.txt'], message: /1_test\.jpg has no 1_temp\.jpg beside it/ },
    ],
    [
      'missing annotations',
      { files: ['1_test.jpg', '1_temp.jpg'], message: /1_test\.jpg has no 1\.txt beside it/ },
    ],
    ['no pairs', { files: ['readme.md'], message: /no DeepPCB pairs/ }],
  ];
  it.each(broken)('rejects %s', async (_name, { files, message }) => {
    for (const f of files) await touch(join(root, f), '1 2 3 4 1');
    await expect(readDeepPcbDataset(root)).rejects.toThrow(message);
  });

  it('rejects a folder that does not exist', async () => {
    await expect(readDeepPcbDataset(join(root, 'nope'))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('stops when aborted', async () => {
    await expect(readDeepPcbDataset(root, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });
});
