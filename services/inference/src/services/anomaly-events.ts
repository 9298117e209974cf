/**
 * `chipq.anomaly.detected` for every control-chart signal raised on this replica (the anomaly
 * monitor's `subscribe()`). The signal lives in memory, not in a transaction, so the event is
 * written to the outbox on its own: from there it is delivered at least once like the others.
 * Each replica charts the images it served, so each announces its own signals.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { EventOutbox } from '../events/event-outbox.js';
import type { Logger } from '../observability/logger.js';
import type { AnomalySignal } from './control-charts/anomaly-monitor.js';

export function announceAnomalies(options: {
  subscribe: (listener: (signal: AnomalySignal) => void) => () => void;
  events: EventOutbox;
  db: Kysely<Database>;
  logger: Logger;
}): () => void {
  if (!options.events.enabled) return () => {};
  return options.subscribe((signal) => {
    if (signal.state !== 'raised') return;
    options.events
      .emit(options.db, {
        type: 'chipq.anomaly.detected',
        subject: `models/${signal.model_name}/versions/${signal.model_version}`,
        partitionKey: `model:${signal.model_name}`,
        data: {
          rule: signal.rule,
          model: signal.model_name,
          version: signal.model_version,
          lot_id: null,
          severity: 'warning',
          message: `${signal.chart} of ${signal.model_name} version ${signal.model_version} is out of control (${signal.rule})`,
          detected_at: new Date(signal.at).toISOString(),
          details: {
            chart: signal.chart,
            observed: signal.observed,
            baseline: signal.baseline,
            ewma: signal.ewma,
            limit: signal.limit,
          },
        },
      })
      .catch((error: unknown) => options.logger.warn('could not write an anomaly event', { error }));
  });
}
