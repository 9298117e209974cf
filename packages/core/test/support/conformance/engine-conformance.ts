/**
 * The engine conformance suite: one set of behaviours every engine implementation must show,
 * run against the fixture repository `test/fixtures/models` (CONVENTIONS.md §3, as Hono's
 * `runTest({ newRouter, skip })`). The embedded engine runs it in
 * `packages/core/test/onnx-engine.conformance.test.ts`; the Triton engine runs it against a Triton
 * serving the same models. The cases (in `conformance/`) use only the engine contract, so "same
 * model, same answer" is proven for both. A skipped case must say why.
 *
 * Test-support code: it imports vitest, so it lives under `test/`, outside the published `src`.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Engine } from '../../../src/engine/engine.js';
import type { ConformanceContext } from './conformance-context.js';
import { registerInferenceCases } from './inference-cases.js';
import { registerModelManagementCases } from './model-management-cases.js';
import { registerSchedulingCases } from './scheduling-cases.js';

/** The fixture model repository written by test/fixtures/make-models.py. */
export const fixtureRepository = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../../test/fixtures/models',
);

/** Every case, in the order it runs (`close` last: it closes the engine). */
const conformanceCases = [
  'live and ready',
  'repository index',
  'load failure',
  'load and unload',
  'reload with a config override',
  'reload keeps in-flight requests',
  'model not found',
  'version selection',
  'metadata',
  'model config',
  'infer add_sub',
  'timing',
  'infer uint8_pair',
  'batch of several images in one request',
  'model without batching',
  'requested outputs and request id',
  'invalid inputs',
  'concurrent requests form batches',
  'different shapes in flight',
  'cancel a queued request',
  'deadline of a queued request',
  'statistics',
  'unload with requests in flight',
  'close',
] as const;
type ConformanceCase = (typeof conformanceCases)[number];

export interface EngineConformanceOptions {
  /** Shown in the suite's title, e.g. `onnx` or `triton`. */
  name: string;
  /** Creates the engine over `repository`, with no model loaded; `cleanup` runs after `close`. */
  createEngine: (context: {
    repository: string;
  }) => Promise<{ engine: Engine; cleanup?: () => Promise<void> }>;
  /** The repository handed to `createEngine`. Default: `fixtureRepository`. */
  repository?: string;
  /** Cases to skip, each with the reason shown in the test name. */
  skip?: Partial<Record<ConformanceCase, string>>;
}

/** Registers the suite with vitest: one engine for all cases, created before and closed after. */
export function runEngineConformance(options: EngineConformanceOptions): void {
  const repository = options.repository ?? fixtureRepository;
  describe(`engine conformance: ${options.name}`, () => {
    let engine: Engine | undefined;
    let cleanup: (() => Promise<void>) | undefined;
    const known = new Set<string>(conformanceCases);
    const context: ConformanceContext = {
      test(name, body) {
        // A case missing from `conformanceCases` could not be skipped by name: fail loudly.
        if (!known.has(name)) throw new Error(`conformance case "${name}" is not listed in conformanceCases`);
        const reason = options.skip?.[name as ConformanceCase];
        const run = () => body(engine as Engine);
        if (reason) it.skip(`${name} (skipped: ${reason})`, run);
        else it(name, run);
      },
    };

    beforeAll(async () => {
      ({ engine, cleanup } = await options.createEngine({ repository }));
    });
    afterAll(async () => {
      await engine?.close();
      await cleanup?.();
    });

    registerModelManagementCases(context);
    registerInferenceCases(context);
    registerSchedulingCases(context);
  });
}
