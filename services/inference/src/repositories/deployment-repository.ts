/** Model deployment events (deploy, load, unload and their failures), newest first. */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database, DeploymentEvent, ModelDeployment } from '../db/database.js';

export interface DeploymentEventInput {
  modelName: string;
  modelVersion?: string | null;
  event: DeploymentEvent;
  detail?: Record<string, unknown>;
  errorCode?: string | null;
  errorMessage?: string | null;
  requestId?: string | null;
  /** Id of the API key that asked (never the secret). */
  apiKeyId?: string | null;
}

/** Who asked for a change: the request and the API key, as stored with each event. */
export interface Audit {
  requestId?: string | undefined;
  apiKeyId?: string | undefined;
}

export async function recordDeploymentEvent(
  db: Kysely<Database> | Transaction<Database>,
  input: DeploymentEventInput,
): Promise<ModelDeployment> {
  return db
    .insertInto('model_deployments')
    .values({
      id: randomUUID(),
      model_name: input.modelName,
      model_version: input.modelVersion ?? null,
      event: input.event,
      detail: JSON.stringify(input.detail ?? {}),
      error_code: input.errorCode ?? null,
      error_message: input.errorMessage ?? null,
      request_id: input.requestId ?? null,
      api_key_id: input.apiKeyId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The latest events for a model, default 20. */
export async function listDeploymentEvents(
  db: Kysely<Database>,
  modelName: string,
  limit = 20,
): Promise<ModelDeployment[]> {
  return db
    .selectFrom('model_deployments')
    .selectAll()
    .where('model_name', '=', modelName)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}
