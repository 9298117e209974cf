/**
 * `chipq experiments create|list|show|stop`: A/B experiments between versions of a model on a
 * chipq server, through @chipq/sdk. Tables for people, `--json` for scripts.
 */
import type { CreateExperimentInput, Experiment } from '@chipq/sdk';
import type { CliIo } from '../cli-io.js';
import { exitCodes, usageError } from '../exit-codes.js';
import { experimentsHelp } from '../help-text.js';
import { parseCommandArgs, stringOption } from '../parse-command-args.js';
import { apiKeyOption, callServer, serverClient, serverUrl } from '../server-client.js';
import { renderTable } from './render-table.js';

const experimentsArgs = {
  server: { type: 'string' },
  'api-key': { type: 'string' },
  json: { type: 'boolean' },
  model: { type: 'string' },
  mode: { type: 'string' },
  unit: { type: 'string' },
  arm: { type: 'string', multiple: true },
  name: { type: 'string' },
  status: { type: 'string' },
  reason: { type: 'string' },
  promote: { type: 'string' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const modes = ['split', 'shadow'] as const;
const units = ['lot_id', 'wafer_id', 'request'] as const;

/** `--arm VERSION[:WEIGHT][=NAME]`, e.g. `3:50`, `1:50=candidate`, `1` (shadow). */
function parseArm(text: string): CreateExperimentInput['arms'][number] {
  const match = /^([1-9][0-9]{0,8})(?::([0-9]+))?(?:=([A-Za-z0-9][A-Za-z0-9_.-]*))?$/.exec(text);
  if (match === null)
    throw usageError(
      `chipq experiments create: expected --arm VERSION[:WEIGHT][=NAME], got ${JSON.stringify(text)}`,
    );
  const [, version, weight, name] = match;
  return {
    version: version as string,
    ...(weight === undefined ? {} : { weight: Number(weight) }),
    ...(name === undefined ? {} : { name }),
  };
}

const percent = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);
const ms = (value: number | null) => (value === null ? '-' : value.toFixed(1));

function describe(experiment: Experiment): string {
  const head =
    `${experiment.id}  ${experiment.name}\n` +
    `model ${experiment.model}, ${experiment.mode} by ${experiment.unit}, ${experiment.status}` +
    `${experiment.stop_reason === null ? '' : ` (${experiment.stop_reason})`}\n\n`;
  const arms = renderTable(
    ['arm', 'version', 'role', 'requests', 'units', 'PASS', 'FAIL', 'REVIEW', 'errors', 'p50 ms', 'p95 ms'],
    experiment.figures.arms.map((a) => [
      a.name,
      a.version,
      a.role,
      String(a.requests),
      String(a.units),
      percent(a.verdicts.PASS.rate),
      percent(a.verdicts.FAIL.rate),
      percent(a.verdicts.REVIEW.rate),
      percent(a.error_rate.rate),
      ms(a.latency_ms.p50),
      ms(a.latency_ms.p95),
    ]),
  );
  const comparisons =
    experiment.figures.comparisons.length === 0
      ? ''
      : `\n${renderTable(
          ['arm', 'vs', 'metric', 'difference', '95% interval', 'p', 'conclusion'],
          experiment.figures.comparisons.map((c) => [
            c.arm,
            c.against,
            c.metric,
            c.difference === null ? '-' : `${(c.difference * 100).toFixed(1)} pts`,
            c.difference_interval === null
              ? '-'
              : `[${(c.difference_interval.low * 100).toFixed(1)}, ${(c.difference_interval.high * 100).toFixed(1)}]`,
            c.p_value === null ? '-' : c.p_value.toPrecision(2),
            c.conclusion,
          ]),
        )}`;
  const agreement = experiment.figures.agreement
    .map(
      (a) =>
        `\n${a.arm} vs ${a.against}: verdicts agree on ${a.verdicts_agree}/${a.images} images` +
        `${
          Object.keys(a.verdict_flips).length === 0
            ? ''
            : ` (flips: ${Object.entries(a.verdict_flips)
                .map(([k, n]) => `${k} ${n}`)
                .join(', ')})`
        }; ` +
        `defects matched ${a.defects.matched}, only ${a.against} ${a.defects.only_control}, only ${a.arm} ${a.defects.only_shadow}; ` +
        `${a.fail_flip_test.conclusion}\n`,
    )
    .join('');
  return head + arms + comparisons + agreement;
}

export async function experimentsCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('experiments', args, experimentsArgs);
  const [action, id, ...extra] = parsed.positionals;
  if (parsed.values.help === true || action === undefined) {
    io.stdout.write(experimentsHelp);
    return action === undefined && parsed.values.help !== true ? exitCodes.usage : exitCodes.ok;
  }
  if (extra.length > 0)
    throw usageError(`chipq experiments ${action}: unexpected arguments ${extra.join(' ')}`);
  const url = serverUrl(stringOption(parsed, 'server'), io.env);
  const client = serverClient(url, 60_000, apiKeyOption(stringOption(parsed, 'api-key'), io.env));
  const json = parsed.values.json === true;
  const call = { signal: io.signal };
  const print = (value: unknown, text: () => string) =>
    io.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text());
  const needId = () => {
    if (id === undefined) throw usageError(`chipq experiments ${action}: name the experiment id`);
    return id;
  };

  switch (action) {
    case 'create': {
      const model = stringOption(parsed, 'model');
      const mode = stringOption(parsed, 'mode') ?? 'split';
      const unit = stringOption(parsed, 'unit');
      const arms = ((parsed.values.arm as unknown as string[] | undefined) ?? []).map(parseArm);
      if (model === undefined) throw usageError('chipq experiments create: name the model with --model NAME');
      if (!modes.includes(mode as (typeof modes)[number]))
        throw usageError(`chipq experiments create: --mode is split or shadow, got ${JSON.stringify(mode)}`);
      if (unit !== undefined && !units.includes(unit as (typeof units)[number]))
        throw usageError(
          `chipq experiments create: --unit is lot_id, wafer_id or request, got ${JSON.stringify(unit)}`,
        );
      if (arms.length < 2)
        throw usageError('chipq experiments create: give at least two --arm VERSION[:WEIGHT]');
      const name = stringOption(parsed, 'name');
      const created = await callServer(url, () =>
        client.experiments.create(
          {
            model,
            mode: mode as (typeof modes)[number],
            arms,
            ...(unit === undefined ? {} : { unit: unit as (typeof units)[number] }),
            ...(name === undefined ? {} : { name }),
          },
          call,
        ),
      );
      print(created, () => describe(created));
      return exitCodes.ok;
    }
    case 'list': {
      const status = stringOption(parsed, 'status');
      if (status !== undefined && status !== 'running' && status !== 'stopped')
        throw usageError(
          `chipq experiments list: --status is running or stopped, got ${JSON.stringify(status)}`,
        );
      const model = stringOption(parsed, 'model');
      const { experiments } = await callServer(url, () =>
        client.experiments.list(
          { ...(model === undefined ? {} : { model }), ...(status === undefined ? {} : { status }) },
          call,
        ),
      );
      print({ experiments }, () =>
        renderTable(
          ['id', 'model', 'mode', 'unit', 'status', 'arms', 'created'],
          experiments.map((e) => [
            e.id,
            e.model,
            e.mode,
            e.unit,
            e.status,
            e.arms.map((a) => `${a.name}=v${a.version}${e.mode === 'split' ? `:${a.weight}` : ''}`).join(' '),
            e.created_at,
          ]),
        ),
      );
      return exitCodes.ok;
    }
    case 'show': {
      const experiment = await callServer(url, () => client.experiments.get(needId(), call));
      print(experiment, () => describe(experiment));
      return exitCodes.ok;
    }
    case 'stop': {
      const reason = stringOption(parsed, 'reason');
      if (reason === undefined) throw usageError('chipq experiments stop: say why with --reason TEXT');
      const promote = stringOption(parsed, 'promote');
      const stopped = await callServer(url, () =>
        client.experiments.stop(
          needId(),
          {
            reason,
            ...(promote === undefined ? {} : { promote }),
            ...(parsed.values.force === true ? { force: true } : {}),
          },
          call,
        ),
      );
      print(
        stopped,
        () =>
          `${describe(stopped.experiment)}${stopped.promotion === null ? '' : `\npromoted ${stopped.experiment.model} v${stopped.promotion.to_version} (was v${stopped.promotion.from_version ?? '-'})\n`}`,
      );
      return exitCodes.ok;
    }
    default:
      throw usageError(
        `chipq experiments: unknown action ${JSON.stringify(action)} (create, list, show, stop)`,
      );
  }
}
