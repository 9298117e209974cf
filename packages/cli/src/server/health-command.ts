/**
 * `chipq health`: the server's liveness and readiness (database, engine, each model), through
 * @chipq/sdk. Exit 0 when ready, 4 when not ready or unreachable, so scripts can wait on it.
 */
import { ChipqApiError, type Health } from '@chipq/sdk';
import type { CliIo } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';
import { healthHelp } from '../help-text.js';
import { parseCommandArgs, stringOption } from '../parse-command-args.js';
import { apiKeyOption, callServer, serverClient, serverUrl } from '../server-client.js';
import { renderTable } from './render-table.js';

function renderHealth(health: Health, url: string): string {
  const { database, engine, models } = health.checks;
  const head = `${url}: ${health.status} (live ${health.live}, ready ${health.ready}, up ${Math.round(health.uptime_s)} s)\n`;
  const rows = [
    ['database', database.status, database.kind, database.detail],
    ['engine', engine.status, engine.kind, engine.detail],
    ...models.map((m) => [`model ${m.name} v${m.version}`, m.ready ? 'ok' : 'fail', m.state, m.reason]),
  ];
  return head + renderTable(['check', 'status', 'kind', 'detail'], rows);
}

export async function healthCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('health', args, {
    server: { type: 'string' },
    'api-key': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (parsed.values.help === true) {
    io.stdout.write(healthHelp);
    return exitCodes.ok;
  }
  const url = serverUrl(stringOption(parsed, 'server'), io.env);
  const client = serverClient(url, 10_000, apiKeyOption(stringOption(parsed, 'api-key'), io.env));
  // A not-ready server answers 503 with the same Health body: show it, then exit 4.
  const health = await callServer(url, () =>
    client.monitoring.health({}, { signal: io.signal }).catch((error: unknown) => {
      const body = error instanceof ChipqApiError ? (error.cause as Health | undefined) : undefined;
      if (body && typeof body === 'object' && 'checks' in body) return body;
      throw error;
    }),
  );
  io.stdout.write(
    parsed.values.json === true ? `${JSON.stringify(health, null, 2)}\n` : renderHealth(health, url),
  );
  return health.ready ? exitCodes.ok : exitCodes.unavailable;
}
