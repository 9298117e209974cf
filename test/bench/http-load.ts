/**
 * HTTP load from a separate process: autocannon runs in a forked child (http-load-child.ts), so
 * the process under test spends its CPU on serving only. Closed loop, `concurrency` connections.
 */
import { fork } from 'node:child_process';
import type { LoadResult } from './bench-util.js';

export interface HttpLoadJob {
  url: string;
  path: string;
  contentType: string;
  /** Request bodies, sent in turn. */
  bodies: Uint8Array[];
  concurrency: number;
  durationS: number;
}

/** What the child reports: the part of autocannon's result we use. */
export interface HttpLoadSummary {
  latency: { p50: number; p99: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}

/** Runs one autocannon load in a child process and returns it as a LoadResult. */
export async function httpLoad(job: HttpLoadJob): Promise<LoadResult> {
  const child = fork(new URL('./http-load-child.ts', import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const summary = await new Promise<HttpLoadSummary>((resolve, reject) => {
    child.once('message', (message) => resolve(message as HttpLoadSummary));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the load generator exited with code ${code}`)));
    child.send(job);
  });
  const ok = summary['2xx'];
  return {
    concurrency: job.concurrency,
    requests: ok,
    errors: summary.errors + summary.timeouts + summary.non2xx,
    seconds: summary.duration,
    throughput: ok / summary.duration,
    p50Ms: summary.latency.p50,
    p99Ms: summary.latency.p99,
  };
}

const boundary = 'chipq-bench-boundary';

/** The content type of `predictBody`'s bodies. */
export const predictContentType = `multipart/form-data; boundary=${boundary}`;

/** A multipart `POST /api/v1/inference/predict` body with the pair as `image` and `reference`. */
export function predictBody(pair: { image: Buffer; reference: Buffer }): Buffer {
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
