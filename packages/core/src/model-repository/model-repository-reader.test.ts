import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  hasModelFolder,
  listModelFolders,
  readModelEntry,
  readModelRepository,
} from './model-repository-reader.js';

const DETECTOR = `
name: "detector"
platform: "onnxruntime_onnx"
max_batch_size: 8
input [{ name: "image", data_type: TYPE_FP32, format: FORMAT_NCHW, dims: [3, 64, 64] }]
output [{ name: "boxes", data_type: TYPE_FP32, dims: [-1, 6] }]
version_policy: { latest: { num_versions: 2 } }
`;

let root: string;

async function put(path: string, content = ''): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'chipq-repo-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('readModelRepository', () => {
  it('lists models with config.pbtxt, their version folders, labels and card', async () => {
    await put('detector/config.pbtxt', DETECTOR);
    await put('detector/1/model.onnx', 'x');
    await put('detector/10/model.onnx', 'x');
    await put('detector/2/model.onnx', 'x');
    await put('detector/3/notes.txt', 'no model file: not a version');
    await put('detector/0/model.onnx', 'zero is not a version');
    await put('detector/latest/model.onnx', 'not numeric');
    await put('detector/labels.txt', 'open\nshort\r\nmousebite\n');
    await put('detector/README.md', '# Detector\n');
    await put('training/data/x.txt', 'not a model: no config.pbtxt');
    await put('classifier/config.pbtxt', 'backend: "onnxruntime"\ndefault_model_filename: "net.onnx"\n');
    await put('classifier/1/net.onnx', 'x');
    await put('classifier/2/model.onnx', 'not the configured file');
    await put('stray.txt', 'a file at the top');

    const entries = await readModelRepository(root);

    expect(entries.map((e) => e.name)).toEqual(['classifier', 'detector']);
    const [classifier, detector] = entries;
    expect(detector).toMatchObject({
      name: 'detector',
      path: join(root, 'detector'),
      labels: ['open', 'short', 'mousebite'],
      card: '# Detector\n',
      config: { name: 'detector', backend: 'onnxruntime', maxBatchSize: 8 },
    });
    expect(detector?.versions).toEqual(
      [1, 2, 10].map((v) => ({
        version: v,
        path: join(root, 'detector', String(v)),
        modelFile: join(root, 'detector', String(v), 'model.onnx'),
      })),
    );
    expect(classifier?.config.name).toBe('classifier');
    expect(classifier?.config.platform).toBe('onnxruntime_onnx');
    expect(classifier?.versions.map((v) => v.modelFile)).toEqual([join(root, 'classifier', '1', 'net.onnx')]);
    expect(classifier?.labels).toBeUndefined();
    expect(classifier?.card).toBeUndefined();
  });

  it('follows symbolic links to model and version folders', async () => {
    await put('store/detector-v1/model.onnx', 'x');
    await put('detector/config.pbtxt', DETECTOR);
    await symlink(join(root, 'store', 'detector-v1'), join(root, 'detector', '1'));
    const [entry] = await readModelRepository(root);
    expect(entry?.versions.map((v) => v.version)).toEqual([1]);
  });

  it('prefers the output label_filename over labels.txt', async () => {
    const config = DETECTOR.replace('dims: [-1, 6] }', 'dims: [-1, 6], label_filename: "classes.txt" }');
    await put('detector/config.pbtxt', config);
    await put('detector/classes.txt', 'a\nb');
    await put('detector/labels.txt', 'x\ny');
    expect((await readModelEntry(root, 'detector')).labels).toEqual(['a', 'b']);
  });

  it('fails naming the file when a declared label file is missing', async () => {
    await put(
      'detector/config.pbtxt',
      DETECTOR.replace('dims: [-1, 6] }', 'dims: [-1, 6], label_filename: "gone.txt" }'),
    );
    await expect(readModelEntry(root, 'detector')).rejects.toMatchObject({
      code: 'MODEL_CONFIG_INVALID',
      message: `${join('detector', 'config.pbtxt')}: label_filename gone.txt does not exist`,
    });
  });

  it('fails naming the file, line and column of a bad config', async () => {
    await put('good/config.pbtxt', DETECTOR.replace('"detector"', '"good"'));
    await put('bad/config.pbtxt', 'name: "bad"\nmax_batch_size: -1\n');
    const file = join('bad', 'config.pbtxt'); // relative to the repository: no server paths in errors
    await expect(readModelRepository(root)).rejects.toMatchObject({
      code: 'MODEL_CONFIG_INVALID',
      details: { file, line: 2, column: 17, field: 'max_batch_size' },
    });
  });

  it('reports a missing repository and a missing model as MODEL_NOT_FOUND', async () => {
    await put('detector/config.pbtxt', DETECTOR);
    await expect(readModelRepository(join(root, 'nope'))).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(readModelEntry(root, 'training')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(readModelEntry(root, '../detector')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(readModelEntry(root, 'detector')).resolves.toMatchObject({ name: 'detector', versions: [] });
  });

  it('stops when the signal is aborted', async () => {
    await put('detector/config.pbtxt', DETECTOR);
    await expect(readModelRepository(root, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });
});

describe('listModelFolders / hasModelFolder', () => {
  it('names the folders and links to folders that hold a config.pbtxt, sorted, without parsing them', async () => {
    await put('zeta/config.pbtxt', 'not parsed: { unbalanced');
    await put('alpha/config.pbtxt', DETECTOR);
    await put('.staging/0f3c/alpha/config.pbtxt', DETECTOR);
    await put('training/data/x.txt', 'no config.pbtxt');
    await put('stray.txt', 'a file');
    await mkdir(join(root, 'elsewhere/linked'), { recursive: true });
    await writeFile(join(root, 'elsewhere/linked/config.pbtxt'), DETECTOR);
    await symlink(join(root, 'elsewhere/linked'), join(root, 'linked'));

    expect(await listModelFolders(root)).toEqual(['alpha', 'linked', 'zeta']);
    expect(await hasModelFolder(root, 'alpha')).toBe(true);
    expect(await hasModelFolder(root, 'training')).toBe(false);
    expect(await hasModelFolder(join(root, 'training'), '../alpha')).toBe(false);
  });

  it('reports a repository that cannot be read as MODEL_NOT_FOUND', async () => {
    await expect(listModelFolders(join(root, 'nope'))).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: expect.stringContaining('cannot read model repository'),
    });
  });
});
