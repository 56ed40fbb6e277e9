import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';

/** DELETE /api/v1/users/{id} (owner, admin): 204; ends their sessions and revokes their tokens. */
export function deleteUser(id: number): Promise<void> {
  return apiClient.delete(`/api/v1/users/${id}`);
}

export function useDeleteUser() {
  return useInvalidatingMutation(deleteUser, [
    queryKeys.users,
    queryKeys.tokens,
    queryKeys.workspace,
  ]);
}
