import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

/**
 * POST /api/v1/campaigns/emergency-stop (editor+): every running, paused or scheduled campaign
 * of the workspace stops at once.
 */
export function emergencyStop(reason: string | null): Promise<{ stopped: number[] }> {
  return apiClient.post<{ stopped: number[] }>(
    '/api/v1/campaigns/emergency-stop',
    reason ? { reason } : {},
  );
}

export function useEmergencyStop() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: emergencyStop,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.campaigns }),
  });
}
