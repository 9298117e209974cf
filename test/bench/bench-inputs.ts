/**
 * Images the benchmarks run on: real DeepPCB pairs when ../shared is there, otherwise grey
 * 640x640 pairs drawn here (noise plus a few rectangles, so JPEG has real work to do).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ModelConfig, Tensor } from '@chipq/core';
import { preprocessPair, resolvePreprocessOptions } from '@chipq/core/preprocess';
import sharp from 'sharp';

export const repoRoot = resolve(import.meta.dirname, '../..');
/** `../shared/datasets/deeppcb/trainval` beside the project, or CHIPQ_DEEPPCB_DIR (a git worktree lives elsewhere). */
export const deepPcbFolder =
  process.env.CHIPQ_DEEPPCB_DIR ?? resolve(repoRoot, '../shared/datasets/deeppcb/trainval');

export interface ImagePair {
  id: string;
  image: Buffer;
  reference: Buffer;
}

async function syntheticPair(seed: number): Promise<ImagePair> {
  const size = 640;
  const reference = Buffer.alloc(size * size);
  let state = seed * 2654435761;
  // A small LCG: the same images on every run, without a dependency.
  const random = () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state / 2 ** 32;
  };
  for (let i = 0; i < reference.length; i++) reference[i] = random() < 0.5 ? 0 : 255;
  const image = Buffer.from(reference);
  for (let k = 0; k < 5; k++) {
    const x0 = Math.floor(random() * 600);
    const y0 = Math.floor(random() * 600);
    for (let y = y0; y < y0 + 20; y++) image.fill(255, y * size + x0, y * size + x0 + 20);
  }
  const encode = (pixels: Buffer) =>
    sharp(pixels, { raw: { width: size, height: size, channels: 1 } })
      .jpeg()
      .toBuffer();
  return { id: `synthetic-${seed}`, image: await encode(image), reference: await encode(reference) };
}

/** `count` image pairs and where they came from. */
export async function loadBenchPairs(count: number): Promise<{ pairs: ImagePair[]; source: string }> {
  if (existsSync(deepPcbFolder)) {
    const ids = (await readdir(deepPcbFolder))
      .filter((f) => f.endsWith('_test.jpg'))
      .map((f) => f.slice(0, -'_test.jpg'.length))
      .sort();
    const chosen = ids.slice(0, count);
    const pairs = await Promise.all(
      chosen.map(async (id) => ({
        id,
        image: await readFile(join(deepPcbFolder, `${id}_test.jpg`)),
        reference: await readFile(join(deepPcbFolder, `${id}_temp.jpg`)),
      })),
    );
    return { pairs, source: `DeepPCB (${deepPcbFolder})` };
  }
  const pairs = await Promise.all(Array.from({ length: count }, (_, i) => syntheticPair(i + 1)));
  return { pairs, source: 'synthetic 640x640 grey JPEG pairs (../shared/datasets/deeppcb not found)' };
}

/** The model the benchmarks use: the shipped detector when its file is there, else the diff_detector fixture. */
export function benchModel(): { repository: string; model: string } {
  const shipped = join(repoRoot, 'models', 'pcb_defect_detector', '1', 'model.onnx');
  if (existsSync(shipped)) return { repository: join(repoRoot, 'models'), model: 'pcb_defect_detector' };
  return { repository: join(repoRoot, 'test', 'fixtures', 'models'), model: 'diff_detector' };
}

/** The first bench pair as `config`'s input tensors, preprocessed once for raw engine benchmarks. */
export async function benchTensors(config: ModelConfig): Promise<{ inputs: Tensor[]; source: string }> {
  const { pairs, source } = await loadBenchPairs(1);
  const pair = pairs[0];
  if (!pair) throw new Error('no bench image');
  const { inputs } = await preprocessPair({
    image: pair.image,
    reference: pair.reference,
    config,
    options: resolvePreprocessOptions(),
  });
  return { inputs, source };
}
