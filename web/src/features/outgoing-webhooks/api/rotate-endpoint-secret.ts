import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';
import type { EndpointWithSecret } from './create-endpoint';

/**
 * POST /api/v1/webhooks/endpoints/{id}/rotate-secret (owner, admin): a new secret, shown once;
 * the old one stops signing at once.
 */
export function rotateEndpointSecret(id: number): Promise<EndpointWithSecret> {
  return apiClient.post<EndpointWithSecret>(`/api/v1/webhooks/endpoints/${id}/rotate-secret`);
}

export function useRotateEndpointSecret() {
  return useInvalidatingMutation(rotateEndpointSecret, [queryKeys.outgoingWebhooks]);
}
