/**
 * Runs the items through a backend with at most `concurrency` in flight: reads each pair, asks
 * the backend, turns the answer (or the failure) into a record and hands it on. One bad image
 * is a record with an error, never the end of the run (CONVENTIONS.md §5).
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { InspectBackend } from './inspect-backend.js';
import type { InspectItem } from './inspect-item.js';
import { describeError, errorRecord, type InspectRecord, resultRecord } from './inspect-record.js';

export interface RunInspectionsOptions {
  /** Images in flight at once (the engine batches them). */
  concurrency: number;
  /** Working folder, to write paths relative to it. */
  cwd: string;
  /** Stops taking new images and aborts those in flight. */
  signal: AbortSignal;
  /**
   * Called once per item, in completion order, before the worker takes the next one; `image` is
   * the tested image's bytes when it could be read (for overlays).
   */
  onRecord(record: InspectRecord, item: InspectItem, image: Uint8Array | undefined): Promise<void> | void;
}

async function readInput(path: string, field: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (cause) {
    const reason =
      (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message;
    throw Object.assign(new Error(`cannot read the ${field} ${path}: ${reason}`, { cause }), {
      code: 'INVALID_INPUT',
    });
  }
}

async function inspectOne(
  item: InspectItem,
  backend: InspectBackend,
  options: RunInspectionsOptions,
): Promise<void> {
  let image: Uint8Array | undefined;
  let record: InspectRecord;
  try {
    image = await readInput(item.image, 'image');
    const reference = item.reference === undefined ? undefined : await readInput(item.reference, 'reference');
    const result = await backend.inspect(
      {
        image,
        reference,
        imageName: basename(item.image),
        referenceName: item.reference === undefined ? undefined : basename(item.reference),
        traceability: item.traceability,
      },
      options.signal,
    );
    record = resultRecord(item, result, options.cwd);
  } catch (error) {
    record = errorRecord(item, describeError(error), options.cwd);
  }
  await options.onRecord(record, item, image);
}

/** Inspects every item (until `signal` aborts); resolves when all taken items have a record. */
export async function runInspections(
  items: readonly InspectItem[],
  backend: InspectBackend,
  options: RunInspectionsOptions,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !options.signal.aborted) {
      const item = items[next++] as InspectItem;
      await inspectOne(item, backend, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, items.length) }, worker));
}
