import { vi } from 'vitest';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  /** The JSON body, parsed. */
  body: unknown;
  /** A body sent as raw bytes (file chunks). */
  rawBody: Blob | undefined;
  credentials: RequestCredentials | undefined;
}

type Handler = (request: RecordedRequest) => Response | Promise<Response>;

export function jsonResponse(
  body: unknown,
  init: { status?: number; headers?: Record<string, string> } = {},
): Response {
  const status = init.status ?? 200;
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...init.headers },
  });
}

export function errorResponse(
  status: number,
  code: string,
  message: string,
  details?: Record<string, unknown>,
  headers?: Record<string, string>,
): Response {
  return jsonResponse({ error: { code, message, details } }, { status, headers });
}

/**
 * Replaces `fetch` with a table of `'METHOD /path'` handlers and records every request, so
 * tests assert on what the app sent without a server. Unknown routes answer 404.
 */
export function stubFetch(routes: Record<string, Handler>): { requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const fetchStub = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input), 'http://kirim.test');
    const method = init?.method ?? 'GET';
    const request: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      rawBody: init?.body instanceof Blob ? init.body : undefined,
      credentials: init?.credentials,
    };
    requests.push(request);
    const handler = routes[`${method} ${url.pathname}`];
    if (!handler) {
      return Promise.resolve(
        errorResponse(404, 'not_found', `No stub for ${method} ${url.pathname}`),
      );
    }
    return Promise.resolve(handler(request));
  });
  vi.stubGlobal('fetch', fetchStub);
  return { requests };
}
