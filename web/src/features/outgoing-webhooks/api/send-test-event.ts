import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';
import type { Delivery } from './get-deliveries';

/** POST /api/v1/webhooks/endpoints/{id}/test (owner, admin): 202, a `ping` to this endpoint. */
export function sendTestEvent(endpointId: number): Promise<Delivery> {
  return apiClient.post<Delivery>(`/api/v1/webhooks/endpoints/${endpointId}/test`);
}

export function useSendTestEvent() {
  return useInvalidatingMutation(sendTestEvent, [
    queryKeys.webhookDeliveries,
    queryKeys.outgoingWebhooks,
  ]);
}
