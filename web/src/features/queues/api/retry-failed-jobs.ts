import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { JobFilters } from './get-jobs';

/** Which failed jobs a bulk action takes: the list's filters other than the state. */
export type FailedJobsFilter = Omit<JobFilters, 'state'>;

/** The body of a bulk action: only the filters that are set. */
export function failedJobsBody(filters: FailedJobsFilter): FailedJobsFilter {
  const body: FailedJobsFilter = {};
  if (filters.queue) body.queue = filters.queue;
  if (filters.kind) body.kind = filters.kind;
  if (filters.tag) body.tag = filters.tag;
  if (filters.q) body.q = filters.q;
  return body;
}

/** POST /api/v1/jobs/failed/retry (owner, admin): every failed job matching runs again. */
export function retryFailedJobs(filters: FailedJobsFilter): Promise<{ affected: number }> {
  return apiClient.post<{ affected: number }>('/api/v1/jobs/failed/retry', failedJobsBody(filters));
}

export function useRetryFailedJobs() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: retryFailedJobs,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.jobs }),
        queryClient.invalidateQueries({ queryKey: queryKeys.queues }),
      ]),
  });
}
