// The one way the web app talks to the Kirim server. Every endpoint file in features/ goes
// through here, so the contract of docs/api.md (same-origin cookies, the CSRF header on writes,
// the `{"error": {...}}` body) is implemented once.

/** Error codes from docs/api.md, plus `network_error` for requests that never got an answer. */
export type ApiErrorCode =
  | 'invalid_json'
  | 'validation_failed'
  | 'bad_request'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'forbidden'
  | 'csrf_failed'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'internal'
  | 'network_error'
  | 'unknown';

/** Reasons per field, e.g. `{ email: 'must be a valid email address' }`. */
export type FieldErrors = Record<string, string>;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details: FieldErrors;
  /** Seconds to wait before trying again, from `Retry-After` (429 answers). */
  readonly retryAfterSeconds: number | null;
  /** Correlates a 500 with the server's logs. */
  readonly requestId: string | null;

  constructor(init: {
    status: number;
    code: ApiErrorCode;
    message: string;
    details?: FieldErrors;
    retryAfterSeconds?: number | null;
    requestId?: string | null;
  }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? {};
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.requestId = init.requestId ?? null;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

const csrfCookieName = 'kirim_csrf';
const csrfHeaderName = 'X-CSRF-Token';
const authPathPrefix = '/api/v1/auth/';

// The token from the last login or /me answer. The readable cookie is preferred because it is
// what the server checks against; this copy covers browsers or proxies that hide the cookie.
let rememberedCsrfToken: string | null = null;

export function rememberCsrfToken(token: string | null): void {
  rememberedCsrfToken = token;
}

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) {
      return decodeURIComponent(part.slice(separator + 1).trim());
    }
  }
  return null;
}

/** The token for the `X-CSRF-Token` header of a write; also sent by the realtime client. */
export function currentCsrfToken(): string | null {
  return readCookie(csrfCookieName) ?? rememberedCsrfToken;
}

type UnauthenticatedHandler = () => void;

// Set by the app shell, which owns navigation; a plain page load is the fallback so that the
// client still does the right thing before the router exists.
let onUnauthenticated: UnauthenticatedHandler = () => {
  const next = window.location.pathname + window.location.search;
  if (window.location.pathname !== '/login') {
    window.location.assign(`/login?next=${encodeURIComponent(next)}`);
  }
};

/** Called on a 401 from any non-auth endpoint (the session expired or was ended elsewhere). */
export function setUnauthenticatedHandler(handler: UnauthenticatedHandler): void {
  onUnauthenticated = handler;
}

const knownCodes = new Set<string>([
  'invalid_json',
  'validation_failed',
  'bad_request',
  'unauthenticated',
  'invalid_credentials',
  'forbidden',
  'csrf_failed',
  'not_found',
  'method_not_allowed',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'too_many_requests',
  'internal',
]);

/** Parses `Retry-After`, which HTTP allows as either seconds or a date. */
export function parseRetryAfter(value: string | null, now: Date = new Date()): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

function asFieldErrors(value: unknown): FieldErrors {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const fields: FieldErrors = {};
  for (const [field, reason] of Object.entries(value as Record<string, unknown>)) {
    fields[field] = typeof reason === 'string' ? reason : JSON.stringify(reason);
  }
  return fields;
}

function fallbackMessage(status: number): string {
  if (status >= 500) return 'The server ran into a problem. Try again in a moment.';
  return `The request failed (HTTP ${status}).`;
}

async function errorFromResponse(response: Response): Promise<ApiError> {
  const retryAfterSeconds = parseRetryAfter(response.headers.get('Retry-After'));
  const requestId = response.headers.get('X-Request-Id');
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // A proxy's HTML error page or an empty body: fall through to a generic error.
  }
  const error = body !== null && typeof body === 'object' && 'error' in body ? body.error : null;
  if (error !== null && typeof error === 'object') {
    const { code, message, details } = error as Record<string, unknown>;
    return new ApiError({
      status: response.status,
      code: typeof code === 'string' && knownCodes.has(code) ? (code as ApiErrorCode) : 'unknown',
      message:
        typeof message === 'string' && message !== '' ? message : fallbackMessage(response.status),
      details: asFieldErrors(details),
      retryAfterSeconds,
      requestId,
    });
  }
  return new ApiError({
    status: response.status,
    code: response.status >= 500 ? 'internal' : 'unknown',
    message: fallbackMessage(response.status),
    retryAfterSeconds,
    requestId,
  });
}

/** A list value repeats the parameter (`tag=a&tag=b`); empty values are left out. */
export type QueryParams = Record<string, string | number | readonly string[] | null | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is (file chunks), with `contentType`; takes the place of `body`. */
  rawBody?: Blob;
  contentType?: string;
  query?: QueryParams;
  signal?: AbortSignal;
}

function withQuery(path: string, query: QueryParams | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '') continue;
    if (typeof value === 'string' || typeof value === 'number') params.set(key, String(value));
    else for (const item of value) params.append(key, item);
  }
  const search = params.toString();
  return search === '' ? path : `${path}?${search}`;
}

/**
 * `fetch`, but a request that never got an answer throws ApiError `network_error`, so callers
 * handle one type. An abort is passed on unchanged: TanStack Query cancels requests that way.
 */
export async function fetchOrNetworkError(input: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({
      status: 0,
      code: 'network_error',
      message: "Can't reach the Kirim server. Check your connection and try again.",
    });
  }
}

/**
 * Sends one request and returns the parsed JSON answer (`undefined` for 204).
 * Throws ApiError for every failure, including network errors, so callers handle one type.
 */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers = new Headers({ Accept: 'application/json' });
  if (options.rawBody !== undefined) {
    headers.set('Content-Type', options.contentType ?? 'application/octet-stream');
  } else if (options.body !== undefined) {
    headers.set('Content-Type', 'application/json');
  }
  if (method !== 'GET') {
    const token = currentCsrfToken();
    if (token !== null) headers.set(csrfHeaderName, token);
  }

  const response = await fetchOrNetworkError(withQuery(path, options.query), {
    method,
    headers,
    credentials: 'same-origin',
    body:
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    signal: options.signal,
  });
  if (!response.ok) {
    const error = await errorFromResponse(response);
    // A failed login is an answer for the login form, not a lost session.
    if (response.status === 401 && !path.startsWith(authPathPrefix)) onUnauthenticated();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export const apiClient = {
  get: <T>(path: string, query?: QueryParams, signal?: AbortSignal) =>
    apiRequest<T>(path, { query, signal }),
  post: <T>(path: string, body?: unknown) => apiRequest<T>(path, { method: 'POST', body }),
  patch: <T>(path: string, body: unknown) => apiRequest<T>(path, { method: 'PATCH', body }),
  delete: <T = void>(path: string) => apiRequest<T>(path, { method: 'DELETE' }),
};

/** A page of a list endpoint (docs/api.md: cursor pagination). */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}
