import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type OnnxEngineOptions, resolveOnnxEngineOptions } from './onnx-engine-options.js';

describe('resolveOnnxEngineOptions', () => {
  it('fills the documented defaults', () => {
    expect(resolveOnnxEngineOptions({ repository: 'models' })).toEqual({
      repository: resolve('models'),
      modelControl: 'explicit',
      startupModels: [],
      defaultTimeoutMs: 30_000,
      intraOpNumThreads: undefined,
      interOpNumThreads: undefined,
    });
  });

  it.each<[string, { given: OnnxEngineOptions; want: string }]>([
    ['no repository', { given: { repository: '' }, want: 'expected a folder path for repository, got ""' }],
    [
      'unknown model control',
      {
        given: { repository: 'm', modelControl: 'poll' as 'explicit' },
        want: `expected 'explicit' for modelControl, got "poll"`,
      },
    ],
    [
      'bad startup models',
      {
        given: { repository: 'm', startupModels: [''] },
        want: `expected '*' or an array of model names for startupModels, got [""]`,
      },
    ],
    [
      'zero timeout',
      {
        given: { repository: 'm', defaultTimeoutMs: 0 },
        want: 'expected an integer between 1 and 2147483647 for defaultTimeoutMs, got 0',
      },
    ],
    [
      'fractional threads',
      {
        given: { repository: 'm', intraOpNumThreads: 1.5 },
        want: 'expected an integer between 1 and 1024 for intraOpNumThreads, got 1.5',
      },
    ],
    [
      'too many threads',
      {
        given: { repository: 'm', interOpNumThreads: 2000 },
        want: 'expected an integer between 1 and 1024 for interOpNumThreads, got 2000',
      },
    ],
  ])('%s', (_name, { given, want }) => {
    expect(() => resolveOnnxEngineOptions(given)).toThrow(want);
  });
});
