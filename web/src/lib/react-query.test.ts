import { describe, expect, it } from 'vitest';
import { ApiError } from './api-client';
import { shouldRetry } from './react-query';

const failure = (status: number) =>
  new ApiError({ status, code: status === 0 ? 'network_error' : 'unknown', message: 'x' });

describe('shouldRetry', () => {
  it('never retries an answer that will not change', () => {
    expect(shouldRetry(0, failure(401))).toBe(false);
    expect(shouldRetry(0, failure(404))).toBe(false);
  });

  it('retries network errors and server errors twice', () => {
    expect(shouldRetry(0, failure(0))).toBe(true);
    expect(shouldRetry(1, failure(503))).toBe(true);
    expect(shouldRetry(2, failure(503))).toBe(false);
  });
});
