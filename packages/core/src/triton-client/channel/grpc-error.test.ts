import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ChipqError, type ErrorCode } from '../../errors.js';
import { fromGrpcError, type GrpcErrorContext } from './grpc-error.js';

const infer: GrpcErrorContext = { rpc: 'ModelInfer', target: 't', model: 'm' };
const load: GrpcErrorContext = { rpc: 'RepositoryModelLoad', target: 't', model: 'm' };
const server: GrpcErrorContext = { rpc: 'ServerMetadata', target: 't' };
const stats: GrpcErrorContext = { rpc: 'ModelStatistics', target: 't', model: 'm' };

// Details are Triton 2.51's own messages.
const cases: Array<[string, { given: [number, string, GrpcErrorContext]; want: ErrorCode }]> = [
  [
    'unknown model',
    {
      given: [status.NOT_FOUND, "Request for unknown model: 'm' is not found", infer],
      want: 'MODEL_NOT_FOUND',
    },
  ],
  [
    'unknown version',
    {
      given: [status.NOT_FOUND, "Request for unknown model: 'm' version 7 is not found", infer],
      want: 'MODEL_NOT_FOUND',
    },
  ],
  [
    'model not loaded',
    {
      given: [status.NOT_FOUND, "Request for unknown model: 'm' has no available versions", infer],
      want: 'MODEL_NOT_READY',
    },
  ],
  ['NOT_FOUND about no model', { given: [status.NOT_FOUND, 'no such region', server], want: 'NOT_FOUND' }],
  [
    'statistics of an unloaded model',
    {
      given: [status.INVALID_ARGUMENT, "requested model 'm' is not available", stats],
      want: 'MODEL_NOT_READY',
    },
  ],
  [
    'bad input',
    { given: [status.INVALID_ARGUMENT, "unexpected shape for input 'x'", infer], want: 'INVALID_INPUT' },
  ],
  [
    'load of a model without versions',
    { given: [status.INVALID_ARGUMENT, 'load failed for model', load], want: 'MODEL_CONFIG_INVALID' },
  ],
  [
    'load poll failure',
    {
      given: [status.INTERNAL, "failed to load 'm', failed to poll from model repository", load],
      want: 'MODEL_CONFIG_INVALID',
    },
  ],
  ['backend failure', { given: [status.INTERNAL, 'onnxruntime error', infer], want: 'INFERENCE_FAILED' }],
  ['internal elsewhere', { given: [status.INTERNAL, 'oops', server], want: 'INTERNAL' }],
  [
    'unavailable',
    { given: [status.UNAVAILABLE, 'No connection established', infer], want: 'ENGINE_UNAVAILABLE' },
  ],
  ['deadline', { given: [status.DEADLINE_EXCEEDED, 'Deadline exceeded', infer], want: 'DEADLINE_EXCEEDED' }],
  ['cancelled', { given: [status.CANCELLED, 'Cancelled on client', infer], want: 'CANCELLED' }],
  ['queue full', { given: [status.RESOURCE_EXHAUSTED, 'queue full', infer], want: 'RESOURCE_EXHAUSTED' }],
  ['already exists', { given: [status.ALREADY_EXISTS, 'region exists', server], want: 'CONFLICT' }],
  ['unimplemented', { given: [status.UNIMPLEMENTED, 'no such method', server], want: 'INTERNAL' }],
];

describe('fromGrpcError', () => {
  it.each(cases)('%s', (_name, { given: [code, details, context], want }) => {
    const cause = Object.assign(new Error(details), { code, details });
    const error = fromGrpcError(cause, context);
    expect(error).toBeInstanceOf(ChipqError);
    expect(error.code).toBe(want);
    expect(error.cause).toBe(cause);
    expect(error.message).toContain(details);
  });

  it('an aborted signal explains the cancellation', () => {
    const controller = new AbortController();
    controller.abort(new DOMException('timed out', 'TimeoutError'));
    const error = fromGrpcError(
      { code: status.CANCELLED, details: 'Cancelled on client' },
      { ...infer, signal: controller.signal },
    );
    expect(error.code).toBe('DEADLINE_EXCEEDED');
  });

  it('passes ChipqErrors through and wraps anything else as INTERNAL', () => {
    const own = new ChipqError('INVALID_INPUT', 'x');
    expect(fromGrpcError(own, infer)).toBe(own);
    expect(fromGrpcError('boom', infer).code).toBe('INTERNAL');
  });
});
