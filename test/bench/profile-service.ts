/**
 * A CPU profile of the service's main thread under load: the built service runs with
 * `node --cpu-prof` on a fresh data folder, autocannon (in its own process) drives predicts at
 * concurrency 50, the service shuts down gracefully and node writes the profile. Prints where
 * the main thread's time went: by area (our packages, each library, GC, idle) and the top
 * functions by self time. Worker threads (onnxruntime instances) are profiled by node too, one
 * file each, and summarised the same way.
 *
 * Usage: tsx test/bench/profile-service.ts [--seconds 20] [--out dir] [--entry path/to/main.js]
 *        [--database-url postgres://...]
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadBenchPairs, repoRoot } from './bench-inputs.js';
import { formatTable, loadAverage } from './bench-util.js';
import { httpLoad, predictBody, predictContentType } from './http-load.js';
import { startServiceProcess } from './service-process.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  /** Microseconds on one monotonic clock shared by every thread's profile. */
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame belongs: our package, a library (by package name), or V8/node internals. */
function areaOf(url: string, name: string): string {
  if (name === '(idle)' || name === '(garbage collector)' || name === '(program)') return name;
  if (url === '') return '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return (rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]) ?? url;
  }
  if (url.startsWith('node:')) return 'node internals';
  const match = /(packages|services)\/([^/]+)\//.exec(url);
  return match ? `chipq ${match[2]}` : url;
}

/** Self time per area and per function, in ms and % of the profile, from sample time `fromUs` on. */
export function summariseProfile(profile: CpuProfile, fromUs = 0, top = 15) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= fromUs) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...selfUs.values()].reduce((sum, us) => sum + us, 0);
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const where = frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where} [${area}]`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const rank = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => [name, us / 1000, (100 * us) / total] as [string, number, number]);
  return { totalMs: total / 1000, areas: rank(areas), functions: rank(functions) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '20' },
      out: { type: 'string', default: path.join(repoRoot, 'test/.tmp/profiles', new Date().toISOString()) },
      entry: { type: 'string' },
      'database-url': { type: 'string' },
    },
  });
  const out = values.out as string;
  await mkdir(out, { recursive: true });
  const load = loadAverage();
  const service = await startServiceProcess({
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${out}`],
    ...(values.entry ? { entry: values.entry } : {}),
    env: values['database-url'] ? { DATABASE_URL: values['database-url'] } : {},
  });
  const { pairs } = await loadBenchPairs(8);
  // Only the load is summarised: start-up (initdb, model loading) is the start-up bench's business.
  const skipUs = (performance.now() - service.spawnedAt) * 1000;
  const result = await httpLoad({
    url: service.url,
    path: '/api/v1/inference/predict',
    contentType: predictContentType,
    bodies: pairs.map(predictBody),
    concurrency: 50,
    durationS: Number(values.seconds),
  });
  await service.stop();
  console.log(
    `load: ${result.throughput.toFixed(1)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.errors} errors; load average ${load.join(' ')} -> ${loadAverage().join(' ')}`,
  );
  // Main thread first (thread id 0 in node's file name), then the workers.
  const files = (await readdir(out)).filter((file) => file.endsWith('.cpuprofile')).sort();
  const profiles = await Promise.all(
    files.map(async (file) => JSON.parse(await readFile(path.join(out, file), 'utf8')) as CpuProfile),
  );
  const loadFromUs = (profiles[0]?.startTime ?? 0) + skipUs;
  for (const [i, file] of files.entries()) {
    const summary = summariseProfile(profiles[i] as CpuProfile, loadFromUs);
    console.log(`\n== ${file}: ${(summary.totalMs / 1000).toFixed(1)} s sampled under load`);
    console.log(formatTable(['area', 'self ms', '%'], summary.areas));
    console.log(formatTable(['function', 'self ms', '%'], summary.functions));
  }
  console.log(`\nprofiles: ${out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
