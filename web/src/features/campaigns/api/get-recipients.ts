import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '@/lib/api-client';
import { campaignQueryKey } from './get-campaign';

/** A recipient's state, as the engine keeps it (`pending` is queued). */
export type RecipientState =
  | 'pending'
  | 'sending'
  | 'accepted'
  | 'sent'
  | 'delivered'
  | 'read'
  | 'failed'
  | 'unknown'
  | 'skipped'
  | 'cancelled';

export interface Recipient {
  id: number;
  contact: { id: number; name: string | null; phone: string };
  sender: { id: number; display_number: string } | null;
  state: RecipientState;
  wamid: string | null;
  error: { code: number; title: string } | null;
  queued_at: string | null;
  sent_at: string | null;
  delivered_at: string | null;
  read_at: string | null;
  replied_at: string | null;
  clicked_at: string | null;
  converted_at: string | null;
  updated_at: string;
}

export interface RecipientParams {
  state?: RecipientState;
  q?: string;
}

/** Rows per request: two tall screens. */
export const recipientsPageSize = 100;

export function recipientsQueryKey(id: number) {
  return [...campaignQueryKey(id), 'recipients'] as const;
}

/** GET /api/v1/campaigns/{id}/recipients (any role); `q` matches name or phone. */
export function getRecipients(
  id: number,
  params: RecipientParams,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<Page<Recipient>> {
  return apiClient.get<Page<Recipient>>(
    `/api/v1/campaigns/${id}/recipients`,
    { ...params, cursor, limit: recipientsPageSize },
    signal,
  );
}

export function useRecipients(id: number, params: RecipientParams) {
  return useInfiniteQuery(
    infiniteQueryOptions({
      queryKey: [...recipientsQueryKey(id), params] as const,
      queryFn: ({ pageParam, signal }) => getRecipients(id, params, pageParam, signal),
      initialPageParam: null as string | null,
      getNextPageParam: (page) => page.next_cursor,
      placeholderData: keepPreviousData,
    }),
  );
}
