/**
 * Every migration, listed by name. A static provider rather than a folder scan so the bundled
 * `dist/main.js` carries them (tsup inlines imports; a FileMigrationProvider would look for
 * files that are not there). Add new migrations here, date-prefixed, in order.
 */
import type { Migration } from 'kysely';
import * as initialSchema from './2026-11-22-initial-schema.js';
import * as batchProgressCounters from './2026-11-25-batch-progress-counters.js';
import * as keys from './2026-11-25-keys.js';
import * as queueAvailableAt from './2026-11-25-queue-available-at.js';
import * as defaultVersions from './2026-11-26-default-versions.js';
import * as experiments from './2026-11-27-b-1-experiments.js';
import * as promotionGate from './2026-11-27-b-2-promotion-gate.js';
import * as reviews from './2026-11-27-c-reviews.js';
import * as eventOutbox from './2026-11-27-e-event-outbox.js';

export const migrations: Record<string, Migration> = {
  '2026-11-22-initial-schema': initialSchema,
  '2026-11-25-batch-progress-counters': batchProgressCounters,
  '2026-11-25-keys': keys,
  // Sorted after 'keys' on purpose: Kysely runs migrations in name order.
  '2026-11-25-queue-available-at': queueAvailableAt,
  '2026-11-26-default-versions': defaultVersions,
  '2026-11-27-b-1-experiments': experiments,
  '2026-11-27-b-2-promotion-gate': promotionGate,
  '2026-11-27-c-reviews': reviews,
  '2026-11-27-e-event-outbox': eventOutbox,
};
