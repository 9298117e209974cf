/**
 * The engine conformance suite: one set of behaviours every engine implementation must show,
 * run against the fixture repository `test/fixtures/models` (CONVENTIONS.md §3, as Hono's
 * `runTest({ newRouter, skip })`). The embedded engine runs it in
 * `packages/core/test/onnx-engine.conformance.test.ts`; the Triton engine runs it against a Triton
 * serving the same models. The cases (in `conformance/`) use only the engine contract, so "same
 * model, same answer" is proven for both. A skipped case must say why.
 *
 * Every case is independent: it gets an engine of its own with no model loaded (on a server, the
 * fixture unloads everything between cases), and the cases run in a random order each time, so
 * a case that leans on what an earlier one left behind fails at once instead of some day.
 *
 * Test-support code: it imports vitest, so it lives under `test/`, outside the published `src`.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
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

/** Every case (they run in a random order; the names are what `skip` accepts). */
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

/** What one engine implementation provides to the suite, opened once per suite. */
export interface ConformanceFixture {
  /** A new engine over the fixture repository with no model loaded, for one case. */
  createEngine(): Promise<Engine>;
  /**
   * Requests for `model` that `engine` (or the server behind it) holds waiting for an instance:
   * received, not yet running. Cases wait on it to know a request has reached the engine.
   */
  queuedRequests(engine: Engine, model: string): Promise<number>;
  /** Brings shared state back to "no model loaded" after a case (a server outlives its engines). */
  reset?(): Promise<void>;
  /** Stops whatever the fixture started. */
  close?(): Promise<void>;
}

export interface EngineConformanceOptions {
  /** Shown in the suite's title, e.g. `onnx` or `triton`. */
  name: string;
  /** Starts what the engines need (nothing, or a server) over `repository`. */
  open: (context: { repository: string }) => Promise<ConformanceFixture>;
  /** The repository handed to `open`. Default: `fixtureRepository`. */
  repository?: string;
  /** Cases to skip, each with the reason shown in the test name. */
  skip?: Partial<Record<ConformanceCase, string>>;
}

/** Registers the suite with vitest: a fixture per suite, an engine per case, random case order. */
export function runEngineConformance(options: EngineConformanceOptions): void {
  const repository = options.repository ?? fixtureRepository;
  // Generous per-case time for the same reason as conformanceTimeoutMs (cases took ~50 s at a load of 30).
  describe(`engine conformance: ${options.name}`, { shuffle: true, timeout: 300_000 }, () => {
    let fixture: ConformanceFixture | undefined;
    const engines: Engine[] = [];
    const known = new Set<string>(conformanceCases);
    const context: ConformanceContext = {
      test(name, body) {
        // A case missing from `conformanceCases` could not be skipped by name: fail loudly.
        if (!known.has(name)) throw new Error(`conformance case "${name}" is not listed in conformanceCases`);
        const reason = options.skip?.[name as ConformanceCase];
        const run = async () => {
          const opened = fixture as ConformanceFixture;
          const engine = await opened.createEngine();
          engines.push(engine);
          await body(engine, {
            untilQueued: (model, count = 1) => untilQueued(() => opened.queuedRequests(engine, model), count),
          });
        };
        if (reason) it.skip(`${name} (skipped: ${reason})`, run);
        else it(name, run);
      },
    };

    beforeAll(async () => {
      fixture = await options.open({ repository });
    }, 300_000);
    afterEach(async () => {
      // close() is idempotent, so a case that closed its engine itself is fine.
      for (const engine of engines.splice(0)) await engine.close();
      await fixture?.reset?.();
    }, 300_000);
    afterAll(async () => {
      await fixture?.close?.();
    }, 300_000);

    registerModelManagementCases(context);
    registerInferenceCases(context);
    registerSchedulingCases(context);
  });
}

/**
 * Resolves once `count()` reaches `wanted`. Polls the engine's own state (no fixed sleep
 * stands in for "the request has arrived"); the test timeout bounds the wait.
 */
async function untilQueued(count: () => Promise<number>, wanted: number): Promise<void> {
  while ((await count()) < wanted) await new Promise((resolve) => setTimeout(resolve, 5));
}
