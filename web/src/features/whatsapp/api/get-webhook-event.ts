import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { WebhookEvent } from './get-webhook-events';

/** GET /api/v1/webhooks/events/{id} (owner, admin): the event with its raw `body`. */
export function getWebhookEvent(id: number, signal?: AbortSignal): Promise<WebhookEvent> {
  return apiClient.get<WebhookEvent>(`/api/v1/webhooks/events/${id}`, undefined, signal);
}

export function webhookEventQueryKey(id: number) {
  return [...queryKeys.webhookEvents, 'one', id] as const;
}

export function useWebhookEvent(id: number | null) {
  return useQuery({
    ...queryOptions({
      queryKey: webhookEventQueryKey(id ?? 0),
      queryFn: ({ signal }) => getWebhookEvent(id ?? 0, signal),
    }),
    enabled: id !== null,
  });
}
