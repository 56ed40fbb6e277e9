import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export type FieldType = 'text' | 'number' | 'boolean' | 'date' | 'choice';

/** A custom contact field the workspace defined, e.g. City (text) or Plan (choice). */
export interface ContactField {
  id: number;
  /** Lower-case letters, digits and `_`; derived from the label when not given. */
  key: string;
  label: string;
  type: FieldType;
  /** The allowed values of a `choice` field; empty for the other types. */
  choices: string[];
  created_at: string;
}

/** GET /api/v1/contact-fields: every field of the workspace. */
export function getContactFields(signal?: AbortSignal): Promise<{ data: ContactField[] }> {
  return apiClient.get<{ data: ContactField[] }>('/api/v1/contact-fields', undefined, signal);
}

export const contactFieldsQueryOptions = queryOptions({
  queryKey: queryKeys.contactFields,
  queryFn: ({ signal }) => getContactFields(signal),
  select: (answer) => answer.data,
  // Fields change rarely, and only through Settings, which refreshes them.
  staleTime: 60_000,
});

export function useContactFields() {
  return useQuery(contactFieldsQueryOptions);
}
