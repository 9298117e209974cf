/**
 * `chipq models list|get|load|unload|deploy|promote|rollback`: a server's model repository through @chipq/sdk.
 * Tables for people, `--json` for scripts (the server's answer as it is).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ModelSummary, ModelVersions } from '@chipq/sdk';
import type { CliIo } from '../cli-io.js';
import { exitCodes, usageError } from '../exit-codes.js';
import { modelsHelp } from '../help-text.js';
import { parseCommandArgs, stringOption } from '../parse-command-args.js';
import { apiKeyOption, callServer, serverClient, serverUrl } from '../server-client.js';
import { renderTable } from './render-table.js';

const modelsArgs = {
  server: { type: 'string' },
  'api-key': { type: 'string' },
  json: { type: 'boolean' },
  onnx: { type: 'string' },
  config: { type: 'string' },
  labels: { type: 'string' },
  version: { type: 'string' },
  reason: { type: 'string' },
  'no-load': { type: 'boolean' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const versionStates = (versions: ModelVersions['versions']) =>
  versions.map((v) => `v${v.version} ${v.state}`).join(', ') || '-';

function modelRows(models: ModelSummary[]): string[][] {
  return models.map((m) => [
    m.name,
    m.state,
    versionStates(m.versions),
    m.default_version === null ? 'newest' : `v${m.default_version}`,
    m.platform,
    m.reason,
  ]);
}

export async function modelsCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('models', args, modelsArgs);
  const [action, name, ...extra] = parsed.positionals;
  if (parsed.values.help === true || action === undefined) {
    io.stdout.write(modelsHelp);
    return action === undefined && parsed.values.help !== true ? exitCodes.usage : exitCodes.ok;
  }
  if (extra.length > 0) throw usageError(`chipq models ${action}: unexpected arguments ${extra.join(' ')}`);
  const url = serverUrl(stringOption(parsed, 'server'), io.env);
  const client = serverClient(url, 60_000, apiKeyOption(stringOption(parsed, 'api-key'), io.env));
  const json = parsed.values.json === true;
  const print = (value: unknown, text: () => string) =>
    io.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text());
  const needName = () => {
    if (name === undefined) throw usageError(`chipq models ${action}: name the model`);
    return name;
  };

  switch (action) {
    case 'list': {
      const list = await callServer(url, () => client.models.list({ signal: io.signal }));
      print(list, () =>
        renderTable(['model', 'state', 'versions', 'default', 'platform', 'reason'], modelRows(list.models)),
      );
      return exitCodes.ok;
    }
    case 'get': {
      const model = await callServer(url, () => client.models.get(needName(), { signal: io.signal }));
      print(
        model,
        () =>
          renderTable(['model', 'state', 'versions', 'default', 'platform', 'reason'], modelRows([model])) +
          `  labels: ${model.labels?.join(', ') ?? '-'}\n`,
      );
      return exitCodes.ok;
    }
    case 'load':
    case 'unload': {
      const model = needName();
      const status = await callServer(url, () =>
        action === 'load'
          ? client.models.load(model, { signal: io.signal })
          : client.models.unload(model, { signal: io.signal }),
      );
      print(
        status,
        () =>
          `${status.name}: ${status.state}${status.reason ? ` (${status.reason})` : ''}; ${versionStates(status.versions)}\n`,
      );
      return exitCodes.ok;
    }
    case 'deploy': {
      const model = needName();
      const onnx = stringOption(parsed, 'onnx');
      if (onnx === undefined) throw usageError('chipq models deploy: give the model file with --onnx FILE');
      const read = async (path: string | undefined) => {
        if (path === undefined) return undefined;
        try {
          return await readFile(resolve(io.cwd, path));
        } catch (cause) {
          throw usageError(`cannot read ${path}: ${(cause as Error).message}`);
        }
      };
      const [bytes, config, labels] = await Promise.all([
        read(onnx),
        read(stringOption(parsed, 'config')),
        read(stringOption(parsed, 'labels')),
      ]);
      const deployed = await callServer(url, () =>
        client.models.deploy(
          {
            name: model,
            model: bytes as Uint8Array,
            config,
            labels,
            version: stringOption(parsed, 'version'),
            load: parsed.values['no-load'] === true ? false : undefined,
          },
          { signal: io.signal },
        ),
      );
      print(
        deployed,
        () =>
          `${deployed.name} v${deployed.version} deployed; ${deployed.status ? deployed.status.state : 'not loaded'}\n`,
      );
      return exitCodes.ok;
    }
    case 'promote':
    case 'rollback': {
      const model = needName();
      const reason = stringOption(parsed, 'reason');
      if (reason === undefined) throw usageError(`chipq models ${action}: say why with --reason TEXT`);
      const version = stringOption(parsed, 'version');
      if (action === 'promote' && version === undefined)
        throw usageError('chipq models promote: name the version with --version N');
      const change = await callServer(url, () =>
        action === 'promote'
          ? client.models.promote(model, version as string, reason, {
              signal: io.signal,
              ...(parsed.values.force === true ? { force: true } : {}),
            })
          : client.models.rollback(model, reason, { signal: io.signal }),
      );
      print(
        change,
        () =>
          `${change.model}: default v${change.from_version ?? '-'} -> v${change.to_version} (${change.action} by ${change.api_key_id ?? 'anonymous'})\n`,
      );
      return exitCodes.ok;
    }
    default:
      throw usageError(
        `chipq models: unknown action ${JSON.stringify(action)} (list, get, load, unload, deploy, promote, rollback)`,
      );
  }
}
