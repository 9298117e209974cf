// Inspect: drop an image (and its reference), pick the model and version, and see the boxes,
// labels and verdict on one screen.
import type { InferenceResult, ModelSummary } from '@chipq/sdk';
import { useEffect, useRef, useState } from 'preact/hooks';
import { apiClient, describeError } from '../api-client.js';
import { ResultDetail } from '../components/result-detail.js';
import { type CachedImages, rememberImages } from '../image-cache.js';
import { useAsync } from '../use-async.js';

export function InspectScreen() {
  const models = useAsync((signal) => apiClient().models.list({ signal }), []);
  const [model, setModel] = useState('');
  const [version, setVersion] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [shown, setShown] = useState<{ result: InferenceResult; images: CachedImages }>();
  const resultRef = useRef<HTMLDivElement>(null);
  // A new result scrolls into view: on 1280x800 the image then fills the window.
  useEffect(() => resultRef.current?.scrollIntoView({ block: 'start' }), [shown?.result.id]);

  const list: ModelSummary[] = models.data?.models ?? [];
  const chosen = list.find((m) => m.name === model) ?? list.find((m) => m.ready) ?? list[0];
  const versions = chosen?.versions ?? [];

  async function onSubmit(event: Event) {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const image = data.get('image');
    const reference = data.get('reference');
    if (!(image instanceof File) || image.size === 0) {
      setError('Choose an image to inspect.');
      return;
    }
    const ref = reference instanceof File && reference.size > 0 ? reference : undefined;
    const text = (name: string) => {
      const value = String(data.get(name) ?? '').trim();
      return value === '' ? undefined : value;
    };
    setBusy(true);
    setError(undefined);
    try {
      const result = await apiClient().predict({
        image,
        ...(ref === undefined ? {} : { reference: ref }),
        ...(chosen === undefined ? {} : { model: chosen.name }),
        ...(version === '' ? {} : { version }),
        ...(text('lot_id') === undefined ? {} : { lotId: text('lot_id') }),
        ...(text('wafer_id') === undefined ? {} : { waferId: text('wafer_id') }),
        filename: image.name,
      });
      setShown({ result, images: rememberImages(result.id, image, ref) });
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1>Inspect</h1>
      <form class="panel inspect-form" onSubmit={onSubmit} aria-describedby="inspect-help">
        <p id="inspect-help" class="muted">
          Drop an image and, if the model compares against one, its defect-free reference.
        </p>
        <div class="files">
          <label class="drop">
            <span>Image</span>
            <input type="file" name="image" accept="image/*" required />
          </label>
          <label class="drop">
            <span>Reference (optional)</span>
            <input type="file" name="reference" accept="image/*" />
          </label>
        </div>
        <div class="fields">
          <label>
            Model
            <select name="model" value={chosen?.name ?? ''} onChange={(e) => setModel(e.currentTarget.value)}>
              {list.map((m) => (
                <option key={m.name} value={m.name}>
                  {m.name} ({m.state})
                </option>
              ))}
            </select>
          </label>
          <label>
            Version
            <select name="version" value={version} onChange={(e) => setVersion(e.currentTarget.value)}>
              <option value="">
                default{chosen?.default_version ? ` (${chosen.default_version})` : ' (newest ready)'}
              </option>
              {versions.map((v) => (
                <option key={v.version} value={v.version} disabled={!v.ready}>
                  {v.version} ({v.state})
                </option>
              ))}
            </select>
          </label>
          <label>
            Lot
            <input name="lot_id" autocomplete="off" />
          </label>
          <label>
            Wafer
            <input name="wafer_id" autocomplete="off" />
          </label>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Inspecting…' : 'Inspect'}
          </button>
        </div>
        {models.error !== undefined && <p role="alert">Models: {models.error}</p>}
        {error !== undefined && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
      </form>
      <div ref={resultRef} class="scroll-target">
        {shown !== undefined && (
          <ResultDetail key={shown.result.id} result={shown.result} images={shown.images} />
        )}
      </div>
    </>
  );
}
