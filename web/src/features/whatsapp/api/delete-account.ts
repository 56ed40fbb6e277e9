import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';

/** DELETE /api/v1/whatsapp/accounts/{id} (owner, admin): 204; its numbers and templates go too. */
export function deleteAccount(id: number): Promise<void> {
  return apiClient.delete(`/api/v1/whatsapp/accounts/${id}`);
}

export function useDeleteAccount() {
  return useInvalidatingMutation(deleteAccount, [
    queryKeys.whatsappAccounts,
    queryKeys.whatsappTemplates,
  ]);
}
