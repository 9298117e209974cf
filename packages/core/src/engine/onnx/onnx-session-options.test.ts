import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../model-repository/model-config-parser.js';
import { type InstanceSettings, resolveSessionOptions, type SessionOptions } from './onnx-session-options.js';

/** A minimal config with these `parameters`. */
function configWith(parameters: Record<string, string>) {
  const text = Object.entries(parameters)
    .map(([key, value]) => `parameters { key: "${key}" value: { string_value: "${value}" } }`)
    .join('\n');
  return parseModelConfig(`name: "m"\nplatform: "onnxruntime_onnx"\n${text}`);
}

const base = { graphOptimizationLevel: 'all', executionMode: 'sequential' } as const;

describe('resolveSessionOptions', () => {
  it.each<
    [
      string,
      {
        parameters?: Record<string, string>;
        settings?: InstanceSettings;
        instances: number;
        cores: number;
        want: SessionOptions;
      },
    ]
  >([
    ['one instance takes every core', { instances: 1, cores: 8, want: { ...base, intraOpNumThreads: 8 } }],
    ['two instances share two cores', { instances: 2, cores: 2, want: { ...base, intraOpNumThreads: 1 } }],
    ['three instances on eight cores', { instances: 3, cores: 8, want: { ...base, intraOpNumThreads: 2 } }],
    ['more instances than cores', { instances: 4, cores: 2, want: { ...base, intraOpNumThreads: 1 } }],
    [
      'the engine option over the default',
      {
        settings: { intraOpNumThreads: 3, interOpNumThreads: 2 },
        instances: 2,
        cores: 2,
        want: { ...base, intraOpNumThreads: 3, interOpNumThreads: 2 },
      },
    ],
    [
      "the config's backend keys over the engine option",
      {
        parameters: { intra_op_thread_count: '4', inter_op_thread_count: '2', execution_mode: '1' },
        settings: { intraOpNumThreads: 3 },
        instances: 2,
        cores: 2,
        want: { ...base, executionMode: 'parallel', intraOpNumThreads: 4, interOpNumThreads: 2 },
      },
    ],
    [
      "0 leaves the choice to onnxruntime, as Triton's backend does",
      { parameters: { intra_op_thread_count: '0' }, instances: 2, cores: 2, want: { ...base } },
    ],
    [
      'memory arena and pattern',
      {
        parameters: { enable_mem_arena: '0', enable_mem_pattern: '1' },
        instances: 1,
        cores: 2,
        want: { ...base, intraOpNumThreads: 2, enableCpuMemArena: false, enableMemPattern: true },
      },
    ],
  ])('%s', (_, { parameters = {}, settings = {}, instances, cores, want }) => {
    expect(resolveSessionOptions(configWith(parameters), settings, instances, cores)).toEqual(want);
  });

  it.each([
    ['intra_op_thread_count', 'two', 'an integer between 0 and 1024'],
    ['intra_op_thread_count', '-1', 'an integer between 0 and 1024'],
    ['execution_mode', '2', 'an integer between 0 and 1'],
    ['enable_mem_arena', 'yes', 'an integer between 0 and 1'],
  ])('rejects %s = %s, naming the parameter', (key, value, expected) => {
    expect(() => resolveSessionOptions(configWith({ [key]: value }), {}, 1, 2)).toThrow(
      `model m: expected ${expected} for parameter ${key}, got "${value}"`,
    );
  });
});
