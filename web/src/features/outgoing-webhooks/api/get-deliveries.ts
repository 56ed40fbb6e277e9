import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** One event sent (or being sent) to one endpoint. */
export interface Delivery {
  id: number;
  endpoint_id: number;
  event: string;
  state: DeliveryState;
  attempts: number;
  redeliveries: number;
  /** Of the last attempt; null before it, or when nothing answered. */
  response_status: number | null;
  duration_ms: number | null;
  error: string | null;
  created_at: string;
  last_attempt_at: string | null;
  /** When the next try is due, while pending. */
  next_attempt_at: string | null;
  delivered_at: string | null;
  /** The body POSTed; only the single-delivery route sends it. */
  payload?: unknown;
  /** The first 2 KiB of the last answer; only the single-delivery route sends it. */
  response_body?: string | null;
}

const deliveriesPageSize = 25;
/** How often a list with deliveries still pending asks again. */
export const pendingRefreshMs = 5_000;

/** GET /api/v1/webhooks/endpoints/{id}/deliveries (owner, admin): one page, newest first. */
export function getDeliveries(
  endpointId: number,
  state: DeliveryState | null,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<Page<Delivery>> {
  return apiClient.get<Page<Delivery>>(
    `/api/v1/webhooks/endpoints/${endpointId}/deliveries`,
    { state, cursor, limit: deliveriesPageSize },
    signal,
  );
}

export function deliveriesQueryOptions(endpointId: number, state: DeliveryState | null) {
  return infiniteQueryOptions({
    queryKey: [...queryKeys.webhookDeliveries, 'list', endpointId, state ?? 'all'] as const,
    queryFn: ({ pageParam, signal }) => getDeliveries(endpointId, state, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    placeholderData: keepPreviousData,
    // Deliveries move on their own on the server: look again while any is still pending.
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.data.some((d) => d.state === 'pending'))
        ? pendingRefreshMs
        : false,
  });
}

export function useDeliveries(endpointId: number, state: DeliveryState | null) {
  return useInfiniteQuery(deliveriesQueryOptions(endpointId, state));
}
