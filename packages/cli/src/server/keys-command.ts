/**
 * `chipq keys create|list|revoke`: a server's API keys through @chipq/sdk, with an admin key
 * (`--api-key` or CHIPQ_API_KEY). The CLI reaches keys through the HTTP API rather than the
 * database so it works against any replica, and the server alone holds the hashing rules.
 */
import type { ApiKey } from '@chipq/sdk';
import type { CliIo } from '../cli-io.js';
import { exitCodes, usageError } from '../exit-codes.js';
import { keysHelp } from '../help-text.js';
import { parseCommandArgs, stringOption } from '../parse-command-args.js';
import { apiKeyOption, callServer, serverClient, serverUrl } from '../server-client.js';
import { renderTable } from './render-table.js';

const keysArgs = {
  server: { type: 'string' },
  'api-key': { type: 'string' },
  scope: { type: 'string', multiple: true },
  name: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const scopeNames = ['read', 'infer', 'review', 'admin'] as const;
type ScopeName = (typeof scopeNames)[number];

function keyRows(keys: ApiKey[]): string[][] {
  return keys.map((k) => [k.id, k.name, k.scopes.join(','), k.created_at, k.revoked_at ?? '-']);
}

export async function keysCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('keys', args, keysArgs);
  const [action, id, ...extra] = parsed.positionals;
  if (parsed.values.help === true || action === undefined) {
    io.stdout.write(keysHelp);
    return action === undefined && parsed.values.help !== true ? exitCodes.usage : exitCodes.ok;
  }
  if (extra.length > 0) throw usageError(`chipq keys ${action}: unexpected arguments ${extra.join(' ')}`);
  const url = serverUrl(stringOption(parsed, 'server'), io.env);
  const apiKey = apiKeyOption(stringOption(parsed, 'api-key'), io.env);
  if (apiKey === undefined) throw usageError('chipq keys: give an admin key with --api-key or CHIPQ_API_KEY');
  const client = serverClient(url, 30_000, apiKey);
  const json = parsed.values.json === true;
  const call = { signal: io.signal };

  switch (action) {
    case 'create': {
      const given = (parsed.values.scope as unknown as string[] | undefined) ?? [];
      if (given.length === 0)
        throw usageError('chipq keys create: give at least one --scope (read, infer, review, admin)');
      const bad = given.find((s) => !scopeNames.includes(s as ScopeName));
      if (bad !== undefined)
        throw usageError(
          `chipq keys create: expected a scope of read, infer, review or admin, got ${JSON.stringify(bad)}`,
        );
      const name = stringOption(parsed, 'name') ?? `cli-${new Date().toISOString().slice(0, 10)}`;
      const created = await callServer(url, () =>
        client.keys.create({ name, scopes: given as ScopeName[] }, call),
      );
      io.stdout.write(
        json
          ? `${JSON.stringify(created, null, 2)}\n`
          : `${created.key}\n` +
              `(key ${created.id}, scopes ${created.scopes.join(',')}: keep it now, it cannot be shown again)\n`,
      );
      return exitCodes.ok;
    }
    case 'list': {
      const { keys } = await callServer(url, () => client.keys.list(call));
      io.stdout.write(
        json
          ? `${JSON.stringify({ keys }, null, 2)}\n`
          : renderTable(['id', 'name', 'scopes', 'created', 'revoked'], keyRows(keys)),
      );
      return exitCodes.ok;
    }
    case 'revoke': {
      if (id === undefined) throw usageError('chipq keys revoke: name the key id');
      const revoked = await callServer(url, () => client.keys.revoke(id, call));
      io.stdout.write(
        json ? `${JSON.stringify(revoked, null, 2)}\n` : `${revoked.id} revoked at ${revoked.revoked_at}\n`,
      );
      return exitCodes.ok;
    }
    default:
      throw usageError(`chipq keys: unknown action ${JSON.stringify(action)} (create, list, revoke)`);
  }
}
