import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

/** One second of a queue: rates per second, the ready backlog, wait p95 and workers. */
export interface QueueSample {
  at: string;
  succeeded: number;
  failed: number;
  enqueued: number;
  backlog: number;
  wait_p95_ms: number;
  workers: number;
}

/** The samples for the charts, oldest first, and how far the server's clock is from ours. */
export interface QueueHistory {
  samples: QueueSample[];
  /** Server time minus this browser's time, to stamp live samples on the server's time line. */
  clockOffsetMs: number;
}

export function queueHistoryQueryKey(name: string) {
  return [...queryKeys.queues, 'history', name] as const;
}

/** GET /api/v1/queues/{name}/history (owner, admin): one sample a second, the last 10 minutes. */
export async function getQueueHistory(
  name: string,
  signal?: AbortSignal,
  now: () => number = Date.now,
): Promise<QueueHistory> {
  const answer = await apiClient.get<{ data: QueueSample[] }>(
    `/api/v1/queues/${encodeURIComponent(name)}/history`,
    undefined,
    signal,
  );
  const samples = [...answer.data].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const last = samples.at(-1);
  // The newest sample is at most a second old; its middle is the best guess of "now" there.
  const clockOffsetMs = last ? Date.parse(last.at) + 500 - now() : 0;
  return { samples, clockOffsetMs };
}

export function queueHistoryQueryOptions(name: string) {
  return queryOptions({
    queryKey: queueHistoryQueryKey(name),
    queryFn: ({ signal }) => getQueueHistory(name, signal),
    // Live samples are appended to it; a refetch would only replace them with the same.
    refetchOnWindowFocus: false,
  });
}

export function useQueueHistory(name: string) {
  return useQuery(queueHistoryQueryOptions(name));
}
