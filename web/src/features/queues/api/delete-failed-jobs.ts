import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { type FailedJobsFilter, failedJobsBody } from './retry-failed-jobs';

/** POST /api/v1/jobs/failed/delete (owner, admin): every failed job matching is deleted. */
export function deleteFailedJobs(filters: FailedJobsFilter): Promise<{ affected: number }> {
  return apiClient.post<{ affected: number }>(
    '/api/v1/jobs/failed/delete',
    failedJobsBody(filters),
  );
}

export function useDeleteFailedJobs() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteFailedJobs,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.jobs }),
        queryClient.invalidateQueries({ queryKey: queryKeys.queues }),
      ]),
  });
}
