/**
 * What runs inside an instance's worker thread: one onnxruntime session, driven by messages.
 *
 * Why a thread: onnxruntime-node's `run` executes on the calling thread, so in the main thread
 * one inference would block the event loop (HTTP, timers, deadlines, cancellation) and several
 * instances could never run at once. Each instance therefore owns a worker with its own session.
 *
 * `onnxWorkerMain` is shipped to the worker as source text (`Function.prototype.toString`), so the
 * worker needs no separate file in the build: it must use nothing from this module's scope, only
 * globals (`globalThis.require` included), and no helper a bundler might inject.
 */
import type * as Ort from 'onnxruntime-node';
import type { SessionOptions } from './onnx-session-options.js';

/** A tensor as it crosses the thread boundary: onnxruntime's element type name, dims, data. */
export interface WireTensor {
  name: string;
  type: string;
  dims: number[];
  data: ArrayBufferView;
}

export type WorkerRequest =
  | { id: number; kind: 'load'; modelFile: string; options: SessionOptions }
  | { id: number; kind: 'run'; inputs: WireTensor[]; outputs: string[] }
  | { id: number; kind: 'release' };

export type WorkerReply =
  | {
      id: number;
      ok: true;
      inputNames?: string[];
      outputNames?: string[];
      outputs?: WireTensor[];
      times?: { inputNs: number; inferNs: number; outputNs: number };
    }
  | { id: number; ok: false; message: string };

/** The worker's entry point; `workerData.ortPath` is the resolved onnxruntime-node module. */
export function onnxWorkerMain(): void {
  // `require` is a global in Node's eval workers; reached through globalThis because bundlers
  // (tsup/esbuild) rename a bare `require` in ESM output to a shim the worker does not have.
  // Bun's eval workers have no `require`: there a require is made from node:module, which
  // `process.getBuiltinModule` reaches without one (Bun, Node >= 20.16). Paths loaded are absolute.
  const scope = globalThis as unknown as {
    require?: NodeJS.Require;
    process: { getBuiltinModule?: (id: string) => unknown };
  };
  let load = scope.require;
  if (!load) {
    const builtin = scope.process.getBuiltinModule;
    if (!builtin)
      throw new Error('this runtime gives worker threads neither require nor process.getBuiltinModule');
    load = (builtin('node:module') as typeof import('node:module')).createRequire('/');
  }
  const threads = load('node:worker_threads') as typeof import('node:worker_threads');
  const port = threads.parentPort as import('node:worker_threads').MessagePort;
  const ort = load(threads.workerData.ortPath) as typeof Ort;
  let session: Ort.InferenceSession | undefined;

  const handle = async (request: WorkerRequest): Promise<void> => {
    if (request.kind === 'load') {
      session = await ort.InferenceSession.create(request.modelFile, request.options);
      port.postMessage({
        id: request.id,
        ok: true,
        inputNames: session.inputNames,
        outputNames: session.outputNames,
      });
      return;
    }
    if (request.kind === 'release') {
      await session?.release();
      session = undefined;
      port.postMessage({ id: request.id, ok: true });
      return;
    }
    if (!session) throw new Error('the session is not loaded');
    const t0 = performance.now();
    const feeds: Record<string, Ort.Tensor> = {};
    for (const input of request.inputs)
      feeds[input.name] = new ort.Tensor(input.type as 'float32', input.data as Float32Array, input.dims);
    const t1 = performance.now();
    const results = await session.run(feeds, request.outputs);
    const t2 = performance.now();
    const outputs: WireTensor[] = [];
    const buffers = new Set<ArrayBuffer>();
    for (const name of request.outputs) {
      const value = results[name] as Ort.Tensor;
      const data = value.data as unknown as ArrayBufferView;
      outputs.push({ name, type: value.type, dims: value.dims.map(Number), data });
      if (data.buffer instanceof ArrayBuffer) buffers.add(data.buffer);
    }
    const times = {
      inputNs: (t1 - t0) * 1e6,
      inferNs: (t2 - t1) * 1e6,
      outputNs: (performance.now() - t2) * 1e6,
    };
    const reply = { id: request.id, ok: true, outputs, times };
    try {
      // Hand the output buffers over instead of copying them.
      port.postMessage(reply, [...buffers]);
    } catch {
      port.postMessage(reply);
    }
  };

  port.on('message', (request: WorkerRequest) => {
    handle(request).catch((error: unknown) => {
      port.postMessage({
        id: request.id,
        ok: false,
        message: error instanceof Error ? error.message : String(error),
      });
    });
  });
}
