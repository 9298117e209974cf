/**
 * Reads image pairs and annotations laid out as the DeepPCB benchmark ships them:
 * `<id>_test.jpg` (tested image), `<id>_temp.jpg` (defect-free template) and `<id>.txt`, one
 * defect per line `x1 y1 x2 y2 class` with class 1..6. Used by the evaluation command, so it
 * works on any folder of that layout, including boards it has never seen.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { throwIfAborted } from '../abort.js';
import { ChipqError } from '../errors.js';
import type { EvaluationBox } from './match-detections.js';

/** DeepPCB's classes in class-id order: file class `k` is index `k - 1` here. */
export const deepPcbClassNames = ['open', 'short', 'mousebite', 'spur', 'copper', 'pin-hole'] as const;

/** One annotated defect, `classId` 0-based into {@link deepPcbClassNames}. */
export interface DeepPcbAnnotation {
  classId: number;
  box: EvaluationBox;
}

/** One tested image with its template and annotations. */
export interface DeepPcbPair {
  id: string;
  testPath: string;
  templatePath: string;
  annotationPath: string;
  annotations: DeepPcbAnnotation[];
}

export interface ReadDeepPcbOptions {
  signal?: AbortSignal;
}

const TEST_IMAGE = /^(.+)_test\.(jpe?g|png|bmp)$/i;

/**
 * Parses one annotation file. Fields may be separated by spaces, tabs or commas (the dataset
 * uses spaces, its original release commas); blank lines are skipped. A malformed line throws
 * ChipqError('INVALID_INPUT') naming `file` and the line number.
 */
export function parseDeepPcbAnnotations(text: string, file = '<annotations>'): DeepPcbAnnotation[] {
  const annotations: DeepPcbAnnotation[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const fields = line.split(/[\s,]+/);
    const numbers = fields.map(Number);
    const fail = (why: string): never => {
      throw new ChipqError('INVALID_INPUT', `${file}:${i + 1}: ${why}, got "${line}"`, {
        details: { file, line: i + 1 },
      });
    };
    if (fields.length !== 5 || numbers.some((n) => !Number.isFinite(n)))
      fail('expected "x1 y1 x2 y2 class" (5 numbers)');
    const [x1, y1, x2, y2, cls] = numbers as [number, number, number, number, number];
    if (!Number.isInteger(cls) || cls < 1 || cls > deepPcbClassNames.length)
      fail(`expected a class between 1 and ${deepPcbClassNames.length}`);
    if (x2 <= x1 || y2 <= y1) fail('expected x2 > x1 and y2 > y1');
    annotations.push({ classId: cls - 1, box: { x1, y1, x2, y2 } });
  });
  return annotations;
}

/**
 * Lists and reads every pair under `dir`, searching subfolders too, sorted by id. The template
 * must sit beside the tested image; the annotations may sit beside it or, as in the original
 * release, in a sibling folder named `<folder>_not`. A pair with a missing file, or a folder
 * with no pairs at all, throws ChipqError('INVALID_INPUT').
 */
export async function readDeepPcbDataset(
  dir: string,
  options: ReadDeepPcbOptions = {},
): Promise<DeepPcbPair[]> {
  const found: Array<Omit<DeepPcbPair, 'annotations'>> = [];
  await collect(dir, found, options.signal);
  if (found.length === 0) {
    throw new ChipqError(
      'INVALID_INPUT',
      `no DeepPCB pairs (<id>_test.jpg, <id>_temp.jpg, <id>.txt) under ${dir}`,
    );
  }
  found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.testPath.localeCompare(b.testPath)));
  const pairs: DeepPcbPair[] = [];
  for (const pair of found) {
    throwIfAborted(options.signal);
    const text = await readFile(pair.annotationPath, { encoding: 'utf8', signal: options.signal });
    pairs.push({ ...pair, annotations: parseDeepPcbAnnotations(text, pair.annotationPath) });
  }
  return pairs;
}

async function collect(
  dir: string,
  out: Array<Omit<DeepPcbPair, 'annotations'>>,
  signal: AbortSignal | undefined,
): Promise<void> {
  throwIfAborted(signal);
  let entries: Array<{ name: string; isDirectory(): boolean }>;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (cause) {
    throw new ChipqError('INVALID_INPUT', `cannot read the DeepPCB folder ${dir}`, { cause });
  }
  const names = new Set(entries.map((e) => e.name));
  for (const entry of entries) {
    if (entry.isDirectory()) {
      await collect(join(dir, entry.name), out, signal);
      continue;
    }
    const match = TEST_IMAGE.exec(entry.name);
    if (!match) continue;
    const [, id = '', ext = ''] = match;
    const template = [`${id}_temp.${ext}`, `${id}_temp.jpg`].find((n) => names.has(n));
    if (!template) throw missing(join(dir, entry.name), `${id}_temp.${ext}`);
    const annotationPath = await findAnnotations(dir, id, names);
    if (!annotationPath) throw missing(join(dir, entry.name), `${id}.txt`);
    out.push({ id, testPath: join(dir, entry.name), templatePath: join(dir, template), annotationPath });
  }
}

async function findAnnotations(
  dir: string,
  id: string,
  names: ReadonlySet<string>,
): Promise<string | undefined> {
  if (names.has(`${id}.txt`)) return join(dir, `${id}.txt`);
  const sibling = join(dirname(dir), `${basename(dir)}_not`);
  try {
    const siblingNames = await readdir(sibling);
    return siblingNames.includes(`${id}.txt`) ? join(sibling, `${id}.txt`) : undefined;
  } catch {
    return undefined; // no sibling folder: the caller reports the missing file
  }
}

function missing(testPath: string, file: string): ChipqError {
  return new ChipqError('INVALID_INPUT', `${testPath} has no ${file} beside it`, {
    details: { file: testPath, missing: file },
  });
}
