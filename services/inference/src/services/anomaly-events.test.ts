// A raised control-chart signal becomes one chipq.anomaly.detected event (valid for its schema);
// a cleared one, or any signal with events off, becomes none.

import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { type ChipqEvent, checkEventData } from '../events/event-catalog.js';
import type { EventOutbox } from '../events/event-outbox.js';
import { createLogger } from '../observability/logger.js';
import { announceAnomalies } from './anomaly-events.js';
import type { AnomalySignal } from './control-charts/anomaly-monitor.js';

const signal = (state: AnomalySignal['state']): AnomalySignal => ({
  state,
  at: '2026-11-26T01:00:00.000Z',
  model_name: 'pcb_defect_detector',
  model_version: '3',
  chart: 'defect_rate',
  rule: 'psi_major',
  observed: 0.4,
  baseline: 0.1,
  ewma: 0.3,
  limit: 0.2,
});

function setup(enabled: boolean) {
  const emitted: ChipqEvent[] = [];
  let listener: ((s: AnomalySignal) => void) | undefined;
  const events: EventOutbox = {
    enabled,
    async emit(_trx, event) {
      checkEventData(event);
      emitted.push(event);
      return 'id';
    },
  };
  announceAnomalies({
    subscribe: (l) => {
      listener = l;
      return () => {};
    },
    events,
    db: {} as Kysely<Database>,
    logger: createLogger('silent'),
  });
  return { emitted, fire: (s: AnomalySignal) => listener?.(s) };
}

describe('announceAnomalies', () => {
  it('emits one chipq.anomaly.detected per raised signal, none when cleared', async () => {
    const { emitted, fire } = setup(true);
    fire(signal('raised'));
    fire(signal('cleared'));
    await Promise.resolve();
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({
      type: 'chipq.anomaly.detected',
      partitionKey: 'model:pcb_defect_detector',
      data: {
        rule: 'psi_major',
        model: 'pcb_defect_detector',
        version: '3',
        detected_at: '2026-11-26T01:00:00.000Z',
      },
    });
  });

  it('does not subscribe with events off', () => {
    const { emitted, fire } = setup(false);
    fire(signal('raised'));
    expect(emitted).toEqual([]);
  });
});
