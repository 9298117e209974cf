/**
 * A model's shipped golden set: `<model>/golden/manifest.json` names image pairs by id in a
 * dataset folder (DeepPCB's layout: `<id>_test.jpg`, `<id>_temp.jpg`, `<id>.txt`), so no image
 * is ever committed next to the model, and says the policy a version must meet to be promoted.
 * `images_root` is relative to the manifest (or absolute).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ChipqError } from '@chipq/core';
import { parseDeepPcbAnnotations } from '@chipq/core/evaluation';
import { z } from '@hono/zod-openapi';

const PolicySchema = z
  .object({
    /** IoU a detection needs with an expected defect of the same class. */
    iou: z.number().gt(0).max(1).default(0.5),
    /** DeepPCB counts IoU strictly above its threshold (0.33). */
    iou_strict: z.boolean().default(false),
    min_recall: z.number().min(0).max(1).default(0),
    min_precision: z.number().min(0).max(1).default(0),
    min_verdict_agreement: z.number().min(0).max(1).default(0),
    /** How far below the current default a candidate may score, per figure. */
    max_drop: z.number().min(0).max(1).default(0.02),
  })
  .strict();

const ManifestSchema = z
  .object({
    description: z.string().optional(),
    layout: z.literal('deeppcb'),
    images_root: z.string().min(1),
    cases: z.array(z.string().regex(/^[A-Za-z0-9_.-]+$/)).min(1),
    policy: PolicySchema.default(PolicySchema.parse({})),
  })
  .strict();

export type GoldenPolicy = z.infer<typeof PolicySchema>;

interface ExpectedDefect {
  classId: number;
  box: { x1: number; y1: number; x2: number; y2: number };
}

export interface GoldenCase {
  id: string;
  image: Uint8Array;
  reference: Uint8Array;
  expected: ExpectedDefect[];
  /** FAIL when any defect is expected, else PASS. */
  expectedVerdict: 'PASS' | 'FAIL';
}

export interface GoldenSet {
  source: string;
  description: string | undefined;
  policy: GoldenPolicy;
  cases: GoldenCase[];
}

export function manifestPath(modelFolder: string): string {
  return path.join(modelFolder, 'golden', 'manifest.json');
}

/**
 * The model's golden set, or undefined when it ships none.
 * @throws ChipqError MODEL_CONFIG_INVALID (manifest unreadable), CONFLICT (images absent:
 *   a gate that cannot run must not pass)
 */
export async function readGoldenSet(modelFolder: string): Promise<GoldenSet | undefined> {
  const file = manifestPath(modelFolder);
  if (!existsSync(file)) return undefined;
  const relative = path.join(path.basename(modelFolder), 'golden', 'manifest.json');
  let manifest: z.infer<typeof ManifestSchema>;
  try {
    manifest = ManifestSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (error) {
    throw new ChipqError('MODEL_CONFIG_INVALID', `${relative} is not a valid golden-set manifest`, {
      cause: error,
      details: { file: relative },
    });
  }
  const root = path.resolve(path.dirname(file), manifest.images_root);
  const cases = await Promise.all(
    manifest.cases.map(async (id) => {
      const at = (suffix: string) => path.join(root, `${id}${suffix}`);
      if (!existsSync(at('_test.jpg')) || !existsSync(at('_temp.jpg')) || !existsSync(at('.txt'))) {
        throw new ChipqError(
          'CONFLICT',
          `the golden set of ${relative} cannot run: pair ${id} is not in ${manifest.images_root} (the dataset is not beside the project?)`,
          {
            details: {
              file: relative,
              case: id,
              images_root: manifest.images_root,
              reason: 'golden_set_unavailable',
            },
          },
        );
      }
      const [image, reference, text] = await Promise.all([
        readFile(at('_test.jpg')),
        readFile(at('_temp.jpg')),
        readFile(at('.txt'), 'utf8'),
      ]);
      const expected = parseDeepPcbAnnotations(text, `${id}.txt`);
      return {
        id,
        image: new Uint8Array(image),
        reference: new Uint8Array(reference),
        expected,
        expectedVerdict: expected.length > 0 ? ('FAIL' as const) : ('PASS' as const),
      };
    }),
  );
  return { source: relative, description: manifest.description, policy: manifest.policy, cases };
}
