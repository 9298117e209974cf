/**
 * The HTTP load generator's own process (forked by http-load.ts): autocannon on this process's
 * CPU time, not the service's, so a service figure no longer carries the client's cost. Takes
 * one job over IPC, answers with autocannon's summary, exits.
 */
import { createRequire } from 'node:module';
import type { HttpLoadJob, HttpLoadSummary } from './http-load.js';

/** The subset of autocannon's API used here (the package ships no types). */
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
    setupRequest: (r: AutocannonRequest) => AutocannonRequest;
  }>;
}) => Promise<HttpLoadSummary>;

// autocannon is a devDependency of the service package (the root does not depend on it).
const autocannon = createRequire(new URL('../../services/inference/package.json', import.meta.url))(
  'autocannon',
) as Autocannon;

process.once('message', async (job: HttpLoadJob) => {
  const bodies = job.bodies.map((body) => Buffer.from(body));
  let next = 0;
  const requests = [
    {
      method: 'POST',
      path: job.path,
      setupRequest: (request: AutocannonRequest) => ({
        ...request,
        headers: { ...request.headers, 'content-type': job.contentType },
        body: bodies[next++ % bodies.length] as Buffer,
      }),
    },
  ];
  const result = await autocannon({
    url: job.url,
    connections: job.concurrency,
    duration: job.durationS,
    timeout: 30,
    requests,
  });
  const summary: HttpLoadSummary = {
    latency: { p50: result.latency.p50, p99: result.latency.p99 },
    duration: result.duration,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    '2xx': result['2xx'],
  };
  process.send?.(summary, () => process.exit(0));
});
