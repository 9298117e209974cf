// The admin API key, asked for in the page and kept in sessionStorage only: it lives as long
// as the tab, never in localStorage, a cookie or the URL.
const storageKey = 'chipq.adminKey';

export function readAdminKey(): string | undefined {
  return window.sessionStorage.getItem(storageKey) ?? undefined;
}

export function saveAdminKey(key: string | undefined): void {
  if (key === undefined || key === '') window.sessionStorage.removeItem(storageKey);
  else window.sessionStorage.setItem(storageKey, key);
}
