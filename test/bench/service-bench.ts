/**
 * The service's overhead: `POST /api/v1/inference/predict` driven over HTTP by autocannon from
 * its OWN process (http-load.ts), side by side with the bare inspector (core's `inspect()`, no
 * HTTP, no database) on the same image pairs, the same engine instance and the same
 * concurrency, in interleaved rounds (medians of per-round ratios). The service runs twice on
 * that inspector: on embedded PGlite and, when it answers at 127.0.0.1:5432, on PostgreSQL in a
 * fresh schema of database `test` (dropped afterwards).
 *
 * At concurrency 8 a bare onnxruntime session (batch 1, the engine's thread budget) runs too:
 * the end-to-end pairs/s of the service next to the model's raw img/s, and next to the DeepPCB
 * paper's 62 pairs/s on a GPU.
 *
 * Runnable alone: `tsx test/bench/service-bench.ts [--quick]`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createInspector, type Inspector } from '@chipq/core';
import { loadConfig } from '../../services/inference/src/config/load-config.js';
import { listen } from '../../services/inference/src/listen.js';
import { createLogger } from '../../services/inference/src/observability/logger.js';
import { type RunningService, startService } from '../../services/inference/src/start-service.js';
import { postgresReachable } from '../../services/inference/test/helpers/test-databases.js';
import { benchModel, benchTensors, type ImagePair, loadBenchPairs } from './bench-inputs.js';
import {
  type BenchSection,
  formatTable,
  interleave,
  type LoadResult,
  medianRatio,
  runLoad,
  runWhenMain,
} from './bench-util.js';
import { httpLoad, predictBody, predictContentType } from './http-load.js';
import { engineThreads, rawSession } from './raw-onnxruntime.js';

export interface ServiceBenchOptions {
  /** Default [8, 50]. */
  concurrencies?: number[];
  /** Per run, default 6000 ms. */
  durationMs?: number;
  /** Interleaved rounds per concurrency, default 3. */
  rounds?: number;
  /** Image pairs cycled through, default 8. */
  pairs?: number;
  /** PostgreSQL URL; default CHIPQ_BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test when reachable. */
  databaseUrl?: string;
}

/** The DeepPCB paper's end-to-end figure on a GPU, the moonshot for this CPU. */
const paperPairsPerSecond = 62;

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

interface ServedDatabase {
  kind: 'pglite' | 'postgres';
  url: string;
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** The service on `inspector` over one database, listening on a free loopback port. */
async function serve(
  inspector: Inspector,
  model: string,
  repository: string,
  databaseUrl: string | undefined,
): Promise<ServedDatabase> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chipq-service-bench-'));
  let schema: string | undefined;
  let admin: { query(text: string): Promise<unknown>; end(): Promise<void> } | undefined;
  if (databaseUrl !== undefined) {
    // pg is the service's dependency: a fresh schema per run, dropped at the end.
    const pg = createRequire(new URL('../../services/inference/package.json', import.meta.url))('pg') as {
      Client: new (options: {
        connectionString: string;
      }) => NonNullable<typeof admin> & {
        connect(): Promise<void>;
      };
    };
    schema = `chipq_bench_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`create schema ${schema}`);
    admin = client;
  }
  const config = loadConfig(
    {
      MODEL_REPOSITORY: repository,
      DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'error',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    dir,
  );
  const service: RunningService = await startService({
    config,
    inspector,
    defaultModel: model,
    logger: createLogger('error'),
    worker: false,
    ...(schema ? { databaseSchema: schema } : {}),
  });
  const server = tracked(service.app.fetch);
  const listening = await listen(server.fetch, { port: 0, hostname: '127.0.0.1' });
  return {
    kind: service.database.kind,
    url: listening.url,
    idle: () => server.idle(),
    async close() {
      await listening.close();
      await service.stop();
      if (admin) {
        await admin.query(`drop schema if exists ${schema} cascade`);
        await admin.end();
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function runServiceBench(
  options: ServiceBenchOptions = {},
): Promise<BenchSection & { rows: Array<Array<string | number>> }> {
  const concurrencies = options.concurrencies ?? [8, 50];
  const durationMs = options.durationMs ?? 6000;
  const rounds = options.rounds ?? 3;
  const defaultPostgres = process.env.CHIPQ_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const postgresUrl =
    options.databaseUrl ?? ((await postgresReachable(defaultPostgres)) ? defaultPostgres : undefined);
  const { repository, model } = benchModel();
  const { pairs, source } = await loadBenchPairs(options.pairs ?? 8);
  const inspector: Inspector = await createInspector({
    models: repository,
    loadModels: [model],
    defaultModel: model,
  });
  const notes: string[] = [];
  const servers: ServedDatabase[] = [];
  try {
    servers.push(await serve(inspector, model, repository, undefined));
    if (postgresUrl) servers.push(await serve(inspector, model, repository, postgresUrl));
    else notes.push(`PostgreSQL not reachable at ${defaultPostgres}: its row is missing`);
    const config = await inspector.engine.modelConfig(model);
    const { inputs } = await benchTensors(config);
    const { version } = await inspector.engine.infer({ model, inputs });
    const raw = await rawSession(
      path.join(repository, model, version, 'model.onnx'),
      engineThreads(config),
      inputs,
    );
    const bodies = pairs.map(predictBody);
    const http = (server: ServedDatabase, concurrency: number, ms: number) => async () => {
      const result = await httpLoad({
        url: server.url,
        path: '/api/v1/inference/predict',
        contentType: predictContentType,
        bodies,
        concurrency,
        durationS: Math.max(1, Math.round(ms / 1000)),
      });
      await server.idle();
      return result;
    };
    // Warm-up, not measured: connections, JIT, the database's first pages, the model's first batches.
    for (const server of servers) await http(server, 50, 2000)();

    const rows: Array<Array<string | number>> = [];
    const ratios: Record<string, number> = {};
    const figures: Record<string, number> = {};
    const data: Record<string, unknown> = {};
    try {
      for (const concurrency of concurrencies) {
        // autocannon counts answers that arrive within its duration: make that long enough for a
        // few answers per connection even when queueing makes each one slow (shared CPUs).
        let httpMs = durationMs;
        const contenders: Record<string, () => Promise<LoadResult>> = {
          inspector: async () => {
            const bare = await runLoad(
              (i) => {
                const pair = pairs[i % pairs.length] as ImagePair;
                return inspector.inspect({ image: pair.image, reference: pair.reference, model });
              },
              { concurrency, durationMs },
            );
            httpMs = Math.max(durationMs, Math.ceil((3 * bare.p99Ms) / 1000) * 1000);
            return bare;
          },
        };
        for (const server of servers)
          contenders[`service, ${server.kind}`] = () => http(server, concurrency, httpMs)();
        if (concurrency === 8)
          contenders['raw onnxruntime, batch 1'] = () => runLoad(raw.run, { concurrency: 1, durationMs });
        const result = await interleave(contenders, rounds);
        data[`c${concurrency}`] = result;
        for (const [who, { median, runs }] of Object.entries(result))
          rows.push([
            who,
            concurrency,
            runs.reduce((sum, run) => sum + run.errors, 0),
            median.throughput,
            median.p50Ms,
            median.p99Ms,
          ]);
        const bare = result.inspector as { runs: LoadResult[] };
        for (const server of servers) {
          const served = result[`service, ${server.kind}`] as { runs: LoadResult[]; median: LoadResult };
          ratios[`service_throughput_over_inspector@c${concurrency}_${server.kind}`] = medianRatio(
            served.runs,
            bare.runs,
          );
          figures[`service_errors@c${concurrency}_${server.kind}`] = served.runs.reduce(
            (sum, run) => sum + run.errors,
            0,
          );
          if (concurrency === 50)
            ratios[`service_p99_over_p50@c50_${server.kind}`] = served.median.p99Ms / served.median.p50Ms;
        }
        const rawRuns = result['raw onnxruntime, batch 1'];
        const pglite = result['service, pglite'];
        if (rawRuns && pglite) {
          ratios.end_to_end_pairs_per_s_over_raw_onnxruntime_img_per_s = medianRatio(
            pglite.runs,
            rawRuns.runs,
          );
          ratios.end_to_end_pairs_per_s_over_paper_gpu = pglite.median.throughput / paperPairsPerSecond;
          figures['end_to_end_pairs_per_s@c8_pglite'] = pglite.median.throughput;
          figures.raw_onnxruntime_img_per_s = rawRuns.median.throughput;
        }
      }
    } finally {
      await raw.release();
    }
    return {
      title: `service: POST /api/v1/inference/predict (multipart; autocannon in its own process) vs bare inspector, ${model} v${version} on ${source}`,
      table: formatTable(['path', 'conc', 'errors', 'img/s', 'p50 ms', 'p99 ms'], rows),
      ratios,
      figures,
      notes: [
        `medians of ${rounds} interleaved rounds of ${durationMs} ms; ratios are medians of per-round ratios`,
        'service and inspector share this process and one engine; the load generator runs in a child process',
        `raw onnxruntime: one session, ${engineThreads(await inspector.engine.modelConfig(model))} threads, batch 1; paper: ${paperPairsPerSecond} pairs/s on a GPU`,
        ...notes,
      ],
      data,
      rows,
    };
  } finally {
    for (const server of servers) await server.close();
    await inspector.close();
  }
}

await runWhenMain(import.meta.url, (quick) => runServiceBench(quick ? { durationMs: 2000, rounds: 1 } : {}));
