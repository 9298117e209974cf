// Review: a queue of results a person should confirm, one at a time, with keyboard shortcuts
// (A accept, R reject, N or J next, K previous, D draw a missed defect). The queue is the
// stored REVIEW verdicts (or FAIL, or all) from GET /inference until the service's review
// queue exists; decisions go to `reviewStore` (see review-store.ts).
import type { InferenceResult } from '@chipq/sdk';
import { useEffect, useState } from 'preact/hooks';
import { apiClient, describeError } from '../api-client.js';
import type { DrawnBox } from '../components/inspection-view.js';
import { ResultDetail } from '../components/result-detail.js';
import { useCachedImages } from '../image-cache.js';
import { type ReviewVerdict, reviewStore } from '../review-store.js';
import { navigate, queryString, useLocation } from '../router.js';
import { useAsync } from '../use-async.js';

const queues = { REVIEW: 'REVIEW verdicts', FAIL: 'FAIL verdicts', all: 'All results' } as const;
type Queue = keyof typeof queues;

/** Keys typed into a field are the field's, not shortcuts. */
const typing = (event: KeyboardEvent) =>
  event.target instanceof HTMLElement && /^(INPUT|SELECT|TEXTAREA)$/.test(event.target.tagName);

export function ReviewScreen() {
  const { query } = useLocation();
  const queue = (query.get('queue') ?? 'REVIEW') as Queue;
  const items = useAsync(
    (signal) =>
      apiClient().listResults(
        { ...(queue === 'all' ? {} : { verdict: queue }), status: 'completed', limit: 100 },
        { signal },
      ),
    [queue],
  );
  const list: InferenceResult[] = items.data?.items ?? [];
  const [index, setIndex] = useState(0);
  const [drawing, setDrawing] = useState(false);
  const [missed, setMissed] = useState<DrawnBox[]>([]);
  const [missedClass, setMissedClass] = useState('');
  const [message, setMessage] = useState<string>();
  const current = list[Math.min(index, list.length - 1)];
  const labels = [...new Set(list.flatMap((r) => r.detections.map((d) => d.defect_type)))];
  const decided = current === undefined ? undefined : reviewStore.get(current.id);
  const images = useCachedImages(current?.id ?? '');

  const go = (step: number) => {
    setIndex((i) => Math.max(0, Math.min(list.length - 1, i + step)));
    setMissed([]);
    setDrawing(false);
  };
  async function decide(decision: ReviewVerdict) {
    if (current === undefined) return;
    try {
      await reviewStore.submit(current.id, { decision, missed });
      setMessage(`${decision === 'accept' ? 'Accepted' : 'Rejected'} ${current.id.slice(0, 8)}`);
      go(1);
    } catch (error) {
      setMessage(describeError(error));
    }
  }

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (typing(event) || event.metaKey || event.ctrlKey || event.altKey) return;
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
        <span aria-live="polite">
          {list.length === 0
            ? 'Nothing to review'
            : `${Math.min(index, list.length - 1) + 1} of ${list.length}`}
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
          Reject <kbd>R</kbd>
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
        Decisions are recorded in {reviewStore.where}.{' '}
        {message !== undefined && <span role="status">{message}.</span>}
      </p>
      {items.error !== undefined && (
        <p role="alert" class="error">
          {items.error}
        </p>
      )}
      {current !== undefined && (
        <>
          {decided !== undefined && (
            <p class="panel">
              Already reviewed: <strong>{decided.decision}</strong>
            </p>
          )}
          <ResultDetail
            key={current.id}
            result={current}
            images={images}
            drawn={missed}
            onDraw={
              drawing
                ? (box) => setMissed((m) => [...m, { ...box, label: missedClass || 'defect' }])
                : undefined
            }
          />
        </>
      )}
    </>
  );
}
