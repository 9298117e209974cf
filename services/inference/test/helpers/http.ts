/** Small helpers for calling the in-process app in tests. */

/** The JSON body of a response, untyped: tests assert on its shape. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions navigate arbitrary JSON
export async function body(response: Response): Promise<any> {
  return response.json();
}

/** multipart/form-data from fields; byte arrays become PNG file parts. */
export function form(fields: Record<string, string | Uint8Array | Array<string | Uint8Array>>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string') data.append(key, v);
      else data.append(key, new Blob([v as Uint8Array<ArrayBuffer>], { type: 'image/png' }), `${key}.png`);
    }
  }
  return data;
}

export const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** A JSON request init. */
export function jsonBody(method: string, value: unknown): RequestInit {
  return { method, body: JSON.stringify(value), headers: { 'content-type': 'application/json' } };
}
