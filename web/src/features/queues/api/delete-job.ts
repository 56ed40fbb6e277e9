import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { jobQueryKey } from './get-job';

/** DELETE /api/v1/jobs/{id} (owner, admin): 204; 409 while it runs. */
export function deleteJob(id: number): Promise<void> {
  return apiClient.delete(`/api/v1/jobs/${id}`);
}

export function useDeleteJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteJob,
    onSuccess: (_nothing, id) => {
      queryClient.removeQueries({ queryKey: jobQueryKey(id) });
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: [...queryKeys.jobs, 'list'] }),
        queryClient.invalidateQueries({ queryKey: queryKeys.queues }),
      ]);
    },
  });
}
