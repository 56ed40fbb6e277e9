import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Contact } from './get-contact';

/** Filter and sort parameters by their API names, e.g. `{ tag: ['vip'], sort: '-name' }`. */
export type ContactListParams = Record<string, string | string[]>;

export interface ContactsPage extends Page<Contact> {
  /** The number of contacts matching the filters; on the first page only (`count=true`). */
  total?: number;
}

/** Rows per request: enough to fill a tall screen twice, small enough to answer fast. */
export const contactsPageSize = 100;

/** GET /api/v1/contacts: one page of the contacts matching `params`. */
export function getContacts(
  params: ContactListParams,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<ContactsPage> {
  return apiClient.get<ContactsPage>(
    '/api/v1/contacts',
    {
      ...params,
      limit: contactsPageSize,
      cursor,
      // Counting a large workspace costs the server a scan; once per filter is enough.
      count: cursor === null ? 'true' : null,
    },
    signal,
  );
}

export function contactsQueryOptions(params: ContactListParams) {
  return infiniteQueryOptions({
    queryKey: [...queryKeys.contacts, 'list', params] as const,
    queryFn: ({ pageParam, signal }) => getContacts(params, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    // A new filter keeps the old rows on screen (dimmed) until its first page arrives.
    placeholderData: keepPreviousData,
  });
}

export function useContacts(params: ContactListParams) {
  return useInfiniteQuery(contactsQueryOptions(params));
}
