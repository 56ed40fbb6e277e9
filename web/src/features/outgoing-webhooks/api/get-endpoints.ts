import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

/** An event a workspace can subscribe an endpoint to (docs/api.md "Outgoing webhooks"). */
export type WebhookEventName =
  | 'contact.created'
  | 'contact.updated'
  | 'contact.deleted'
  | 'contact.opted_out'
  | 'contact.opted_in'
  | 'message.received'
  | 'message.status';

/** A URL that receives the workspace's events, signed with its own secret. */
export interface Endpoint {
  id: number;
  url: string;
  description: string;
  /** `['*']` for every event, or the events it receives. */
  events: string[];
  enabled: boolean;
  /** Why Kirim turned it off (a 410 Gone answer); null when on, or turned off by a person. */
  disabled_reason: string | null;
  /** HTTP status of the last attempt; null before the first, or when nothing answered. */
  last_status: number | null;
  last_error: string | null;
  last_attempt_at: string | null;
  consecutive_failures: number;
  created_at: string;
  updated_at: string;
}

export interface EndpointsAnswer {
  data: Endpoint[];
  /** Every event the server knows, in its order. */
  events: string[];
}

/** GET /api/v1/webhooks/endpoints (owner, admin). */
export function getEndpoints(signal?: AbortSignal): Promise<EndpointsAnswer> {
  return apiClient.get<EndpointsAnswer>('/api/v1/webhooks/endpoints', undefined, signal);
}

export function endpointsQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.outgoingWebhooks,
    queryFn: ({ signal }) => getEndpoints(signal),
  });
}

export function useEndpoints() {
  return useQuery(endpointsQueryOptions());
}
