import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { campaignQueryKey } from './get-campaign';

export interface FailureCount {
  code: number;
  title: string;
  count: number;
}

export function failuresQueryKey(id: number) {
  return [...campaignQueryKey(id), 'failures'] as const;
}

/** GET /api/v1/campaigns/{id}/failures (any role): by count, most first. */
export async function getFailures(id: number, signal?: AbortSignal): Promise<FailureCount[]> {
  const answer = await apiClient.get<{ data: FailureCount[] }>(
    `/api/v1/campaigns/${id}/failures`,
    undefined,
    signal,
  );
  return answer.data;
}

export function useFailures(id: number, pollMs: number | false = false) {
  return useQuery({
    ...queryOptions({
      queryKey: failuresQueryKey(id),
      queryFn: ({ signal }) => getFailures(id, signal),
    }),
    refetchInterval: pollMs,
  });
}
