import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export interface Tag {
  id: number;
  name: string;
  /** How many contacts carry it. */
  contacts: number;
}

/** GET /api/v1/tags: every tag of the workspace, by name. */
export function getTags(signal?: AbortSignal): Promise<{ data: Tag[] }> {
  return apiClient.get<{ data: Tag[] }>('/api/v1/tags', undefined, signal);
}

export const tagsQueryOptions = queryOptions({
  queryKey: queryKeys.tags,
  queryFn: ({ signal }) => getTags(signal),
  select: (answer) => answer.data,
});

export function useTags() {
  return useQuery(tagsQueryOptions);
}
