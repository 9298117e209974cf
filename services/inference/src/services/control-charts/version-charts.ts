/**
 * The control charts of one model version: learns a baseline from its first images, then
 * groups the following images into subgroups and keeps four charts up to date:
 * - `defect_rate`: share of images with a defect, EWMA with run rule (binomial standard error);
 * - `mean_confidence`: mean of each image's mean detection confidence, EWMA with run rule
 *   (standard error from the baseline's image-to-image spread);
 * - `confidence_drift` and `class_mix_drift`: PSI of the detection confidences (baseline
 *   decile bins) and of the defect classes over the last `driftWindowImages` images.
 * Pure state, no clock and no I/O, so a test feeds it a stream and reads the charts.
 */
import { binomialSides } from './binomial-sides.js';
import { type ChartRule, EwmaChart, type EwmaChartOptions, type EwmaReading } from './ewma-chart.js';
import { alignedCategoryCounts, binCounts, decileEdges, psi } from './psi.js';

const chartNames = ['defect_rate', 'mean_confidence', 'confidence_drift', 'class_mix_drift'] as const;
export type ChartName = (typeof chartNames)[number];
export type SignalRule = ChartRule | 'psi_major';

/** One inspected image: the confidence and class of each detection the charts count. */
export interface ImageObservation {
  confidences: readonly number[];
  classes: readonly string[];
}

export interface ControlChartOptions {
  /** Images that form the baseline of a version. */
  baselineImages: number;
  /** Images per subgroup (one chart point). */
  subgroupSize: number;
  /** Images the drift (PSI) is computed over, the most recent ones. */
  driftWindowImages: number;
  /** PSI from which drift signals. Default 0.25 (a major shift). */
  psiThreshold?: number;
  ewma?: EwmaChartOptions;
}

export interface ChartReading {
  chart: ChartName;
  status: 'learning' | 'insufficient_data' | 'in_control' | 'out_of_control';
  firing: SignalRule[];
  /** Centre line in the chart's unit (defect share, confidence); null for drift. */
  baseline: number | null;
  /** Last subgroup's statistic, or the last PSI. */
  observed: number | null;
  /** EWMA in baseline standard errors (0 is the centre line); null for drift. */
  ewma: number | null;
  /** +- limit of the EWMA, or the PSI threshold. */
  limit: number | null;
  run: EwmaReading['run'];
  /** Chart points so far (subgroups, or PSI evaluations). */
  points: number;
}

/** Fewer than this and a chart says insufficient_data rather than guess a spread. */
const minImagesWithDetections = 10;
const minDetectionsForDrift = 50;

interface Baseline {
  images: number;
  defectShare: number;
  meanConfidence: { mean: number; sd: number; images: number } | null;
  confidenceEdges: number[] | null;
  confidenceCounts: number[];
  classCounts: Map<string, number>;
  detections: number;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const imageMeans = (images: readonly ImageObservation[]) =>
  images.filter((i) => i.confidences.length > 0).map((i) => mean(i.confidences));
const round = (v: number) => Math.round(v * 1e6) / 1e6;

function countClasses(images: readonly ImageObservation[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const image of images) for (const c of image.classes) counts.set(c, (counts.get(c) ?? 0) + 1);
  return counts;
}

function learnBaseline(images: readonly ImageObservation[]): Baseline {
  const defective = images.filter((i) => i.confidences.length > 0).length;
  const means = imageMeans(images);
  const confidences = images.flatMap((i) => i.confidences);
  let meanConfidence: Baseline['meanConfidence'] = null;
  if (means.length >= minImagesWithDetections) {
    const m = mean(means);
    const variance = means.reduce((a, v) => a + (v - m) ** 2, 0) / (means.length - 1);
    // A floor keeps a perfectly uniform baseline from dividing by zero.
    meanConfidence = { mean: m, sd: Math.max(Math.sqrt(variance), 1e-3), images: means.length };
  }
  const edges = confidences.length >= minDetectionsForDrift ? decileEdges(confidences) : null;
  return {
    images: images.length,
    // Half a count each way: a baseline with no (or only) defective images still has a spread.
    defectShare: (defective + 0.5) / (images.length + 1),
    meanConfidence,
    confidenceEdges: edges,
    confidenceCounts: edges === null ? [] : binCounts(confidences, edges),
    classCounts: countClasses(images),
    detections: confidences.length,
  };
}

export class VersionCharts {
  readonly #options: Required<Omit<ControlChartOptions, 'ewma'>>;
  readonly #learning: ImageObservation[] = [];
  #subgroup: ImageObservation[] = [];
  readonly #recent: ImageObservation[] = [];
  #baseline: Baseline | undefined;
  readonly #defectChart: EwmaChart;
  readonly #confidenceChart: EwmaChart;
  readonly #readings = new Map<ChartName, ChartReading>();
  #images = 0;

  constructor(options: ControlChartOptions) {
    this.#options = { psiThreshold: 0.25, ...options };
    this.#defectChart = new EwmaChart(options.ewma);
    this.#confidenceChart = new EwmaChart(options.ewma);
    for (const chart of chartNames) this.#readings.set(chart, emptyReading(chart, 'learning'));
  }

  get images(): number {
    return this.#images;
  }

  get phase(): 'learning' | 'monitoring' {
    return this.#baseline === undefined ? 'learning' : 'monitoring';
  }

  readings(): ChartReading[] {
    return chartNames.map((c) => this.#readings.get(c) as ChartReading);
  }

  /**
   * Adds one image; returns the charts when they moved (a subgroup completed, or the baseline
   * was just learned), else undefined.
   */
  observe(image: ImageObservation): ChartReading[] | undefined {
    this.#images += 1;
    if (this.#baseline === undefined) {
      this.#learning.push(image);
      if (this.#learning.length < this.#options.baselineImages) return undefined;
      this.#baseline = learnBaseline(this.#learning);
      this.#learning.length = 0;
      this.#startMonitoring(this.#baseline);
      return this.readings();
    }
    this.#subgroup.push(image);
    this.#recent.push(image);
    if (this.#recent.length > this.#options.driftWindowImages) this.#recent.shift();
    if (this.#subgroup.length < this.#options.subgroupSize) return undefined;
    const subgroup = this.#subgroup;
    this.#subgroup = [];
    this.#addSubgroup(this.#baseline, subgroup);
    return this.readings();
  }

  #startMonitoring(baseline: Baseline): void {
    this.#readings.set('defect_rate', {
      ...emptyReading('defect_rate', 'in_control'),
      baseline: round(baseline.defectShare),
    });
    this.#readings.set(
      'mean_confidence',
      baseline.meanConfidence === null
        ? emptyReading('mean_confidence', 'insufficient_data')
        : { ...emptyReading('mean_confidence', 'in_control'), baseline: round(baseline.meanConfidence.mean) },
    );
    const drift = baseline.detections >= minDetectionsForDrift ? 'in_control' : 'insufficient_data';
    this.#readings.set('confidence_drift', emptyReading('confidence_drift', drift));
    this.#readings.set('class_mix_drift', emptyReading('class_mix_drift', drift));
  }

  #addSubgroup(baseline: Baseline, subgroup: readonly ImageObservation[]): void {
    const n = subgroup.length;
    const p0 = baseline.defectShare;
    const share = subgroup.filter((i) => i.confidences.length > 0).length / n;
    const defect = this.#defectChart.add({
      z: (share - p0) / Math.sqrt((p0 * (1 - p0)) / n),
      centreVariance: n / baseline.images,
      ...binomialSides(n, p0),
    });
    this.#readings.set('defect_rate', ewmaReading('defect_rate', p0, share, defect));

    const means = imageMeans(subgroup);
    // One image's confidence says little: a subgroup needs two images with detections to count.
    if (baseline.meanConfidence !== null && means.length >= 2) {
      const observed = mean(means);
      const { mean: m, sd, images } = baseline.meanConfidence;
      const reading = this.#confidenceChart.add({
        z: (observed - m) / (sd / Math.sqrt(means.length)),
        centreVariance: means.length / images,
      });
      this.#readings.set('mean_confidence', ewmaReading('mean_confidence', m, observed, reading));
    }

    if (
      baseline.detections >= minDetectionsForDrift &&
      this.#recent.length >= this.#options.driftWindowImages
    )
      this.#updateDrift(baseline);
  }

  #updateDrift(baseline: Baseline): void {
    const recentConfidences = this.#recent.flatMap((i) => i.confidences);
    const threshold = this.#options.psiThreshold;
    const drift = (chart: ChartName, value: number | null): ChartReading => {
      const previous = this.#readings.get(chart) as ChartReading;
      if (value === null) return { ...previous, status: 'insufficient_data', firing: [] };
      const firing: SignalRule[] = value >= threshold ? ['psi_major'] : [];
      return {
        ...previous,
        status: firing.length > 0 ? 'out_of_control' : 'in_control',
        firing,
        observed: round(value),
        limit: threshold,
        points: previous.points + 1,
      };
    };
    const enough = recentConfidences.length >= minDetectionsForDrift;
    const edges = baseline.confidenceEdges;
    this.#readings.set(
      'confidence_drift',
      drift(
        'confidence_drift',
        enough && edges !== null ? psi(baseline.confidenceCounts, binCounts(recentConfidences, edges)) : null,
      ),
    );
    const classes = alignedCategoryCounts(baseline.classCounts, countClasses(this.#recent));
    this.#readings.set(
      'class_mix_drift',
      drift('class_mix_drift', enough ? psi(classes.baseline, classes.recent) : null),
    );
  }
}

function emptyReading(chart: ChartName, status: ChartReading['status']): ChartReading {
  return {
    chart,
    status,
    firing: [],
    baseline: null,
    observed: null,
    ewma: null,
    limit: null,
    run: null,
    points: 0,
  };
}

function ewmaReading(chart: ChartName, centre: number, observed: number, reading: EwmaReading): ChartReading {
  return {
    chart,
    status: reading.firing.length > 0 ? 'out_of_control' : 'in_control',
    firing: reading.firing,
    baseline: round(centre),
    observed: round(observed),
    ewma: round(reading.ewma),
    limit: round(reading.limit),
    run: reading.run,
    points: reading.subgroups,
  };
}
