/**
 * The repository index of the embedded engine: every model folder with a config.pbtxt, loaded or
 * not, as Triton's RepositoryIndex lists them (one entry per loaded version; one entry with an
 * empty version for a model that is not loaded, with the reason its last load failed).
 */
import type { Dirent } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ChipqError } from '../../errors.js';
import type { ModelIndexEntry, ModelState } from '../../kserve/kserve-types.js';
import type { OnnxModel } from './onnx-model.js';

/** What the engine knows of one model name. */
export interface ModelSlot {
  model: OnnxModel | undefined;
  state: ModelState;
  reason: string;
}

/** True when `<repository>/<name>/config.pbtxt` exists. */
export async function hasModelFolder(repository: string, name: string): Promise<boolean> {
  if (!/^[^/\\]+$/.test(name) || name === '.' || name === '..') return false;
  return access(join(repository, name, 'config.pbtxt')).then(
    () => true,
    () => false,
  );
}

/** Names of the model folders of `repository`, sorted. */
async function modelFolders(repository: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(repository, { withFileTypes: true });
  } catch (error) {
    throw new ChipqError(
      'MODEL_NOT_FOUND',
      `cannot read model repository ${repository}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const names: string[] = [];
  for (const entry of entries) {
    if ((entry.isDirectory() || entry.isSymbolicLink()) && (await hasModelFolder(repository, entry.name)))
      names.push(entry.name);
  }
  return names;
}

/** The index over the folders on disk and the engine's slots (a loaded model whose folder went away still shows). */
export async function buildRepositoryIndex(
  repository: string,
  slots: ReadonlyMap<string, ModelSlot>,
): Promise<ModelIndexEntry[]> {
  const names = new Set([
    ...(await modelFolders(repository)),
    ...[...slots].filter(([, slot]) => slot.model).map(([name]) => name),
  ]);
  const entries: ModelIndexEntry[] = [];
  for (const name of [...names].sort()) {
    const slot = slots.get(name);
    if (slot?.model) {
      for (const version of slot.model.versions.keys())
        entries.push({ name, version: String(version), state: slot.state, reason: slot.reason });
    } else {
      entries.push({ name, version: '', state: slot?.state ?? 'UNAVAILABLE', reason: slot?.reason ?? '' });
    }
  }
  return entries;
}
