import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Import } from './get-import';

const importsPageSize = 20;

/** GET /api/v1/imports: one page of the workspace's imports, newest first. */
export function getImports(cursor: string | null, signal?: AbortSignal): Promise<Page<Import>> {
  return apiClient.get<Page<Import>>('/api/v1/imports', { cursor, limit: importsPageSize }, signal);
}

export const importsQueryKey = [...queryKeys.imports, 'list'] as const;

export const importsQueryOptions = infiniteQueryOptions({
  queryKey: importsQueryKey,
  queryFn: ({ pageParam, signal }) => getImports(pageParam, signal),
  initialPageParam: null as string | null,
  getNextPageParam: (page) => page.next_cursor,
});

export function useImports() {
  return useInfiniteQuery(importsQueryOptions);
}
