import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';

/** DELETE /api/v1/tokens/{id} (owner, admin): 204; the token stops working at once. */
export function revokeToken(id: number): Promise<void> {
  return apiClient.delete(`/api/v1/tokens/${id}`);
}

export function useRevokeToken() {
  return useInvalidatingMutation(revokeToken, [queryKeys.tokens, queryKeys.workspace]);
}
