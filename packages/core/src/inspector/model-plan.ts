/**
 * What the inspector needs to know about a model before it can inspect with it: the config the
 * engine runs, the class labels, the verdict rules and the postprocessing options. Read once and
 * kept for a short time (`modelCacheTtlMs`), because on Triton the config is a network call and
 * another replica may reload the model under us.
 */
import type { CallOptions, Engine } from '../engine/engine.js';
import { ChipqError, isChipqError } from '../errors.js';
import { defaultVersion } from '../model-repository/default-version.js';
import type { ModelConfig } from '../model-repository/model-config.js';
import { readModelEntry } from '../model-repository/model-repository-reader.js';
import type { VerdictRules } from '../postprocess/verdict-rules.js';
import { type ImageGate, imageGate } from '../preprocess/image-gate.js';
import type { ImageQualityOptions } from '../preprocess/image-quality.js';
import { planInputs } from '../preprocess/input-plan.js';

export interface ModelPlan {
  config: ModelConfig;
  labels: readonly string[];
  /** The inspector's rules with the model's `chipq.verdict` parameter applied (not yet resolved). */
  rules: VerdictRules;
  /** The version that serves requests naming none (`chipq.default_version`); undefined: the newest ready. */
  defaultVersion: string | undefined;
  /** The smallest image and the quality thresholds (`chipq.min_image_size`, `chipq.image_quality`). */
  gate: ImageGate;
}

/** The model's own rules: parameter `chipq.verdict`, a JSON object of `VerdictRules`. */
function modelRules(config: ModelConfig): VerdictRules {
  const text = config.parameters['chipq.verdict'];
  if (text === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not a JSON object');
    return parsed as VerdictRules;
  } catch (cause) {
    throw new ChipqError(
      'MODEL_CONFIG_INVALID',
      `model ${config.name}: parameter chipq.verdict must be a JSON object of verdict rules`,
      {
        cause,
        details: { model: config.name, parameter: 'chipq.verdict' },
      },
    );
  }
}

/** Labels from the repository folder when we can see it (shared storage with Triton), else parameter `chipq.labels`. */
async function readLabels(
  repository: string,
  config: ModelConfig,
  signal: AbortSignal | undefined,
): Promise<readonly string[]> {
  try {
    const entry = await readModelEntry(repository, config.name, { signal });
    if (entry.labels && entry.labels.length > 0) return entry.labels;
  } catch (error) {
    // A model the engine serves but our folder lacks (a remote Triton repository) is fine.
    if (!isChipqError(error) || error.code !== 'MODEL_NOT_FOUND') throw error;
  }
  const inline = config.parameters['chipq.labels'];
  return inline === undefined ? [] : inline.split(',').map((label) => label.trim());
}

export class ModelPlanCache {
  readonly #plans = new Map<string, { plan: Promise<ModelPlan>; expires: number }>();

  constructor(
    private readonly engine: Engine,
    private readonly repository: string,
    private readonly baseRules: VerdictRules,
    private readonly ttlMs: number,
    private readonly baseQuality: ImageQualityOptions = {},
  ) {}

  /** The plan of `model`; concurrent callers share one read. Failed reads are not cached. */
  get(model: string, options: CallOptions): Promise<ModelPlan> {
    const now = Date.now();
    const cached = this.#plans.get(model);
    if (cached && cached.expires > now) return cached.plan;
    const plan = this.#read(model, options);
    this.#plans.set(model, { plan, expires: now + this.ttlMs });
    plan.catch(() => this.#plans.delete(model));
    return plan;
  }

  /** Forgets `model` (after a load or unload), or every model. */
  invalidate(model?: string): void {
    if (model === undefined) this.#plans.clear();
    else this.#plans.delete(model);
  }

  async #read(model: string, options: CallOptions): Promise<ModelPlan> {
    const config = await this.engine.modelConfig(model, undefined, options);
    planInputs(config); // fail now, naming the config, rather than on every image
    const rules = { ...this.baseRules, ...modelRules(config) };
    return {
      config,
      labels: await readLabels(this.repository, config, options.signal),
      rules,
      defaultVersion: defaultVersion(config),
      gate: imageGate(config, this.baseQuality),
    };
  }
}
