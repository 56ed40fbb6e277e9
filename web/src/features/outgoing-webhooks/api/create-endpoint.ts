import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';
import type { Endpoint } from './get-endpoints';

export interface EndpointInput {
  url: string;
  description?: string;
  /** `['*']` or a list of event names. */
  events?: string[];
  enabled?: boolean;
}

/** An endpoint with its signing secret: only creation and rotation answer with it. */
export interface EndpointWithSecret {
  endpoint: Endpoint;
  /** `whsec_...` */
  secret: string;
}

/** POST /api/v1/webhooks/endpoints (owner, admin): 201 with the endpoint and its secret. */
export function createEndpoint(input: EndpointInput): Promise<EndpointWithSecret> {
  return apiClient.post<EndpointWithSecret>('/api/v1/webhooks/endpoints', input);
}

// The secret goes to the caller only, never into the query cache, so it leaves with the dialog.
export function useCreateEndpoint() {
  return useInvalidatingMutation(createEndpoint, [queryKeys.outgoingWebhooks]);
}
