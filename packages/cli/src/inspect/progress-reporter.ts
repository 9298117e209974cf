/**
 * Progress on stderr: a bar redrawn in place when stderr is a terminal; otherwise (CI logs,
 * pipes) a plain line at every tenth of the run or every 10 s, whichever comes first, so logs
 * stay short and still show a long run is alive.
 */
import type { TextOutput } from '../cli-io.js';
import type { RunSummary } from './run-summary.js';

export interface ProgressReporter {
  /** Called after every record. */
  update(): void;
  /** Clears the bar (terminal) or prints the last line (plain). */
  finish(): void;
}

const drawEveryMs = 100;
const plainEveryMs = 10_000;

function status(summary: RunSummary, startedAt: number): string {
  const seconds = (performance.now() - startedAt) / 1000;
  const rate = seconds > 0 ? summary.done / seconds : 0;
  const left = rate > 0 ? (summary.total - summary.done) / rate : Number.NaN;
  const eta = Number.isFinite(left) && summary.done < summary.total ? ` eta ${Math.ceil(left)}s` : '';
  const { PASS, FAIL, REVIEW } = summary.verdicts;
  return `${summary.done}/${summary.total} ${rate.toFixed(1)} img/s${eta}  PASS ${PASS} FAIL ${FAIL} REVIEW ${REVIEW} ERROR ${summary.errors}`;
}

/** A reporter for `summary` on `stream`; silent when `quiet`. */
export function createProgressReporter(
  stream: TextOutput,
  summary: RunSummary,
  quiet: boolean,
): ProgressReporter {
  const startedAt = performance.now();
  if (quiet) return { update() {}, finish() {} };
  if (stream.isTTY) {
    let drawnAt = 0;
    const draw = () => {
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 70));
      const filled = summary.total === 0 ? width : Math.round((summary.done / summary.total) * width);
      stream.write(
        `\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${status(summary, startedAt)}`,
      );
      drawnAt = performance.now();
    };
    return {
      update: () => {
        if (performance.now() - drawnAt >= drawEveryMs || summary.done === summary.total) draw();
      },
      finish: () => stream.write('\r\x1b[2K'),
    };
  }
  let printedAt = performance.now();
  let tenth = 0;
  const print = () => {
    stream.write(`chipq inspect: ${status(summary, startedAt)}\n`);
    printedAt = performance.now();
  };
  return {
    update: () => {
      const reached = summary.total === 0 ? 10 : Math.floor((summary.done / summary.total) * 10);
      if (reached > tenth && summary.done < summary.total) {
        tenth = reached;
        print();
      } else if (performance.now() - printedAt >= plainEveryMs) print();
    },
    finish: print,
  };
}
