/**
 * Serves an app over HTTP with @hono/node-server and says where, with a `close` that stops
 * accepting connections and resolves once in-flight requests are answered. Used by `main.ts`
 * and the bench (port 0: a free port).
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface Listening {
  /** `http://<host>:<port>` as bound (`localhost` for a wildcard host). */
  url: string;
  port: number;
  /** Stops accepting connections, closes idle keep-alive ones, waits up to `graceMs` (default 10 s) for the rest. */
  close(graceMs?: number): Promise<void>;
}

export async function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  options: { port: number; hostname: string },
): Promise<Listening> {
  const { server, info } = await new Promise<{ server: ReturnType<typeof serve>; info: AddressInfo }>(
    (resolve, reject) => {
      const server = serve({ fetch, port: options.port, hostname: options.hostname }, (info) =>
        resolve({ server, info }),
      );
      server.once('error', reject);
    },
  );
  const host = info.address === '0.0.0.0' || info.address === '::' ? 'localhost' : info.address;
  return {
    url: `http://${host}:${info.port}`,
    port: info.port,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive connections would hold close() open; busy ones finish their request first.
      (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
    },
  };
}
