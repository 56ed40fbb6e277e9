import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export interface Tag {
  id: number;
  name: string;
  contacts: number;
}

/** GET /api/v1/tags (any role): by name. Cached as the answer, as the contacts pages do. */
export function getTags(signal?: AbortSignal): Promise<{ data: Tag[] }> {
  return apiClient.get<{ data: Tag[] }>('/api/v1/tags', undefined, signal);
}

export function useTags() {
  return useQuery(
    queryOptions({
      queryKey: queryKeys.tags,
      queryFn: ({ signal }) => getTags(signal),
      select: (answer) => answer.data,
    }),
  );
}
