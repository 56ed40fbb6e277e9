import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '../api-client';
import { queryKeys } from '../query-keys';

/** GET /api/v1/realtime: the hub's app key and the signed-in member's channels. */
export interface RealtimeConfig {
  key: string;
  channels: {
    /** `private-workspace.<id>`: events about the workspace (`test.event`, later `noun.verb`). */
    workspace: string;
    /** `presence-workspace.<id>`: who has the app open. */
    presence: string;
    /** `private-queues`: the queue dashboard's `queue.stats`; owners and admins only. */
    queues?: string;
  };
}

export function getRealtimeConfig(signal?: AbortSignal): Promise<RealtimeConfig> {
  return apiClient.get<RealtimeConfig>('/api/v1/realtime', undefined, signal);
}

export const realtimeConfigQueryOptions = queryOptions({
  queryKey: queryKeys.realtime,
  queryFn: ({ signal }) => getRealtimeConfig(signal),
  // The key and channel names only change with the session, and a login clears the cache.
  staleTime: Infinity,
  refetchOnWindowFocus: false,
});

export function useRealtimeConfig() {
  return useQuery(realtimeConfigQueryOptions);
}
