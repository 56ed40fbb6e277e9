import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { type ConsentSource, type ConsentState, contactQueryKey } from './get-contact';

export interface ConsentEvent {
  state: ConsentState;
  source: ConsentSource;
  created_at: string;
}

/** GET /api/v1/contacts/{id}/consent: every consent change, newest first. */
export function getContactConsent(
  contactId: number,
  signal?: AbortSignal,
): Promise<{ data: ConsentEvent[] }> {
  return apiClient.get<{ data: ConsentEvent[] }>(
    `/api/v1/contacts/${contactId}/consent`,
    undefined,
    signal,
  );
}

export function contactConsentQueryOptions(contactId: number) {
  return queryOptions({
    queryKey: [...contactQueryKey(contactId), 'consent'] as const,
    queryFn: ({ signal }) => getContactConsent(contactId, signal),
    select: (answer) => answer.data,
  });
}

export function useContactConsent(contactId: number) {
  return useQuery(contactConsentQueryOptions(contactId));
}
