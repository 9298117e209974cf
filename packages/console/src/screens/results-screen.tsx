// Results: the stored results, filtered by lot, wafer, verdict, model, version and time, a
// page at a time. Filters and the page cursor live in the URL, so a view can be shared.
import { apiClient } from '../api-client.js';
import { VerdictBadge } from '../components/verdict-panel.js';
import { describeReview } from '../review-store.js';
import { navigate, queryString, useLocation } from '../router.js';
import { useAsync } from '../use-async.js';

const filterNames = ['lot_id', 'wafer_id', 'verdict', 'model', 'version', 'from', 'to', 'batch_id'] as const;
type Filters = Partial<Record<(typeof filterNames)[number], string>>;

/** datetime-local (the user's zone, no offset) <-> ISO 8601 with offset for the API. */
const toIso = (local: string | undefined) => (local ? new Date(local).toISOString() : undefined);

export function ResultsScreen() {
  const { query } = useLocation();
  const filters: Filters = Object.fromEntries(
    filterNames.flatMap((name) => (query.get(name) ? [[name, query.get(name) as string]] : [])),
  );
  const cursor = query.get('cursor') ?? undefined;
  const page = useAsync(
    (signal) =>
      apiClient().listResults(
        {
          ...filters,
          verdict: filters.verdict as 'PASS' | 'FAIL' | 'REVIEW' | undefined,
          from: toIso(filters.from),
          to: toIso(filters.to),
          limit: 25,
          ...(cursor === undefined ? {} : { cursor }),
        },
        { signal },
      ),
    [query.toString()],
  );

  function onSubmit(event: Event) {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const values = Object.fromEntries(filterNames.map((name) => [name, String(data.get(name) ?? '').trim()]));
    navigate(`/results${queryString(values)}`);
  }

  const next = page.data?.page.next_cursor;
  return (
    <>
      <h1>Results</h1>
      <form class="panel filters" onSubmit={onSubmit} aria-label="Filter results" key={query.toString()}>
        <label>
          Lot
          <input name="lot_id" defaultValue={filters.lot_id} autocomplete="off" />
        </label>
        <label>
          Wafer
          <input name="wafer_id" defaultValue={filters.wafer_id} autocomplete="off" />
        </label>
        <label>
          Verdict
          <select name="verdict" defaultValue={filters.verdict ?? ''}>
            <option value="">any</option>
            <option>PASS</option>
            <option>FAIL</option>
            <option>REVIEW</option>
          </select>
        </label>
        <label>
          Model
          <input name="model" defaultValue={filters.model} autocomplete="off" />
        </label>
        <label>
          Version
          <input
            name="version"
            defaultValue={filters.version}
            inputMode="numeric"
            size={4}
            autocomplete="off"
          />
        </label>
        <label>
          From
          <input type="datetime-local" name="from" defaultValue={filters.from} />
        </label>
        <label>
          To
          <input type="datetime-local" name="to" defaultValue={filters.to} />
        </label>
        <button type="submit" class="primary">
          Filter
        </button>
        <a href="/results" class="button">
          Clear
        </a>
      </form>
      {page.error !== undefined && (
        <p role="alert" class="error">
          {page.error}
        </p>
      )}
      <table class="results" aria-busy={page.loading}>
        <caption class="sr-only">Stored results, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Verdict</th>
            <th scope="col">Defects</th>
            <th scope="col">Model</th>
            <th scope="col">Lot</th>
            <th scope="col">Wafer</th>
            <th scope="col">Review</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {(page.data?.items ?? []).map((r) => (
            <tr key={r.id} data-result-id={r.id}>
              <td>
                <time dateTime={r.created_at}>{new Date(r.created_at).toLocaleString()}</time>
              </td>
              <td>
                <VerdictBadge status={r.verdict?.status ?? r.status} />
              </td>
              <td>{r.detections.length}</td>
              <td>
                {r.model.name} v{r.model.version}
              </td>
              <td>{r.traceability.lot_id ?? '—'}</td>
              <td>{r.traceability.wafer_id ?? '—'}</td>
              <td>{r.review === null ? '—' : describeReview(r.review)}</td>
              <td>
                <a href={`/results/${r.id}`} aria-label={`Open result ${r.id}`}>
                  {r.id.slice(0, 8)}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.data !== undefined && page.data.items.length === 0 && <p class="muted">No results match.</p>}
      <nav class="pager" aria-label="Pages">
        {cursor !== undefined && <a href={`/results${queryString({ ...filters })}`}>First page</a>}
        {next ? <a href={`/results${queryString({ ...filters, cursor: next })}`}>Next page</a> : null}
      </nav>
    </>
  );
}
