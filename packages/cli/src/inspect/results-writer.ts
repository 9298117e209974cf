/**
 * `--out results.jsonl|csv` (or `-` for JSONL on stdout): one record per image, written in the
 * input order even though images finish out of order, so two runs over the same folder give
 * files that diff cleanly.
 */

import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import type { TextOutput } from '../cli-io.js';
import { usageError } from '../exit-codes.js';
import { formatCsvRow } from './csv.js';
import type { InspectRecord } from './inspect-record.js';

export type ResultsFormat = 'jsonl' | 'csv';

/** The format a results path asks for by its extension; `-` is JSONL on stdout. */
export function resultsFormat(path: string): ResultsFormat {
  if (path === '-') return 'jsonl';
  const extension = extname(path).toLowerCase();
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  if (extension === '.csv') return 'csv';
  throw usageError(`expected --out to end in .jsonl or .csv (or to be - for JSONL on stdout), got ${path}`);
}

const csvColumns = [
  'image',
  'reference',
  'status',
  'verdict',
  'rule',
  'score',
  'defects',
  'classes',
  'detections',
  'review',
  'model',
  'version',
  'lot_id',
  'wafer_id',
  'die_x',
  'die_y',
  'station_id',
  'tags',
  'width',
  'height',
  'total_ms',
  'result_id',
  'error_code',
  'error_message',
  'reason',
] as const;

/** One CSV row: counts per class (`short:2;open:1`) and compact detections (`short 0.93 [x1 y1 x2 y2]`). */
function csvRow(record: InspectRecord): string {
  const perClass = new Map<string, number>();
  for (const d of record.defects) perClass.set(d.class, (perClass.get(d.class) ?? 0) + 1);
  const cells: Partial<Record<(typeof csvColumns)[number], string | number | null>> = {
    ...record,
    defects: record.status === 'ok' ? record.defects.length : null,
    classes: [...perClass].map(([name, count]) => `${name}:${count}`).join(';'),
    detections: record.defects
      .map((d) => `${d.class} ${d.confidence} [${d.box.x1} ${d.box.y1} ${d.box.x2} ${d.box.y2}]`)
      .join('; '),
    review: record.status === 'ok' ? record.review.length : null,
    tags: Object.entries(record.tags ?? {})
      .map(([key, value]) => `${key}=${value}`)
      .join(';'),
    error_code: record.error?.code,
    error_message: record.error?.message,
  };
  return formatCsvRow(csvColumns.map((column) => cells[column]));
}

export interface ResultsWriter {
  /** Queues the record of item `index`; it is written once every earlier index is. */
  write(index: number, record: InspectRecord): void;
  /** Writes what is still queued (after an interruption, in order with gaps) and closes the file. */
  close(): Promise<void>;
}

/** Opens `path` (created or truncated) for results; `-` writes to `stdout`. */
export async function openResultsWriter(path: string, stdout: TextOutput): Promise<ResultsWriter> {
  const format = resultsFormat(path);
  // `--out reports/lot-42.csv` should work without a mkdir first, as --overlay-dir does.
  if (path !== '-') mkdirSync(dirname(path), { recursive: true });
  const file = path === '-' ? undefined : createWriteStream(path);
  if (file) {
    await Promise.race([
      once(file, 'open'),
      once(file, 'error').then(([error]) => {
        throw usageError(`cannot write ${path}: ${(error as Error).message}`);
      }),
    ]);
  }
  const sink: TextOutput = file ?? stdout;
  const line = (record: InspectRecord) => (format === 'csv' ? csvRow(record) : `${JSON.stringify(record)}\n`);
  if (format === 'csv') sink.write(formatCsvRow(csvColumns));
  const pending = new Map<number, InspectRecord>();
  let next = 0;
  return {
    write(index, record) {
      pending.set(index, record);
      for (let ready = pending.get(next); ready !== undefined; ready = pending.get(next)) {
        sink.write(line(ready));
        pending.delete(next++);
      }
    },
    async close() {
      for (const index of [...pending.keys()].sort((a, b) => a - b))
        sink.write(line(pending.get(index) as InspectRecord));
      pending.clear();
      if (file) {
        file.end();
        await once(file, 'finish');
      }
    },
  };
}
