/**
 * The contract as outside tools read it: Redocly's linter (the engine of `redocly lint`) with the
 * repository's redocly.yaml — the `recommended` rules, less `no-unused-components` for the event
 * payloads published to NATS — finds nothing to report in openapi/openapi.json: every operation
 * has an operationId, a summary, a security requirement and a 4xx answer. Fix findings in the
 * route definitions and regenerate with `pnpm openapi:write`, never by editing the file.
 */
import { fileURLToPath } from 'node:url';
import { createConfig, lint, lintFromString, loadConfig } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';

const committedFile = fileURLToPath(new URL('../../../openapi/openapi.json', import.meta.url));
const configFile = fileURLToPath(new URL('../../../redocly.yaml', import.meta.url));

/** Each finding as `severity rule: message (where)`, so a failure reads like the CLI's report. */
const findings = (problems: Awaited<ReturnType<typeof lint>>): string[] =>
  problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} (${p.location[0]?.pointer ?? 'document'})`);

describe('redocly lint, recommended rules (redocly.yaml)', () => {
  it('reports nothing for openapi/openapi.json', async () => {
    const config = await loadConfig({ configPath: configFile });
    expect(findings(await lint({ ref: committedFile, config }))).toEqual([]);
  });

  it('does report what the rules forbid (the check can fail)', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const bare = JSON.stringify({
      openapi: '3.1.0',
      info: { title: 'bare', version: '1' },
      paths: { '/thing': { get: { responses: { '200': { description: 'ok' } } } } },
    });
    const rules = (await lintFromString({ source: bare, absoluteRef: '/bare.json', config })).map(
      (p) => p.ruleId,
    );
    expect(rules).toEqual(
      expect.arrayContaining(['operation-operationId', 'operation-4xx-response', 'security-defined']),
    );
  });
});
