import { describe, expect, it } from 'vitest';
import type { VersionPolicy } from './model-config.js';
import { selectVersions } from './select-versions.js';

describe('selectVersions', () => {
  const cases: Array<[string, { given: { policy: VersionPolicy; available: number[] }; want: number[] }]> = [
    [
      'latest 1 picks the highest',
      { given: { policy: { kind: 'latest', numVersions: 1 }, available: [1, 3, 2] }, want: [3] },
    ],
    [
      'latest 2 picks the two highest, ascending',
      { given: { policy: { kind: 'latest', numVersions: 2 }, available: [10, 2, 9, 1] }, want: [9, 10] },
    ],
    [
      'latest N beyond what exists gives all',
      { given: { policy: { kind: 'latest', numVersions: 5 }, available: [2, 1] }, want: [1, 2] },
    ],
    [
      'latest on an empty folder gives none',
      { given: { policy: { kind: 'latest', numVersions: 1 }, available: [] }, want: [] },
    ],
    [
      'numeric, not lexical, order',
      { given: { policy: { kind: 'latest', numVersions: 1 }, available: [9, 10] }, want: [10] },
    ],
    [
      'all gives every version',
      { given: { policy: { kind: 'all' }, available: [3, 1, 2] }, want: [1, 2, 3] },
    ],
    [
      'specific gives the listed ones',
      { given: { policy: { kind: 'specific', versions: [3, 1] }, available: [1, 2, 3] }, want: [1, 3] },
    ],
    [
      'specific ignores repeats',
      { given: { policy: { kind: 'specific', versions: [2, 2] }, available: [1, 2] }, want: [2] },
    ],
  ];
  it.each(cases)('%s', (_name, { given, want }) => {
    expect(selectVersions(given.policy, given.available)).toEqual(want);
  });

  it('rejects a specific version that has no folder, as Triton does', () => {
    const select = () => selectVersions({ kind: 'specific', versions: [1, 4] }, [1, 2]);
    expect(select).toThrow(
      expect.objectContaining({ code: 'MODEL_NOT_FOUND', details: { missing: [4], available: [1, 2] } }),
    );
    expect(select).toThrow('version_policy lists version 4, which has no version folder (available: 1, 2)');
  });
});
