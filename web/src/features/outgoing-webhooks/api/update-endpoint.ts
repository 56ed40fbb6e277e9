import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';
import type { Endpoint } from './get-endpoints';

export interface UpdateEndpointInput {
  id: number;
  url?: string;
  description?: string;
  events?: string[];
  enabled?: boolean;
}

/** PATCH /api/v1/webhooks/endpoints/{id} (owner, admin): 200 Endpoint. */
export function updateEndpoint({ id, ...changes }: UpdateEndpointInput): Promise<Endpoint> {
  return apiClient.patch<Endpoint>(`/api/v1/webhooks/endpoints/${id}`, changes);
}

export function useUpdateEndpoint() {
  return useInvalidatingMutation(updateEndpoint, [queryKeys.outgoingWebhooks]);
}
