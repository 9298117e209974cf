/**
 * The running tally of an inspect run (counts per verdict and defect class, failures with their
 * codes) and the table printed at the end. The progress line reads the same tally.
 */
import type { InspectRecord } from './inspect-record.js';

export interface Failure {
  image: string;
  code: string;
  message: string;
}

export class RunSummary {
  readonly verdicts = { PASS: 0, FAIL: 0, REVIEW: 0 };
  /** Per defect class: images with at least one, and defects in all. */
  readonly classes = new Map<string, { images: number; defects: number }>();
  readonly failures: Failure[] = [];
  readonly models = new Set<string>();
  done = 0;

  constructor(readonly total: number) {}

  add(record: InspectRecord): void {
    this.done++;
    if (record.error) {
      this.failures.push({ image: record.image, code: record.error.code, message: record.error.message });
      return;
    }
    if (record.verdict) this.verdicts[record.verdict]++;
    if (record.model) this.models.add(`${record.model} v${record.version}`);
    const seen = new Set<string>();
    for (const defect of record.defects) {
      const tally = this.classes.get(defect.class) ?? { images: 0, defects: 0 };
      tally.defects++;
      if (!seen.has(defect.class)) tally.images++;
      seen.add(defect.class);
      this.classes.set(defect.class, tally);
    }
  }

  get errors(): number {
    return this.failures.length;
  }
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  // First column left-aligned (names), the others right-aligned (numbers).
  return rows
    .map((row) =>
      `  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')}`.trimEnd(),
    )
    .join('\n');
}

export interface RenderSummaryOptions {
  elapsedMs: number;
  backend: string;
  interrupted: boolean;
  /** Failures listed one by one before "and N more". Default 20. */
  maxFailures?: number;
}

/** The end-of-run report: a header with the rate, then verdicts, defect classes and failures. */
export function renderSummary(summary: RunSummary, options: RenderSummaryOptions): string {
  const seconds = options.elapsedMs / 1000;
  const rate = seconds > 0 ? summary.done / seconds : 0;
  const lines = [
    `chipq inspect: ${summary.done}/${summary.total} images in ${seconds.toFixed(1)} s (${rate.toFixed(1)} images/s)${options.interrupted ? ', interrupted' : ''}`,
    `  ${options.backend}${summary.models.size > 0 ? `; model ${[...summary.models].join(', ')}` : ''}`,
    '',
    table([
      ['verdict', 'images'],
      ['PASS', String(summary.verdicts.PASS)],
      ['FAIL', String(summary.verdicts.FAIL)],
      ['REVIEW', String(summary.verdicts.REVIEW)],
      ['ERROR', String(summary.errors)],
    ]),
  ];
  if (summary.classes.size > 0) {
    const classes = [...summary.classes].sort(
      (a, b) => b[1].defects - a[1].defects || a[0].localeCompare(b[0]),
    );
    lines.push(
      '',
      table([
        ['defect class', 'images', 'defects'],
        ...classes.map(([name, t]) => [name, String(t.images), String(t.defects)]),
      ]),
    );
  }
  if (summary.failures.length > 0) {
    const max = options.maxFailures ?? 20;
    lines.push('', `  could not be processed (${summary.failures.length}):`);
    for (const f of summary.failures.slice(0, max)) lines.push(`    ${f.image}  ${f.code}  ${f.message}`);
    if (summary.failures.length > max)
      lines.push(`    ... and ${summary.failures.length - max} more (see the results file)`);
  }
  return `${lines.join('\n')}\n`;
}
