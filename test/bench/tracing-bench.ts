/**
 * What tracing costs: the built service (two child processes on the same model and images) with
 * OpenTelemetry off (no OTEL_* variable: no SDK, @opentelemetry/api stays a no-op) against on
 * (OTEL_EXPORTER_OTLP_ENDPOINT at a loopback OTLP/HTTP receiver in this process, http/protobuf,
 * every request sampled), driven by autocannon from its own process in interleaved rounds.
 * The receiver's count shows the "on" service really exported while it was measured.
 *
 * The cost left when off is measured directly too: a no-op `withSpan` (the service's only
 * tracing call on the request path) against the same async call without it, times the spans
 * of one predict, as a share of the predict's p50 latency.
 *
 * Runnable alone: `tsx test/bench/tracing-bench.ts [--quick]`.
 */
import { createServer, type Server } from 'node:http';
import { withSpan } from '../../services/inference/src/observability/tracing.js';
import { loadBenchPairs } from './bench-inputs.js';
import {
  type BenchSection,
  formatTable,
  interleave,
  median,
  medianRatio,
  runWhenMain,
} from './bench-util.js';
import { httpLoad, predictBody, predictContentType } from './http-load.js';
import { type ServiceProcess, startServiceProcess } from './service-process.js';

export interface TracingBenchOptions {
  /** Default 8. */
  concurrency?: number;
  /** Per run, default 6000 ms. */
  durationMs?: number;
  /** Interleaved rounds, default 3. */
  rounds?: number;
}

/**
 * Spans of one predict when tracing is on (test/traces.test.ts checks the tree): the HTTP
 * server span, chipq.service.inspect, chipq.inspect, decode, preprocess, queue, infer,
 * postprocess, store, and the engine's batch span.
 */
const spansPerPredict = 10;

/** An OTLP/HTTP receiver that accepts every export and counts them. */
async function otlpReceiver(): Promise<{
  url: string;
  exports: () => number;
  bytes: () => number;
  close(): Promise<void>;
}> {
  let exports = 0;
  let bytes = 0;
  const server: Server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    request.on('end', () => {
      if (request.url === '/v1/traces') exports++;
      // An empty ExportTraceServiceResponse is zero bytes of protobuf.
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    exports: () => exports,
    bytes: () => bytes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** ns per call of `fn`, the median of 5 timed passes of `calls` calls. */
async function nsPerCall(fn: () => Promise<unknown>, calls: number): Promise<number> {
  const passes: number[] = [];
  for (let pass = 0; pass < 5; pass++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await fn();
    passes.push(Number(process.hrtime.bigint() - t0) / calls);
  }
  return passes.sort((a, b) => a - b)[2] as number;
}

export async function runTracingBench(options: TracingBenchOptions = {}): Promise<BenchSection> {
  const concurrency = options.concurrency ?? 8;
  const durationMs = options.durationMs ?? 6000;
  const rounds = options.rounds ?? 3;
  const { pairs, source } = await loadBenchPairs(8);
  const bodies = pairs.map(predictBody);
  const receiver = await otlpReceiver();
  const base = { DEFAULT_MODEL: 'pcb_defect_detector', RATE_LIMIT: '0', LOG_LEVEL: 'error' };
  const services: ServiceProcess[] = [];
  try {
    // No OTEL_* from the bench's own environment may leak into "off".
    for (const name of Object.keys(process.env)) if (name.startsWith('OTEL_')) delete process.env[name];
    const off = await startServiceProcess({ env: base });
    services.push(off);
    const on = await startServiceProcess({
      env: { ...base, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'chipq-bench' },
    });
    services.push(on);
    // CPU ms per image served, per run: what a replica costs, steady under a shared machine's load.
    const cpuMsPerImage = new Map<ServiceProcess, number[]>([
      [off, []],
      [on, []],
    ]);
    const load = (service: ServiceProcess, durationS: number) => async () => {
      const cpuBefore = await service.cpuSeconds();
      const result = await httpLoad({
        url: service.url,
        path: '/api/v1/inference/predict',
        contentType: predictContentType,
        bodies,
        concurrency,
        durationS,
      });
      // Answers still in flight when autocannon stops are not counted, but their CPU is: let them end.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      cpuMsPerImage.get(service)?.push((((await service.cpuSeconds()) - cpuBefore) * 1000) / result.requests);
      return result;
    };
    // Warm-up, not measured: JIT, the database's first pages, the model's first batches.
    await load(off, 2)();
    await load(on, 2)();
    const exportsBefore = receiver.exports();
    const result = await interleave(
      {
        'tracing off': load(off, Math.max(1, Math.round(durationMs / 1000))),
        'tracing on, OTLP to loopback': load(on, Math.max(1, Math.round(durationMs / 1000))),
      },
      rounds,
    );
    // The batch span processor exports every 5 s: give the last batch time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const exported = receiver.exports() - exportsBefore;

    // Off, in this process (no SDK registered here either): the no-op span against no span.
    if (await withSpan('probe', {}, async (span) => span.isRecording()))
      throw new Error(
        'an OpenTelemetry SDK is registered in the bench process: the no-op figure would be wrong',
      );
    const calls = 200_000;
    const bare = await nsPerCall(async () => 1, calls);
    const spanned = await nsPerCall(() => withSpan('bench', { 'chipq.model': 'm' }, async () => 1), calls);
    const offCostUs = ((spanned - bare) * spansPerPredict) / 1000;
    const offMedian = result['tracing off'].median;
    const offCpu = cpuMsPerImage.get(off) as number[];
    const onCpu = cpuMsPerImage.get(on) as number[];

    const rows = Object.entries(result).map(([who, { median, runs }]) => [
      who,
      concurrency,
      runs.reduce((sum, run) => sum + run.errors, 0),
      median.throughput,
      median.p50Ms,
      median.p99Ms,
    ]);
    return {
      title: `tracing: the built service with OpenTelemetry off vs on (OTLP/HTTP protobuf to a loopback receiver), POST /api/v1/inference/predict on ${source}`,
      table: formatTable(['service', 'conc', 'errors', 'img/s', 'p50 ms', 'p99 ms'], rows),
      ratios: {
        // CPU time per image barely depends on how many other processes share the cores.
        tracing_on_over_off_cpu_per_image: median(onCpu.map((ms, r) => ms / (offCpu[r] as number))),
        [`tracing_off_over_on_throughput@c${concurrency}`]: medianRatio(
          result['tracing off'].runs,
          result['tracing on, OTLP to loopback'].runs,
        ),
        [`tracing_on_over_off_p50@c${concurrency}`]: medianRatio(
          result['tracing on, OTLP to loopback'].runs,
          result['tracing off'].runs,
          (r) => r.p50Ms,
        ),
      },
      figures: {
        otlp_exports_received_while_on: exported,
        otlp_bytes_received: receiver.bytes(),
        noop_span_overhead_ns: spanned - bare,
        tracing_off_cost_per_predict_us: offCostUs,
        // Parts per million: the share is far below what a ratio's two decimals can show.
        service_cpu_ms_per_image_tracing_off: median(offCpu),
        service_cpu_ms_per_image_tracing_on: median(onCpu),
        // An upper bound for a replica with 2 CPUs to itself: the CPU it needs per image, nothing else.
        images_per_s_per_2_cpu_replica_by_cpu_time: 2000 / median(offCpu),
        tracing_off_cost_ppm_of_predict_p50: (offCostUs / 1000 / offMedian.p50Ms) * 1e6,
      },
      notes: [
        `medians of ${rounds} interleaved rounds of ${durationMs} ms at concurrency ${concurrency}; ratios are medians of per-round ratios`,
        'two service processes (dist/main.js) on the same model; only one is under load at a time',
        'CPU ms per image: user + system time of the service process (every thread) over the images it answered in the run',
        `tracing off cost: a no-op withSpan minus a bare async call, x ${spansPerPredict} spans per predict, over the "off" p50`,
      ],
      data: result,
    };
  } finally {
    for (const service of services) await service.stop();
    await receiver.close();
  }
}

await runWhenMain(import.meta.url, (quick) => runTracingBench(quick ? { durationMs: 3000, rounds: 1 } : {}));
