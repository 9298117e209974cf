/**
 * `pnpm bench`, Triton part: chipq's Triton client (ModelInfer, raw tensors) against the same
 * Triton, model and input bytes driven by Triton's own clients — tritonclient's asyncio gRPC
 * client (scripts/triton/bench_client.py) and, when it runs here, perf_analyzer — at concurrency
 * 1, 8 and 32, closed loop. Ratios are ours over tritonclient's. Two models: add_sub (tiny: the
 * client's own overhead dominates) and the detector the other benches use (640x640 uint8 pairs:
 * the server's compute dominates). Two more rows: a bare grpc-js call (the library's floor under
 * our client) and the Triton engine sending inputs through system shared memory. Runnable alone:
 * `tsx test/bench/triton-bench.ts [--quick]`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTritonEngine, type Tensor } from '@chipq/core';
import { createTritonClient } from '@chipq/core/triton-client';
import { startTritonServer } from '../triton/support/triton-server.js';
import { benchModel, benchTensors, repoRoot } from './bench-inputs.js';
import {
  type BenchSection,
  formatTable,
  interleave,
  type LoadResult,
  medianRatio,
  printSection,
  runLoad,
} from './bench-util.js';
import { restInfer } from './triton-rest.js';

export interface TritonBenchOptions {
  concurrencies?: number[];
  /** Per cell and per client. Default 5000 ms. */
  durationMs?: number;
}

const run = promisify(execFile);
const work = join(repoRoot, 'test/.tmp/triton-bench');
const python = join(repoRoot, '.triton/venv/bin/python');

interface Workload {
  model: string;
  inputs: Tensor[];
  /** The input files and spec the Python side reads. */
  files: Array<{ name: string; datatype: string; shape: number[]; file: string }>;
}

async function workload(model: string, inputs: Tensor[]): Promise<Workload> {
  const files = [];
  for (const tensor of inputs) {
    const file = join(work, `${model}-${tensor.name}.bin`);
    await writeFile(file, new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    files.push({ name: tensor.name, datatype: tensor.datatype, shape: tensor.shape, file });
  }
  return { model, inputs, files };
}

async function tritonclientLoad(
  url: string,
  load: Workload,
  concurrency: number,
  durationMs: number,
): Promise<LoadResult> {
  const spec = join(work, `${load.model}-spec.json`);
  await writeFile(
    spec,
    JSON.stringify({ url, model: load.model, concurrency, duration_ms: durationMs, inputs: load.files }),
  );
  const { stdout } = await run(python, [join(repoRoot, 'scripts/triton/bench_client.py'), spec], {
    timeout: durationMs + 120_000,
  });
  return JSON.parse(stdout) as LoadResult;
}

/** perf_analyzer's numbers for one concurrency, or why it could not give them. */
async function perfAnalyzerLoad(
  url: string,
  load: Workload,
  concurrency: number,
  durationMs: number,
): Promise<LoadResult | string> {
  const env = await readFile(join(repoRoot, '.triton/env.sh'), 'utf8');
  const binary = /CHIPQ_PERF_ANALYZER='([^']+)'/.exec(env)?.[1];
  const libraries = /CHIPQ_PERF_ANALYZER_LD_LIBRARY_PATH='([^']+)'/.exec(env)?.[1];
  if (!binary || !libraries || !existsSync(binary)) return 'perf_analyzer not installed';
  // Same bytes as the other clients: perf_analyzer's JSON input format, batch dimension left out.
  const data: Record<string, { b64: string; shape: number[] }> = {};
  for (const tensor of load.inputs) {
    const bytes = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    data[tensor.name] = { b64: bytes.toString('base64'), shape: tensor.shape.slice(1) };
  }
  const inputFile = join(work, `${load.model}-perf-input.json`);
  await writeFile(inputFile, JSON.stringify({ data: [data] }));
  const csv = join(work, `${load.model}-perf-${concurrency}.csv`);
  const args = ['-m', load.model, '-i', 'grpc', '-u', url, '-b', '1', '--input-data', inputFile];
  // A loose stability bar: on two shared cores successive windows rarely agree within the default 10 %.
  args.push(
    '--concurrency-range',
    `${concurrency}:${concurrency}`,
    '--measurement-interval',
    String(durationMs),
  );
  args.push('--max-trials', '4', '--stability-percentage', '50', '-f', csv);
  try {
    await run(binary, args, {
      env: { ...process.env, LD_LIBRARY_PATH: libraries },
      timeout: durationMs * 6 + 60_000,
    });
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ''}`.trim().split('\n').slice(-2).join(' ');
    return `perf_analyzer failed for ${load.model} at concurrency ${concurrency}: ${output || (error as Error).message}`;
  }
  const [header, row] = (await readFile(csv, 'utf8')).trim().split('\n');
  const columns = Object.fromEntries(
    (header ?? '').split(',').map((name, i) => [name, Number((row ?? '').split(',')[i])]),
  );
  return {
    concurrency,
    requests: Number.NaN,
    errors: 0,
    seconds: durationMs / 1000,
    throughput: columns['Inferences/Second'] ?? Number.NaN,
    p50Ms: (columns['p50 latency'] ?? Number.NaN) / 1000,
    p99Ms: (columns['p99 latency'] ?? Number.NaN) / 1000,
  };
}

interface BareMethod {
  path: string;
  requestSerialize(value: object): Buffer;
  responseDeserialize(bytes: Buffer): object;
}
interface BareGrpc {
  Client: new (
    url: string,
    credentials: unknown,
    options: object,
  ) => {
    makeUnaryRequest(
      path: string,
      serialize: BareMethod['requestSerialize'],
      deserialize: BareMethod['responseDeserialize'],
      request: object,
      metadata: unknown,
      options: object,
      callback: (error: Error | null, response?: object) => void,
    ): unknown;
  };
  credentials: { createInsecure(): unknown };
  Metadata: new () => unknown;
}

/**
 * The floor under our client: one grpc-js ModelInfer call with nothing around it (no deadline
 * bookkeeping beyond grpc-js's own, no breaker, no validation), so `chipq / grpc-js bare` is the
 * cost of our layers and `grpc-js bare / tritonclient` the cost of the library.
 */
function bareGrpcClient(url: string): (load: Workload) => () => Promise<unknown> {
  // grpc-js is core's dependency, not the root's: load it from there, typed by the little we use.
  const core = createRequire(join(repoRoot, 'packages/core/package.json'));
  const grpc = core('@grpc/grpc-js') as BareGrpc;
  const loader = core('@grpc/proto-loader') as {
    loadSync(file: string, options: object): Record<string, Record<string, BareMethod | undefined>>;
  };
  const definition = loader.loadSync('grpc_service.proto', {
    keepCase: true,
    includeDirs: [join(repoRoot, 'packages/core/proto')],
  });
  const method = definition['inference.GRPCInferenceService']?.ModelInfer;
  if (!method) throw new Error('no ModelInfer in grpc_service.proto');
  const client = new grpc.Client(url, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': 256 * 1024 * 1024,
    'grpc.max_receive_message_length': 256 * 1024 * 1024,
  });
  return (load) => {
    const request = {
      model_name: load.model,
      inputs: load.inputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape })),
      raw_input_contents: load.inputs.map((t) =>
        Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      ),
    };
    return () =>
      new Promise((resolve, reject) =>
        client.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          request,
          new grpc.Metadata(),
          {},
          (error, response) => (error ? reject(error) : resolve(response)),
        ),
      );
  };
}

export async function runTritonBench(
  options: TritonBenchOptions = {},
): Promise<BenchSection | { skipped: string }> {
  if (!existsSync(join(repoRoot, '.triton/installed.sha256')))
    return { skipped: 'Triton is not installed (scripts/triton/install.sh)' };
  const concurrencies = options.concurrencies ?? [1, 8, 32];
  const durationMs = options.durationMs ?? 5000;
  await mkdir(work, { recursive: true });
  const detector = benchModel();
  const sources = [join(repoRoot, 'test/fixtures/models'), detector.repository];
  const server = await startTritonServer({
    source: sources,
    name: 'triton-bench',
    loadModels: ['add_sub', detector.model],
  });
  const client = createTritonClient({ url: server.grpcUrl });
  // The engine with inputs through /dev/shm: what co-located Triton saves on large images.
  const sharedMemoryEngine = await createTritonEngine({ url: server.grpcUrl, sharedMemory: 'system' });
  // The engine as the service runs it when Triton's HTTP URL is known: inferences over HTTP/REST.
  const httpEngine = await createTritonEngine({
    url: server.grpcUrl,
    httpUrl: `http://127.0.0.1:${server.httpPort}`,
  });
  try {
    const config = await client.modelConfig(detector.model);
    const { inputs, source } = await benchTensors(config);
    const add = (name: string) => ({
      name,
      datatype: 'FP32' as const,
      shape: [1, 4],
      data: Float32Array.from([1, 2, 3, 4]),
    });
    const workloads = [
      await workload('add_sub', [add('INPUT0'), add('INPUT1')]),
      await workload(detector.model, inputs),
    ];

    const bareInfer = bareGrpcClient(server.grpcUrl);
    const rows: Array<Array<string | number>> = [];
    const ratios: Record<string, number> = {};
    const notes = new Set<string>();
    for (const load of workloads) {
      for (const concurrency of concurrencies) {
        const ours = await runLoad(() => client.modelInfer({ model: load.model, inputs: load.inputs }), {
          concurrency,
          durationMs,
        });
        const bare = await runLoad(bareInfer(load), { concurrency, durationMs });
        const shm = await runLoad(
          () => sharedMemoryEngine.infer({ model: load.model, inputs: load.inputs }),
          {
            concurrency,
            durationMs,
          },
        );
        const overHttp = await runLoad(() => httpEngine.infer({ model: load.model, inputs: load.inputs }), {
          concurrency,
          durationMs,
        });
        const rest = restInfer(`http://127.0.0.1:${server.httpPort}`, load.model, load.inputs, concurrency);
        const overRest = await runLoad(rest.infer, { concurrency, durationMs }).finally(() => rest.close());
        const theirs = await tritonclientLoad(server.grpcUrl, load, concurrency, durationMs);
        const perf = await perfAnalyzerLoad(server.grpcUrl, load, concurrency, durationMs);
        if (typeof perf === 'string') notes.add(perf);
        for (const [who, result] of [
          ['chipq', ours],
          ['grpc-js bare', bare],
          ['chipq engine, shm', shm],
          ['chipq engine, HTTP (default)', overHttp],
          ['REST binary, undici bare', overRest],
          ['tritonclient', theirs],
          ['perf_analyzer', perf],
        ] as const) {
          if (typeof result === 'string') continue;
          rows.push([
            load.model,
            concurrency,
            who,
            result.throughput,
            result.p50Ms,
            result.p99Ms,
            result.errors,
          ]);
        }
        ratios[`triton_${load.model}_throughput_chipq_over_tritonclient@c${concurrency}`] =
          ours.throughput / theirs.throughput;
        ratios[`triton_${load.model}_throughput_chipq_over_bare_grpc_js@c${concurrency}`] =
          ours.throughput / bare.throughput;
        ratios[`triton_${load.model}_throughput_rest_undici_over_tritonclient@c${concurrency}`] =
          overRest.throughput / theirs.throughput;
        ratios[`triton_${load.model}_throughput_rest_undici_over_bare_grpc_js@c${concurrency}`] =
          overRest.throughput / bare.throughput;
        ratios[`triton_${load.model}_throughput_chipq_http_over_tritonclient@c${concurrency}`] =
          overHttp.throughput / theirs.throughput;
        ratios[`triton_${load.model}_throughput_chipq_http_over_grpc@c${concurrency}`] =
          overHttp.throughput / ours.throughput;
        ratios[`triton_${load.model}_throughput_chipq_http_over_rest_undici_bare@c${concurrency}`] =
          overHttp.throughput / overRest.throughput;
        ratios[`triton_${load.model}_throughput_shm_over_grpc@c${concurrency}`] =
          shm.throughput / ours.throughput;
        ratios[`triton_${load.model}_p50_chipq_over_tritonclient@c${concurrency}`] =
          ours.p50Ms / theirs.p50Ms;
        if (typeof perf !== 'string')
          ratios[`triton_${load.model}_throughput_chipq_over_perf_analyzer@c${concurrency}`] =
            ours.throughput / perf.throughput;
      }
    }
    // The goal line: our client's layers over bare grpc-js on add_sub at c=8, where nothing but
    // the client's own cost shows; interleaved rounds so a load spike hurts both alike.
    const addSub = workloads[0] as Workload;
    const goal = await interleave(
      {
        chipq: () =>
          runLoad(() => client.modelInfer({ model: addSub.model, inputs: addSub.inputs }), {
            concurrency: 8,
            durationMs,
          }),
        bare: () => runLoad(bareInfer(addSub), { concurrency: 8, durationMs }),
      },
      3,
    );
    ratios['triton_client_over_bare_grpc_js@c8'] = medianRatio(goal.chipq.runs, goal.bare.runs);
    notes.add(
      `triton_client_over_bare_grpc_js@c8: add_sub, median of 3 interleaved rounds (chipq ${goal.chipq.median.throughput.toFixed(0)}, bare ${goal.bare.median.throughput.toFixed(0)} infer/s)`,
    );
    return {
      title: `Triton 2.51 (bundled, Python backend running onnxruntime on CPU): chipq client vs tritonclient ${'2.51.0'} and perf_analyzer; ${detector.model} on ${source}`,
      table: formatTable(['model', 'conc', 'client', 'infer/s', 'p50 ms', 'p99 ms', 'errors'], rows),
      ratios,
      notes: [...notes],
    };
  } finally {
    client.close();
    await sharedMemoryEngine.close();
    await httpEngine.close();
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const section = await runTritonBench(process.argv.includes('--quick') ? { durationMs: 2000 } : {});
  if ('skipped' in section) console.log(`triton bench skipped: ${section.skipped}`);
  else printSection(section);
}
