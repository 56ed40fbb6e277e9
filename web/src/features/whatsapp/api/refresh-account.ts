import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Account } from './get-accounts';

/**
 * POST /api/v1/whatsapp/accounts/{id}/refresh (owner, admin): 200 Account with its numbers as
 * Meta has them now; 502 `upstream_failed` carrying Meta's error when the Graph API refused.
 */
export function refreshAccount(id: number): Promise<Account> {
  return apiClient.post<Account>(`/api/v1/whatsapp/accounts/${id}/refresh`);
}

export function useRefreshAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: refreshAccount,
    // A failed refresh is kept in the account's `refresh_error` as well, so the list is
    // refetched however the call ends.
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.whatsappAccounts }),
  });
}
