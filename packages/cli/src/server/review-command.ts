/**
 * `chipq review queue|quality`: what operators should review next, and the precision, recall
 * and verdict agreement their reviews give each model version (or experiment arm), through
 * @chipq/sdk. Reviews themselves are made in the console or by POST /inference/{id}/review.
 */
import type { Estimate } from '@chipq/sdk';
import type { CliIo } from '../cli-io.js';
import { exitCodes, usageError } from '../exit-codes.js';
import { reviewHelp } from '../help-text.js';
import { parseCommandArgs, stringOption } from '../parse-command-args.js';
import { apiKeyOption, callServer, serverClient, serverUrl } from '../server-client.js';
import { renderTable } from './render-table.js';

const reviewArgs = {
  server: { type: 'string' },
  'api-key': { type: 'string' },
  model: { type: 'string' },
  experiment: { type: 'string' },
  'by-arm': { type: 'boolean' },
  bucket: { type: 'string' },
  'sample-rate': { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const percent = (e: Estimate | null) =>
  e === null
    ? '-'
    : `${(e.value * 100).toFixed(1)}% [${(e.low * 100).toFixed(1)}, ${(e.high * 100).toFixed(1)}]`;

export async function reviewCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('review', args, reviewArgs);
  const [action, ...extra] = parsed.positionals;
  if (parsed.values.help === true || action === undefined) {
    io.stdout.write(reviewHelp);
    return action === undefined && parsed.values.help !== true ? exitCodes.usage : exitCodes.ok;
  }
  if (extra.length > 0) throw usageError(`chipq review ${action}: unexpected arguments ${extra.join(' ')}`);
  const url = serverUrl(stringOption(parsed, 'server'), io.env);
  const client = serverClient(url, 30_000, apiKeyOption(stringOption(parsed, 'api-key'), io.env));
  const json = parsed.values.json === true;
  const model = stringOption(parsed, 'model');
  const experiment = stringOption(parsed, 'experiment');
  const call = { signal: io.signal };

  switch (action) {
    case 'quality': {
      const bucket = stringOption(parsed, 'bucket') ?? 'all';
      if (!['hour', 'day', 'week', 'all'].includes(bucket))
        throw usageError(
          `chipq review quality: --bucket is hour, day, week or all, got ${JSON.stringify(bucket)}`,
        );
      const quality = await callServer(url, () =>
        client.reviews.quality(
          {
            bucket: bucket as 'hour' | 'day' | 'week' | 'all',
            by: parsed.values['by-arm'] === true ? 'arm' : 'version',
            ...(model === undefined ? {} : { model }),
            ...(experiment === undefined ? {} : { experiment_id: experiment }),
          },
          call,
        ),
      );
      const rows = quality.groups.flatMap((g) =>
        (bucket === 'all' ? [{ start: null, ...g.total }] : g.buckets).map((f) => [
          `${g.model.name} v${g.model.version}${g.experiment === null ? '' : ` (${g.experiment.arm})`}`,
          f.start ?? 'all',
          String(f.reviewed),
          `${f.true_defects}/${f.false_alarms}/${f.missed}`,
          percent(f.precision),
          percent(f.recall),
          percent(f.verdict_agreement),
        ]),
      );
      io.stdout.write(
        json
          ? `${JSON.stringify(quality, null, 2)}\n`
          : renderTable(
              ['model', 'from', 'reviewed', 'true/false/missed', 'precision', 'recall', 'verdicts'],
              rows,
            ),
      );
      return exitCodes.ok;
    }
    case 'queue': {
      const rate = stringOption(parsed, 'sample-rate');
      const queue = await callServer(url, () =>
        client.reviews.queue(
          {
            ...(model === undefined ? {} : { model }),
            ...(experiment === undefined ? {} : { experiment_id: experiment }),
            ...(rate === undefined ? {} : { sample_rate: Number(rate) }),
            limit: Number(stringOption(parsed, 'limit') ?? 50),
          },
          call,
        ),
      );
      const rows = queue.items.map(({ reason, result: r }) => [
        r.id,
        reason,
        r.verdict?.status ?? r.status,
        String(r.detections.length),
        `${r.model.name} v${r.model.version}`,
        r.traceability.lot_id ?? '-',
        r.created_at,
      ]);
      io.stdout.write(
        json
          ? `${JSON.stringify(queue, null, 2)}\n`
          : renderTable(['id', 'reason', 'verdict', 'defects', 'model', 'lot', 'created'], rows),
      );
      return exitCodes.ok;
    }
    default:
      throw usageError(`chipq review: unknown action ${JSON.stringify(action)} (queue, quality)`);
  }
}
