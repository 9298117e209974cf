/**
 * The events chipq publishes (issue 16), one zod schema per `data`, and the CloudEvents 1.0
 * envelope they travel in. The schemas are registered as OpenAPI components (see
 * `registerEventSchemas`), so the SDK's generated types carry them: one source for what the
 * service writes and what consumers read.
 */

import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/app-env.js';

const verdictStatus = z.enum(['PASS', 'FAIL', 'REVIEW']);
const model = z.object({ name: z.string(), version: z.string() });

const InspectionCompletedSchema = z
  .object({
    result_id: z.uuid().openapi({ description: 'GET /api/v1/inference/{id} returns the full result.' }),
    batch_id: z.uuid().nullable(),
    lot_id: z.string().nullable(),
    wafer_id: z.string().nullable(),
    die_x: z.number().int().nullable(),
    die_y: z.number().int().nullable(),
    station_id: z.string().nullable(),
    model,
    verdict: z.object({ status: verdictStatus, rule: z.string(), score: z.number().nullable() }),
    defect_count: z.number().int(),
    defects_by_class: z.record(z.string(), z.number().int()),
    inspected_at: z.iso.datetime(),
  })
  .openapi('InspectionCompletedEventData');

const BatchCompletedSchema = z
  .object({
    batch_id: z.uuid(),
    status: z.enum(['completed', 'failed', 'cancelled']).openapi({
      description:
        'How the batch ended: every item finished; failed when none completed; cancelled when a cancel stopped any.',
    }),
    item_count: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
    model: z.string().nullable(),
    finished_at: z.iso.datetime(),
  })
  .openapi('BatchCompletedEventData');

const ModelDeployedSchema = z
  .object({
    model: z.string(),
    version: z.string(),
    deployment_id: z.uuid(),
    deployed_at: z.iso.datetime(),
  })
  .openapi('ModelDeployedEventData');

const ModelPromotedSchema = z
  .object({
    model: z.string(),
    from_version: z.string().nullable(),
    to_version: z.string(),
    action: z.enum(['promoted', 'rolled_back']),
    reason: z.string(),
    changed_at: z.iso.datetime(),
  })
  .openapi('ModelPromotedEventData');

const AnomalyDetectedSchema = z
  .object({
    rule: z.string().openapi({ description: 'The anomaly rule that fired.' }),
    model: z.string().nullable(),
    version: z.string().nullable(),
    lot_id: z.string().nullable(),
    severity: z.string(),
    message: z.string(),
    detected_at: z.iso.datetime(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('AnomalyDetectedEventData');

/** Event type (also the NATS subject) to the schema of its `data`. */
const eventDataSchemas = {
  'chipq.inspection.completed': InspectionCompletedSchema,
  'chipq.batch.completed': BatchCompletedSchema,
  'chipq.model.deployed': ModelDeployedSchema,
  'chipq.model.promoted': ModelPromotedSchema,
  'chipq.anomaly.detected': AnomalyDetectedSchema,
} as const;

export type EventType = keyof typeof eventDataSchemas;
const eventTypes = Object.keys(eventDataSchemas) as EventType[];

/** An event as services emit it: its type, its data and what it is about. */
export type ChipqEvent = {
  [T in EventType]: {
    type: T;
    data: z.input<(typeof eventDataSchemas)[T]>;
    /** CloudEvents `subject`: what the event is about within the source (e.g. `lots/L42/wafers/W1`). */
    subject?: string | undefined;
    /**
     * Events with the same key are published in the order they were stored (the lot id for
     * inspections). Also the CloudEvents partitioning extension (`partitionkey`).
     */
    partitionKey?: string | undefined;
  };
}[EventType];

const CloudEventSchema = z
  .object({
    specversion: z.literal('1.0'),
    id: z.uuid().openapi({
      description:
        'Stable across redeliveries (also the NATS `Nats-Msg-Id`): consumers deduplicate on it; delivery is at least once.',
    }),
    source: z.string().openapi({ example: '/chipq/inference' }),
    type: z.enum(eventTypes as [EventType, ...EventType[]]).openapi({
      description: 'Also the NATS subject the event is published on.',
    }),
    subject: z.string().optional(),
    time: z.iso.datetime(),
    datacontenttype: z.literal('application/json'),
    partitionkey: z.string().optional().openapi({
      description:
        'Events with the same key (the lot id for inspections) arrive in the order they were stored.',
    }),
    data: z.unknown(),
  })
  .openapi('CloudEvent', {
    description:
      'The CloudEvents 1.0 structured-mode JSON envelope of every chipq event; `data` follows the schema named after its type.',
  });

export type CloudEvent = z.infer<typeof CloudEventSchema>;

/** Validates an event's data as its type requires; throws on a mismatch (a bug, never input). */
export function checkEventData(event: ChipqEvent): unknown {
  return eventDataSchemas[event.type].parse(event.data);
}

/** Puts the envelope and every data schema into the OpenAPI document's components. */
export function registerEventSchemas(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.register('CloudEvent', CloudEventSchema);
  for (const [type, schema] of Object.entries(eventDataSchemas))
    app.openAPIRegistry.register(dataSchemaName(type), schema);
}

/** `chipq.inspection.completed` -> `InspectionCompletedEventData`. */
function dataSchemaName(type: string): string {
  const words = type.split('.').slice(1);
  return `${words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}EventData`;
}
