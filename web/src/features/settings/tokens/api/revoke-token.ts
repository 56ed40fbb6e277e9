import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

/** DELETE /api/v1/tokens/{id} (owner, admin): 204; the token stops working at once. */
export function revokeToken(id: number): Promise<void> {
  return apiClient.delete(`/api/v1/tokens/${id}`);
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeToken,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.tokens }),
        queryClient.invalidateQueries({ queryKey: queryKeys.workspace }),
      ]),
  });
}
