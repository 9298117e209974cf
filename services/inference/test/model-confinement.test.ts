/**
 * Issue 10, item 2: a deployed config may not name files outside its model's folder, ask for
 * unbounded memory or threads, or nest without bound; staging is cleaned at start-up; error
 * details name files relative to the repository. Each case here answered 201 or 500, or wrote
 * a file outside the repository, before the fix.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/start-service.js';
import { body } from './helpers/http.js';
import {
  adminHeaders,
  createTestEnvironment,
  readDiffDetector,
  type TestEnvironment,
} from './helpers/test-service.js';

const { onnx, configText } = await readDiffDetector();

function deployForm(name: string, config: string, labels?: string): FormData {
  const data = new FormData();
  data.append('name', name);
  data.append('model', new Blob([onnx as Uint8Array<ArrayBuffer>]), 'model.onnx');
  data.append('config', new Blob([config]), 'config.pbtxt');
  if (labels !== undefined) data.append('labels', new Blob([labels]), 'labels.txt');
  return data;
}

const renamed = (name: string) => configText.replace('name: "diff_detector"', `name: "${name}"`);

describe('model config confinement and limits', () => {
  let env: TestEnvironment;
  let service: RunningService;
  const outside = path.join(os.tmpdir(), `chipq-escape-${process.pid}`);
  const deploy = (name: string, config: string, labels?: string) =>
    service.app.request('/api/v1/models/deploy', {
      method: 'POST',
      body: deployForm(name, config, labels),
      headers: adminHeaders,
    });

  beforeAll(async () => {
    env = await createTestEnvironment('pglite', ['diff_detector']);
    // A deploy interrupted long ago left this behind.
    const leftover = path.join(env.repository, '.staging', 'crashed-deploy');
    await mkdir(path.join(leftover, 'x', '1'), { recursive: true });
    const old = new Date(Date.now() - 3600_000);
    await utimes(leftover, old, old);
    service = await env.start({ worker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it('cleans the staging folder at start-up', async () => {
    expect(await readdir(path.join(env.repository, '.staging'))).toEqual([]);
  });

  const escapes: Array<[string, { config: string; field: string; labels?: string }]> = [
    [
      'default_model_filename with ../ (arbitrary file write)',
      {
        config: `${renamed('escape_write')}\ndefault_model_filename: "../../../../../../..${outside}/pwned.onnx"`,
        field: 'default_model_filename',
      },
    ],
    [
      'an absolute default_model_filename',
      {
        config: `${renamed('escape_abs')}\ndefault_model_filename: "${outside}/x.onnx"`,
        field: 'default_model_filename',
      },
    ],
    [
      'label_filename with ../ and a labels upload (arbitrary file write)',
      {
        config: renamed('escape_labels').replace(
          'label_filename: "labels.txt"',
          `label_filename: "../../../..${outside}/labels.txt"`,
        ),
        field: 'output[2].label_filename',
        labels: 'a\nb\n',
      },
    ],
    [
      'label_filename pointing at a system file (arbitrary file read)',
      {
        config: renamed('escape_read').replace(
          'label_filename: "labels.txt"',
          'label_filename: "../../../../../../../etc/hostname"',
        ),
        field: 'output[2].label_filename',
      },
    ],
  ];
  it.each(escapes)('refuses %s with 422 and writes nothing', async (_name, { config, field, labels }) => {
    const before = (await readdir(env.repository)).sort();
    const response = await deploy(config.match(/name: "(\w+)"/)?.[1] as string, config, labels);
    expect(response.status).toBe(422);
    const problem = await body(response);
    expect(problem.code).toBe('MODEL_CONFIG_INVALID');
    expect(problem.details.field).toBe(field);
    expect(existsSync(outside)).toBe(false);
    expect((await readdir(env.repository)).sort()).toEqual(before);
    expect(JSON.stringify(problem)).not.toContain(env.repository);
  });

  const limits: Array<[string, { config: string; field: string; limit: number }]> = [
    [
      'dims of a billion',
      {
        config: renamed('huge_dims').replace('dims: [ 1, 64, 64 ] },', 'dims: [ 1000000000 ] },'),
        field: 'input[0].dims',
        limit: 1 << 20,
      },
    ],
    [
      'a billion elements in several dims',
      {
        config: renamed('huge_elements').replace('dims: [ 4, 4 ] }', 'dims: [ 100000, 100000 ] }'),
        field: 'output[0].dims',
        limit: 64 * 1024 * 1024,
      },
    ],
    [
      '10,000 instances',
      {
        config: `${renamed('many_instances')}\ninstance_group [ { count: 10000, kind: KIND_CPU } ]`,
        field: 'instance_group.count',
        limit: 64,
      },
    ],
  ];
  it.each(limits)(
    'refuses %s with 422 naming the field and the limit',
    async (_name, { config, field, limit }) => {
      const response = await deploy(config.match(/name: "(\w+)"/)?.[1] as string, config);
      expect(response.status).toBe(422);
      const problem = await body(response);
      expect(problem).toMatchObject({ code: 'MODEL_CONFIG_INVALID', details: { field, limit } });
      expect(problem.detail).toContain(String(limit));
      expect(await readdir(path.join(env.repository, '.staging'))).toEqual([]);
    },
  );

  it('refuses a 10,000-deep config with 422, not 500', async () => {
    const deep = `${renamed('deep')}\nparameters { key: "x" value: ${'{ a '.repeat(10_000)}${'}'.repeat(10_000)} }`;
    const response = await deploy('deep', deep);
    expect(response.status).toBe(422);
    expect((await body(response)).detail).toMatch(/nest deeper than 32/);
  });

  it('does not read a labels.txt that is a symlink out of the repository', async () => {
    const folder = path.join(env.repository, 'linked');
    await mkdir(path.join(folder, '1'), { recursive: true });
    await writeFile(path.join(folder, 'config.pbtxt'), renamed('linked'));
    await writeFile(path.join(folder, '1', 'model.onnx'), onnx);
    await symlink('/etc/hostname', path.join(folder, 'labels.txt'));
    const response = await service.app.request('/api/v1/models/linked', { headers: adminHeaders });
    const text = await response.text();
    expect(response.status).toBe(422);
    expect(text).toContain('outside the model repository');
    expect(text).not.toContain((await readFile('/etc/hostname', 'utf8')).trim());
    expect(text).not.toContain(env.repository);
  });
});
