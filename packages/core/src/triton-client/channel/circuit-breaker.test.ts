import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

function breaker(options = { failureThreshold: 3, cooldownMs: 1000 }) {
  let now = 0;
  const b = new CircuitBreaker(options, () => now);
  return { b, advance: (ms: number) => (now += ms) };
}

function fail(b: CircuitBreaker, unavailable = true) {
  b.failure(b.enter('t'), unavailable);
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive unavailability failures', () => {
    const { b } = breaker();
    fail(b);
    fail(b);
    expect(b.state).toBe('closed');
    fail(b);
    expect(b.state).toBe('open');
    expect(() => b.enter('127.0.0.1:1')).toThrow(expect.objectContaining({ code: 'ENGINE_UNAVAILABLE' }));
  });

  it('does not count errors that prove the server answered', () => {
    const { b } = breaker();
    for (let i = 0; i < 10; i++) fail(b, false);
    expect(b.state).toBe('closed');
  });

  it('a success resets the count', () => {
    const { b } = breaker();
    fail(b);
    fail(b);
    b.success(b.enter('t'));
    fail(b);
    fail(b);
    expect(b.state).toBe('closed');
  });

  it('lets one probe through after the cool-down; its success closes the breaker', () => {
    const { b, advance } = breaker();
    for (let i = 0; i < 3; i++) fail(b);
    advance(1000);
    expect(b.state).toBe('half-open');
    const probe = b.enter('t');
    expect(probe.probe).toBe(true);
    expect(() => b.enter('t')).toThrow(/circuit/);
    b.success(probe);
    expect(b.state).toBe('closed');
  });

  it('a failed probe opens it for another cool-down', () => {
    const { b, advance } = breaker();
    for (let i = 0; i < 3; i++) fail(b);
    advance(1000);
    b.failure(b.enter('t'), true);
    expect(b.state).toBe('open');
    advance(999);
    expect(b.state).toBe('open');
    advance(1);
    expect(b.state).toBe('half-open');
  });

  it('health checks pass an open breaker and close it when they succeed', () => {
    const { b } = breaker();
    for (let i = 0; i < 3; i++) fail(b);
    const token = b.enter('t', true);
    b.success(token);
    expect(b.state).toBe('closed');
  });
});
