import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export type ConsentState = 'opted_in' | 'opted_out' | 'unknown';

/** Where a consent change came from (docs/api.md, Contacts). */
export type ConsentSource =
  'api' | 'web' | 'import' | 'keyword' | 'button' | 'whatsapp_preferences';

/** A custom field's value as JSON: text, choice and date (`YYYY-MM-DD`) are strings. */
export type FieldValue = string | number | boolean;

export interface Contact {
  id: number;
  /** E.164, e.g. `+6281234567890`. */
  phone: string;
  /** The number as its country writes it, e.g. `+62 812-3456-7890`, when the server adds it. */
  phone_display?: string;
  name: string | null;
  /** BCP 47 / WhatsApp locale such as `en`, `id` or `pt_BR`. */
  language: string | null;
  /** ISO 3166 alpha-2, derived from the number when not given. */
  country: string | null;
  /** IANA, e.g. `Asia/Jakarta`. */
  timezone: string | null;
  tags: string[];
  /** Custom field values by field key. */
  fields: Record<string, FieldValue | null>;
  consent: { state: ConsentState; source: ConsentSource | null; changed_at: string | null };
  created_at: string;
  updated_at: string;
  last_inbound_at: string | null;
  last_outbound_at: string | null;
  /** 24 hours after the last inbound message: until then free-form messages may be sent. */
  window_open_until: string | null;
}

export function contactQueryKey(id: number) {
  return [...queryKeys.contacts, 'detail', id] as const;
}

/** GET /api/v1/contacts/{id}: 404 for an unknown id or one of another workspace. */
export function getContact(id: number, signal?: AbortSignal): Promise<Contact> {
  return apiClient.get<Contact>(`/api/v1/contacts/${id}`, undefined, signal);
}

export function contactQueryOptions(id: number) {
  return queryOptions({
    queryKey: contactQueryKey(id),
    queryFn: ({ signal }) => getContact(id, signal),
  });
}

export function useContact(id: number) {
  return useQuery(contactQueryOptions(id));
}
