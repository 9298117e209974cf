/**
 * `--manifest pairs.csv|jsonl`: one tested image per row with its reference and traceability
 * columns (lot_id, wafer_id, die_x, die_y, station_id); any other column becomes a tag. Paths
 * are relative to the manifest's folder. A bad row is a usage error naming its line.
 */
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { usageError } from '../exit-codes.js';
import { type CsvRow, parseCsv } from './csv.js';
import type { InspectItem, Traceability } from './inspect-item.js';

type Row = Record<string, unknown>;

/** The manifest's items in file order (indexes from 0). */
export async function readManifest(path: string): Promise<InspectItem[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw usageError(`cannot read the manifest ${path}: ${(cause as Error).message}`);
  }
  const extension = extname(path).toLowerCase();
  const rows =
    extension === '.csv'
      ? csvRows(path, text)
      : extension === '.jsonl' || extension === '.ndjson'
        ? jsonlRows(path, text)
        : undefined;
  if (rows === undefined) throw usageError(`expected a manifest ending in .csv or .jsonl, got ${path}`);
  if (rows.length === 0) throw usageError(`the manifest ${path} lists no images`);
  const folder = dirname(path);
  return rows.map(({ line, row }, index) => toItem(row, index, folder, `${path}:${line}`));
}

function csvRows(path: string, text: string): { line: number; row: Row }[] {
  let table: CsvRow[];
  try {
    table = parseCsv(text);
  } catch (cause) {
    throw usageError(`${path}: ${(cause as Error).message}`);
  }
  const [header, ...body] = table;
  if (!header?.fields.includes('image'))
    throw usageError(`${path}: the first row must name the columns, including image`);
  const names = header.fields.map((name) => name.trim());
  return body.map(({ line, fields }) => ({
    line,
    row: Object.fromEntries(names.map((name, j) => [name, fields[j] ?? ''])),
  }));
}

function jsonlRows(path: string, text: string): { line: number; row: Row }[] {
  const rows: { line: number; row: Row }[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw usageError(`${path}:${i + 1}: not a JSON object`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw usageError(`${path}:${i + 1}: not a JSON object`);
    rows.push({ line: i + 1, row: value as Row });
  }
  return rows;
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const string = String(value).trim();
  return string === '' ? undefined : string;
}

function integer(value: unknown, field: string, where: string): number | undefined {
  const string = text(value);
  if (string === undefined) return undefined;
  if (!/^-?\d+$/.test(string))
    throw usageError(`${where}: expected an integer for ${field}, got ${JSON.stringify(string)}`);
  return Number(string);
}

function toItem(row: Row, index: number, folder: string, where: string): InspectItem {
  const image = text(row.image);
  if (image === undefined) throw usageError(`${where}: the image column is empty`);
  const reference = text(row.reference);
  const traceability: Traceability = {
    lot_id: text(row.lot_id),
    wafer_id: text(row.wafer_id),
    die_x: integer(row.die_x, 'die_x', where),
    die_y: integer(row.die_y, 'die_y', where),
    station_id: text(row.station_id),
  };
  const known = new Set(['image', 'reference', 'lot_id', 'wafer_id', 'die_x', 'die_y', 'station_id']);
  // A JSONL row may carry its tags as an object; other unknown columns are tags too.
  const nested = row.tags !== null && typeof row.tags === 'object' ? Object.entries(row.tags as Row) : [];
  const columns = Object.entries(row).filter(([key]) => key !== 'tags' || nested.length === 0);
  const tags = [...columns, ...nested].filter(
    ([key, value]) => !known.has(key) && typeof value !== 'object' && text(value) !== undefined,
  );
  if (tags.length > 0)
    traceability.tags = Object.fromEntries(tags.map(([key, value]) => [key, text(value) as string]));
  for (const key of Object.keys(traceability) as (keyof Traceability)[])
    if (traceability[key] === undefined) delete traceability[key];
  return {
    index,
    image: resolve(folder, image),
    ...(reference === undefined ? {} : { reference: resolve(folder, reference) }),
    traceability,
  };
}
