import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

/** Percentiles in milliseconds over the recent jobs of a queue. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** One queue as the dashboard shows it; `queue.stats` events carry the same. */
export interface QueueStats {
  name: string;
  paused: boolean;
  /** Jobs due now, waiting for a worker. */
  ready: number;
  /** Jobs whose `run_at` is still ahead (delays, retries after backoff). */
  delayed: number;
  running: number;
  failed: number;
  workers: { current: number; busy: number; min: number; max: number };
  /** Rates per second over the last second, and succeeded and failed over the last minute. */
  per_second: {
    enqueued: number;
    started: number;
    succeeded: number;
    failed: number;
    retried: number;
    succeeded_60s: number;
    failed_60s: number;
  };
  /** How long a ready job waited for a worker. */
  wait_ms: Percentiles;
  run_ms: Percentiles;
  /** Since the server started. */
  totals: { enqueued: number; succeeded: number; failed: number; retried: number };
}

/** Counters of one kind of job since the server started. */
export interface KindStats {
  kind: string;
  queue: string;
  enqueued: number;
  started: number;
  succeeded: number;
  failed: number;
  retried: number;
  run_ms: { p50: number; p99: number };
}

export interface QueuesOverview {
  data: QueueStats[];
  kinds: KindStats[];
  /** The realtime channel of `queue.stats`. */
  channel?: string;
}

export const queuesQueryKey = [...queryKeys.queues, 'overview'] as const;

/** GET /api/v1/queues (owner, admin): every queue, and counters per kind of job. */
export function getQueues(signal?: AbortSignal): Promise<QueuesOverview> {
  return apiClient.get<QueuesOverview>('/api/v1/queues', undefined, signal);
}

export const queuesQueryOptions = queryOptions({
  queryKey: queuesQueryKey,
  queryFn: ({ signal }) => getQueues(signal),
});

/**
 * The queues; `pollMs` refetches them while `queue.stats` events are not arriving, and is
 * false while they keep the data current.
 */
export function useQueues(pollMs: number | false = false) {
  return useQuery({ ...queuesQueryOptions, refetchInterval: pollMs });
}
