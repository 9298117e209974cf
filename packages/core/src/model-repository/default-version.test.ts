import { describe, expect, it } from 'vitest';
import { isChipqError } from '../errors.js';
import { defaultVersion } from './default-version.js';
import { parseModelConfig } from './model-config-parser.js';

const config = (parameters = '') =>
  parseModelConfig(`name: "m"\nplatform: "onnxruntime_onnx"\n${parameters}`, { file: 'config.pbtxt' });
const withDefault = (value: string) =>
  config(`parameters { key: "chipq.default_version" value: { string_value: "${value}" } }`);

describe('defaultVersion', () => {
  it('is undefined when the config names none (the newest ready version serves)', () => {
    expect(defaultVersion(config())).toBeUndefined();
  });

  it.each([
    ['1', '1'],
    [' 12 ', '12'],
  ])('reads "%s" as version %s', (given, want) => {
    expect(defaultVersion(withDefault(given))).toBe(want);
  });

  it.each(['', 'latest', '0', '-1', '1.5', '01'])('rejects "%s" naming the parameter', (given) => {
    try {
      defaultVersion(withDefault(given));
      expect.unreachable();
    } catch (error) {
      expect(isChipqError(error) && error.code).toBe('MODEL_CONFIG_INVALID');
      expect((error as Error).message).toContain('chipq.default_version');
    }
  });
});
