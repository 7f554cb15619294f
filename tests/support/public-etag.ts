/** The same GET twice, the second with the first's ETag: what a phone's cache does. */
export async function etagRequest(app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> }, path: string, headers: Record<string, string> = {}) {
  const first = await app.request(path, { headers });
  const tag = first.headers.get('etag') ?? '';
  const second = await app.request(path, { headers: { ...headers, 'If-None-Match': tag } });
  return { first, second };
}
