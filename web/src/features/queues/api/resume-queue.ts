import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { type QueuesOverview, queuesQueryKey } from './get-queues';

/** POST /api/v1/queues/{name}/resume (owner, admin): answers like GET /api/v1/queues. */
export function resumeQueue(name: string): Promise<QueuesOverview> {
  return apiClient.post<QueuesOverview>(`/api/v1/queues/${encodeURIComponent(name)}/resume`);
}

export function useResumeQueue() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: resumeQueue,
    onSuccess: (overview) => queryClient.setQueryData(queuesQueryKey, overview),
  });
}
