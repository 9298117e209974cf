/**
 * `chipq inspect`: collects the images, starts the backend, runs the inspections with progress,
 * writes results and overlays, prints the summary and decides the exit code.
 */
import { dirname, join, relative, sep } from 'node:path';
import type { CliIo } from '../cli-io.js';
import { exitCodes, unavailableCodes, usageError } from '../exit-codes.js';
import { inspectHelp } from '../help-text.js';
import { collectInputs } from './collect-inputs.js';
import { drawOverlay } from './draw-overlay.js';
import type { InspectBackend } from './inspect-backend.js';
import { type InspectCommandOptions, resolveInspectOptions } from './inspect-options.js';
import { checkKlarfItems, type KlarfEntry, writeKlarfFile } from './klarf-output.js';
import { createProgressReporter } from './progress-reporter.js';
import { readManifest } from './read-manifest.js';
import { openResultsWriter } from './results-writer.js';
import { runInspections } from './run-inspections.js';
import { RunSummary, renderSummary } from './run-summary.js';

/** Creates the backend the options name; injected so the server backend is loaded only when used. */
export type OpenBackend = (options: InspectCommandOptions, io: CliIo) => Promise<InspectBackend>;

/** The deepest folder holding every path; overlays mirror the inputs' layout below it. */
export function commonFolder(paths: readonly string[]): string {
  const split = paths.map((path) => dirname(path).split(sep));
  const first = split[0] ?? [];
  let length = first.length;
  for (const parts of split) {
    let i = 0;
    while (i < length && parts[i] === first[i]) i++;
    length = i;
  }
  return first.slice(0, length).join(sep) || sep;
}

/** 4 when the engine/server/model failed, 3 when images could not be processed, 1 on a FAIL. */
export function decideExitCode(summary: RunSummary, failExit: boolean, interrupted: boolean): number {
  if (interrupted) return 130;
  if (summary.failures.some((f) => unavailableCodes.has(f.code))) return exitCodes.unavailable;
  if (summary.errors > 0) return exitCodes.unprocessed;
  if (failExit && summary.verdicts.FAIL > 0) return exitCodes.fail;
  return exitCodes.ok;
}

export async function inspectCommand(
  args: readonly string[],
  io: CliIo,
  openBackend: OpenBackend,
): Promise<number> {
  const options = resolveInspectOptions(args, io);
  if (options.help) {
    io.stdout.write(inspectHelp);
    return exitCodes.ok;
  }
  const note = (text: string) => options.quiet || io.stderr.write(`chipq inspect: ${text}\n`);
  const collected = options.manifest
    ? { items: await readManifest(options.manifest), references: 0, unmatched: 0 }
    : await collectInputs(options.inputs, io.cwd, options.pair);
  const { items } = collected;
  if (collected.references > 0)
    note(`${collected.references} references skipped (they pair with the tested images)`);
  if (collected.unmatched > 0)
    note(`${collected.unmatched} files match neither side of --pair; inspected without a reference`);
  if (items.length === 0) throw usageError('nothing to inspect: every file named is a reference');
  if (options.klarf !== undefined) checkKlarfItems(items);
  const klarfEntries: KlarfEntry[] = [];

  const summary = new RunSummary(items.length);
  const signal = io.signal ?? new AbortController().signal;
  const root = commonFolder(items.map((item) => item.image));
  const backend = await openBackend(options, io);
  let overlayFailures = 0;
  let elapsedMs = 0;
  try {
    const writer = options.out === undefined ? undefined : await openResultsWriter(options.out, io.stdout);
    // The clock starts once the model is loaded: images/s measures inspection, not start-up.
    const started = performance.now();
    const progress = createProgressReporter(io.stderr, summary, options.quiet);
    try {
      await runInspections(items, backend, {
        concurrency: options.concurrency,
        cwd: io.cwd,
        signal,
        onRecord: async (record, item, image) => {
          summary.add(record);
          writer?.write(item.index, record);
          if (options.klarf !== undefined) klarfEntries.push({ item, record, inspectedAt: new Date() });
          if (options.overlayDir !== undefined && image !== undefined && record.status === 'ok') {
            await drawOverlay(image, record, join(options.overlayDir, relative(root, item.image))).catch(
              (error: unknown) => {
                if (overlayFailures++ === 0) note(`cannot write an overlay: ${(error as Error).message}`);
              },
            );
          }
          progress.update();
        },
      });
    } finally {
      elapsedMs = performance.now() - started;
      progress.finish();
      await writer?.close();
    }
  } finally {
    await backend.close();
  }
  if (!options.quiet) {
    const report = renderSummary(summary, {
      elapsedMs,
      backend: backend.description,
      interrupted: signal.aborted,
    });
    (options.out === '-' ? io.stderr : io.stdout).write(report);
  }
  if (overlayFailures > 1) note(`${overlayFailures} overlays could not be written`);
  if (options.klarf !== undefined) {
    // In manifest order, as the results file.
    klarfEntries.sort((a, b) => a.item.index - b.item.index);
    const dies = await writeKlarfFile(options.klarf, klarfEntries, {
      pixelSizeUm: options.pixelSizeUm,
      models: options.target.kind === 'embedded' ? options.target.models : undefined,
    });
    note(`wrote ${dies} dies to ${options.klarf} (KLARF 1.8)`);
  }
  return decideExitCode(summary, options.failExit, signal.aborted);
}
