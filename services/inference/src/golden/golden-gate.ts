/**
 * The promotion gate: runs the candidate (and the current default, for comparison) on the
 * model's shipped golden set and says whether the candidate meets the policy: recall, precision
 * and verdict agreement at or above the policy's minimums, and none of them more than
 * `max_drop` below the default's. Scores are kept per model file and manifest (by size and
 * modification time), so repeated promotions do not rerun an unchanged version.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Inspector } from '@chipq/core';
import { readModelEntry } from '@chipq/core/model-repository';
import { type GoldenPolicy, type GoldenSet, manifestPath, readGoldenSet } from './golden-manifest.js';
import { type GoldenScore, scoreGoldenSet } from './golden-score.js';

export interface GateReport {
  /** The manifest, relative to the repository. */
  source: string;
  policy: GoldenPolicy;
  candidate: GoldenScore & { version: string };
  /** The default it was compared with; null when the model has none or it is the candidate. */
  current: (GoldenScore & { version: string }) | null;
  passed: boolean;
  /** Why it failed, one sentence per figure; empty when it passed. */
  reasons: string[];
}

export interface GoldenGateOptions {
  inspector: Inspector;
  repository: string;
  confidenceThreshold: number;
  timeoutMs: number;
  /** Golden cases inspected at once (the engine batches them). Default 4. */
  concurrency?: number;
}

const figures = ['recall', 'precision', 'verdict_agreement'] as const;
const minimum = {
  recall: 'min_recall',
  precision: 'min_precision',
  verdict_agreement: 'min_verdict_agreement',
} as const;

export function createGoldenGate(options: GoldenGateOptions) {
  const scores = new Map<string, Promise<GoldenScore>>();

  async function versionKey(folder: string, version: string): Promise<string> {
    const [manifest, model] = await Promise.all([
      stat(manifestPath(folder)),
      stat(path.join(folder, version)).then(async () => {
        const entry = await readModelEntry(path.dirname(folder), path.basename(folder));
        const file = entry.versions.find((v) => String(v.version) === version)?.path;
        return file === undefined ? undefined : stat(file);
      }),
    ]);
    return [folder, version, manifest.size, manifest.mtimeMs, model?.size, model?.mtimeMs].join('\u0000');
  }

  async function score(model: string, folder: string, version: string, set: GoldenSet): Promise<GoldenScore> {
    const key = await versionKey(folder, version);
    let pending = scores.get(key);
    if (pending === undefined) {
      pending = run(model, version, set);
      scores.set(key, pending);
      pending.catch(() => scores.delete(key));
    }
    return pending;
  }

  async function run(model: string, version: string, set: GoldenSet): Promise<GoldenScore> {
    const answers = new Array(set.cases.length);
    let next = 0;
    const worker = async () => {
      while (next < set.cases.length) {
        const i = next++;
        const golden = set.cases[i]!;
        const result = await options.inspector.inspect({
          image: golden.image,
          reference: golden.reference,
          model,
          version,
          confidenceThreshold: options.confidenceThreshold,
          timeoutMs: options.timeoutMs,
        });
        answers[i] = {
          detections: result.detections.map((d) => ({
            classId: d.classId,
            confidence: d.confidence,
            box: d.box,
          })),
          verdict: result.verdict.status,
        };
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
    return scoreGoldenSet(set.cases, answers, set.policy);
  }

  /**
   * The gate's verdict on `candidate`, compared with `current`; undefined when the model ships
   * no golden set.
   * @throws ChipqError CONFLICT when the golden set's images cannot be found (a gate that cannot
   *   run must not pass), MODEL_CONFIG_INVALID for an unreadable manifest, and inspection errors
   */
  async function evaluate(
    model: string,
    candidate: string,
    current: string | undefined,
  ): Promise<GateReport | undefined> {
    const entry = await readModelEntry(options.repository, model);
    const set = await readGoldenSet(entry.path);
    if (set === undefined) return undefined;
    const [mine, theirs] = await Promise.all([
      score(model, entry.path, candidate, set),
      current === undefined || current === candidate ? undefined : score(model, entry.path, current, set),
    ]);
    const reasons: string[] = [];
    for (const figure of figures) {
      const floor = set.policy[minimum[figure]];
      if (mine[figure] < floor)
        reasons.push(
          `${figure} ${mine[figure].toFixed(3)} is below the policy's ${minimum[figure]} ${floor}`,
        );
      if (theirs !== undefined && mine[figure] < theirs[figure] - set.policy.max_drop)
        reasons.push(
          `${figure} ${mine[figure].toFixed(3)} is ${(theirs[figure] - mine[figure]).toFixed(3)} below the default's (version ${current}) ${theirs[figure].toFixed(3)}, more than max_drop ${set.policy.max_drop}`,
        );
    }
    return {
      source: set.source,
      policy: set.policy,
      candidate: { version: candidate, ...mine },
      current: theirs === undefined ? null : { version: current as string, ...theirs },
      passed: reasons.length === 0,
      reasons,
    };
  }

  return { evaluate };
}

export type GoldenGate = ReturnType<typeof createGoldenGate>;
