/**
 * Reads a Triton-layout model repository from disk:
 *
 *   <root>/<model>/config.pbtxt            required; folders without one are not models
 *   <root>/<model>/<version>/model.onnx    version folders are positive integers
 *   <root>/<model>/labels.txt, README.md   optional labels and model card
 *
 * It reports what is on disk; choosing which versions to load is `selectVersions`' job.
 */
import type { Dirent } from 'node:fs';
import { access, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { throwIfAborted } from '../abort.js';
import { ChipqError } from '../errors.js';
import type { ModelConfig } from './model-config.js';
import { parseModelConfig } from './model-config-parser.js';

export interface ModelVersionEntry {
  version: number;
  /** The version folder. */
  path: string;
  /** The model file inside it (`default_model_filename`, default `model.onnx`). */
  modelFile: string;
}

export interface ModelRepositoryEntry {
  /** The model folder's name. */
  name: string;
  /** The model folder. */
  path: string;
  config: ModelConfig;
  /** Version folders holding the model file, ascending. */
  versions: ModelVersionEntry[];
  /** One label per line of the first output's `label_filename`, else of `labels.txt`. */
  labels?: string[];
  /** `README.md`, the model card. */
  card?: string;
}

export interface ReadModelRepositoryOptions {
  /** Aborts the scan between files. Default: none. */
  signal?: AbortSignal;
}

/** Default model file name; Triton's onnxruntime backend uses the same. */
const DEFAULT_MODEL_FILENAME = 'model.onnx';
const VERSION_FOLDER = /^[1-9]\d*$/;

/**
 * Every model under `root`, sorted by name. Folders without `config.pbtxt` are skipped.
 * @throws ChipqError MODEL_NOT_FOUND when `root` is missing, MODEL_CONFIG_INVALID for a bad file.
 */
export async function readModelRepository(
  root: string,
  options: ReadModelRepositoryOptions = {},
): Promise<ModelRepositoryEntry[]> {
  const listing = await listFolder(root, 'MODEL_NOT_FOUND', `model repository ${root}`);
  const entries: ModelRepositoryEntry[] = [];
  for (const folder of listing.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    throwIfAborted(options.signal);
    if (!(await isFolder(root, folder))) continue;
    const entry = await readModelFolder(root, folder.name, options.signal);
    if (entry) entries.push(entry);
  }
  return entries;
}

/**
 * Names of the model folders under `root` (folders, or links to folders, holding a config.pbtxt),
 * sorted; nothing is parsed. Hidden folders such as the service's `.staging` hold no config.pbtxt.
 * @throws ChipqError MODEL_NOT_FOUND when `root` cannot be read.
 */
export async function listModelFolders(root: string): Promise<string[]> {
  const listing = await listFolder(root, 'MODEL_NOT_FOUND', `model repository ${root}`);
  const names: string[] = [];
  for (const entry of listing) {
    if ((entry.isDirectory() || entry.isSymbolicLink()) && (await hasModelFolder(root, entry.name)))
      names.push(entry.name);
  }
  return names.sort();
}

/** True when `<root>/<name>/config.pbtxt` exists, `name` being one path segment. */
export async function hasModelFolder(root: string, name: string): Promise<boolean> {
  if (!isOneSegment(name)) return false;
  return access(join(root, name, 'config.pbtxt')).then(
    () => true,
    () => false,
  );
}

/** A model name is one path segment: "../x" must not escape the repository. */
function isOneSegment(name: string): boolean {
  return /^[^/\\]+$/.test(name) && name !== '.' && name !== '..';
}

/**
 * One model of the repository at `root`.
 * @throws ChipqError MODEL_NOT_FOUND when `<root>/<name>/config.pbtxt` does not exist.
 */
export async function readModelEntry(
  root: string,
  name: string,
  options: ReadModelRepositoryOptions = {},
): Promise<ModelRepositoryEntry> {
  const entry = isOneSegment(name) ? await readModelFolder(root, name, options.signal) : undefined;
  if (!entry) {
    throw new ChipqError(
      'MODEL_NOT_FOUND',
      `model "${name}" not found: no ${join(root, name, 'config.pbtxt')}`,
      {
        details: { model: name },
      },
    );
  }
  return entry;
}

async function readModelFolder(
  root: string,
  name: string,
  signal?: AbortSignal,
): Promise<ModelRepositoryEntry | undefined> {
  const path = join(root, name);
  const configFile = join(path, 'config.pbtxt');
  const text = await readOptional(configFile, signal);
  if (text === undefined) return undefined;
  // Messages name files relative to the repository: error answers must not show server paths.
  const shownConfig = join(name, 'config.pbtxt');
  const config = parseModelConfig(text, { file: shownConfig, defaultName: name });
  const listing = await listFolder(path, 'MODEL_CONFIG_INVALID', `model folder ${path}`);
  const modelFilename = config.defaultModelFilename || DEFAULT_MODEL_FILENAME;
  const versions: ModelVersionEntry[] = [];
  for (const folder of listing.filter((d) => VERSION_FOLDER.test(d.name))) {
    if (!(await isFolder(path, folder))) continue;
    const versionPath = join(path, folder.name);
    const files = await listFolder(versionPath, 'MODEL_CONFIG_INVALID', `version folder ${versionPath}`);
    if (files.some((file) => file.name === modelFilename)) {
      await confine(root, join(versionPath, modelFilename), shownConfig, 'default_model_filename');
      versions.push({
        version: Number(folder.name),
        path: versionPath,
        modelFile: join(versionPath, modelFilename),
      });
    }
  }
  versions.sort((a, b) => a.version - b.version);
  const entry: ModelRepositoryEntry = { name, path, config, versions };
  const labels = await readLabels(root, path, shownConfig, config, signal);
  if (labels) entry.labels = labels;
  const card = await readOptional(join(path, 'README.md'), signal);
  if (card !== undefined) entry.card = card;
  return entry;
}

/**
 * Throws MODEL_CONFIG_INVALID when `file` resolves (through symlinks) outside the repository: a
 * model may not read files elsewhere on the machine. Symlinks within the repository (version
 * folders kept in a shared store beside the models) stay allowed. Missing files pass.
 */
async function confine(folder: string, file: string, configFile: string, field: string): Promise<void> {
  const real = await realpath(file).catch(() => undefined);
  if (real === undefined) return;
  const base = await realpath(folder);
  if (!real.startsWith(base + sep))
    throw new ChipqError(
      'MODEL_CONFIG_INVALID',
      `${configFile}: ${field} leads outside the model repository`,
      {
        details: { file: configFile, field, limit: 'the model repository' },
      },
    );
}

/** The declared label file must exist (Triton fails the load otherwise); `labels.txt` is optional. */
async function readLabels(
  root: string,
  path: string,
  shownConfig: string,
  config: ModelConfig,
  signal?: AbortSignal,
): Promise<string[] | undefined> {
  const declared = config.output.find((output) => output.labelFilename)?.labelFilename;
  const file = join(path, declared ?? 'labels.txt');
  await confine(root, file, shownConfig, declared ? 'output.label_filename' : 'labels.txt');
  const text = await readOptional(file, signal);
  if (text === undefined && declared) {
    throw new ChipqError(
      'MODEL_CONFIG_INVALID',
      `${shownConfig}: label_filename ${declared} does not exist`,
      {
        details: { file: shownConfig, field: 'output.label_filename' },
      },
    );
  }
  if (text === undefined) return undefined;
  // One label per line, the line number being the class index; only the final newline is dropped.
  const body = text.replace(/\r?\n$/, '');
  return body === '' ? [] : body.split(/\r?\n/);
}

/** Directories, and symbolic links to directories (repositories are often assembled from links). */
async function isFolder(parent: string, dirent: Dirent): Promise<boolean> {
  if (dirent.isDirectory()) return true;
  if (!dirent.isSymbolicLink()) return false;
  return stat(join(parent, dirent.name)).then(
    (target) => target.isDirectory(),
    () => false,
  );
}

/** A file's text, or undefined when it does not exist. */
async function readOptional(file: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    return await readFile(file, { encoding: 'utf8', signal });
  } catch (error) {
    throwIfAborted(signal);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ChipqError('MODEL_CONFIG_INVALID', `cannot read ${file}: ${(error as Error).message}`, {
      cause: error,
      details: { file },
    });
  }
}

async function listFolder(
  path: string,
  code: 'MODEL_NOT_FOUND' | 'MODEL_CONFIG_INVALID',
  what: string,
): Promise<Dirent[]> {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch (error) {
    throw new ChipqError(code, `cannot read ${what}: ${(error as Error).message}`, {
      cause: error,
      details: { file: path },
    });
  }
}
