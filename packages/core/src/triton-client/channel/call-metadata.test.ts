import { describe, expect, it } from 'vitest';
import { callMetadata } from './call-metadata.js';

describe('callMetadata', () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('sends a given traceparent', () => {
    expect(callMetadata(traceparent).get('traceparent')).toEqual([traceparent]);
  });

  it('ignores a malformed traceparent (W3C: receivers drop invalid ones)', () => {
    expect(callMetadata('not-a-trace').get('traceparent')).toEqual([]);
  });

  it('sends nothing when no OpenTelemetry propagator is registered', () => {
    expect(callMetadata().toJSON()).toEqual({});
  });
});
