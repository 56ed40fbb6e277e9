import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { type QueuesOverview, queuesQueryKey } from './get-queues';

/**
 * POST /api/v1/queues/{name}/pause (owner, admin): no new job of the queue starts until it is
 * resumed; running ones finish. Answers like GET /api/v1/queues.
 */
export function pauseQueue(name: string): Promise<QueuesOverview> {
  return apiClient.post<QueuesOverview>(`/api/v1/queues/${encodeURIComponent(name)}/pause`);
}

export function usePauseQueue() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: pauseQueue,
    onSuccess: (overview) => queryClient.setQueryData(queuesQueryKey, overview),
  });
}
