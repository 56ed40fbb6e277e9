import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Campaign } from './get-campaign';

/** Pages of 200 read per state before the count is given as "at least". */
export const maxCountedPages = 5;
const countPageSize = 200;

export interface ActiveCount {
  count: number;
  /** More exist than were counted. */
  more: boolean;
}

export interface ActiveCounts {
  running: ActiveCount;
  paused: ActiveCount;
  scheduled: ActiveCount;
}

async function countState(
  state: keyof ActiveCounts,
  signal: AbortSignal | undefined,
): Promise<ActiveCount> {
  let cursor: string | null = null;
  let count = 0;
  for (let page = 0; page < maxCountedPages; page += 1) {
    const answer: Page<Campaign> = await apiClient.get<Page<Campaign>>(
      '/api/v1/campaigns',
      { state, cursor, limit: countPageSize },
      signal,
    );
    count += answer.data.length;
    cursor = answer.next_cursor;
    if (cursor === null) return { count, more: false };
  }
  return { count, more: true };
}

/** What an emergency stop would stop: GET /api/v1/campaigns per active state, counted. */
export async function getActiveCounts(signal?: AbortSignal): Promise<ActiveCounts> {
  const [running, paused, scheduled] = await Promise.all([
    countState('running', signal),
    countState('paused', signal),
    countState('scheduled', signal),
  ]);
  return { running, paused, scheduled };
}

/** Counted while `enabled` (the confirmation is open), always fresh. */
export function useActiveCounts(enabled: boolean) {
  return useQuery({
    ...queryOptions({
      queryKey: [...queryKeys.campaigns, 'active-counts'] as const,
      queryFn: ({ signal }) => getActiveCounts(signal),
      staleTime: 0,
    }),
    enabled,
  });
}
