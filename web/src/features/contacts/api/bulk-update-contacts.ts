import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';

export type BulkAction = 'tag' | 'untag' | 'delete' | 'opt_in' | 'opt_out';

/** The contacts a bulk action applies to: chosen ones, or every contact matching a filter. */
export type BulkTarget = { ids: number[] } | { filter: Record<string, string | string[]> };

export type BulkInput = { action: BulkAction; tags?: string[] } & BulkTarget;

/** POST /api/v1/contacts/bulk (editor+): 200 with the number of contacts changed. */
export function bulkUpdateContacts(input: BulkInput): Promise<{ affected: number }> {
  return apiClient.post<{ affected: number }>('/api/v1/contacts/bulk', input);
}

export function useBulkUpdateContacts() {
  return useInvalidatingMutation(bulkUpdateContacts, [queryKeys.contacts, queryKeys.tags]);
}
