import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Job } from './get-jobs';

/**
 * POST /api/v1/jobs/{id}/retry (owner, admin): the job is pending again with its attempts
 * reset; 409 unless it failed or was cancelled.
 */
export function retryJob(id: number): Promise<Job> {
  return apiClient.post<Job>(`/api/v1/jobs/${id}/retry`);
}

export function useRetryJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: retryJob,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.jobs }),
        queryClient.invalidateQueries({ queryKey: queryKeys.queues }),
      ]),
  });
}
