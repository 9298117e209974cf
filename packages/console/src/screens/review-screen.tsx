// Review: the service's review queue (REVIEW verdicts first, then a sample of the rest), one
// result at a time, with the keyboard: A accept (each detection as marked, true by default),
// R reject (every detection a false alarm), 1-9 toggle one detection, D draw a box for a missed
// defect, N or J next, K previous. Decisions go to the service (review-store.ts); the precision
// each model version earns from them is shown beside.
import type { InferenceResult, Review, ReviewQueue } from '@chipq/sdk';
import { useEffect, useState } from 'preact/hooks';
import { apiClient, describeError } from '../api-client.js';
import { ApiKeyForm } from '../components/api-key-form.js';
import type { DrawnBox } from '../components/inspection-view.js';
import { QualityTable } from '../components/quality-table.js';
import { ResultDetail } from '../components/result-detail.js';
import { useResultImages } from '../image-cache.js';
import { type DefectOutcome, describeReview, submitReview } from '../review-store.js';
import { navigate, queryString, useLocation } from '../router.js';

const queues = {
  queue: 'REVIEW verdicts, then a 10 % sample',
  REVIEW: 'REVIEW verdicts only',
  all: 'Every unreviewed result',
} as const;
type Queue = keyof typeof queues;

const queueQuery = (queue: Queue) =>
  queue === 'REVIEW'
    ? { verdict: 'REVIEW' as const, sample_rate: 0 }
    : { sample_rate: queue === 'all' ? 1 : 0.1 };

/** Keys typed into a field are the field's, not shortcuts. */
const typing = (event: KeyboardEvent) =>
  event.target instanceof HTMLElement && /^(INPUT|SELECT|TEXTAREA)$/.test(event.target.tagName);

type Item = ReviewQueue['items'][number];

/** The queue, a page at a time: the next page is fetched when the reviewer nears the end. */
function useQueue(queue: Queue) {
  const [items, setItems] = useState<Item[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  async function load(from: string | undefined, replace: boolean) {
    setLoading(true);
    try {
      const page = await apiClient().reviews.queue({
        ...queueQuery(queue),
        limit: 50,
        ...(from === undefined ? {} : { cursor: from }),
      });
      setItems((old) => (replace ? page.items : [...old, ...page.items]));
      setCursor(page.page.next_cursor);
      setError(undefined);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setLoading(false);
    }
  }
  useEffect(() => {
    setItems([]);
    void load(undefined, true);
  }, [queue]);
  const more = () => {
    if (typeof cursor === 'string' && !loading) void load(cursor, false);
  };
  return { items, error, loading, more, hasMore: typeof cursor === 'string' };
}

function Current(props: {
  result: InferenceResult;
  outcomes: DefectOutcome[];
  onToggle: (index: number) => void;
  missed: DrawnBox[];
  onDraw: ((box: Omit<DrawnBox, 'label'>) => void) | undefined;
}) {
  const { images, missing } = useResultImages(props.result.id, props.result.reference !== null);
  return (
    <ResultDetail
      key={props.result.id}
      result={props.result}
      images={images}
      missingImage={missing}
      outcomes={props.outcomes}
      onToggle={props.onToggle}
      drawn={props.missed}
      onDraw={props.onDraw}
    />
  );
}

export function ReviewScreen() {
  const { query } = useLocation();
  const queue = (query.get('queue') ?? 'queue') as Queue;
  const { items, error, loading, more, hasMore } = useQueue(queue in queues ? queue : 'queue');
  const [index, setIndex] = useState(0);
  const [drawing, setDrawing] = useState(false);
  const [missed, setMissed] = useState<DrawnBox[]>([]);
  const [missedClass, setMissedClass] = useState('');
  const [outcomes, setOutcomes] = useState<DefectOutcome[]>([]);
  const [reviewed, setReviewed] = useState<Record<string, Review>>({});
  const [message, setMessage] = useState<string>();
  const [qualityTick, setQualityTick] = useState(0);
  const current = items[Math.min(index, items.length - 1)]?.result;
  const reason = items[Math.min(index, items.length - 1)]?.reason;
  const labels = [...new Set(items.flatMap((i) => i.result.detections.map((d) => d.defect_type)))];
  const decided = current === undefined ? undefined : (reviewed[current.id] ?? current.review ?? undefined);

  // A new result starts with every detection taken as a true defect and nothing drawn.
  useEffect(() => {
    setOutcomes(current?.detections.map(() => 'true_defect') ?? []);
    setMissed([]);
    setDrawing(false);
  }, [current?.id]);
  useEffect(() => {
    if (index >= items.length - 5 && hasMore) more();
  }, [index, items.length, hasMore]);

  const go = (step: number) => setIndex((i) => Math.max(0, Math.min(items.length - 1, i + step)));
  const toggle = (i: number) =>
    setOutcomes((o) =>
      o.map((v, j) => (j === i ? (v === 'true_defect' ? 'false_alarm' : 'true_defect') : v)),
    );
  async function decide(kind: 'accept' | 'reject') {
    if (current === undefined) return;
    const judged: DefectOutcome[] = kind === 'accept' ? outcomes : outcomes.map(() => 'false_alarm');
    try {
      const review = await submitReview(current, { outcomes: judged, missed });
      setReviewed((r) => ({ ...r, [current.id]: review }));
      setMessage(
        `${kind === 'accept' ? 'Accepted' : 'Rejected'} ${current.id.slice(0, 8)}: ${describeReview(review)}`,
      );
      setQualityTick((t) => t + 1);
      go(1);
    } catch (e) {
      setMessage(describeError(e));
    }
  }

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (typing(event) || event.metaKey || event.ctrlKey || event.altKey) return;
      const digit = /^[1-9]$/.test(event.key) ? Number(event.key) - 1 : undefined;
      if (digit !== undefined && digit < outcomes.length) {
        event.preventDefault();
        toggle(digit);
        return;
      }
      const actions: Record<string, () => void> = {
        a: () => void decide('accept'),
        r: () => void decide('reject'),
        n: () => go(1),
        j: () => go(1),
        k: () => go(-1),
        d: () => setDrawing((on) => !on),
      };
      const action = actions[event.key.toLowerCase()];
      if (action === undefined) return;
      event.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <>
      <h1>Review</h1>
      <div class="panel review-bar">
        <label>
          Queue
          <select
            value={queue}
            onChange={(e) => {
              setIndex(0);
              navigate(`/review${queryString({ queue: e.currentTarget.value })}`);
            }}
          >
            {Object.entries(queues).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <span aria-live="polite" data-testid="queue-position">
          {items.length === 0
            ? loading
              ? 'Loading…'
              : 'Nothing to review'
            : `${Math.min(index, items.length - 1) + 1} of ${items.length}${hasMore ? '+' : ''}`}
        </span>
        <span class="spacer" />
        <button type="button" onClick={() => go(-1)} aria-keyshortcuts="K">
          Previous <kbd>K</kbd>
        </button>
        <button type="button" onClick={() => go(1)} aria-keyshortcuts="N J">
          Next <kbd>N</kbd>
        </button>
        <button type="button" class="accept" onClick={() => decide('accept')} aria-keyshortcuts="A">
          Accept <kbd>A</kbd>
        </button>
        <button type="button" class="reject" onClick={() => decide('reject')} aria-keyshortcuts="R">
          Reject all <kbd>R</kbd>
        </button>
        <button
          type="button"
          aria-pressed={drawing}
          onClick={() => setDrawing(!drawing)}
          aria-keyshortcuts="D"
        >
          Draw missed defect <kbd>D</kbd>
        </button>
        <label>
          Class
          <input
            list="defect-classes"
            value={missedClass}
            onInput={(e) => setMissedClass(e.currentTarget.value)}
            size={10}
            placeholder="defect"
          />
          <datalist id="defect-classes">
            {labels.map((l) => (
              <option key={l} value={l} />
            ))}
          </datalist>
        </label>
      </div>
      <p class="muted">
        Accept records each detection as marked (<kbd>1</kbd>–<kbd>9</kbd> toggle one), reject records every
        detection as a false alarm; drawn boxes are missed defects. Reviews are stored by the service.{' '}
        {message !== undefined && <span role="status">{message}.</span>}
      </p>
      {error !== undefined && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {current !== undefined && (
        <>
          <p class="muted">
            {reason === 'review_verdict'
              ? 'In the queue: the model answered REVIEW.'
              : 'In the queue: sampled.'}
            {decided !== undefined && (
              <>
                {' '}
                <strong data-testid="already-reviewed">Reviewed: {describeReview(decided)}</strong>
              </>
            )}
          </p>
          <Current
            result={current}
            outcomes={outcomes}
            onToggle={toggle}
            missed={missed}
            onDraw={
              drawing
                ? (box) => setMissed((m) => [...m, { ...box, label: missedClass || 'defect' }])
                : undefined
            }
          />
        </>
      )}
      <QualityTable model={current?.model.name ?? undefined} tick={qualityTick} />
      <ApiKeyForm purpose="recording a review needs a review or admin key once the service issues keys" />
    </>
  );
}
