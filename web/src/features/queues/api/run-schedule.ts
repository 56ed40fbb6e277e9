import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

/** POST /api/v1/schedules/{name}/run (owner, admin): enqueues the schedule's job now. */
export function runSchedule(name: string): Promise<{ job_id: number }> {
  return apiClient.post<{ job_id: number }>(`/api/v1/schedules/${encodeURIComponent(name)}/run`);
}

export function useRunSchedule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: runSchedule,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.schedules }),
        queryClient.invalidateQueries({ queryKey: [...queryKeys.jobs, 'list'] }),
      ]),
  });
}
