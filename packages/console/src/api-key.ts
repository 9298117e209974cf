// The API key, asked for in the page and kept in sessionStorage only: it lives as long as the
// tab, never in localStorage, a cookie or the URL. An admin key manages models; a `review` key
// records reviews; either reads.
const storageKey = 'chipq.apiKey';

export function readApiKey(): string | undefined {
  return window.sessionStorage.getItem(storageKey) ?? undefined;
}

export function saveApiKey(key: string | undefined): void {
  if (key === undefined || key === '') window.sessionStorage.removeItem(storageKey);
  else window.sessionStorage.setItem(storageKey, key);
}
