/**
 * The version that serves requests naming none. Triton has no such setting (given no version it
 * runs the newest ready one), so chipq keeps the choice in the model's own config.pbtxt and
 * passes it explicitly to whichever engine serves the model:
 *
 *   parameters { key: "chipq.default_version" value: { string_value: "1" } }
 *
 * Without the parameter, requests naming no version get the newest ready version, as on Triton.
 */
import { ChipqError } from '../errors.js';
import type { ModelConfig } from './model-config.js';

export const defaultVersionParameter = 'chipq.default_version';

/**
 * The model's default version, or `undefined` when its config names none.
 * @throws ChipqError MODEL_CONFIG_INVALID when the parameter is not a version number.
 */
export function defaultVersion(config: ModelConfig): string | undefined {
  const value = config.parameters[defaultVersionParameter];
  if (value === undefined) return undefined;
  const version = value.trim();
  if (!/^[1-9]\d*$/.test(version)) {
    throw new ChipqError(
      'MODEL_CONFIG_INVALID',
      `model ${config.name}: parameter ${defaultVersionParameter} must be a version number (1, 2, ...), got "${value}"`,
      { details: { model: config.name, parameter: defaultVersionParameter } },
    );
  }
  return version;
}
