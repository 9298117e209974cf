/** A real DeepPCB pair (test image and its defect-free template), or undefined with a message when the dataset is absent. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repositoryRoot } from './console-service.js';

/** `../shared/datasets/deeppcb/trainval` beside the project, or CHIPQ_DEEPPCB_DIR. */
const deeppcbDir =
  process.env.CHIPQ_DEEPPCB_DIR ??
  path.resolve(repositoryRoot, '..', 'shared', 'datasets', 'deeppcb', 'trainval');

export interface PairFiles {
  image: string;
  reference: string;
}

export function deeppcbPair(id = '00041000'): PairFiles | undefined {
  const pair = {
    image: path.join(deeppcbDir, `${id}_test.jpg`),
    reference: path.join(deeppcbDir, `${id}_temp.jpg`),
  };
  if (existsSync(pair.image) && existsSync(pair.reference)) return pair;
  console.warn(`[chipq] DeepPCB pair ${id} not found under ${deeppcbDir}: its browser steps are skipped`);
  return undefined;
}
