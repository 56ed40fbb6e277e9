import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { WebhookEvent } from './get-webhook-events';
import { webhookEventQueryKey } from './get-webhook-event';

/**
 * POST /api/v1/webhooks/events/{id}/replay (owner, admin): processes the stored body again
 * (processing is idempotent) and answers the event with its new outcome.
 */
export function replayWebhookEvent(id: number): Promise<WebhookEvent> {
  return apiClient.post<WebhookEvent>(`/api/v1/webhooks/events/${id}/replay`);
}

export function useReplayWebhookEvent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: replayWebhookEvent,
    onSuccess: (replayed) => {
      // The answer may leave out the body; keep the one already shown.
      queryClient.setQueryData<WebhookEvent>(webhookEventQueryKey(replayed.id), (shown) =>
        shown ? { ...shown, ...replayed, body: replayed.body ?? shown.body } : replayed,
      );
      return queryClient.invalidateQueries({
        queryKey: [...queryKeys.webhookEvents, 'list'],
      });
    },
  });
}
