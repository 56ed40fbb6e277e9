import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';

/** DELETE /api/v1/webhooks/endpoints/{id} (owner, admin): 204, with its deliveries. */
export function deleteEndpoint(id: number): Promise<void> {
  return apiClient.delete(`/api/v1/webhooks/endpoints/${id}`);
}

export function useDeleteEndpoint() {
  return useInvalidatingMutation(deleteEndpoint, [
    queryKeys.outgoingWebhooks,
    queryKeys.webhookDeliveries,
  ]);
}
