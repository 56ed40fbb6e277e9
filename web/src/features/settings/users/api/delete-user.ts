import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

/** DELETE /api/v1/users/{id} (owner, admin): 204; ends their sessions and revokes their tokens. */
export function deleteUser(id: number): Promise<void> {
  return apiClient.delete(`/api/v1/users/${id}`);
}

export function useDeleteUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteUser,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.users }),
        queryClient.invalidateQueries({ queryKey: queryKeys.tokens }),
        queryClient.invalidateQueries({ queryKey: queryKeys.workspace }),
      ]),
  });
}
