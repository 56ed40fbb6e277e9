import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '@/lib/api-client';
import { contactQueryKey } from './get-contact';

export type MessageStatus = 'received' | 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

export interface Message {
  id: number;
  direction: 'in' | 'out';
  wamid: string;
  /** WhatsApp's message type: `text`, `image`, `location`, `reaction`, `template`, … */
  type: string;
  /** The text of the message, or its caption; null when it has none. */
  text: string | null;
  /** The WhatsApp message object as sent or received. */
  content: Record<string, unknown> | null;
  status: MessageStatus;
  error: { code: number; title: string } | null;
  /** The business number that sent or received it, e.g. `+1 555 0100`. */
  phone_number: string | null;
  created_at: string;
  sent_at: string | null;
  delivered_at: string | null;
  read_at: string | null;
  failed_at: string | null;
}

const messagesPageSize = 50;

/** GET /api/v1/contacts/{id}/messages: one page of the conversation, newest first. */
export function getContactMessages(
  contactId: number,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<Page<Message>> {
  return apiClient.get<Page<Message>>(
    `/api/v1/contacts/${contactId}/messages`,
    { cursor, limit: messagesPageSize },
    signal,
  );
}

export function contactMessagesQueryOptions(contactId: number) {
  return infiniteQueryOptions({
    queryKey: [...contactQueryKey(contactId), 'messages'] as const,
    queryFn: ({ pageParam, signal }) => getContactMessages(contactId, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
  });
}

export function useContactMessages(contactId: number) {
  return useInfiniteQuery(contactMessagesQueryOptions(contactId));
}
