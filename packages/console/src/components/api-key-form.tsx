// The API key form shown on Models (load, unload need admin) and Review (recording needs a
// `review` or admin key once the service issues keys): typed once, kept for this tab only.
import { useState } from 'preact/hooks';
import { readApiKey, saveApiKey } from '../api-key.js';

export function ApiKeyForm(props: { purpose: string }) {
  const [saved, setSaved] = useState(readApiKey() !== undefined);
  return (
    <form
      class="panel api-key"
      onSubmit={(event) => {
        event.preventDefault();
        const input = (event.currentTarget as HTMLFormElement).elements.namedItem(
          'api_key',
        ) as HTMLInputElement;
        saveApiKey(input.value);
        input.value = '';
        setSaved(readApiKey() !== undefined);
      }}
    >
      <label>
        API key
        <input
          type="password"
          name="api_key"
          autocomplete="off"
          placeholder={saved ? 'saved for this tab' : ''}
        />
      </label>
      <button type="submit">Use key</button>
      {saved && (
        <button
          type="button"
          onClick={() => {
            saveApiKey(undefined);
            setSaved(false);
          }}
        >
          Forget key
        </button>
      )}
      <span class="muted">
        Sent as a Bearer token with every call ({props.purpose}); kept in this tab's session storage only.
      </span>
    </form>
  );
}
