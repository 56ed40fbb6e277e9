import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export type FieldType = 'text' | 'number' | 'boolean' | 'date' | 'choice';

/** A custom contact field: what audience conditions and template variables may use. */
export interface ContactField {
  id: number;
  key: string;
  label: string;
  type: FieldType;
  choices: string[];
  created_at: string;
}

/** GET /api/v1/contact-fields (any role). Cached as the answer, as the contacts pages do. */
export function getContactFields(signal?: AbortSignal): Promise<{ data: ContactField[] }> {
  return apiClient.get<{ data: ContactField[] }>('/api/v1/contact-fields', undefined, signal);
}

export function useContactFields() {
  return useQuery(
    queryOptions({
      queryKey: queryKeys.contactFields,
      queryFn: ({ signal }) => getContactFields(signal),
      select: (answer) => answer.data,
      staleTime: 60_000,
    }),
  );
}
