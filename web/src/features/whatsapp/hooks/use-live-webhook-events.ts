import { type InfiniteData, useQueryClient } from '@tanstack/react-query';
import type { Page } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useWorkspaceEvent } from '@/lib/realtime/context';
import { webhookEventQueryKey } from '../api/get-webhook-event';
import {
  type WebhookEvent,
  type WebhookEventFilters,
  webhookEventsQueryKey,
} from '../api/get-webhook-events';

/** Sent on the workspace channel when a webhook is stored, and again when it is processed. */
export const webhookReceivedEvent = 'webhook.received';

/** The event in a `webhook.received` payload, or null when it does not look like one. */
export function parseWebhookEvent(data: unknown): WebhookEvent | null {
  if (data === null || typeof data !== 'object') return null;
  const event = data as Record<string, unknown>;
  if (typeof event.id !== 'number' || typeof event.received_at !== 'string') return null;
  if (typeof event.outcome !== 'string') return null;
  return {
    id: event.id,
    received_at: event.received_at,
    account_id: typeof event.account_id === 'number' ? event.account_id : null,
    kinds: Array.isArray(event.kinds)
      ? event.kinds.filter((kind): kind is string => typeof kind === 'string')
      : [],
    outcome: event.outcome as WebhookEvent['outcome'],
    error: typeof event.error === 'string' ? event.error : null,
    summary: typeof event.summary === 'string' ? event.summary : '',
    size_bytes: typeof event.size_bytes === 'number' ? event.size_bytes : 0,
    processed_at: typeof event.processed_at === 'string' ? event.processed_at : null,
  };
}

/** Whether `event` belongs in the list under `filters`; a text search cannot be judged here. */
function belongs(event: WebhookEvent, filters: WebhookEventFilters): boolean {
  if (filters.q) return false;
  if (filters.kind && !event.kinds.includes(filters.kind)) return false;
  if (filters.outcome && event.outcome !== filters.outcome) return false;
  return true;
}

/**
 * Puts webhooks into the shown list as they arrive: a new one on top, a known one (now
 * processed) updated in place. Best effort: other filters' lists are only marked stale, and the
 * list refetches when the window regains focus.
 */
export function useLiveWebhookEvents(filters: WebhookEventFilters): void {
  const queryClient = useQueryClient();
  useWorkspaceEvent(webhookReceivedEvent, (data) => {
    const event = parseWebhookEvent(data);
    void queryClient.invalidateQueries({
      queryKey: [...queryKeys.webhookEvents, 'list'],
      refetchType: event ? 'none' : 'active',
    });
    if (!event) return;
    queryClient.setQueryData<WebhookEvent>(webhookEventQueryKey(event.id), (shown) =>
      shown ? { ...shown, ...event, body: shown.body } : shown,
    );
    queryClient.setQueryData<InfiniteData<Page<WebhookEvent>>>(
      webhookEventsQueryKey(filters),
      (list) => {
        if (!list) return list;
        let known = false;
        const pages = list.pages.map((page) => ({
          ...page,
          data: page.data.map((shown) => {
            if (shown.id !== event.id) return shown;
            known = true;
            return { ...shown, ...event };
          }),
        }));
        if (known) return { ...list, pages };
        const [first, ...rest] = pages;
        if (!first || !belongs(event, filters)) return list;
        return { ...list, pages: [{ ...first, data: [event, ...first.data] }, ...rest] };
      },
    );
  });
}
