/**
 * KLARF 1.8 from inspected dies: one LotRecord per lot, one WaferRecord per wafer, a class
 * lookup table per lot, and one defect row per detection. Positions are micrometres in KLARF's
 * frame: XREL/YREL run from the die origin (the image's lower-left corner unless `dieOriginPx`
 * says where it lies) to the defect's centre, y pointing up; XINDEX/YINDEX are the die indices.
 * CLASSNUMBER is the model's class id + 1 (0 is KLARF's "unclassified"). Strings are written
 * without spaces, quotes, braces, commas or semicolons (each replaced by `_`): KLARF readers
 * split on them.
 */

/** A detection in original image pixels (top-left corner, width and height). */
export interface KlarfDetection {
  classId: number;
  className: string;
  confidence: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One inspected die: where it is, how its image maps to micrometres, and what was found. */
export interface KlarfDie {
  lotId: string;
  waferId: string;
  dieX: number;
  dieY: number;
  /** The inspection station (KLARF InspectionStationID); null: `unknown`. */
  stationId: string | null;
  /** The model that classified the defects, e.g. `pcb_defect_detector@3` (KLARF RecipeID). */
  recipe: string;
  inspectedAt: Date;
  imageWidth: number;
  imageHeight: number;
  /** Micrometres per image pixel. */
  pixelSizeUm: number;
  /** Where the die origin lies in the image, pixels; default the lower-left corner (0, height). */
  dieOriginPx?: { x: number; y: number } | undefined;
  /** Written as each defect's RESULTID (the stored result, or the image's name). */
  resultId: string;
  detections: KlarfDetection[];
}

/** The KLARF 1.8 file of `dies` (lots and wafers in the order they first appear). */
export function writeKlarf(dies: readonly KlarfDie[], options: { writtenAt?: Date } = {}): string {
  const lots = groupBy(dies, (d) => d.lotId);
  const lines = [
    'Record FileRecord "1.8"',
    '{',
    `  Field FileTimestamp 2 {${timestamp(options.writtenAt ?? new Date())}}`,
  ];
  for (const [lotId, lotDies] of lots) lines.push(...lotRecord(lotId, lotDies));
  lines.push('}', 'EndOfFile;', '');
  return lines.join('\n');
}

function lotRecord(lotId: string, dies: KlarfDie[]): string[] {
  const pitch = {
    x: Math.max(...dies.map((d) => d.imageWidth * d.pixelSizeUm)),
    y: Math.max(...dies.map((d) => d.imageHeight * d.pixelSizeUm)),
  };
  const classes = new Map<number, string>();
  for (const d of dies) for (const det of d.detections) classes.set(det.classId + 1, det.className);
  const latest = new Date(Math.max(...dies.map((d) => d.inspectedAt.getTime())));
  const stations = distinct(dies.map((d) => d.stationId ?? 'unknown'));
  const recipes = distinct(dies.map((d) => d.recipe));
  return [
    `  Record LotRecord ${str(lotId)}`,
    '  {',
    `    Field DeviceID 1 {${str(recipes)}}`,
    `    Field DiePitch 2 {${num(pitch.x)}, ${num(pitch.y)}}`,
    `    Field InspectionStationID 3 {"chipq", "chipq-inference", ${str(stations)}}`,
    `    Field RecipeID 3 {${str(recipes)}, ${timestamp(latest)}}`,
    `    Field ResultTimestamp 2 {${timestamp(latest)}}`,
    '    Field SampleType 1 {"WAFER"}',
    '    List ClassLookupList',
    '    {',
    '      Columns 3 { int32 CLASSNUMBER, string CLASSNAME, string CLASSCODE }',
    `      Data ${classes.size}`,
    '      {',
    ...[...classes.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([n, name]) => `        ${n} ${str(name)} ${str(name.toUpperCase())};`),
    '      }',
    '    }',
    ...[...groupBy(dies, (d) => d.waferId)].flatMap(([waferId, waferDies]) =>
      waferRecord(waferId, waferDies, pitch),
    ),
    '  }',
  ];
}

function waferRecord(waferId: string, dies: KlarfDie[], pitch: { x: number; y: number }): string[] {
  const xs = dies.map((d) => d.dieX);
  const ys = dies.map((d) => d.dieY);
  // The wafer centre from die (0, 0)'s origin: the middle of the inspected dies' bounding box.
  const centre = {
    x: ((Math.min(...xs) + Math.max(...xs) + 1) / 2) * pitch.x,
    y: ((Math.min(...ys) + Math.max(...ys) + 1) / 2) * pitch.y,
  };
  const rows: string[] = [];
  const defectDies = new Set<string>();
  for (const die of dies) {
    const origin = die.dieOriginPx ?? { x: 0, y: die.imageHeight };
    const p = die.pixelSizeUm;
    for (const d of die.detections) {
      defectDies.add(`${die.dieX},${die.dieY}`);
      const xSize = d.width * p;
      const ySize = d.height * p;
      rows.push(
        `          ${[
          rows.length + 1,
          num((d.x + d.width / 2 - origin.x) * p),
          num((origin.y - (d.y + d.height / 2)) * p),
          die.dieX,
          die.dieY,
          num(xSize),
          num(ySize),
          num(xSize * ySize),
          num(Math.max(xSize, ySize)),
          d.classId + 1,
          1,
          num(d.confidence),
          str(die.resultId),
        ].join(' ')};`,
      );
    }
  }
  const areaCm2 = (dies.length * pitch.x * pitch.y) / 1e8;
  return [
    `    Record WaferRecord ${str(waferId)}`,
    '    {',
    '      Field DieOrigin 2 {0, 0}',
    `      Field SampleCenterLocation 2 {${num(centre.x)}, ${num(centre.y)}}`,
    '      List DefectList',
    '      {',
    '        Columns 13 { int32 DEFECTID, float XREL, float YREL, int32 XINDEX, int32 YINDEX, float XSIZE, float YSIZE, float DEFECTAREA, float DSIZE, int32 CLASSNUMBER, int32 TEST, float CONFIDENCE, string RESULTID }',
    `        Data ${rows.length}`,
    '        {',
    ...rows,
    '        }',
    '      }',
    '      Record SummaryRecord',
    '      {',
    '        List TestSummaryList',
    '        {',
    '          Columns 5 { int32 TESTNO, int32 NDEFECT, float DEFDENSITY, int32 NDIE, int32 NDEFDIE }',
    '          Data 1',
    '          {',
    `            1 ${rows.length} ${num(areaCm2 > 0 ? rows.length / areaCm2 : 0)} ${dies.length} ${defectDies.size};`,
    '          }',
    '        }',
    '      }',
    '    }',
  ];
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}

function distinct(values: string[]): string {
  return [...new Set(values)].join('+');
}

/** KLARF's date and time pair: "MM-DD-YYYY", "HH:MM:SS" (UTC). */
function timestamp(date: Date): string {
  const iso = date.toISOString();
  return `"${iso.slice(5, 7)}-${iso.slice(8, 10)}-${iso.slice(0, 4)}", "${iso.slice(11, 19)}"`;
}

function str(text: string): string {
  return `"${text.replace(/[\s"{},;\\]/g, '_')}"`;
}

/** To a thousandth, never in exponent notation. */
function num(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(3);
}
