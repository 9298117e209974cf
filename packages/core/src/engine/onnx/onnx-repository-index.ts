/**
 * The repository index of the embedded engine: every model folder with a config.pbtxt, loaded or
 * not, as Triton's RepositoryIndex lists them (one entry per loaded version; one entry with an
 * empty version for a model that is not loaded, with the reason its last load failed).
 */
import type { ModelIndexEntry, ModelState } from '../../kserve/kserve-types.js';
import { listModelFolders } from '../../model-repository/model-repository-reader.js';
import type { OnnxModel } from './onnx-model.js';

/** What the engine knows of one model name. */
export interface ModelSlot {
  model: OnnxModel | undefined;
  state: ModelState;
  reason: string;
}

/** The index over the folders on disk and the engine's slots (a loaded model whose folder went away still shows). */
export async function buildRepositoryIndex(
  repository: string,
  slots: ReadonlyMap<string, ModelSlot>,
): Promise<ModelIndexEntry[]> {
  const names = new Set([
    ...(await listModelFolders(repository)),
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
