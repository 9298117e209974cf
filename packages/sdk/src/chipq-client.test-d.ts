// Type tests (vitest typecheck): what users get inferred from the client, checked by the
// compiler only. A change in openapi/openapi.json that breaks these is a breaking SDK change.
import { describe, expectTypeOf, it } from 'vitest';
import {
  type Batch,
  type ChipqApiError,
  type ChipqClient,
  createChipqClient,
  type InferenceResult,
  type ModelStatus,
  type ProblemCode,
} from './index.js';

const client: ChipqClient = createChipqClient({ baseUrl: 'http://localhost:8080' });

describe('inferred request and response types', () => {
  it('predict returns an InferenceResult with typed verdicts and detections', () => {
    expectTypeOf(client.predict({ image: new Uint8Array() })).resolves.toEqualTypeOf<InferenceResult>();
    expectTypeOf<InferenceResult['verdict']>().toEqualTypeOf<{
      status: 'PASS' | 'FAIL' | 'REVIEW';
      rule: string;
      reason: string;
      score: number;
    } | null>();
    expectTypeOf<InferenceResult['detections'][number]['box']>().toEqualTypeOf<{
      x1: number;
      y1: number;
      x2: number;
      y2: number;
    }>();
  });

  it('predict accepts bytes, Blobs or base64 strings and rejects anything else', () => {
    expectTypeOf(client.predict).toBeCallableWith({ image: new Blob([]), reference: new Uint8Array() });
    expectTypeOf(client.predict).toBeCallableWith({ image: 'aGk=', model: 'm', version: 2, dieX: 1 });
    // @ts-expect-error a number is not an image
    client.predict({ image: 42 });
    // @ts-expect-error traceability fields are camelCase in the SDK
    client.predict({ image: new Uint8Array(), lot_id: 'x' });
  });

  it('getResult is a union told apart by kind', () => {
    type Got = Awaited<ReturnType<ChipqClient['getResult']>>;
    expectTypeOf<Extract<Got, { kind: 'batch' }>>().toEqualTypeOf<Batch>();
    expectTypeOf<Batch['items'][number]['result']>().toEqualTypeOf<InferenceResult | null>();
    expectTypeOf(client.getResult).toBeCallableWith('id', { limit: 10, status: 'failed' });
    // @ts-expect-error not a batch item status
    client.getResult('id', { status: 'done' });
  });

  it('listResults takes typed filters and answers a page of results', () => {
    expectTypeOf(client.listResults({ verdict: 'FAIL', lot_id: 'L' })).resolves.toMatchTypeOf<{
      items: InferenceResult[];
      page: { next_cursor: string | null };
    }>();
    // @ts-expect-error not a verdict
    client.listResults({ verdict: 'MAYBE' });
  });

  it('query parameters and model calls are typed from the OpenAPI document', () => {
    expectTypeOf(client.models.load('m')).resolves.toEqualTypeOf<ModelStatus>();
    expectTypeOf(client.monitoring.anomalies).toBeCallableWith('m', { window_minutes: 5, min_samples: 3 });
    expectTypeOf(client.waitForBatch)
      .parameter(1)
      .toMatchTypeOf<
        { onProgress?: (p: Batch['progress'], b: Batch) => void; signal?: AbortSignal } | undefined
      >();
  });

  it('errors carry the closed set of codes', () => {
    expectTypeOf<ChipqApiError['code']>().toEqualTypeOf<ProblemCode>();
    expectTypeOf<'MODEL_NOT_FOUND'>().toMatchTypeOf<ProblemCode>();
    expectTypeOf<ChipqApiError['errors'][number]['field']>().toBeString();
  });
});
