import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Job } from './get-jobs';

/** POST /api/v1/jobs/{id}/cancel (owner, admin): 409 unless the job is pending. */
export function cancelJob(id: number): Promise<Job> {
  return apiClient.post<Job>(`/api/v1/jobs/${id}/cancel`);
}

export function useCancelJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelJob,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.jobs }),
        queryClient.invalidateQueries({ queryKey: queryKeys.queues }),
      ]),
  });
}
