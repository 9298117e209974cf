/**
 * A loaded model: its config and the versions its version_policy selected, each with its own
 * instances and queue. Loading reads the repository entry (or takes an override config), checks
 * the embedded engine can run it, and opens every version; a failure releases what was opened.
 */
import { ChipqError } from '../../errors.js';
import type { ModelMetadata, TensorMetadata } from '../../kserve/kserve-types.js';
import type { ModelConfig } from '../../model-repository/model-config.js';
import { readModelEntry } from '../../model-repository/model-repository-reader.js';
import { selectVersions } from '../../model-repository/select-versions.js';
import { OnnxModelVersion } from './onnx-model-version.js';
import type { InstanceSettings } from './onnx-session-options.js';

export interface LoadOnnxModelOptions {
  /** Replaces the repository's config.pbtxt. */
  config?: ModelConfig;
  settings: InstanceSettings;
  signal?: AbortSignal;
  /** Called when an instance's worker died and could not be restarted. */
  onDead?: (reason: string) => void;
}

/** The platforms and backends the embedded engine runs ('' lets the file decide, as Triton's auto-complete). */
function runsOnOnnxRuntime(config: ModelConfig): boolean {
  return (
    (config.platform === '' || config.platform === 'onnxruntime_onnx') &&
    (config.backend === '' || config.backend === 'onnxruntime')
  );
}

export class OnnxModel {
  readonly name: string;
  readonly config: ModelConfig;
  /** Loaded versions, ascending. */
  readonly versions: ReadonlyMap<number, OnnxModelVersion>;

  private constructor(name: string, config: ModelConfig, versions: OnnxModelVersion[]) {
    this.name = name;
    this.config = config;
    this.versions = new Map(versions.map((version) => [version.version, version]));
  }

  /**
   * Loads every version of `name` that the version_policy selects.
   * @throws ChipqError MODEL_NOT_FOUND (no such model), INVALID_INPUT (override for another
   *   model), MODEL_CONFIG_INVALID (not ONNX, no version to load, file does not match the config).
   */
  static async load(repository: string, name: string, options: LoadOnnxModelOptions): Promise<OnnxModel> {
    const entry = await readModelEntry(repository, name, { signal: options.signal });
    if (options.config && options.config.name !== '' && options.config.name !== name) {
      throw new ChipqError(
        'INVALID_INPUT',
        `the override config is for model "${options.config.name}", not "${name}"`,
        {
          details: { model: name, configName: options.config.name },
        },
      );
    }
    const config: ModelConfig = options.config ? { ...options.config, name } : entry.config;
    if (!runsOnOnnxRuntime(config)) {
      throw new ChipqError(
        'MODEL_CONFIG_INVALID',
        `model ${name}: the embedded engine runs onnxruntime_onnx models, not platform "${config.platform}" backend "${config.backend}"`,
        {
          details: { model: name, platform: config.platform, backend: config.backend },
        },
      );
    }
    const selected = selectVersions(
      config.versionPolicy,
      entry.versions.map((v) => v.version),
    );
    if (selected.length === 0) {
      throw new ChipqError(
        'MODEL_CONFIG_INVALID',
        `model ${name}: no version folder holds a model file (${entry.path}/<version>/model.onnx)`,
        {
          details: { model: name, path: entry.path },
        },
      );
    }
    const loaded: OnnxModelVersion[] = [];
    try {
      for (const number of selected) {
        const file = entry.versions.find((v) => v.version === number)?.modelFile as string;
        loaded.push(
          await OnnxModelVersion.load(number, file, config, options.settings, options.signal, {
            onDead: (reason) => options.onDead?.(`version ${number}: ${reason}`),
          }),
        );
      }
    } catch (error) {
      await Promise.all(loaded.map((version) => version.release()));
      throw error;
    }
    return new OnnxModel(name, config, loaded);
  }

  /**
   * `version` ("2"), or the newest loaded one when undefined or empty.
   * @throws ChipqError MODEL_NOT_FOUND when that version is not loaded.
   */
  version(version?: string): OnnxModelVersion {
    const numbers = [...this.versions.keys()];
    const wanted = version === undefined || version === '' ? Math.max(...numbers) : Number(version);
    const found = /^\d*$/.test(version ?? '') ? this.versions.get(wanted) : undefined;
    if (found === undefined) {
      throw new ChipqError(
        'MODEL_NOT_FOUND',
        `model ${this.name} has no version ${version}; loaded: ${numbers.join(', ')}`,
        {
          details: { model: this.name, version, loaded: numbers.map(String) },
        },
      );
    }
    return found;
  }

  /** Inputs and outputs with -1 for the batch dimension, as KServe's model metadata. */
  metadata(): ModelMetadata {
    const batching = this.config.maxBatchSize > 0;
    const describe = (tensor: {
      name: string;
      dataType: TensorMetadata['datatype'];
      dims: number[];
    }): TensorMetadata => ({
      name: tensor.name,
      datatype: tensor.dataType,
      shape: batching ? [-1, ...tensor.dims] : [...tensor.dims],
    });
    return {
      name: this.name,
      versions: [...this.versions.keys()].map(String),
      platform: this.config.platform || 'onnxruntime_onnx',
      inputs: this.config.input.map(describe),
      outputs: this.config.output.map(describe),
    };
  }

  /** Fails queued requests of every version with `error`; running batches finish. */
  stop(error: ChipqError): void {
    for (const version of this.versions.values()) version.stop(error);
  }

  /** Waits for queued and running requests, then releases every session. */
  async release(): Promise<void> {
    await Promise.all([...this.versions.values()].map((version) => version.release()));
  }
}
