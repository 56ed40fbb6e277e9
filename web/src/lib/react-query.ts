import { type QueryKey, QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { isApiError } from './api-client';

const maxRetries = 2;

/**
 * Retries only what may succeed on a second try: network errors and 5xx. A 4xx is the same answer
 * every time, and retrying a 401 would only delay the redirect to the login page.
 */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
  return failureCount < maxRetries;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 15_000 },
      mutations: { retry: false },
    },
  });
}

/**
 * A mutation that makes the queries under `invalidates` stale when it succeeds (e.g. a list and
 * the workspace's counts). The refetch is awaited, so the caller's own `onSuccess` (closing a
 * dialog, say) runs once the new data is in.
 */
export function useInvalidatingMutation<TData, TVariables>(
  mutationFn: (variables: TVariables) => Promise<TData>,
  invalidates: readonly QueryKey[],
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () =>
      Promise.all(invalidates.map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
}
