/**
 * The service's overhead: `POST /api/v1/inference/predict` driven by autocannon over HTTP at
 * concurrency 1, 8 and 50, side by side with the bare inspector (core's `inspect()`, no HTTP,
 * no database) on the same image pairs, the same engine instance and the same concurrency, in
 * the same run. The ratios are service over inspector: p50 latency and throughput.
 *
 * The service runs in this process on a free loopback port with embedded PGlite (or PostgreSQL
 * when CHIPQ_BENCH_DATABASE_URL is set), so autocannon's client shares the CPU with it: the
 * overhead measured includes the HTTP client's cost, which makes it an upper bound.
 * Runnable alone: `tsx test/bench/service-bench.ts [--quick]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createInspector, type Inspector } from '@chipq/core';
import { loadConfig } from '../../services/inference/src/config/load-config.js';
import { listen } from '../../services/inference/src/listen.js';
import { createLogger } from '../../services/inference/src/observability/logger.js';
import { startService } from '../../services/inference/src/start-service.js';
import { benchModel, type ImagePair, loadBenchPairs } from './bench-inputs.js';
import { type BenchSection, formatTable, type LoadResult, printSection, runLoad } from './bench-util.js';

/** The subset of autocannon's API used here (the package ships no types). */
interface AutocannonResult {
  latency: { p50: number; p99: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}
interface AutocannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  requests: Array<{
    method: string;
    path: string;
    setupRequest: (request: AutocannonRequest) => AutocannonRequest;
  }>;
}) => Promise<AutocannonResult>;

// autocannon is a devDependency of the service package (the root does not depend on it):
// resolve it from there rather than adding a second copy to the root's dependencies.
const autocannon = createRequire(new URL('../../services/inference/package.json', import.meta.url))(
  'autocannon',
) as Autocannon;

export interface ServiceBenchOptions {
  /** Default [1, 8, 50]. */
  concurrencies?: number[];
  /** Per cell and per path, default 10000 ms. */
  durationMs?: number;
  /** Image pairs cycled through, default 8. */
  pairs?: number;
  /** PostgreSQL URL; default CHIPQ_BENCH_DATABASE_URL, else embedded PGlite. */
  databaseUrl?: string;
}

export interface ServiceBenchRow {
  path: 'service' | 'inspector';
  concurrency: number;
  requests: number;
  errors: number;
  throughput: number;
  p50Ms: number;
  p99Ms: number;
}

const boundary = 'chipq-bench-boundary';

/** A multipart predict body with the pair as `image` and `reference`. */
function multipart(pair: ImagePair): Buffer {
  const part = (name: string, bytes: Buffer) =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ),
      bytes,
      Buffer.from('\r\n'),
    ]);
  return Buffer.concat([
    part('image', pair.image),
    part('reference', pair.reference),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
}

/** Counts requests the server is still answering, so a run starts only after the last one's tail. */
function tracked(fetch: (request: Request) => Response | Promise<Response>) {
  let inFlight = 0;
  return {
    fetch: async (request: Request) => {
      inFlight++;
      try {
        return await fetch(request);
      } finally {
        inFlight--;
      }
    },
    async idle() {
      while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    },
  };
}

async function httpLoad(
  url: string,
  bodies: Buffer[],
  concurrency: number,
  durationMs: number,
): Promise<LoadResult> {
  let next = 0;
  const requests = [
    {
      method: 'POST',
      path: '/api/v1/inference/predict',
      setupRequest: (request: AutocannonRequest) => ({
        ...request,
        headers: { ...request.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: bodies[next++ % bodies.length] as Buffer,
      }),
    },
  ];
  // Warm-up, not measured: connections, JIT, the model's first batches.
  await autocannon({ url, connections: concurrency, duration: 1, timeout: 30, requests });
  const result = await autocannon({
    url,
    connections: concurrency,
    duration: Math.max(1, Math.round(durationMs / 1000)),
    timeout: 30,
    requests,
  });
  const ok = result['2xx'];
  return {
    concurrency,
    requests: ok,
    errors: result.errors + result.timeouts + result.non2xx,
    seconds: result.duration,
    throughput: ok / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}

export async function runServiceBench(
  options: ServiceBenchOptions = {},
): Promise<BenchSection & { rows: ServiceBenchRow[] }> {
  const concurrencies = options.concurrencies ?? [1, 8, 50];
  const durationMs = options.durationMs ?? 10_000;
  const databaseUrl = options.databaseUrl ?? process.env.CHIPQ_BENCH_DATABASE_URL;
  const { repository, model } = benchModel();
  const { pairs, source } = await loadBenchPairs(options.pairs ?? 8);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chipq-service-bench-'));
  const inspector: Inspector = await createInspector({
    models: repository,
    loadModels: [model],
    defaultModel: model,
  });
  const config = loadConfig(
    {
      MODEL_REPOSITORY: repository,
      DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'error',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    dir,
  );
  const service = await startService({
    config,
    inspector,
    defaultModel: model,
    logger: createLogger('error'),
    worker: false,
  });
  const server = tracked(service.app.fetch);
  const listening = await listen(server.fetch, { port: 0, hostname: '127.0.0.1' });
  const url = listening.url;
  try {
    const bodies = pairs.map(multipart);
    const rows: ServiceBenchRow[] = [];
    const ratios: Record<string, number> = {};
    for (const concurrency of concurrencies) {
      const bare = await runLoad(
        (i) => {
          const pair = pairs[i % pairs.length] as ImagePair;
          return inspector.inspect({ image: pair.image, reference: pair.reference, model });
        },
        { concurrency, durationMs },
      );
      // Long enough for a few answers per connection even when queueing makes each one slow.
      const httpMs = Math.max(durationMs, Math.ceil((3 * bare.p99Ms) / 1000) * 1000);
      const http = await httpLoad(url, bodies, concurrency, httpMs);
      await server.idle();
      for (const [which, load] of [
        ['inspector', bare],
        ['service', http],
      ] as const) {
        rows.push({
          path: which,
          concurrency,
          requests: load.requests,
          errors: load.errors,
          throughput: load.throughput,
          p50Ms: load.p50Ms,
          p99Ms: load.p99Ms,
        });
      }
      ratios[`service_overhead_p50@c${concurrency}`] = http.p50Ms / bare.p50Ms;
      ratios[`service_throughput_over_inspector@c${concurrency}`] = http.throughput / bare.throughput;
    }
    return {
      title: `service: POST /api/v1/inference/predict (multipart, ${service.database.kind}) vs bare inspector, ${model} on ${source}`,
      table: formatTable(
        ['path', 'conc', 'requests', 'errors', 'img/s', 'p50 ms', 'p99 ms'],
        rows.map((r) => [r.path, r.concurrency, r.requests, r.errors, r.throughput, r.p50Ms, r.p99Ms]),
      ),
      ratios,
      notes: [
        'overhead = service p50 / inspector p50 (1.00 = none); throughput ratio = service img/s / inspector img/s',
        'autocannon runs in the same process as the service and shares its CPUs: the overhead is an upper bound',
      ],
      rows,
    };
  } finally {
    await listening.close();
    await service.stop();
    await inspector.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  printSection(await runServiceBench(quick ? { durationMs: 2000 } : {}));
}
