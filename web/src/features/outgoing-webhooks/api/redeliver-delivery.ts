import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Delivery } from './get-deliveries';

/**
 * POST /api/v1/webhooks/deliveries/{id}/redeliver (owner, admin): 202, pending again with the
 * same id and body; 409 while it is pending or its endpoint is disabled.
 */
export function redeliverDelivery(id: number): Promise<Delivery> {
  return apiClient.post<Delivery>(`/api/v1/webhooks/deliveries/${id}/redeliver`);
}

export function useRedeliverDelivery() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: redeliverDelivery,
    // Every list and the open delivery show it pending again.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.webhookDeliveries }),
  });
}
