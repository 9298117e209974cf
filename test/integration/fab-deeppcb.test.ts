/**
 * Issue 16 end to end on real DeepPCB pairs and the shipped pcb_defect_detector: inspected with
 * lot, wafer, die and station ids, then read back as the lot and wafer summaries, the wafer map
 * (SVG, and SEMI G85 read by the PyPI `g85` reader), and KLARF 1.8 read by the PyPI `klarfio`
 * reader, whose every defect must match a stored detection: die, position in micrometres (the
 * station's pixel size on one wafer, the model's on the other) and class. The readers live in a
 * cached venv (scripts/fab-readers/install.sh). Skips with a message without the dataset.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../services/inference/src/config/load-config.js';
import { createLogger } from '../../services/inference/src/observability/logger.js';
import { type RunningService, startService } from '../../services/inference/src/start-service.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const dataset = path.join(root, '..', 'shared', 'datasets', 'deeppcb', 'trainval');
const present = existsSync(dataset);
if (!present) console.warn(`fab-deeppcb: skipped, the DeepPCB dataset is not at ${dataset}`);

const lot = `DPCB-${Date.now().toString(36)}`;
const stationUm = 15; // AOI-CAM-1 in STATION_PIXEL_SIZES
const modelUm = 20.833; // pcb_defect_detector's chipq.pixel_size_um (48 px/mm)

interface Stored {
  id: string;
  wafer: string;
  dieX: number;
  dieY: number;
  verdict: string;
  imageHeight: number;
  detections: Array<{
    defect_type: string;
    location: { x: number; y: number; width: number; height: number };
  }>;
}

describe.skipIf(!present)('lots, wafer maps and KLARF on DeepPCB pairs', () => {
  let service: RunningService;
  let dir: string;
  let python: string;
  const stored: Stored[] = [];
  const get = (p: string) => service.app.request(`/api/v1${p}`);

  /** The export at `p` read back by the independent reader. */
  async function readBack(kind: 'klarf' | 'g85', p: string) {
    const response = await get(p);
    expect(response.status).toBe(200);
    const file = path.join(dir, `export.${kind}`);
    await writeFile(file, await response.text());
    const { stdout } = await run(python, [
      path.join(root, 'test/integration/support/read-fab-exports.py'),
      kind,
      file,
    ]);
    return JSON.parse(stdout);
  }

  beforeAll(async () => {
    ({ stdout: python } = await run('bash', [path.join(root, 'scripts/fab-readers/install.sh')]));
    python = python.trim();
    dir = await mkdtemp(path.join(os.tmpdir(), 'chipq-fab-'));
    const config = loadConfig(
      {
        MODEL_REPOSITORY: path.join(root, 'models'),
        DATA_DIR: path.join(dir, 'data'),
        STATION_PIXEL_SIZES: `AOI-CAM-1=${stationUm}`,
      },
      dir,
    );
    service = await startService({
      config,
      defaultModel: 'pcb_defect_detector',
      logger: createLogger('silent'),
      worker: false,
    });
    const pairs = (await readdir(dataset))
      .filter((f) => f.endsWith('_test.jpg'))
      .sort()
      .slice(0, 12);
    // W01: 8 dies (4 x 2) from a station with its own pixel size; W02: 4 dies, the model's.
    for (const [i, name] of pairs.entries()) {
      const onW01 = i < 8;
      const die = onW01 ? i : i - 8;
      const fields = {
        lot_id: lot,
        wafer_id: onW01 ? 'W01' : 'W02',
        die_x: String(die % 4),
        die_y: String(Math.floor(die / 4)),
        station_id: onW01 ? 'AOI-CAM-1' : 'AOI-CAM-2',
      };
      const form = new FormData();
      const jpeg = async (file: string) =>
        new Blob([await readFile(path.join(dataset, file))], { type: 'image/jpeg' });
      form.append('image', await jpeg(name), name);
      form.append('reference', await jpeg(name.replace('_test', '_temp')), name);
      for (const [key, value] of Object.entries(fields)) form.append(key, value);
      const response = await service.app.request('/api/v1/inference/predict', { method: 'POST', body: form });
      expect(response.status).toBe(200);
      const result = await response.json();
      stored.push({
        id: result.id,
        wafer: fields.wafer_id,
        dieX: Number(fields.die_x),
        dieY: Number(fields.die_y),
        verdict: result.verdict.status,
        imageHeight: result.image.height,
        detections: result.detections,
      });
    }
  }, 600_000);
  afterAll(async () => {
    await service?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('summarises the lot: wafers, verdict mix, yield, defects per class, models', async () => {
    const summary = await (await get(`/lots/${lot}`)).json();
    const count = (v: string) => stored.filter((s) => s.verdict === v).length;
    expect(summary).toMatchObject({
      lot_id: lot,
      dies_inspected: 12,
      verdicts: { pass: count('PASS'), fail: count('FAIL'), review: count('REVIEW'), no_verdict: 0 },
      results: 12,
      defects: stored.reduce((n, s) => n + s.detections.length, 0),
    });
    expect(summary.wafers.map((w: { wafer_id: string }) => w.wafer_id)).toEqual(['W01', 'W02']);
    const byClass: Record<string, number> = {};
    for (const s of stored)
      for (const d of s.detections) byClass[d.defect_type] = (byClass[d.defect_type] ?? 0) + 1;
    expect(
      Object.fromEntries(
        summary.defects_by_class.map((c: { defect_type: string; count: number }) => [c.defect_type, c.count]),
      ),
    ).toEqual(byClass);
    expect(summary.models).toHaveLength(1);
    expect(summary.models[0]).toMatchObject({ name: 'pcb_defect_detector', results: 12 });
    const listed = await (await get('/lots?limit=200')).json();
    expect(listed.items.find((l: { lot_id: string }) => l.lot_id === lot)).toMatchObject({
      dies_inspected: 12,
      wafers: 2,
    });
  });

  it('lists each die of a wafer with its verdict, defect count and result', async () => {
    const wafer = await (await get(`/lots/${lot}/wafers/W01`)).json();
    const expected = stored
      .filter((s) => s.wafer === 'W01')
      .map((s) => ({
        die_x: s.dieX,
        die_y: s.dieY,
        verdict: s.verdict,
        defect_count: s.detections.length,
        result_ids: [s.id],
      }));
    expect(
      wafer.dies.map(({ inspected_at: _, latest_result_id: __, ...die }: Record<string, unknown>) => die),
    ).toEqual(expect.arrayContaining(expected));
    expect(wafer.dies).toHaveLength(8);
  });

  it('renders the wafer map as SVG and as G85 that the g85 reader reads back die by die', async () => {
    const svg = await (await get(`/lots/${lot}/wafers/W01/wafer-map.svg`)).text();
    expect(svg).toContain(`<title id="wafer-map-title">Wafer map: lot ${lot}, wafer W01</title>`);
    expect(svg.match(/class="die"/g)).toHaveLength(8);
    const map = await readBack('g85', `/lots/${lot}/wafers/W01/wafer-map.g85`);
    expect(map).toMatchObject({
      substrate: 'W01',
      lot,
      rows: 2,
      columns: 4,
      null_bin: 255,
      reference: [0, 1],
    });
    expect(map.bin_pass).toEqual({ '1': true, '2': false, '3': false, '4': false });
    const bins: Record<string, number> = { PASS: 1, FAIL: 2, REVIEW: 3 };
    // Row 0 is the highest die_y (reference die (0, 1)).
    for (const s of stored.filter((x) => x.wafer === 'W01'))
      expect(map.map[1 - s.dieY][s.dieX], `die (${s.dieX}, ${s.dieY})`).toBe(bins[s.verdict]);
  });

  it.each([
    ['W01', stationUm],
    ['W02', modelUm],
  ])(
    'exports KLARF 1.8 for %s that klarfio reads back, every defect at its die, position and class',
    async (wafer, um) => {
      const klarf = await readBack('klarf', `/lots/${lot}/wafers/${wafer}/klarf`);
      expect(klarf).toMatchObject({ lot, wafer });
      expect(klarf.station[2]).toBe(wafer === 'W01' ? 'AOI-CAM-1' : 'AOI-CAM-2');
      const expected = stored
        .filter((s) => s.wafer === wafer)
        .flatMap((s) =>
          s.detections.map((d) => ({
            result: s.id,
            die: [s.dieX, s.dieY],
            cls: d.defect_type,
            x: (d.location.x + d.location.width / 2) * um,
            y: (s.imageHeight - (d.location.y + d.location.height / 2)) * um,
            w: d.location.width * um,
          })),
        );
      expect(expected.length).toBeGreaterThan(0);
      expect(klarf.defects).toHaveLength(expected.length);
      const remaining = [...expected];
      for (const defect of klarf.defects) {
        const at = remaining.findIndex(
          (e) =>
            e.result === defect.RESULTID &&
            e.die[0] === defect.XINDEX &&
            e.die[1] === defect.YINDEX &&
            e.cls === klarf.classes[String(defect.CLASSNUMBER)] &&
            Math.abs(e.x - defect.XREL) < 0.01 &&
            Math.abs(e.y - defect.YREL) < 0.01 &&
            Math.abs(e.w - defect.XSIZE) < 0.01,
        );
        expect(
          at,
          `KLARF defect ${JSON.stringify(defect)} matches no stored detection`,
        ).toBeGreaterThanOrEqual(0);
        remaining.splice(at, 1);
      }
      expect(remaining).toEqual([]);
    },
  );
});
