/**
 * RFC 4180 CSV: manifests are read with csv-parse (quoted fields, doubled quotes, CRLF or LF, a
 * BOM from spreadsheet exports); result rows are written by `formatCsvRow`.
 */
import { parse } from 'csv-parse/sync';

export interface CsvRow {
  /** The line the row ends on, counting from 1 as an editor does (a quoted line break spans two). */
  line: number;
  fields: string[];
}

/** Rows of fields with their line numbers; blank lines are dropped. Throws on an unterminated quote. */
export function parseCsv(text: string): CsvRow[] {
  // With `info`, each record comes with where it was read (the typings do not follow the option).
  const records = parse(text, {
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
  }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  return records.map(({ record, info }) => ({ line: info.lines, fields: record }));
}

/** One CSV line (with its newline); fields with commas, quotes or line breaks are quoted. */
export function formatCsvRow(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(formatField).join(',')}\n`;
}

function formatField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
