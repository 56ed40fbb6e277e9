import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

/** A sender number's rate limiter, as WhatsApp's limits shape it. */
export interface RateLimit {
  pnid: string;
  phone_number: string;
  account: string;
  /** False until the limiter has seen the number (nothing sent since the server started). */
  known: boolean;
  /** Messages per second the number may send, and what it may now (lower after throttling). */
  configured_mps: number;
  current_mps: number;
  sent_last_second: number;
  /** Until the next send may go. */
  next_slot_ms: number;
  /** Left of the slow-down after Meta throttled the number. */
  backoff_ms: number;
  /** Unique recipients in the last 24 hours against the messaging tier's cap (null: none). */
  tier: { used: number; cap: number | null };
  paused: boolean;
  pause_detail: string | null;
  allowed: number;
  refused: { rate: number; pair: number; tier: number; paused: number };
  /** How often Meta answered "too fast". */
  throttles: number;
}

/** Limiters change by the millisecond; a few seconds is fresh enough to read. */
export const rateLimitsRefreshMs = 3000;

/** GET /api/v1/rate-limits (owner, admin): the workspace's sender numbers. */
export async function getRateLimits(signal?: AbortSignal): Promise<RateLimit[]> {
  return (await apiClient.get<{ data: RateLimit[] }>('/api/v1/rate-limits', undefined, signal))
    .data;
}

export const rateLimitsQueryOptions = queryOptions({
  queryKey: queryKeys.rateLimits,
  queryFn: ({ signal }) => getRateLimits(signal),
});

export function useRateLimits() {
  return useQuery({ ...rateLimitsQueryOptions, refetchInterval: rateLimitsRefreshMs });
}
