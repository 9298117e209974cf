/**
 * The versions of models/pcb_defect_detector the acceptance tests check, and the float version
 * each must agree with.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..', '..');
export const models = join(root, 'models');
export const model = 'pcb_defect_detector';
/** `../shared/datasets/deeppcb/trainval` beside the project, or CHIPQ_DEEPPCB_DIR. */
export const dataset =
  process.env.CHIPQ_DEEPPCB_DIR ?? join(root, '..', 'shared', 'datasets', 'deeppcb', 'trainval');

/**
 * Every shipped version and the float version it must agree with (a float version names itself).
 * A new version must be added here, so it cannot ship unchecked.
 */
export const floatVersionOf: Readonly<Record<string, string>> = { '1': '1', '3': '1' };

/** The version folders of models/pcb_defect_detector that hold a model.onnx, in numeric order. */
export async function shippedVersions(): Promise<string[]> {
  const entries = await readdir(join(models, model), { withFileTypes: true });
  return entries
    .filter(
      (e) => e.isDirectory() && /^\d+$/.test(e.name) && existsSync(join(models, model, e.name, 'model.onnx')),
    )
    .map((e) => e.name)
    .sort((a, b) => Number(a) - Number(b));
}
