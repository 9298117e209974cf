// Every 5xx answer leaves a log line with its code and cause; client errors do not.
import { ChipqError } from '@chipq/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../observability/logger.js';
import { createErrorHandler } from './error-handler.js';

function recordingLogger() {
  const lines: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
  const at =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      lines.push({ level, message, fields });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

function appThrowing(error: Error, logger: Logger) {
  const app = new Hono();
  app.onError(createErrorHandler(logger));
  app.get('/x', () => {
    throw error;
  });
  return app;
}

describe('createErrorHandler', () => {
  const cause = new Error('onnxruntime: out of memory');
  it.each([
    ['INFERENCE_FAILED', new ChipqError('INFERENCE_FAILED', 'model m failed', { cause }), 500, 'error'],
    ['INTERNAL', new ChipqError('INTERNAL', 'a bug', { cause }), 500, 'error'],
    ['a plain Error', new Error('boom'), 500, 'error'],
    ['ENGINE_UNAVAILABLE', new ChipqError('ENGINE_UNAVAILABLE', 'Triton is down'), 503, 'warn'],
  ] as const)('logs a %s answer', async (_name, error, status, level) => {
    const { logger, lines } = recordingLogger();
    const response = await appThrowing(error, logger).request('/x');
    expect(response.status).toBe(status);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level, fields: { status, path: '/x' } });
    expect(lines[0]?.fields.error).toBe(error);
  });

  it('does not log client errors', async () => {
    const { logger, lines } = recordingLogger();
    const response = await appThrowing(new ChipqError('MODEL_NOT_FOUND', 'no model m'), logger).request('/x');
    expect(response.status).toBe(404);
    expect(lines).toEqual([]);
  });
});
