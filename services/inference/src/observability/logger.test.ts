// pino-backed logs: JSON lines, LOG_LEVEL, safe fields (causes, BigInt, cycles, bytes, secrets),
// and the request's ids on every line written while it runs.
import { ChipqError } from '@chipq/core';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../http/app-env.js';
import { createErrorHandler } from '../http/error-handler.js';
import { createLogger, type Logger } from './logger.js';
import { requestLogging } from './request-logging.js';

function captured(level: Parameters<typeof createLogger>[0] = 'debug') {
  const lines: string[] = [];
  const logger = createLogger(level, { service: 'test' }, { write: (line: string) => lines.push(line) });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

describe('createLogger', () => {
  it('writes one JSON object per line with time, level label, message and base fields', () => {
    const { logger, lines, records } = captured('info');
    logger.info('hello', { count: 2 });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(records()[0]).toMatchObject({ level: 'info', message: 'hello', service: 'test', count: 2 });
    expect(new Date(records()[0]?.time as string).getTime()).toBeGreaterThan(0);
  });

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
    ['silent', []],
  ] as const)('honours LOG_LEVEL=%s', (level, want) => {
    const { logger, records } = captured(level);
    for (const at of ['debug', 'info', 'warn', 'error'] as const) logger[at](at);
    expect(records().map((r) => r.level)).toEqual(want);
  });

  it('writes errors with their cause chain, even with BigInt details and a cyclic cause', () => {
    const { logger, records } = captured();
    const root = new Error('socket hang up') as Error & { self?: unknown; bytes?: bigint };
    root.self = root;
    root.bytes = 2n ** 70n;
    const middle = new Error('Triton call failed', { cause: root });
    root.cause = middle; // a cycle through the causes
    const error = new ChipqError('INFERENCE_FAILED', 'model m failed', {
      cause: middle,
      details: { model: 'm', elements: 12345678901234567890n },
    });
    expect(() => logger.error('inference failed', { error })).not.toThrow();
    const logged = records()[0]?.error as Record<string, unknown>;
    expect(logged).toMatchObject({
      type: 'ChipqError',
      code: 'INFERENCE_FAILED',
      message: 'model m failed',
      details: { model: 'm', elements: '12345678901234567890' },
      cause: {
        message: 'Triton call failed',
        cause: {
          message: 'socket hang up',
          bytes: '1180591620717411303424',
          self: '[Circular]',
          cause: '[Circular]',
        },
      },
    });
    expect(logged.stack).toContain('ChipqError');
  });

  it('never writes image bytes or secrets', () => {
    const { logger, lines, records } = captured();
    const image = new Uint8Array(200_000).fill(0x89);
    logger.info('request', {
      image,
      reference: Buffer.from('PNG bytes'),
      headers: new Headers({ authorization: 'Bearer sk_live_abc123', 'x-api-key': 'k-456', accept: '*/*' }),
      nested: { apiKey: 'k-789', api_key: 'k-000', password: 'p', key_id: 'key_1', model: 'pcb' },
    });
    const text = lines.join('');
    for (const secret of ['sk_live_abc123', 'k-456', 'k-789', 'k-000']) expect(text).not.toContain(secret);
    expect(text.length).toBeLessThan(1000);
    expect(records()[0]).toMatchObject({
      image: '[Uint8Array 200000 bytes]',
      reference: '[Buffer 9 bytes]',
      headers: { authorization: '[Redacted]', 'x-api-key': '[Redacted]', accept: '*/*' },
      nested: {
        apiKey: '[Redacted]',
        api_key: '[Redacted]',
        password: '[Redacted]',
        key_id: 'key_1',
        model: 'pcb',
      },
    });
  });
});

describe('requestLogging', () => {
  function app(logger: Logger) {
    const app = new Hono<AppEnv>();
    app.use(requestId());
    app.use(requestLogging(logger));
    app.onError(createErrorHandler(logger));
    app.get('/items/:id', async (c) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info('deep in a service', { id: c.req.param('id') });
      return c.json({ ok: true });
    });
    app.get('/fail', () => {
      throw new ChipqError('INTERNAL', 'a bug', { cause: new Error('null pointer') });
    });
    return app;
  }

  it("puts the request id and the caller's trace id on every line of the request", async () => {
    const { logger, records } = captured();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await app(logger).request('/items/42', {
      headers: { 'x-request-id': 'req-1', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(response.status).toBe(200);
    const lines = records();
    expect(lines.map((l) => l.message)).toEqual(['deep in a service', 'request']);
    for (const line of lines) {
      expect(line).toMatchObject({ request_id: 'req-1', trace_id: traceId });
      expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
      expect(line.span_id).not.toBe('00f067aa0ba902b7'); // ours, not the caller's
    }
    expect(lines[1]).toMatchObject({ method: 'GET', route: '/items/:id', path: '/items/42', status: 200 });
  });

  it('gives a request without traceparent its own trace id, and the error line the same ids', async () => {
    const { logger, records } = captured();
    const response = await app(logger).request('/fail');
    expect(response.status).toBe(500);
    const lines = records();
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['error', 'GET /fail answered 500 INTERNAL'],
      ['warn', 'request'],
    ]);
    expect(lines[0]?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(lines[0]?.trace_id).toBe(lines[1]?.trace_id);
    expect(lines[0]?.request_id).toBe(response.headers.get('x-request-id'));
    expect(lines[0]?.error).toMatchObject({ cause: { message: 'null pointer' } });
  });

  it('writes nothing with the request ids outside a request', () => {
    const { logger, records } = captured();
    logger.info('start-up');
    expect(records()[0]).not.toHaveProperty('trace_id');
    expect(records()[0]).not.toHaveProperty('request_id');
  });
});
