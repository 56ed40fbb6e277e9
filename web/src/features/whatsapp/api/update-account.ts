import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';
import type { Account, AccountStatus } from './get-accounts';

export interface UpdateAccountInput {
  id: number;
  name?: string;
  waba_id?: string;
  access_token?: string;
  app_secret?: string;
  verify_token?: string;
  /** An empty string goes back to Meta's Graph API. */
  graph_url?: string;
  status?: AccountStatus;
}

/** PATCH /api/v1/whatsapp/accounts/{id} (owner, admin): 200 Account. */
export function updateAccount({ id, ...changes }: UpdateAccountInput): Promise<Account> {
  return apiClient.patch<Account>(`/api/v1/whatsapp/accounts/${id}`, changes);
}

export function useUpdateAccount() {
  return useInvalidatingMutation(updateAccount, [queryKeys.whatsappAccounts]);
}
