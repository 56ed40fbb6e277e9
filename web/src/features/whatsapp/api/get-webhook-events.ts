import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export type WebhookOutcome = 'pending' | 'processed' | 'ignored' | 'unrouted' | 'failed';

/** One webhook Meta (or the sandbox) delivered, as the durable inbox keeps it. */
export interface WebhookEvent {
  id: number;
  received_at: string;
  /** Null while it could not be routed to an account of this workspace. */
  account_id: number | null;
  /** What it carried: `statuses`, `messages`, `message_template_status_update`, … */
  kinds: string[];
  outcome: WebhookOutcome;
  error: string | null;
  /** E.g. "2 statuses, 1 message". */
  summary: string;
  size_bytes: number;
  processed_at: string | null;
  /** The raw JSON as received; only the single-event route sends it. */
  body?: string;
}

export interface WebhookEventFilters {
  /** Full text over the raw body. */
  q?: string;
  kind?: string;
  outcome?: string;
}

const eventsPageSize = 50;

/** GET /api/v1/webhooks/events (owner, admin): one page, newest first. */
export function getWebhookEvents(
  filters: WebhookEventFilters,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<Page<WebhookEvent>> {
  return apiClient.get<Page<WebhookEvent>>(
    '/api/v1/webhooks/events',
    { ...filters, cursor, limit: eventsPageSize },
    signal,
  );
}

export function webhookEventsQueryKey(filters: WebhookEventFilters) {
  return [...queryKeys.webhookEvents, 'list', filters] as const;
}

export function webhookEventsQueryOptions(filters: WebhookEventFilters) {
  return infiniteQueryOptions({
    queryKey: webhookEventsQueryKey(filters),
    queryFn: ({ pageParam, signal }) => getWebhookEvents(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    placeholderData: keepPreviousData,
  });
}

export function useWebhookEvents(filters: WebhookEventFilters) {
  return useInfiniteQuery(webhookEventsQueryOptions(filters));
}
