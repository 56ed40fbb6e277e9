import { type Query, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { queryKeys } from '@/lib/query-keys';
import { useChannelEvent, useRealtime } from '@/lib/realtime/context';
import { type QueueHistory, queueHistoryQueryKey } from '../api/get-queue-history';
import { type QueueStats, type QueuesOverview, queuesQueryKey, useQueues } from '../api/get-queues';
import { activitySignature, appendSample, sampleFromStats } from '../lib/history';

/** Sent on `private-queues` every second: `{"queues": [QueueStats]}`. */
export const queueStatsEvent = 'queue.stats';
/** Polling while `queue.stats` events do not arrive (realtime down, or the channel refused). */
export const fallbackPollMs = 5000;
/** Without an event for this long the page stops counting on them and polls. */
export const liveTimeoutMs = 5000;
/** Job lists and per-kind counters refresh at most this often while jobs move. */
export const activityRefreshMs = 2000;
/**
 * A job list scrolled further than this many pages is only marked stale when jobs move:
 * refetching every page every few seconds would cost more than it shows.
 */
export const maxLivePages = 3;

function loadedPages(query: Query): number {
  const data = query.state.data as { pages?: unknown[] } | undefined;
  return data?.pages?.length ?? 0;
}

/** The queues of a `queue.stats` payload, or null when it does not look like one. */
export function parseQueueStats(data: unknown): QueueStats[] | null {
  if (data === null || typeof data !== 'object') return null;
  const queues = (data as { queues?: unknown }).queues;
  if (!Array.isArray(queues)) return null;
  const valid = queues.every(
    (queue: unknown) =>
      queue !== null &&
      typeof queue === 'object' &&
      typeof (queue as { name?: unknown }).name === 'string' &&
      typeof (queue as { per_second?: unknown }).per_second === 'object',
  );
  return valid ? (queues as QueueStats[]) : null;
}

/**
 * The Operations page's live feed. Keeps the queues current from `queue.stats` (no polling
 * while they arrive, a slow poll when they do not), appends a sample per second to each queue's
 * chart history, and, when jobs move, refreshes the job lists, the open job and the per-kind
 * counters at most every `activityRefreshMs`. Mounted once, by the page.
 */
export function useLiveQueues() {
  const queryClient = useQueryClient();
  const { state, channels } = useRealtime();
  const [live, setLive] = useState(false);
  const liveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pollMs = state.status === 'connected' && live ? false : fallbackPollMs;
  const queues = useQueues(pollMs);

  useChannelEvent(channels?.queues, queueStatsEvent, (data) => {
    const stats = parseQueueStats(data);
    if (!stats) return;
    setLive(true);
    if (liveTimer.current !== null) clearTimeout(liveTimer.current);
    liveTimer.current = setTimeout(() => setLive(false), liveTimeoutMs);
    queryClient.setQueryData<QueuesOverview>(queuesQueryKey, (shown) =>
      shown ? { ...shown, data: stats } : shown,
    );
  });

  const signature = useRef<string | null>(null);
  const lastRefreshAt = useRef(0);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    const overview = queues.data;
    if (!overview) return;
    const now = Date.now();
    for (const stats of overview.data) {
      queryClient.setQueryData<QueueHistory>(queueHistoryQueryKey(stats.name), (history) =>
        history
          ? appendSample(history, sampleFromStats(stats, now + history.clockOffsetMs))
          : history,
      );
    }
    const next = activitySignature(overview.data);
    const moved = signature.current !== null && signature.current !== next;
    signature.current = next;
    if (!moved || refreshTimer.current !== null) return;
    refreshTimer.current = setTimeout(
      () => {
        refreshTimer.current = null;
        lastRefreshAt.current = Date.now();
        void queryClient.invalidateQueries({
          queryKey: queryKeys.jobs,
          predicate: (query) => loadedPages(query) <= maxLivePages,
        });
        void queryClient.invalidateQueries({
          queryKey: queryKeys.jobs,
          predicate: (query) => loadedPages(query) > maxLivePages,
          refetchType: 'none',
        });
        void queryClient.invalidateQueries({ queryKey: queuesQueryKey });
      },
      Math.max(0, lastRefreshAt.current + activityRefreshMs - now),
    );
  }, [queues.data, queryClient]);

  useEffect(
    () => () => {
      if (liveTimer.current !== null) clearTimeout(liveTimer.current);
      if (refreshTimer.current !== null) clearTimeout(refreshTimer.current);
    },
    [],
  );

  return { queues, live: pollMs === false };
}
