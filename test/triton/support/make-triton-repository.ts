/**
 * Turns a chipq ONNX model repository (Triton layout: `<name>/config.pbtxt`,
 * `<name>/<version>/model.onnx`) into one the Triton bundled in nvidia-pytriton can serve: that
 * build has only the Python backend, so each version gets a `model.py`
 * (scripts/triton/onnx_model.py) that runs its model.onnx with onnxruntime.
 *
 * The config keeps everything the user wrote — name, inputs, outputs, max_batch_size,
 * dynamic_batching, version_policy, parameters — as text, so Triton parses exactly what a user
 * would give it; only the backend changes and instances move to the CPU. The source repository is
 * never modified.
 *
 *   tsx test/triton/support/make-triton-repository.ts <onnx-repository> <target>
 */
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listModelFolders } from '@chipq/core/model-repository';

const here = dirname(fileURLToPath(import.meta.url));
/** The Python-backend model that wraps each model.onnx. */
const onnxModelPy = resolve(here, '../../../scripts/triton/onnx_model.py');

export interface MakeTritonRepositoryOptions {
  /** Models to convert. Default: every folder of the sources that holds a config.pbtxt. */
  models?: string[];
}

/**
 * Writes the Python-backend repository for `source` (one repository, or several merged; a name
 * found twice comes from the first) into `target`, replacing what was there, and returns the
 * names of the models written.
 */
export async function makeTritonRepository(
  source: string | readonly string[],
  target: string,
  options: MakeTritonRepositoryOptions = {},
): Promise<string[]> {
  const sources = typeof source === 'string' ? [source] : source;
  const found = new Map<string, string>();
  for (const folder of sources) {
    for (const name of await listModelFolders(folder))
      if (!found.has(name)) found.set(name, join(folder, name));
  }
  const names = options.models ?? [...found.keys()].sort();
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  for (const name of names) {
    const from = found.get(name);
    if (!from) throw new Error(`no model ${name} in ${sources.join(', ')}`);
    await convertModel(from, join(target, name));
  }
  return names;
}

async function convertModel(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.name === 'config.pbtxt') {
      await writeFile(join(to, entry.name), toPythonBackendConfig(await readFile(source, 'utf8')));
    } else if (entry.isDirectory() && /^\d+$/.test(entry.name)) {
      await mkdir(join(to, entry.name), { recursive: true });
      for (const file of await readdir(source))
        await copyFile(join(source, file), join(to, entry.name, file));
      await copyFile(onnxModelPy, join(to, entry.name, 'model.py'));
    } else if (entry.isFile()) {
      await copyFile(source, join(to, entry.name)); // labels.txt, model card
    }
  }
}

/**
 * Rewrites a config.pbtxt for the Python backend: top-level `platform` / `backend` become
 * `backend: "python"`, every instance group runs on the CPU (no `gpus`), and a config without
 * instance groups gets one KIND_CPU group (Triton would pick KIND_GPU on a GPU machine).
 */
function toPythonBackendConfig(text: string): string {
  const depth = depthAt(text);
  let out = text.replace(/\b(platform|backend)\s*:\s*"[^"]*"\s*\n?/g, (match, _f, offset: number) =>
    depth[offset] === 0 ? '' : match,
  );
  out = out.replace(/\bKIND_(GPU|AUTO)\b/g, 'KIND_CPU').replace(/\bgpus\s*:\s*\[[^\]]*\]\s*,?/g, '');
  const hasGroups = [...out.matchAll(/\binstance_group\b/g)].some((m) => depthAt(out)[m.index] === 0);
  if (!hasGroups) out = `${out.trimEnd()}\ninstance_group [ { kind: KIND_CPU } ]\n`;
  return `backend: "python"\n${out}`;
}

/** Nesting depth ({ and [) at every offset, ignoring strings and # comments. */
function depthAt(text: string): number[] {
  const depth: number[] = new Array<number>(text.length);
  let level = 0;
  let quote = '';
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    depth[i] = level;
    if (comment) comment = c !== '\n';
    else if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') comment = true;
    else if (c === '{' || c === '[') level++;
    else if (c === '}' || c === ']') level--;
  }
  return depth;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [source, target] = process.argv.slice(2);
  if (!source || !target) {
    console.error('usage: tsx test/triton/support/make-triton-repository.ts <onnx-repository> <target>');
    process.exit(2);
  }
  const names = await makeTritonRepository(source, target);
  console.log(`wrote ${names.length} models to ${target}: ${names.join(', ')}`);
}
