import { describe, expect, it } from 'vitest';
import { DatabaseActivity, isDatabaseUnavailable } from './database-availability.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  const cases: Array<[string, { given: unknown; want: boolean }]> = [
    ['connection refused', { given: withCode('ECONNREFUSED'), want: true }],
    ['admin shutdown (57P01)', { given: withCode('57P01'), want: true }],
    ['starting up (57P03)', { given: withCode('57P03'), want: true }],
    ['a connection exception class 08', { given: withCode('08006'), want: true }],
    [
      'a lost connection (pg message)',
      { given: new Error('Connection terminated unexpectedly'), want: true },
    ],
    [
      'refused inside an AggregateError',
      { given: new AggregateError([withCode('ECONNREFUSED')]), want: true },
    ],
    [
      'wrapped as a cause',
      { given: new Error('store failed', { cause: withCode('ECONNRESET') }), want: true },
    ],
    ['a unique violation', { given: withCode('23505'), want: false }],
    ['an int4 overflow', { given: withCode('22003'), want: false }],
    ['not an error', { given: 'ECONNREFUSED', want: false }],
  ];
  it.each(cases)('%s', (_name, { given, want }) => {
    expect(isDatabaseUnavailable(given)).toBe(want);
  });
});

describe('DatabaseActivity', () => {
  it('counts an answer only until a failure to reach the database comes after it', () => {
    const activity = new DatabaseActivity();
    expect(activity.answeredWithin(60_000)).toBeUndefined();
    activity.answered();
    expect(activity.answeredWithin(60_000)).toBeGreaterThanOrEqual(0);
    activity.unreachable();
    expect(activity.answeredWithin(60_000)).toBeUndefined();
    activity.answered();
    expect(activity.answeredWithin(60_000)).toBeDefined();
  });
});
