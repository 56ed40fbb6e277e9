import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorResponse, jsonResponse, stubFetch } from '@/testing/fetch-stub';
import {
  ApiError,
  apiClient,
  parseRetryAfter,
  rememberCsrfToken,
  setUnauthenticatedHandler,
} from './api-client';

afterEach(() => {
  rememberCsrfToken(null);
  setUnauthenticatedHandler(() => undefined);
});

async function catchError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('apiClient errors', () => {
  it('parses the error body into code, message and field details', async () => {
    stubFetch({
      'POST /api/v1/users': () =>
        errorResponse(400, 'validation_failed', 'The request has invalid fields.', {
          email: 'must be a valid email address',
        }),
    });

    const error = await catchError(apiClient.post('/api/v1/users', { email: 'nope' }));

    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe('The request has invalid fields.');
    expect(error.details).toEqual({ email: 'must be a valid email address' });
  });

  it('keeps the request id of a server error for the logs', async () => {
    stubFetch({
      'GET /api/v1/workspace': () =>
        errorResponse(500, 'internal', 'Internal error.', undefined, { 'X-Request-Id': 'req-42' }),
    });

    const error = await catchError(apiClient.get('/api/v1/workspace'));

    expect(error.code).toBe('internal');
    expect(error.requestId).toBe('req-42');
  });

  it('reads Retry-After on 429', async () => {
    stubFetch({
      'POST /api/v1/auth/login': () =>
        errorResponse(429, 'too_many_requests', 'Too many attempts.', undefined, {
          'Retry-After': '600',
        }),
    });

    const error = await catchError(apiClient.post('/api/v1/auth/login', {}));

    expect(error.code).toBe('too_many_requests');
    expect(error.retryAfterSeconds).toBe(600);
  });

  it('turns a body that is not the error shape into a generic error with the status', async () => {
    stubFetch({
      'GET /api/v1/users': () => new Response('<html>Bad gateway</html>', { status: 502 }),
    });

    const error = await catchError(apiClient.get('/api/v1/users'));

    expect(error.status).toBe(502);
    expect(error.code).toBe('internal');
    expect(error.details).toEqual({});
  });

  it('reports an unknown error code as unknown instead of trusting it', async () => {
    stubFetch({
      'GET /api/v1/users': () => errorResponse(418, 'teapot', 'I am a teapot.'),
    });

    const error = await catchError(apiClient.get('/api/v1/users'));

    expect(error.code).toBe('unknown');
    expect(error.message).toBe('I am a teapot.');
  });

  it('turns a network failure into a network_error with status 0', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));

    const error = await catchError(apiClient.get('/api/v1/me'));

    expect(error.status).toBe(0);
    expect(error.code).toBe('network_error');
  });
});

describe('apiClient requests', () => {
  it('sends the CSRF token from the kirim_csrf cookie on writes', async () => {
    document.cookie = 'kirim_csrf=from-cookie';
    rememberCsrfToken('from-me');
    const { requests } = stubFetch({
      'PATCH /api/v1/me': () => jsonResponse({}),
    });

    await apiClient.patch('/api/v1/me', { name: 'Ana' });

    expect(requests[0]?.headers.get('X-CSRF-Token')).toBe('from-cookie');
    expect(requests[0]?.headers.get('Content-Type')).toBe('application/json');
    expect(requests[0]?.body).toEqual({ name: 'Ana' });
    expect(requests[0]?.credentials).toBe('same-origin');
  });

  it('falls back to the token of the last Me answer when the cookie is not readable', async () => {
    rememberCsrfToken('from-me');
    const { requests } = stubFetch({
      'DELETE /api/v1/tokens/5': () => jsonResponse(null, { status: 204 }),
    });

    const result = await apiClient.delete('/api/v1/tokens/5');

    expect(result).toBeUndefined();
    expect(requests[0]?.headers.get('X-CSRF-Token')).toBe('from-me');
  });

  it('sends no CSRF header on GET', async () => {
    document.cookie = 'kirim_csrf=from-cookie';
    const { requests } = stubFetch({ 'GET /api/v1/users': () => jsonResponse({ data: [] }) });

    await apiClient.get('/api/v1/users', { limit: 50, cursor: null });

    expect(requests[0]?.headers.has('X-CSRF-Token')).toBe(false);
    expect(requests[0]?.query.get('limit')).toBe('50');
    expect(requests[0]?.query.has('cursor')).toBe(false);
  });
});

describe('apiClient on 401', () => {
  it('reports a lost session for non-auth endpoints', async () => {
    const onUnauthenticated = vi.fn();
    setUnauthenticatedHandler(onUnauthenticated);
    stubFetch({
      'GET /api/v1/users': () => errorResponse(401, 'unauthenticated', 'Log in first.'),
    });

    const error = await catchError(apiClient.get('/api/v1/users'));

    expect(error.code).toBe('unauthenticated');
    expect(onUnauthenticated).toHaveBeenCalledOnce();
  });

  it('leaves a failed login to the login form', async () => {
    const onUnauthenticated = vi.fn();
    setUnauthenticatedHandler(onUnauthenticated);
    stubFetch({
      'POST /api/v1/auth/login': () =>
        errorResponse(401, 'invalid_credentials', 'Wrong email or password.'),
    });

    const error = await catchError(apiClient.post('/api/v1/auth/login', {}));

    expect(error.code).toBe('invalid_credentials');
    expect(onUnauthenticated).not.toHaveBeenCalled();
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:05:00 GMT', now)).toBe(300);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});
