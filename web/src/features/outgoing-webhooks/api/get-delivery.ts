import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { type Delivery, pendingRefreshMs } from './get-deliveries';

/** GET /api/v1/webhooks/deliveries/{id} (owner, admin): with its payload and response body. */
export function getDelivery(id: number, signal?: AbortSignal): Promise<Delivery> {
  return apiClient.get<Delivery>(`/api/v1/webhooks/deliveries/${id}`, undefined, signal);
}

export function deliveryQueryKey(id: number) {
  return [...queryKeys.webhookDeliveries, 'one', id] as const;
}

export function useDelivery(id: number | null) {
  return useQuery({
    ...queryOptions({
      queryKey: deliveryQueryKey(id ?? 0),
      queryFn: ({ signal }) => getDelivery(id ?? 0, signal),
    }),
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data?.state === 'pending' ? pendingRefreshMs : false),
  });
}
