/**
 * The built package (tsup's ESM and CJS output in packages/core/dist) talks to Triton with the
 * protos built into it (gen/triton/protos.ts, bundled): no .proto file is read at run time, in
 * either format. `pnpm test:triton` builds first; a missing dist skips with the reason.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Core from '../../packages/core/src/index.js';
import { startTritonServer, type TritonServer, tritonAvailability } from './support/triton-server.js';

const dist = join(import.meta.dirname, '../../packages/core/dist');
const availability = await tritonAvailability();
const reason = !availability.available
  ? availability.reason
  : existsSync(join(dist, 'index.cjs'))
    ? undefined
    : 'packages/core/dist is not built (run `pnpm build`)';

(reason ? describe.skip : describe)(
  reason ? `built package (skipped: ${reason})` : 'built package against Triton',
  () => {
    let server: TritonServer;
    beforeAll(async () => {
      server = await startTritonServer({ name: 'triton-dist', loadModels: ['add_sub'] });
    });
    afterAll(async () => {
      await server?.stop();
    });

    const formats: Array<[string, () => Promise<typeof Core>]> = [
      ['ESM', async () => (await import(pathToFileURL(join(dist, 'index.js')).href)) as typeof Core],
      ['CJS', async () => createRequire(import.meta.url)(join(dist, 'index.cjs')) as typeof Core],
    ];

    it.each(formats)('%s build loads its protos and runs an inference', async (_format, load) => {
      const core = await load();
      const engine = await core.createTritonEngine({ url: server.grpcUrl });
      try {
        expect(await engine.isLive()).toBe(true);
        const result = await engine.infer({
          model: 'add_sub',
          inputs: [
            { name: 'INPUT0', datatype: 'FP32', shape: [1, 4], data: Float32Array.from([1, 2, 3, 4]) },
            { name: 'INPUT1', datatype: 'FP32', shape: [1, 4], data: Float32Array.from([4, 3, 2, 1]) },
          ],
        });
        expect(Array.from(result.outputs[0]?.data as Float32Array)).toEqual([5, 5, 5, 5]);
      } finally {
        await engine.close();
      }
    });
  },
);
