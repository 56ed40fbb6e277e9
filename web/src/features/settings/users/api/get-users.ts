import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '@/lib/api-client';
import type { User } from '@/lib/auth';
import { queryKeys } from '@/lib/query-keys';

const usersPageSize = 50;

/** GET /api/v1/users: one page of the workspace's users. */
export function getUsers(cursor: string | null, signal?: AbortSignal): Promise<Page<User>> {
  return apiClient.get<Page<User>>('/api/v1/users', { cursor, limit: usersPageSize }, signal);
}

export const usersQueryOptions = infiniteQueryOptions({
  queryKey: queryKeys.users,
  queryFn: ({ pageParam, signal }) => getUsers(pageParam, signal),
  initialPageParam: null as string | null,
  getNextPageParam: (page) => page.next_cursor,
});

export function useUsers() {
  return useInfiniteQuery(usersQueryOptions);
}
