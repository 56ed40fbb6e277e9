import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export interface ApiToken {
  id: number;
  name: string;
  /** The first characters of the secret, enough to recognise it; never the secret. */
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  user: { id: number; email: string; name: string };
}

const tokensPageSize = 50;

/** GET /api/v1/tokens (owner, admin): one page of the workspace's API tokens. */
export function getTokens(cursor: string | null, signal?: AbortSignal): Promise<Page<ApiToken>> {
  return apiClient.get<Page<ApiToken>>('/api/v1/tokens', { cursor, limit: tokensPageSize }, signal);
}

export const tokensQueryOptions = infiniteQueryOptions({
  queryKey: queryKeys.tokens,
  queryFn: ({ pageParam, signal }) => getTokens(pageParam, signal),
  initialPageParam: null as string | null,
  getNextPageParam: (page) => page.next_cursor,
});

export function useTokens() {
  return useInfiniteQuery(tokensQueryOptions);
}
