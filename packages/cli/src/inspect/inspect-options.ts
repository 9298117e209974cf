/**
 * The options of `chipq inspect`, their defaults, and their one-time resolution from the
 * command line (CONVENTIONS.md §6). Every mistake is a usage error (exit code 2) that names the
 * option, before any model is loaded.
 */
import { resolve } from 'node:path';
import type { CliIo } from '../cli-io.js';
import { usageError } from '../exit-codes.js';
import { integerOption, numberOption, parseCommandArgs, stringOption } from '../parse-command-args.js';
import { apiKeyOption } from '../server-client.js';
import { type PairRule, parsePairRule } from './pair-rule.js';
import { resultsFormat } from './results-writer.js';

const inspectArgs = {
  embedded: { type: 'boolean' },
  server: { type: 'string' },
  'api-key': { type: 'string' },
  models: { type: 'string' },
  model: { type: 'string' },
  version: { type: 'string' },
  pair: { type: 'string' },
  manifest: { type: 'string' },
  out: { type: 'string', short: 'o' },
  'overlay-dir': { type: 'string' },
  klarf: { type: 'string' },
  'pixel-size': { type: 'string' },
  concurrency: { type: 'string', short: 'c' },
  threshold: { type: 'string' },
  timeout: { type: 'string' },
  'no-fail-exit': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

type InspectTarget =
  | { kind: 'embedded'; models: string }
  | { kind: 'server'; url: string; apiKey: string | undefined };

export interface InspectCommandOptions {
  /** Files, folders and globs (none with --manifest). */
  inputs: string[];
  /** `--server URL` (or `CHIPQ_SERVER_URL`), else the embedded engine over `--models` (default `./models`). */
  target: InspectTarget;
  /** Default: the only model there is. */
  model: string | undefined;
  /** Default: the newest ready version. */
  version: string | undefined;
  pair: PairRule | undefined;
  /** Absolute path of the manifest. */
  manifest: string | undefined;
  /** Results file (absolute), `-` for stdout, or undefined for none. */
  out: string | undefined;
  overlayDir: string | undefined;
  /** `--klarf FILE` (absolute): the dies of a manifest as KLARF 1.8. */
  klarf: string | undefined;
  /** `--pixel-size UM`: micrometres per pixel for --klarf. Default: the model's chipq.pixel_size_um (embedded engine). */
  pixelSizeUm: number | undefined;
  /** Images in flight. Default 8. */
  concurrency: number;
  /** Confidence from which a detection counts. Default: the model's or 0.75. */
  threshold: number | undefined;
  /** Per-image deadline in ms. Default 60000. */
  timeoutMs: number;
  /** Exit 1 when an image FAILs. Default true (`--no-fail-exit` turns it off). */
  failExit: boolean;
  /** No progress and no summary. Default false. */
  quiet: boolean;
  help: boolean;
}

/** Parses and checks `chipq inspect`'s arguments. */
export function resolveInspectOptions(args: readonly string[], io: CliIo): InspectCommandOptions {
  const parsed = parseCommandArgs('inspect', args, inspectArgs);
  const flag = (name: string) => parsed.values[name] === true;
  const path = (name: string) => {
    const value = stringOption(parsed, name);
    return value === undefined ? undefined : resolve(io.cwd, value);
  };
  const options: InspectCommandOptions = {
    inputs: parsed.positionals,
    target: target(parsed.values, io),
    model: stringOption(parsed, 'model'),
    version: stringOption(parsed, 'version'),
    pair:
      stringOption(parsed, 'pair') === undefined
        ? undefined
        : parsePairRule(stringOption(parsed, 'pair') as string),
    manifest: path('manifest'),
    out: stringOption(parsed, 'out') === '-' ? '-' : path('out'),
    overlayDir: path('overlay-dir'),
    klarf: path('klarf'),
    pixelSizeUm: numberOption(parsed, 'pixel-size', 1e-6, 1e6),
    concurrency: integerOption(parsed, 'concurrency', 8, 1, 256),
    threshold: numberOption(parsed, 'threshold', 0, 1),
    timeoutMs: integerOption(parsed, 'timeout', 60_000, 1, 3_600_000),
    failExit: !flag('no-fail-exit'),
    quiet: flag('quiet'),
    help: flag('help'),
  };
  if (options.help) return options;
  if (options.out !== undefined) resultsFormat(options.out);
  if (options.manifest !== undefined && options.pair !== undefined)
    throw usageError('use --manifest or --pair, not both');
  if (options.manifest !== undefined && options.inputs.length > 0) {
    throw usageError('with --manifest the images come from the manifest: give no files on the command line');
  }
  if (options.manifest === undefined && options.inputs.length === 0) {
    throw usageError('name the images to inspect (files, folders or globs), or give --manifest');
  }
  if (options.version !== undefined && options.model === undefined)
    throw usageError('--version needs --model');
  if (options.klarf !== undefined && options.manifest === undefined)
    throw usageError(
      '--klarf needs --manifest: the die indices (lot_id, wafer_id, die_x, die_y) come from it',
    );
  if (options.pixelSizeUm !== undefined && options.klarf === undefined)
    throw usageError('--pixel-size is for --klarf');
  if (options.klarf !== undefined && options.pixelSizeUm === undefined && options.target.kind === 'server')
    throw usageError(
      "--klarf against a server needs --pixel-size (or read the server's /lots/{lot}/wafers/{wafer}/klarf)",
    );
  return options;
}

/** --server wins; then --embedded or --models; then CHIPQ_SERVER_URL; else the embedded engine. */
function target(values: Record<string, string | boolean | undefined>, io: CliIo): InspectTarget {
  const server = typeof values.server === 'string' ? values.server : undefined;
  const models = typeof values.models === 'string' ? values.models : undefined;
  if (values.embedded === true && server !== undefined)
    throw usageError('use --embedded or --server, not both');
  if (server !== undefined && models !== undefined)
    throw usageError('--models is for the embedded engine; a server has its own repository');
  const url =
    server ??
    (values.embedded === true || models !== undefined ? undefined : io.env.CHIPQ_SERVER_URL || undefined);
  if (url !== undefined) {
    const key = typeof values['api-key'] === 'string' ? values['api-key'] : undefined;
    return { kind: 'server', url: checkUrl(url), apiKey: apiKeyOption(key, io.env) };
  }
  return { kind: 'embedded', models: resolve(io.cwd, models ?? './models') };
}

/** An http(s) URL, without a trailing slash. */
function checkUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`expected an http(s) URL for the server, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw usageError(`expected an http(s) URL for the server, got ${JSON.stringify(text)}`);
  return url.href.replace(/\/+$/, '');
}
