/**
 * Traces leave the process for real: the OpenTelemetry SDK, started from OTEL_* variables, sends
 * OTLP/HTTP to a receiver on a loopback port, and one predict gives one trace that continues the
 * caller's `traceparent` with a span per stage (decode, preprocess, queue, infer with its batch
 * size, postprocess, store), plus the engine's batch span linked to the request. Without an
 * endpoint no SDK starts. The receiver decodes OTLP/JSON; a second run checks the default
 * http/protobuf export arrives too.
 */
import { createServer, type Server } from 'node:http';
import { context, propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelemetry, type Telemetry } from '../src/observability/telemetry.js';
import { tracesRequested } from '../src/observability/traces-requested.js';
import type { RunningService } from '../src/start-service.js';
import { form } from './helpers/http.js';
import { blank, topLeftDefect } from './helpers/png.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';

interface Export {
  contentType: string;
  body: Buffer;
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: Array<{ key: string; value: { intValue?: number | string; stringValue?: string } }>;
  links?: Array<{ traceId: string; spanId: string }>;
}

async function receiver(): Promise<{ server: Server; url: string; exports: Export[] }> {
  const exports: Export[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces')
        exports.push({ contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
      // An empty ExportTraceServiceResponse: `{}` in JSON, no bytes in protobuf.
      const json = req.headers['content-type'] === 'application/json';
      res
        .writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/json' })
        .end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}`, exports };
}

function spansOf(exports: Export[]): OtlpSpan[] {
  return exports.flatMap((e) =>
    (JSON.parse(e.body.toString('utf8')).resourceSpans ?? []).flatMap(
      (r: { scopeSpans: Array<{ spans: OtlpSpan[] }> }) => r.scopeSpans.flatMap((s) => s.spans),
    ),
  );
}

const attribute = (span: OtlpSpan | undefined, key: string) => {
  const value = span?.attributes?.find((a) => a.key === key)?.value;
  return value?.intValue !== undefined ? Number(value.intValue) : value?.stringValue;
};

/** Undoes the SDK's global registrations so a second SDK can register. */
function unregister() {
  trace.disable();
  context.disable();
  propagation.disable();
}

describe('tracesRequested', () => {
  it.each([
    ['nothing set', {}, false],
    ['an OTLP endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    ['a traces endpoint', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    ['an exporter', { OTEL_TRACES_EXPORTER: 'console' }, true],
    ['the SDK disabled', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }, false],
    ['exporter none', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }, false],
  ])('%s', (_name, env, want) => {
    expect(tracesRequested(env)).toBe(want);
    if (!want) expect(startTelemetry(env)).toBeUndefined();
  });
});

describe('OTLP traces of a predict', () => {
  let env: TestEnvironment;
  let service: RunningService;
  let sink: Awaited<ReturnType<typeof receiver>>;
  let telemetry: Telemetry | undefined;
  const callerTrace = '0af7651916cd43dd8448eb211c80319c';
  const callerSpan = 'b7ad6b7169203331';

  beforeAll(async () => {
    sink = await receiver();
    env = await createTestEnvironment('pglite');
    service = await env.start({ worker: false });
  });
  afterAll(async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
    await telemetry?.shutdown();
    unregister();
    await service?.stop();
    await env?.dispose();
    await new Promise((resolve) => sink?.server.close(resolve));
  });

  const predict = () =>
    service.app.request('/api/v1/inference/predict', {
      method: 'POST',
      body: form({ image: topLeftDefect(), reference: blank() }),
      headers: { traceparent: `00-${callerTrace}-${callerSpan}-01` },
    });

  it('exports one trace per request with a span per stage, continuing the caller', async () => {
    // The SDK reads process.env itself, as in production.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = sink.url;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    telemetry = startTelemetry();
    expect(telemetry).toBeDefined();
    const response = await predict();
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };
    expect((await service.app.request(`/api/v1/inference/${id}`)).status).toBe(200);
    await telemetry?.shutdown();
    telemetry = undefined;

    const spans = spansOf(sink.exports);
    const byName = (name: string) => spans.filter((s) => s.name === name);
    // Named by the matched route, not `POST /*`.
    const [server] = byName('POST /api/v1/inference/predict');
    expect(server, spans.map((s) => s.name).join(', ')).toBeDefined();
    expect(byName('GET /api/v1/inference/:id'), spans.map((s) => s.name).join(', ')).toHaveLength(1);
    expect(spans.some((s) => s.name.endsWith(' /*'))).toBe(false);
    expect(server).toMatchObject({ traceId: callerTrace, parentSpanId: callerSpan });

    const ours = spans.filter((s) => s.traceId === callerTrace);
    const children = (parent: OtlpSpan | undefined) => ours.filter((s) => s.parentSpanId === parent?.spanId);
    const descendants = (root: OtlpSpan): OtlpSpan[] => children(root).flatMap((c) => [c, ...descendants(c)]);
    const inspect = ours.find((s) => s.name === 'chipq.inspect');
    expect(descendants(server as OtlpSpan)).toContain(inspect);
    expect(
      children(inspect)
        .map((s) => s.name)
        .sort(),
    ).toEqual(['decode', 'infer', 'postprocess', 'preprocess', 'queue']);
    expect(
      attribute(
        children(inspect).find((s) => s.name === 'infer'),
        'chipq.batch.size',
      ),
    ).toBe(1);
    const store = ours.find((s) => s.name === 'store');
    expect(descendants(server as OtlpSpan)).toContain(store);
    expect(attribute(store, 'chipq.detections')).toBeGreaterThan(0);

    // The engine's batch execution is its own span, linked to the request it ran.
    const batch = byName('batch').find((s) => s.links?.some((l) => l.spanId === inspect?.spanId));
    expect(batch).toBeDefined();
    expect(batch?.links?.[0]?.traceId).toBe(callerTrace);
    expect(attribute(batch, 'chipq.batch.size')).toBe(1);
  });

  it('exports http/protobuf by default', async () => {
    unregister();
    sink.exports.length = 0;
    delete process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
    telemetry = startTelemetry();
    expect((await predict()).status).toBe(200);
    await telemetry?.shutdown();
    telemetry = undefined;
    expect(sink.exports.length).toBeGreaterThan(0);
    expect(sink.exports[0]?.contentType).toBe('application/x-protobuf');
    const body = Buffer.concat(sink.exports.map((e) => e.body));
    // Protobuf keeps strings and ids as raw bytes: the stage names and the caller's trace id are in it.
    for (const name of ['decode', 'preprocess', 'queue', 'infer', 'postprocess', 'store', 'chipq-inference'])
      expect(body.includes(Buffer.from(name))).toBe(true);
    expect(body.includes(Buffer.from(callerTrace, 'hex'))).toBe(true);
  });
});
